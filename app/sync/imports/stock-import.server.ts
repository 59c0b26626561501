import type { Db } from "~/db/client";
import { canStartStockImport, initialStockAdjustments, stockImportReason, type ShopifyAvailable, type StockImportCheck } from "~/domain/stock-import";
import { ShopifyAccessLostError, type AdminGraphql, type ShopifyResult } from "~/shopify/client";
import { LOCATION_AVAILABLE_QUERY, type LocationAvailableData } from "~/shopify/documents";
import { loadStoreView } from "../../services/stores/connections.server";
import { throttledQuery } from "./customer-import.server";
import { ImportNotReady, type ScheduleImport } from "./product-import.server";
import { fail, ok, type Result } from "../../services/result";
import { inTransaction, lockVariants, writeStockChanges } from "../../services/stock/stock.server";

/**
 * The initial stock import: Shopify's *available* at every mapped location, plus what open
 * imported orders already hold, becomes one stock adjustment per mapped Tenon location
 * (app/domain/stock-import.ts). Everything is read first and written in one transaction that
 * also marks the run finished, so a job resumed after a crash never adds twice. Running the
 * import again on purpose does add again (product.md; the page warns).
 */

const ACTIVE = ["queued", "running"];

/** Whether "Import initial stock" may start for this store, with the reason shown beside the button. */
export async function checkStockImport(db: Db, accountId: string, storeId: string): Promise<StockImportCheck | null> {
  const view = await loadStoreView(db, accountId, storeId);
  if (!view) return null;
  const [mappedVariantCount, running] = await Promise.all([
    db.variantMapping.count({ where: { storeId } }),
    db.importRun.findMany({ where: { storeId, kind: { in: ["stock", "products"] }, state: { in: ACTIVE } }, select: { kind: true } }),
  ]);
  return canStartStockImport({
    state: view.state.state,
    problems: view.state.problems,
    mappedVariantCount,
    stockImportRunning: running.some((r) => r.kind === "stock"),
    productImportRunning: running.some((r) => r.kind === "products"),
  });
}

export async function startStockImport(
  db: Db,
  accountId: string,
  storeId: string,
  schedule: ScheduleImport,
): Promise<Result<{ importId: string }>> {
  const check = await checkStockImport(db, accountId, storeId);
  if (!check) return fail("STORE_NOT_FOUND", "This store is not connected to your Tenon account.");
  if (!check.ok) return fail(check.code, check.reason);
  return db.$transaction(async (tx) => {
    // Checked again inside the transaction: two clicks must not start two imports that both add.
    const running = await tx.importRun.findFirst({ where: { storeId, kind: "stock", state: { in: ACTIVE } } });
    if (running) return fail("IMPORT_RUNNING", "An initial stock import is already running for this store. Wait for it to finish.");
    const run = await tx.importRun.create({ data: { storeId, kind: "stock" } });
    await schedule(tx, run.id);
    return ok({ importId: run.id });
  });
}

export interface StockImportDeps {
  db: Db;
  admin: AdminGraphql;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

async function readAvailable(deps: StockImportDeps, shopifyLocationId: string, wanted: ReadonlySet<string>): Promise<ShopifyAvailable[]> {
  const levels: ShopifyAvailable[] = [];
  let after: string | null = null;
  do {
    if (deps.signal?.aborted) throw new ImportNotReady("Stopped while reading Shopify's stock; the import reads it again.");
    const page: ShopifyResult<LocationAvailableData> = await throttledQuery<LocationAvailableData>(deps, LOCATION_AVAILABLE_QUERY, { locationId: shopifyLocationId, after });
    if (!page.ok) throw new Error(`Could not read Shopify's stock: ${page.message}`);
    const location: LocationAvailableData["location"] = page.data.location;
    if (!location) throw new Error(`Shopify no longer knows location ${shopifyLocationId}. Check the location mapping on the Inventory tab.`);
    for (const level of location.inventoryLevels.nodes) {
      if (!wanted.has(level.item.id)) continue;
      const available = level.quantities.find((q) => q.name === "available")?.quantity ?? 0;
      levels.push({ inventoryItemId: level.item.id, shopifyLocationId, available });
    }
    after = location.inventoryLevels.pageInfo.hasNextPage ? location.inventoryLevels.pageInfo.endCursor : null;
  } while (after);
  return levels;
}

export async function runStockImport(importId: string, deps: StockImportDeps): Promise<void> {
  const { db } = deps;
  const run = await db.importRun.findUniqueOrThrow({ where: { id: importId }, include: { store: true } });
  if (run.state === "succeeded" || run.state === "failed") return;
  const { accountId, name: shopName } = run.store;
  const storeId = run.storeId;
  await db.importRun.update({ where: { id: importId }, data: { state: "running" } });
  try {
    // The store may have changed since the button was pressed (sync activated, a new location).
    const view = await loadStoreView(db, accountId, storeId);
    const mappedVariantCount = await db.variantMapping.count({ where: { storeId } });
    const check = canStartStockImport({
      state: view?.state.state ?? "not_connected",
      problems: view?.state.problems ?? [],
      mappedVariantCount,
      stockImportRunning: false,
      // Started after a product import had finished; one started since then is the merchant's choice.
      productImportRunning: false,
    });
    if (!check.ok) throw new Error(check.reason);

    const [mappings, shopifyLocations] = await Promise.all([
      db.variantMapping.findMany({ where: { storeId, inventoryItemId: { not: null } }, select: { inventoryItemId: true, variantId: true } }),
      db.shopifyLocation.findMany({ where: { storeId, removedAt: null, locationId: { not: null }, location: { deletedAt: null } } }),
    ]);
    const variantByInventoryItem = new Map(mappings.map((m) => [m.inventoryItemId!, m.variantId]));
    const stocked = new Set<string>();
    const failures: { ref: string; message: string }[] = [];
    const variants = await db.variant.findMany({
      where: { accountId, id: { in: [...new Set(mappings.map((m) => m.variantId))] } },
      select: { id: true, name: true, code: true, product: { select: { name: true, kind: true, batchTracked: true } } },
    });
    for (const variant of variants) {
      if (variant.product.kind !== "physical") continue;
      if (variant.product.batchTracked) {
        const ref = `${variant.product.name}${variant.name ? ` – ${variant.name}` : ""}${variant.code ? ` (${variant.code})` : ""}`;
        failures.push({ ref, message: "Batch-tracked: its stock is not imported; receive it per batch instead." });
        continue;
      }
      stocked.add(variant.id);
    }
    const locationByShopifyLocation = new Map(shopifyLocations.map((l) => [l.shopifyLocationId, l.locationId!]));
    const levels: ShopifyAvailable[] = [];
    const wanted = new Set(variantByInventoryItem.keys());
    for (const location of shopifyLocations) levels.push(...(await readAvailable(deps, location.shopifyLocationId, wanted)));
    await db.importRun.update({ where: { id: importId }, data: { total: levels.length } });

    const heldRows = await db.salesOrderRow.findMany({
      where: {
        salesOrder: { accountId, source: "shopify", storeId },
        state: { not: "delivered" },
        isShippingFee: false,
        variantId: { in: [...stocked] },
        locationId: { in: [...new Set(locationByShopifyLocation.values())] },
      },
      select: { variantId: true, locationId: true, quantity: true },
    });
    const adjustments = initialStockAdjustments({
      levels,
      variantByInventoryItem,
      locationByShopifyLocation,
      heldByOpenOrders: heldRows.map((r) => ({ variantId: r.variantId!, locationId: r.locationId!, quantity: r.quantity.toString() })),
      stockedVariantIds: stocked,
    });

    const now = deps.clock();
    const reason = stockImportReason(shopName);
    const written = await inTransaction(db, async (tx) => {
      // Finished in the same transaction as the stock: a resumed job finds it done and adds nothing.
      const claimed = await tx.importRun.updateMany({ where: { id: importId, state: "running" }, data: { state: "succeeded" } });
      if (claimed.count === 0) return fail("ALREADY_FINISHED", "This stock import has already finished.");
      await lockVariants(tx, adjustments.flatMap((a) => a.lines.map((l) => l.variantId)));
      const result = await writeStockChanges(tx, accountId, {
        movements: adjustments.flatMap((a) =>
          a.lines.map((line) => ({ variantId: line.variantId, locationId: a.locationId, kind: "adjustment" as const, quantity: line.quantity, occurredAt: now, reason })),
        ),
      });
      if (!result.ok) return result;
      await tx.importRun.update({
        where: { id: importId },
        data: { done: levels.length, finishedAt: now, failures: failures.length > 0 ? failures : undefined },
      });
      return ok(undefined);
    });
    if (!written.ok && written.code !== "ALREADY_FINISHED") throw new Error(written.message);
  } catch (error) {
    // Not ready yet, or no access to the store (the job parks it, ADR 019): the run is not over.
    if (error instanceof ImportNotReady || error instanceof ShopifyAccessLostError) throw error;
    await db.importRun.update({
      where: { id: importId },
      data: { state: "failed", error: (error as Error).message, finishedAt: deps.clock() },
    });
  }
}
