import type { Prisma } from "@prisma/client";
import type { Db } from "~/db/client";
import { toCsv, type CsvColumn } from "~/domain/csv";
import { pairKey } from "~/domain/stock-levels";
import { storePushGate } from "~/domain/stock-push";
import { ShopifyAccessLostError, type ShopifyClient } from "~/shopify/client";
import {
  BULK_OPERATION_RUN_QUERY_MUTATION,
  BULK_OPERATION_STATUS_QUERY,
  type BulkOperationRunData,
  type BulkOperationStatusData,
} from "~/shopify/documents";
import { BULK_INVENTORY_LEVELS_QUERY } from "~/shopify/stock-push-documents";
import { fail, ok, type Result } from "../../services/result";
import { enqueueStockPush, refreshTargets, wantedTargets, type EnqueuePush } from "./stock-push.server";

/**
 * The drift report (issue 8 item 6): Tenon's wanted quantity vs Shopify's available for every
 * target of a store (variant × location), Shopify's side read with one bulk operation. Read-only
 * until the merchant presses **Fix all**, which pushes Tenon's number to the mismatched targets
 * (compare-and-set against the quantity the report read). Runs are ImportRun rows of kind
 * `stock_drift`: state, total (targets compared), done (mismatches), failures (the report).
 */

export const DRIFT_KIND = "stock_drift";
/** Mismatches kept for the page, the CSV and Fix all (the count is always complete). */
const MAX_ROWS = 20_000;

export interface DriftRow {
  sku: string | null;
  variantId: string;
  locationId: string;
  inventoryItemId: string;
  shopifyLocationId: string;
  wanted: number;
  /** Shopify's available; null when the item is not stocked at that location. */
  shopify: number | null;
}

export interface DriftReport {
  runId: string;
  state: string;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  compared: number;
  mismatches: number;
  notStocked: number;
  rows: DriftRow[];
}

export type EnqueueDrift = (tx: Prisma.TransactionClient, runId: string) => Promise<unknown>;

const enqueueDriftJob: EnqueueDrift = async (tx, runId) => {
  const { enqueue } = await import("~/jobs/index.server");
  return enqueue(tx, "stock.drift", { runId });
};

/** Starts a drift report (refused while one runs, or when the store is not connected). */
export async function startDriftReport(db: Db, accountId: string, storeId: string, enqueueDrift: EnqueueDrift = enqueueDriftJob): Promise<Result<{ runId: string }>> {
  const store = await db.store.findFirst({ where: { id: storeId, accountId }, select: { id: true, connection: true } });
  if (!store) return fail("STORE_NOT_FOUND", "This store is not connected to your Tenon account.");
  if (store.connection !== "connected") return fail("STORE_DISCONNECTED", "Connect the store again to compare its stock with Tenon.");
  return db.$transaction(async (tx) => {
    const running = await tx.importRun.findFirst({ where: { storeId, kind: DRIFT_KIND, state: { in: ["queued", "running"] } } });
    if (running) return fail("DRIFT_RUNNING", "A drift report is already being prepared. It appears here when Shopify's export is ready.");
    const run = await tx.importRun.create({ data: { storeId, kind: DRIFT_KIND, state: "queued" } });
    await enqueueDrift(tx, run.id);
    return ok({ runId: run.id });
  });
}

export interface DriftDeps {
  db: Db;
  client: ShopifyClient;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  download: (url: string) => Promise<string>;
  signal?: AbortSignal;
}

/** The job: bulk-read Shopify's levels, compare every target, store the report. */
export async function runDriftReport(runId: string, deps: DriftDeps): Promise<void> {
  const { db } = deps;
  const run = await db.importRun.findUniqueOrThrow({ where: { id: runId }, include: { store: { select: { accountId: true, id: true } } } });
  if (run.state === "succeeded" || run.state === "failed") return;
  await db.importRun.update({ where: { id: runId }, data: { state: "running" } });
  try {
    const url = await bulkResultUrl(deps, runId, run.bulkOperationId);
    const shopify = parseLevels(url ? await deps.download(url) : "");
    const { targets } = await wantedTargets(db, run.store.accountId, { storeId: run.store.id });
    const rows: DriftRow[] = [];
    let mismatches = 0;
    let notStocked = 0;
    for (const t of targets) {
      const available = shopify.get(`${t.inventoryItemId}|${t.shopifyLocationId}`);
      if (available === undefined) {
        notStocked++;
        continue;
      }
      if (available === t.quantity.quantity) continue;
      mismatches++;
      if (rows.length < MAX_ROWS) {
        rows.push({ sku: t.sku, variantId: t.variantId, locationId: t.locationId, inventoryItemId: t.inventoryItemId, shopifyLocationId: t.shopifyLocationId, wanted: t.quantity.quantity, shopify: available });
      }
    }
    await db.importRun.update({
      where: { id: runId },
      data: {
        state: "succeeded",
        total: targets.length,
        done: mismatches,
        failures: { notStocked, rows } as unknown as Prisma.InputJsonValue,
        finishedAt: deps.now(),
      },
    });
  } catch (error) {
    // Not ready yet, or no access to the store (the job parks it, ADR 019): the run is not over.
    if (error instanceof DriftNotReady || error instanceof ShopifyAccessLostError) throw error;
    await db.importRun.update({ where: { id: runId }, data: { state: "failed", error: (error as Error).message, finishedAt: deps.now() } });
  }
}

/** Thrown to the runner: Shopify's export is not finished yet; the job is retried. */
export class DriftNotReady extends Error {}

async function bulkResultUrl(deps: DriftDeps, runId: string, started: string | null): Promise<string | null> {
  let operationId = started;
  if (!operationId) {
    const answer = await deps.client.request<BulkOperationRunData>(BULK_OPERATION_RUN_QUERY_MUTATION, { query: BULK_INVENTORY_LEVELS_QUERY });
    if (!answer.ok) throw new DriftNotReady(`Shopify did not start the stock export: ${answer.message}`);
    const { bulkOperation, userErrors } = answer.data.bulkOperationRunQuery;
    if (!bulkOperation) throw new Error(`Shopify refused the stock export: ${userErrors.map((e) => e.message).join("; ")}`);
    operationId = bulkOperation.id;
    await deps.db.importRun.update({ where: { id: runId }, data: { bulkOperationId: operationId } });
  }
  for (let attempt = 0; attempt < 300; attempt++) {
    if (deps.signal?.aborted) throw new DriftNotReady("Stopped while waiting for Shopify's stock export.");
    const status = await deps.client.request<BulkOperationStatusData>(BULK_OPERATION_STATUS_QUERY, { id: operationId });
    if (!status.ok) throw new DriftNotReady(`Could not read the export's status: ${status.message}`);
    const operation = status.data.node;
    if (!operation) throw new Error("Shopify no longer knows the stock export. Start the drift report again.");
    if (operation.status === "COMPLETED") return operation.url;
    if (["FAILED", "CANCELED", "EXPIRED"].includes(operation.status)) {
      throw new Error(`Shopify's stock export ended ${operation.status.toLowerCase()}${operation.errorCode ? ` (${operation.errorCode})` : ""}. Start the drift report again.`);
    }
    await deps.sleep(Math.min(2_000, 200 * (attempt + 1)));
  }
  throw new DriftNotReady("Shopify's stock export is still running.");
}

/** item GID|location GID → available, from the bulk JSONL (levels follow their item with __parentId). */
export function parseLevels(jsonl: string): Map<string, number> {
  const levels = new Map<string, number>();
  for (const line of jsonl.split("\n")) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as { __parentId?: string; location?: { id: string }; quantities?: { name: string; quantity: number }[] };
    if (!record.__parentId || !record.location) continue;
    const available = record.quantities?.find((q) => q.name === "available")?.quantity;
    if (available !== undefined) levels.set(`${record.__parentId}|${record.location.id}`, available);
  }
  return levels;
}

/** The latest drift report of the store, or null. */
export async function latestDriftReport(db: Db, storeId: string): Promise<DriftReport | null> {
  const run = await db.importRun.findFirst({ where: { storeId, kind: DRIFT_KIND }, orderBy: { startedAt: "desc" } });
  if (!run) return null;
  const report = (run.failures ?? { notStocked: 0, rows: [] }) as unknown as { notStocked: number; rows: DriftRow[] };
  return {
    runId: run.id,
    state: run.state,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
    compared: run.total ?? 0,
    mismatches: run.done,
    notStocked: report.notStocked ?? 0,
    rows: report.rows ?? [],
  };
}

/**
 * Fix all: the report's mismatched targets get Tenon's current number, compare-and-set against
 * what the report read (a target Shopify changed since answers stale and is re-read first).
 */
export async function fixAllDrift(
  db: Db,
  accountId: string,
  storeId: string,
  runId: string,
  now: Date,
  enqueuePush: EnqueuePush = enqueueStockPush,
): Promise<Result<{ targets: number }>> {
  const store = await db.store.findFirst({ where: { id: storeId, accountId }, select: { id: true, connection: true, syncActive: true, settings: true } });
  if (!store) return fail("STORE_NOT_FOUND", "This store is not connected to your Tenon account.");
  const gate = storePushGate(store);
  if (!gate.push) return fail(gate.reason, gate.message);
  const report = await latestDriftReport(db, storeId);
  if (!report || report.runId !== runId || report.state !== "succeeded") {
    return fail("DRIFT_REPORT_STALE", "This drift report is no longer the latest. Run the report again, then fix.");
  }
  if (report.rows.length === 0) return ok({ targets: 0 });
  return db.$transaction(
    async (tx) => {
      const pairs = report.rows.map((r) => ({ variantId: r.variantId, locationId: r.locationId }));
      await refreshTargets(tx, accountId, { storeId, pairs }, { now, force: true });
      // What the report read is what Shopify showed: the compare-and-set starts from it.
      const imported = await tx.salesOrderRow.groupBy({
        by: ["variantId", "locationId"],
        where: { variantId: { in: [...new Set(pairs.map((p) => p.variantId))] }, isShippingFee: false, salesOrder: { storeId, source: "shopify" } },
        _sum: { quantity: true },
      });
      const importedAt = new Map(imported.map((s) => [pairKey(s.variantId ?? "", s.locationId ?? ""), s._sum.quantity ?? 0]));
      for (const row of report.rows) {
        if (row.shopify === null) continue;
        await tx.stockPushTarget.updateMany({
          where: { storeId, inventoryItemId: row.inventoryItemId, shopifyLocationId: row.shopifyLocationId },
          data: {
            confirmed: row.shopify,
            confirmedAt: report.finishedAt ?? now,
            observed: row.shopify,
            observedAt: report.finishedAt ?? now,
            unimported: 0,
            importedBase: importedAt.get(pairKey(row.variantId, row.locationId)) ?? 0,
            state: "pending",
          },
        });
      }
      await enqueuePush(tx, storeId);
      return ok({ targets: report.rows.length });
    },
    { timeout: 120_000, maxWait: 20_000 },
  );
}

const driftColumns: CsvColumn<DriftRow & { location: string }>[] = [
  { header: "SKU", value: (r) => r.sku },
  { header: "Shopify location", value: (r) => r.location },
  { header: "Tenon wants", value: (r) => r.wanted },
  { header: "Shopify available", value: (r) => r.shopify },
  { header: "Difference", value: (r) => (r.shopify === null ? null : r.shopify - r.wanted) },
  { header: "Shopify inventory item", value: (r) => r.inventoryItemId },
  { header: "Shopify location id", value: (r) => r.shopifyLocationId },
];

/** The report as CSV (with the Shopify location names). */
export async function driftReportCsv(db: Db, accountId: string, storeId: string): Promise<string | null> {
  const store = await db.store.findFirst({ where: { id: storeId, accountId }, select: { id: true } });
  if (!store) return null;
  const report = await latestDriftReport(db, storeId);
  const names = new Map((await db.shopifyLocation.findMany({ where: { storeId } })).map((l) => [l.shopifyLocationId, l.name]));
  const rows = (report?.rows ?? []).map((r) => ({ ...r, location: names.get(r.shopifyLocationId) ?? r.shopifyLocationId }));
  return toCsv(driftColumns, rows, { byteOrderMark: true });
}
