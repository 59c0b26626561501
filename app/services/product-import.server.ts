import type { Prisma } from "@prisma/client";
import type { Db } from "~/db/client";
import { draftFromShopify, groupBulkLines, type ShopifyProductLine, type TenonProductDraft } from "~/domain/product-import";
import { parseSettings } from "~/domain/settings";
import { shopifyQuery, type AdminGraphql } from "~/shopify/client";
import {
  BULK_OPERATION_RUN_QUERY_MUTATION,
  BULK_OPERATION_STATUS_QUERY,
  BULK_PRODUCTS_QUERY,
  SHOP_TAXES_QUERY,
  type BulkOperationRunData,
  type BulkOperationStatusData,
  type ShopTaxesData,
} from "~/shopify/documents";
import { fail, ok, type Result } from "./result";

/**
 * The product import: a bulk operation reads every Shopify product and variant; Tenon creates
 * or updates its products and variants and the SKU map (Shopify variant ↔ Tenon variant).
 * Matching: the store's existing mapping first (re-runs never duplicate), then the SKU (trimmed,
 * case-sensitive; a SKU another store already brought is the same Tenon product), else a new
 * Tenon product. Resumable: a restarted job re-reads the finished bulk operation and skips
 * what is mapped. A product that fails is listed with why; the rest still lands.
 */

type Tx = Prisma.TransactionClient;
export type ScheduleImport = (tx: Tx, importId: string) => Promise<unknown>;

const ACTIVE = ["queued", "running"];

/**
 * Starts an import of one kind for a store: refused unless the store is connected and no import
 * of that kind runs for it; the run and its job are created in one transaction.
 */
export async function startImportRun(
  db: Db,
  accountId: string,
  storeId: string,
  kind: "products" | "customers",
  schedule: ScheduleImport,
): Promise<Result<{ importId: string }>> {
  const store = await db.store.findFirst({ where: { id: storeId, accountId } });
  if (!store) return fail("STORE_NOT_FOUND", "This store is not connected to your Tenon account.");
  if (store.connection !== "connected") return fail("STORE_NOT_CONNECTED", `Connect the store before importing its ${kind}.`);
  const label = kind === "products" ? "A product import" : "A customer import";
  return db.$transaction(async (tx) => {
    const running = await tx.importRun.findFirst({ where: { storeId, kind, state: { in: ACTIVE } } });
    if (running) return fail("IMPORT_RUNNING", `${label} is already running for this store. Wait for it to finish.`);
    const run = await tx.importRun.create({ data: { storeId, kind } });
    await schedule(tx, run.id);
    return ok({ importId: run.id });
  });
}

export function startProductImport(db: Db, accountId: string, storeId: string, schedule: ScheduleImport) {
  return startImportRun(db, accountId, storeId, "products", schedule);
}

export interface ImportDeps {
  db: Db;
  admin: AdminGraphql;
  /** Downloads the bulk operation's result file (a URL Shopify signs). */
  download: (url: string) => Promise<string>;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

/** Thrown to the job runner: the import is not finished yet and should be retried. */
export class ImportNotReady extends Error {}

async function bulkResultUrl(deps: ImportDeps, importId: string): Promise<string | null> {
  const run = await deps.db.importRun.findUniqueOrThrow({ where: { id: importId } });
  let operationId = run.bulkOperationId;
  if (!operationId) {
    const started = await shopifyQuery<BulkOperationRunData>(deps.admin, BULK_OPERATION_RUN_QUERY_MUTATION, { query: BULK_PRODUCTS_QUERY });
    if (!started.ok) throw new Error(`Shopify did not start the product export: ${started.message}`);
    const { bulkOperation, userErrors } = started.data.bulkOperationRunQuery;
    if (!bulkOperation) throw new Error(`Shopify refused the product export: ${userErrors.map((e) => e.message).join("; ")}`);
    operationId = bulkOperation.id;
    await deps.db.importRun.update({ where: { id: importId }, data: { bulkOperationId: operationId } });
  }
  for (let attempt = 0; attempt < 600; attempt++) {
    if (deps.signal?.aborted) throw new ImportNotReady("Stopped while waiting for Shopify's export.");
    const status = await shopifyQuery<BulkOperationStatusData>(deps.admin, BULK_OPERATION_STATUS_QUERY, { id: operationId });
    if (!status.ok) throw new Error(`Could not read the export's status: ${status.message}`);
    const operation = status.data.node;
    if (!operation) throw new Error("Shopify no longer knows the product export. Start the import again.");
    if (operation.status === "COMPLETED") return operation.url;
    if (["FAILED", "CANCELED", "EXPIRED"].includes(operation.status)) {
      throw new Error(`Shopify's product export ended ${operation.status.toLowerCase()}${operation.errorCode ? ` (${operation.errorCode})` : ""}. Start the import again.`);
    }
    await deps.sleep(Math.min(2_000, 200 * (attempt + 1)));
  }
  throw new ImportNotReady("Shopify's export is still running.");
}

interface MatchContext {
  accountId: string;
  storeId: string;
}

/** Writes one Shopify product: matched variants are mapped, the rest created. */
async function importProduct(tx: Tx, ctx: MatchContext, shopifyProductId: string, draft: TenonProductDraft): Promise<void> {
  const mappings = await tx.variantMapping.findMany({
    where: { storeId: ctx.storeId, shopifyVariantId: { in: draft.variants.map((v) => v.shopifyVariantId) } },
  });
  const mapped = new Map(mappings.map((m) => [m.shopifyVariantId, m]));
  let productId: string | null = null;
  const siblings = await tx.variantMapping.findFirst({ where: { storeId: ctx.storeId, shopifyProductId }, select: { variantId: true } });
  if (siblings) productId = (await tx.variant.findUnique({ where: { id: siblings.variantId }, select: { productId: true } }))?.productId ?? null;

  for (const variant of draft.variants) {
    const existing = mapped.get(variant.shopifyVariantId);
    let variantId = existing?.variantId ?? null;
    if (!variantId && variant.code) {
      const byCode = await tx.variant.findFirst({
        where: { accountId: ctx.accountId, code: variant.code },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        select: { id: true, productId: true },
      });
      if (byCode) {
        variantId = byCode.id;
        productId ??= byCode.productId;
      }
    }
    if (!variantId) {
      if (!productId) {
        const product = await tx.product.create({ data: { accountId: ctx.accountId, name: draft.name, kind: draft.kind } });
        productId = product.id;
      }
      const created = await tx.variant.create({
        data: {
          accountId: ctx.accountId,
          productId,
          name: variant.name,
          code: variant.code,
          salesPrice: variant.salesPrice,
          cost: variant.cost,
        },
      });
      variantId = created.id;
    }
    await tx.variantMapping.upsert({
      where: { storeId_shopifyVariantId: { storeId: ctx.storeId, shopifyVariantId: variant.shopifyVariantId } },
      create: {
        storeId: ctx.storeId,
        shopifyVariantId: variant.shopifyVariantId,
        shopifyProductId,
        inventoryItemId: variant.inventoryItemId,
        variantId,
        sku: variant.code,
      },
      update: { shopifyProductId, inventoryItemId: variant.inventoryItemId, variantId, sku: variant.code },
    });
  }
}

const CHUNK = 50;

export async function runProductImport(importId: string, deps: ImportDeps): Promise<void> {
  const { db } = deps;
  const run = await db.importRun.findUniqueOrThrow({ where: { id: importId }, include: { store: true } });
  if (run.state === "succeeded" || run.state === "failed") return;
  await db.importRun.update({ where: { id: importId }, data: { state: "running" } });
  try {
    const url = await bulkResultUrl(deps, importId);
    const file = url ? await deps.download(url) : "";
    const { products, unreadable } = groupBulkLines(file.split("\n"));
    const taxes = await shopifyQuery<ShopTaxesData>(deps.admin, SHOP_TAXES_QUERY);
    if (!taxes.ok) throw new Error(`Could not read the store's tax setting: ${taxes.message}`);
    const settings = parseSettings(run.store.settings).products;
    const options = {
      taxesIncluded: taxes.data.shop.taxesIncluded,
      defaultTaxRatePercent: settings.defaultTaxRatePercent,
      importCostPerItem: settings.importCostPerItem,
      nonPhysicalProducts: settings.nonPhysicalProducts,
    };
    const total = products.reduce((n, p) => n + p.variants.length, 0);
    await db.importRun.update({ where: { id: importId }, data: { total } });
    const failures: { ref: string; message: string }[] = unreadable.map((u) => ({ ref: `line ${u.line}`, message: u.message }));
    const ctx = { accountId: run.store.accountId, storeId: run.storeId };
    let done = 0;
    for (let start = 0; start < products.length; start += CHUNK) {
      if (deps.signal?.aborted) throw new ImportNotReady("Stopped part-way; the import resumes where it was.");
      const chunk: ShopifyProductLine[] = products.slice(start, start + CHUNK);
      for (const product of chunk) {
        try {
          await db.$transaction((tx) => importProduct(tx, ctx, product.id, draftFromShopify(product, options)));
        } catch (error) {
          failures.push({ ref: `${product.title} (${product.id})`, message: (error as Error).message.split("\n")[0] ?? "Could not be saved." });
        }
        done += product.variants.length;
      }
      await db.importRun.update({ where: { id: importId }, data: { done } });
    }
    await db.importRun.update({
      where: { id: importId },
      data: { state: "succeeded", done, finishedAt: deps.clock(), failures: failures.length > 0 ? failures : undefined },
    });
  } catch (error) {
    if (error instanceof ImportNotReady) throw error;
    await db.importRun.update({
      where: { id: importId },
      data: { state: "failed", error: (error as Error).message, finishedAt: deps.clock() },
    });
  }
}

/** The latest import of each kind for a store, for the banners. */
export async function latestImports(db: Db, accountId: string, storeId: string) {
  const runs = await db.importRun.findMany({
    where: { storeId, store: { accountId } },
    orderBy: { startedAt: "desc" },
    take: 10,
  });
  const latest = new Map<string, (typeof runs)[number]>();
  for (const run of runs) if (!latest.has(run.kind)) latest.set(run.kind, run);
  return [...latest.values()];
}
