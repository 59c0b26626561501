import type { Prisma } from "@prisma/client";
import type { Db } from "~/db/client";
import { dialectOf, newId, type Dialect } from "~/db/raw-sql";
import {
  batchesOf,
  draftFromShopify,
  bulkLineGrouper,
  groupBulkLines,
  planImportBatch,
  resumePoint,
  type BatchKnowledge,
  type TenonProductDraft,
} from "~/domain/product-import";
import { parseSettings } from "~/domain/settings";
import { shopifyQuery, ShopifyAccessLostError, type AdminGraphql } from "~/shopify/client";
import {
  BULK_OPERATION_RUN_QUERY_MUTATION,
  BULK_OPERATION_STATUS_QUERY,
  BULK_PRODUCTS_QUERY,
  SHOP_TAXES_QUERY,
  type BulkOperationRunData,
  type BulkOperationStatusData,
  type ShopTaxesData,
} from "~/shopify/documents";
import { fail, ok, type Result } from "../../services/result";

/**
 * The product import: a bulk operation reads every Shopify product and variant; Tenon creates
 * or updates its products and variants and the SKU map (Shopify variant ↔ Tenon variant).
 * Matching: the store's existing mapping first (re-runs never duplicate), then the SKU (trimmed,
 * case-sensitive; a SKU another store already brought is the same Tenon product), else a new
 * Tenon product. Products are written in batches of about 1,000 variants per transaction, with
 * the progress (ADR 016): a restarted job re-reads the same finished bulk operation and skips
 * what the committed progress covers. A product that fails is listed with why; the rest lands.
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
  /** Downloads the bulk operation's result file (a URL Shopify signs): its JSONL lines as they arrive, or the whole text (tests). */
  download: (url: string) => Promise<string | AsyncIterable<string>>;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

/** Thrown to the job runner: the import is not finished yet and should be retried. */
export class ImportNotReady extends Error {}

async function startExport(deps: ImportDeps, importId: string): Promise<string> {
  const started = await shopifyQuery<BulkOperationRunData>(deps.admin, BULK_OPERATION_RUN_QUERY_MUTATION, { query: BULK_PRODUCTS_QUERY });
  if (!started.ok) throw new Error(`Shopify did not start the product export: ${started.message}`);
  const { bulkOperation, userErrors } = started.data.bulkOperationRunQuery;
  if (!bulkOperation) throw new Error(`Shopify refused the product export: ${userErrors.map((e) => e.message).join("; ")}`);
  await deps.db.importRun.update({ where: { id: importId }, data: { bulkOperationId: bulkOperation.id } });
  return bulkOperation.id;
}

async function bulkResultUrl(deps: ImportDeps, importId: string): Promise<string | null> {
  const run = await deps.db.importRun.findUniqueOrThrow({ where: { id: importId } });
  let operationId = run.bulkOperationId ?? (await startExport(deps, importId));
  let restarted = false;
  for (let attempt = 0; attempt < 600; attempt++) {
    if (deps.signal?.aborted) throw new ImportNotReady("Stopped while waiting for Shopify's export.");
    const status = await shopifyQuery<BulkOperationStatusData>(deps.admin, BULK_OPERATION_STATUS_QUERY, { id: operationId });
    if (!status.ok) throw new Error(`Could not read the export's status: ${status.message}`);
    const operation = status.data.node;
    if (!operation) throw new Error("Shopify no longer knows the product export. Start the import again.");
    if (operation.status === "COMPLETED") return operation.url;
    if (operation.status === "EXPIRED" && !restarted) {
      // Shopify keeps an export's file for seven days (BulkOperation.url,
      // https://shopify.dev/docs/api/admin-graphql/latest/objects/BulkOperation): a run resumed
      // later (parked without access, ADR 019) exports again. The new file's order is not the
      // old one's, so the run starts over at 0 (ADR 028); what it already wrote is matched by
      // the SKU map and not written twice (ADR 016).
      await deps.db.importRun.update({ where: { id: importId }, data: { total: null, done: 0, failures: [] } });
      operationId = await startExport(deps, importId);
      restarted = true;
      continue;
    }
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

/** SQLite allows 999 parameters per statement (Prisma's limit there): IN lists are cut below it. */
const IN_LIMIT = 900;
function chunksOf<T>(values: readonly T[], size = IN_LIMIT): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}

type Column = { name: string; decimal?: boolean };
const PRODUCT_COLUMNS: Column[] = [{ name: "id" }, { name: "accountId" }, { name: "name" }, { name: "kind" }];
const VARIANT_COLUMNS: Column[] = [
  { name: "id" },
  { name: "accountId" },
  { name: "productId" },
  { name: "name" },
  { name: "code" },
  { name: "salesPrice", decimal: true },
  { name: "cost", decimal: true },
];
const MAPPING_COLUMNS: Column[] = [
  { name: "id" },
  { name: "storeId" },
  { name: "shopifyVariantId" },
  { name: "shopifyProductId" },
  { name: "inventoryItemId" },
  { name: "variantId" },
  { name: "sku" },
];

/**
 * Inserts many rows in one statement whose only data parameter is the rows as JSON, unpacked by
 * the database (json_each on SQLite, json_array_elements on PostgreSQL). Prisma's createMany
 * binds every value (at most 999 per statement on SQLite) and costs ~7× more per row here
 * (ADR 016). Columns are the model's; createdAt and updatedAt are `now` as Prisma writes them;
 * every other column keeps its database default.
 */
async function insertRows(tx: Tx, dialect: Dialect, table: string, columns: Column[], rows: Record<string, unknown>[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  const names = [...columns.map((c) => `"${c.name}"`), `"createdAt"`, `"updatedAt"`].join(", ");
  const json = JSON.stringify(rows.map((row) => columns.map((c) => row[c.name] ?? null)));
  if (dialect === "sqlite") {
    // DECIMAL columns store a number, as Prisma does; the column's affinity converts the text.
    const values = columns.map((_, i) => `value->>${i}`).join(", ");
    await tx.$executeRawUnsafe(`INSERT INTO "${table}" (${names}) SELECT ${values}, ?, ? FROM json_each(?)`, now, now, json);
  } else {
    const values = columns.map((c, i) => (c.decimal ? `CAST(value->>${i} AS DECIMAL)` : `value->>${i}`)).join(", ");
    await tx.$executeRawUnsafe(
      `INSERT INTO "${table}" (${names}) SELECT ${values}, CAST($1 AS TIMESTAMP(3)), CAST($1 AS TIMESTAMP(3)) FROM json_array_elements(CAST($2 AS json)) AS rows(value)`,
      now,
      json,
    );
  }
}

type ImportItem = { shopifyProductId: string; title: string; draft: TenonProductDraft };

/**
 * Writes a batch of Shopify products in the caller's transaction: reads what the store's map and
 * the account's SKUs already know about them (three queries), plans in memory
 * (planImportBatch), then inserts the new products, variants and mappings (insertRows) and
 * updates only the mappings that changed.
 */
async function importBatch(tx: Tx, dialect: Dialect, ctx: MatchContext, items: readonly ImportItem[]): Promise<void> {
  const shopifyVariantIds = items.flatMap((i) => i.draft.variants.map((v) => v.shopifyVariantId));
  const select = { shopifyVariantId: true, shopifyProductId: true, inventoryItemId: true, variantId: true, sku: true } as const;
  const known: BatchKnowledge = { mappings: new Map(), productOfShopifyProduct: new Map(), newestByCode: new Map() };
  for (const ids of chunksOf(shopifyVariantIds)) {
    const rows = await tx.variantMapping.findMany({ where: { storeId: ctx.storeId, shopifyVariantId: { in: ids } }, select });
    for (const row of rows) known.mappings.set(row.shopifyVariantId, row);
  }
  // A Shopify product some of whose variants are mapped: its new variants join that Tenon product.
  const siblingVariant = new Map<string, string>();
  for (const ids of chunksOf(items.map((i) => i.shopifyProductId))) {
    const rows = await tx.variantMapping.findMany({ where: { storeId: ctx.storeId, shopifyProductId: { in: ids } }, select: { shopifyProductId: true, variantId: true } });
    for (const row of rows) if (!siblingVariant.has(row.shopifyProductId)) siblingVariant.set(row.shopifyProductId, row.variantId);
  }
  const productOf = new Map<string, string>();
  for (const ids of chunksOf([...new Set(siblingVariant.values())])) {
    for (const v of await tx.variant.findMany({ where: { id: { in: ids } }, select: { id: true, productId: true } })) productOf.set(v.id, v.productId);
  }
  for (const [shopifyProductId, variantId] of siblingVariant) {
    const productId = productOf.get(variantId);
    if (productId) known.productOfShopifyProduct.set(shopifyProductId, productId);
  }
  const codes = [...new Set(items.flatMap((i) => i.draft.variants.filter((v) => v.code && !known.mappings.has(v.shopifyVariantId)).map((v) => v.code!)))];
  const candidates: { id: string; productId: string; code: string | null; createdAt: Date }[] = [];
  for (const chunk of chunksOf(codes)) {
    candidates.push(...(await tx.variant.findMany({ where: { accountId: ctx.accountId, code: { in: chunk } }, select: { id: true, productId: true, code: true, createdAt: true } })));
  }
  // The newest Tenon variant with each code (createdAt, then id, as the one-by-one lookup orders).
  candidates.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  for (const v of candidates) if (v.code && !known.newestByCode.has(v.code)) known.newestByCode.set(v.code, { id: v.id, productId: v.productId });

  const plan = planImportBatch(items, known, newId);
  const now = new Date();
  await insertRows(tx, dialect, "Product", PRODUCT_COLUMNS, plan.products.map((p) => ({ ...p, accountId: ctx.accountId })), now);
  await insertRows(tx, dialect, "Variant", VARIANT_COLUMNS, plan.variants.map((v) => ({ ...v, accountId: ctx.accountId })), now);
  await insertRows(tx, dialect, "VariantMapping", MAPPING_COLUMNS, plan.createMappings.map((m) => ({ ...m, id: newId(), storeId: ctx.storeId })), now);
  for (const m of plan.updateMappings) {
    await tx.variantMapping.update({
      where: { storeId_shopifyVariantId: { storeId: ctx.storeId, shopifyVariantId: m.shopifyVariantId } },
      data: { shopifyProductId: m.shopifyProductId, inventoryItemId: m.inventoryItemId, variantId: m.variantId, sku: m.sku },
    });
  }
}

/** Groups the export's lines into products as they arrive: the raw file is never held whole. */
async function readExport(file: string | AsyncIterable<string>) {
  if (typeof file === "string") return groupBulkLines(file.split("\n"));
  const grouper = bulkLineGrouper();
  for await (const line of file) grouper.add(line);
  return grouper.result();
}

type Failure = { ref: string; message: string };

/** The database's own words are the last line of Prisma's message (the first is often empty). */
const failureOf = (item: ImportItem, error: unknown): Failure => ({
  ref: `${item.title} (${item.shopifyProductId})`,
  message: `Could not be saved: ${
    String((error as Error).message ?? "")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "")
      .pop() ?? "unknown error"
  }`,
});

/**
 * How the products are written: "batched" (default) writes about `batchVariants` variants per
 * transaction together with the progress; "per-product" is one transaction per Shopify product
 * with the progress after every 50 (the original way, kept as the benchmark's comparison and
 * as the fallback that isolates a failing product when its batch cannot be written).
 */
export interface ImportTuning {
  strategy?: "batched" | "per-product";
  batchVariants?: number;
}

const PER_PRODUCT_CHUNK = 50;
const BATCH_VARIANTS = 1_000;
const TX_OPTIONS = { maxWait: 10_000, timeout: 120_000 };

export async function runProductImport(importId: string, deps: ImportDeps, tuning: ImportTuning = {}): Promise<void> {
  const { db } = deps;
  const run = await db.importRun.findUniqueOrThrow({ where: { id: importId }, include: { store: true } });
  if (run.state === "succeeded" || run.state === "failed") return;
  await db.importRun.update({ where: { id: importId }, data: { state: "running" } });
  try {
    const url = await bulkResultUrl(deps, importId);
    const { products, unreadable } = url ? await readExport(await deps.download(url)) : groupBulkLines([]);
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
    // A run that already recorded its total resumes: the same export (bulkOperationId), so the
    // same products in the same order; what `done` covers was committed and is skipped.
    const resuming = run.total !== null;
    const failures: Failure[] = resuming ? ((run.failures as Failure[] | null) ?? []) : unreadable.map((u) => ({ ref: `line ${u.line}`, message: u.message }));
    const start = resuming ? resumePoint(products.map((p) => p.variants.length), run.done) : { index: 0, done: 0 };
    await db.importRun.update({
      where: { id: importId },
      data: { total, done: start.done, failures: !resuming && failures.length > 0 ? failures : undefined },
    });
    const ctx = { accountId: run.store.accountId, storeId: run.storeId };
    const dialect = await dialectOf(db);
    const items: ImportItem[] = products.slice(start.index).map((p) => ({ shopifyProductId: p.id, title: p.title, draft: draftFromShopify(p, options) }));
    const batches =
      tuning.strategy === "per-product"
        ? Array.from({ length: Math.ceil(items.length / PER_PRODUCT_CHUNK) }, (_, i) => items.slice(i * PER_PRODUCT_CHUNK, (i + 1) * PER_PRODUCT_CHUNK))
        : batchesOf(items, (i) => i.draft.variants.length, tuning.batchVariants ?? BATCH_VARIANTS);
    let done = start.done;
    for (const batch of batches) {
      if (deps.signal?.aborted) throw new ImportNotReady("Stopped part-way; the import resumes where it was.");
      const after = done + batch.reduce((n, i) => n + i.draft.variants.length, 0);
      const progress = (tx: Tx, newFailures: Failure[]) =>
        tx.importRun.update({
          where: { id: importId },
          data: { done: after, failures: newFailures.length > 0 ? [...failures, ...newFailures] : undefined },
        });
      let written = false;
      if (tuning.strategy !== "per-product") {
        try {
          await db.$transaction(async (tx) => {
            await importBatch(tx, dialect, ctx, batch);
            await progress(tx, []);
          }, TX_OPTIONS);
          written = true;
        } catch {
          // Some product in the batch cannot be written: write them one by one to find it.
        }
      }
      if (!written) {
        const newFailures: Failure[] = [];
        for (const item of batch) {
          try {
            await db.$transaction((tx) => importProduct(tx, ctx, item.shopifyProductId, item.draft), TX_OPTIONS);
          } catch (error) {
            newFailures.push(failureOf(item, error));
          }
        }
        await db.$transaction((tx) => progress(tx, newFailures));
        failures.push(...newFailures);
      }
      done = after;
    }
    await db.importRun.update({
      where: { id: importId },
      data: { state: "succeeded", done, finishedAt: deps.clock(), failures: failures.length > 0 ? failures : undefined },
    });
  } catch (error) {
    // Not ready yet, or no access to the store (the job parks it, ADR 019): the run is not over.
    if (error instanceof ImportNotReady || error instanceof ShopifyAccessLostError) throw error;
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
