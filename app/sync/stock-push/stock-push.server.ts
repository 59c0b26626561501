import { createHash, randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { Db } from "~/db/client";
import { dialectOf, sqlParameters } from "~/db/raw-sql";
import { parseSettings } from "~/domain/settings";
import {
  classifyBatchErrors,
  keyRefusal,
  MAX_QUANTITIES_PER_CALL,
  planEntry,
  pushTargets,
  resolveSources,
  stockToPush,
  storePushGate,
  type PushTarget,
  type TargetPushState,
} from "~/domain/stock-push";
import { pairKey } from "~/domain/stock-levels";
import type { ShopifyClient } from "~/shopify/client";
import {
  STOCK_AVAILABLE_AT_LOCATION_QUERY,
  STOCK_SET_QUANTITIES_MUTATION,
  type StockAvailableAtLocationData,
  type StockSetQuantitiesData,
} from "~/shopify/stock-push-documents";
import { recordActivity } from "../../services/activity/activity-log.server";
import { fail, ok, type Result } from "../../services/result";
import { readStockLevels } from "../../services/stock/stock.server";
import { stockPushSerialKey } from "../../services/stock/stock-push-trigger.server";

/**
 * The stock push (issue 8, docs/decisions/012):
 *
 *   stock events (outbox, same transaction as the change)
 *     → stock.plan job: `planStockEvents` — targets reached through the SKU map × location
 *       mapping, wanted quantity per target, coalesced into the per-store pending set
 *       (StockPushTarget; a new wanted value bumps `version`)
 *     → stock.push job per store (serial key push:{storeId}): `runStockPush` — ≤ 250 entries per
 *       inventorySetQuantities, compare-and-set against what Shopify last confirmed, idempotency
 *       key, paced by the throttle-aware client; stale entries are re-read and planned again,
 *       a bad target fails alone with the reason.
 */

type Tx = Prisma.TransactionClient;

export type EnqueuePush = (tx: Tx, storeId: string) => Promise<unknown>;

/** Enqueues the store's push job (serialised per store). */
export const enqueueStockPush: EnqueuePush = async (tx, storeId) => {
  const { enqueue } = await import("~/jobs/index.server");
  return enqueue(tx, "stock.push", { storeId }, { serialKey: stockPushSerialKey(storeId) });
};

// ───────────────────────────── planning: events → pending set ─────────────────────────────

export interface PlanResult {
  events: number;
  /** Targets whose wanted quantity was (re)computed. */
  targets: number;
  /** Stores with targets waiting to be pushed (a push job was enqueued for each that pushes). */
  storeIds: string[];
}

const EVENTS_PER_TRANSACTION = 2_000;

/**
 * Turns the account's unprocessed stock events into pending targets, then enqueues a push for
 * each store that has something to push and pushes now. Stores that are paused, disconnected or
 * have inventory sync off still get their pending set updated (nothing is lost); the push waits.
 */
export async function planStockEvents(db: Db, accountId: string, now: Date, enqueuePush: EnqueuePush = enqueueStockPush): Promise<PlanResult> {
  const result: PlanResult = { events: 0, targets: 0, storeIds: [] };
  const stores = new Set<string>();
  for (;;) {
    const done = await db.$transaction(
      async (tx) => {
        const events = await tx.stockEvent.findMany({
          where: { accountId, processedAt: null },
          orderBy: { createdAt: "asc" },
          take: EVENTS_PER_TRANSACTION,
          select: { id: true, variantId: true, locationId: true },
        });
        if (events.length === 0) return true;
        const refreshed = await refreshTargets(tx, accountId, { pairs: events }, { now });
        await tx.stockEvent.updateMany({ where: { id: { in: events.map((e) => e.id) } }, data: { processedAt: now } });
        result.events += events.length;
        result.targets += refreshed.targets;
        for (const storeId of refreshed.pendingStoreIds) {
          if (stores.has(storeId)) continue;
          stores.add(storeId);
          if (refreshed.pushingStoreIds.has(storeId)) await enqueuePush(tx, storeId);
        }
        return events.length < EVENTS_PER_TRANSACTION;
      },
      { timeout: 60_000, maxWait: 20_000 },
    );
    if (done) break;
  }
  result.storeIds = [...stores];
  return result;
}

interface RefreshScope {
  /** Only targets fed by these variant × location pairs (a stock event each). */
  pairs?: readonly { variantId: string; locationId: string }[];
  /** Only this store (with no pairs: every target the store has). */
  storeId?: string;
}

interface RefreshResult {
  targets: number;
  pendingStoreIds: Set<string>;
  pushingStoreIds: Set<string>;
}

/**
 * Recomputes the wanted quantity of the targets in scope and writes them into the pending set:
 * a changed number bumps the version and makes the target pending; the same number leaves it
 * (a target already pending stays pending). `force` (Push all) makes every target pending.
 */
export async function refreshTargets(tx: Tx, accountId: string, scope: RefreshScope, options: { now: Date; force?: boolean }): Promise<RefreshResult> {
  const out: RefreshResult = { targets: 0, pendingStoreIds: new Set(), pushingStoreIds: new Set() };
  const computed = await wantedTargets(tx, accountId, scope);
  for (const s of computed.stores) if (storePushGate(s).push) out.pushingStoreIds.add(s.id);
  const targets = computed.targets;
  if (targets.length === 0) return out;
  const existing = await existingTargets(tx, targets);
  const creates: Prisma.StockPushTargetCreateManyInput[] = [];
  for (const target of targets) {
    const quantity = target.quantity;
    out.targets++;
    const row = existing.get(targetKey(target));
    if (!row) {
      creates.push({
        storeId: target.storeId,
        inventoryItemId: target.inventoryItemId,
        shopifyLocationId: target.shopifyLocationId,
        shopifyVariantId: target.shopifyVariantId,
        sku: target.sku,
        variantId: target.variantId,
        locationId: target.locationId,
        wanted: quantity.quantity,
        negative: quantity.negative,
        state: "pending",
        version: 1,
        dirtyAt: options.now,
      });
      out.pendingStoreIds.add(target.storeId);
      continue;
    }
    const changed = row.wanted !== quantity.quantity || row.variantId !== target.variantId || row.locationId !== target.locationId;
    if (!changed && !options.force) {
      if (row.negative !== quantity.negative) await tx.stockPushTarget.update({ where: { id: row.id }, data: { negative: quantity.negative } });
      if (row.state === "pending") out.pendingStoreIds.add(target.storeId);
      continue;
    }
    // Shopify already shows the new number (and no unimported sale is pending): nothing to send.
    const upToDate = row.confirmed === quantity.quantity && row.unimported === 0;
    const pending = options.force || !upToDate;
    await tx.stockPushTarget.update({
      where: { id: row.id },
      data: {
        wanted: quantity.quantity,
        negative: quantity.negative,
        variantId: target.variantId,
        locationId: target.locationId,
        sku: target.sku,
        shopifyVariantId: target.shopifyVariantId,
        version: { increment: 1 },
        dirtyAt: options.now,
        // A failure's reason stays until Shopify accepts the target (the push closes it in the activity log).
        state: pending ? "pending" : "synced",
      },
    });
    if (pending) out.pendingStoreIds.add(target.storeId);
  }
  if (creates.length > 0) await tx.stockPushTarget.createMany({ data: creates });
  return out;
}

export interface WantedTarget extends PushTarget {
  quantity: { quantity: number; negative: boolean };
}

/**
 * The targets in scope with the number Tenon wants at each (services and unmapped left out):
 * SKU map × location mapping × stores of the account, levels read in a fixed number of queries.
 */
export async function wantedTargets(
  tx: Tx | Db,
  accountId: string,
  scope: RefreshScope,
): Promise<{ stores: { id: string; connection: string; syncActive: boolean; settings: Prisma.JsonValue }[]; targets: WantedTarget[] }> {
  const stores = await tx.store.findMany({
    where: { accountId, ...(scope.storeId ? { id: scope.storeId } : {}) },
    select: { id: true, connection: true, syncActive: true, settings: true },
  });
  if (stores.length === 0) return { stores, targets: [] };
  const storeIds = stores.map((s) => s.id);
  const pairVariantIds = scope.pairs ? [...new Set(scope.pairs.map((p) => p.variantId))] : null;
  const pairLocationIds = scope.pairs ? [...new Set(scope.pairs.map((p) => p.locationId))] : null;

  // The SKU map: mappings that may take their number from an affected variant (linked to it, or
  // sharing the code of a variant that is the newest with it).
  let codes: string[] = [];
  if (pairVariantIds) {
    const affected = await tx.variant.findMany({ where: { accountId, id: { in: pairVariantIds } }, select: { code: true } });
    codes = [...new Set(affected.map((v) => v.code).filter((c): c is string => c !== null))];
  }
  const mappings = await tx.variantMapping.findMany({
    where: {
      storeId: { in: storeIds },
      inventoryItemId: { not: null },
      ...(pairVariantIds ? { OR: [{ variantId: { in: pairVariantIds } }, ...(codes.length > 0 ? [{ sku: { in: codes } }] : [])] } : {}),
    },
    select: { storeId: true, shopifyVariantId: true, inventoryItemId: true, sku: true, variantId: true },
  });
  if (mappings.length === 0) return { stores, targets: [] };
  const skus = [...new Set(mappings.map((m) => m.sku).filter((s): s is string => s !== null))];
  const variants = await tx.variant.findMany({
    where: { accountId, OR: [{ id: { in: [...new Set(mappings.map((m) => m.variantId))] } }, ...(skus.length > 0 ? [{ code: { in: skus } }] : [])] },
    select: { id: true, code: true, createdAt: true, product: { select: { kind: true } } },
  });
  const kindOf = new Map(variants.map((v) => [v.id, v.product.kind]));
  let sources = resolveSources(mappings, variants);
  if (pairVariantIds) {
    const wantedVariants = new Set(pairVariantIds);
    sources = sources.filter((s) => wantedVariants.has(s.sourceVariantId));
  }
  const shopifyLocations = await tx.shopifyLocation.findMany({
    where: { storeId: { in: storeIds }, locationId: pairLocationIds ? { in: pairLocationIds } : { not: null } },
    select: { storeId: true, shopifyLocationId: true, locationId: true, isActive: true, removedAt: true },
  });
  let targets = pushTargets(
    sources,
    shopifyLocations.map((l) => ({ ...l, removed: l.removedAt !== null })),
  );
  if (scope.pairs) {
    const pairs = new Set(scope.pairs.map((p) => pairKey(p.variantId, p.locationId)));
    targets = targets.filter((t) => pairs.has(pairKey(t.variantId, t.locationId)));
  }
  if (targets.length === 0) return { stores, targets: [] };

  // Wanted quantities, with manual orders in or out per store setting.
  const variantIds = [...new Set(targets.map((t) => t.variantId))];
  const locationIds = [...new Set(targets.map((t) => t.locationId))];
  const manualByStore = new Map(stores.map((s) => [s.id, parseSettings(s.settings).inventory.manualOrdersCountAgainstStock]));
  const levelsFor = new Map<boolean, { available: Map<string, string>; kits: Map<string, number> }>();
  for (const include of new Set(targets.map((t) => manualByStore.get(t.storeId) ?? true))) {
    const overview = await readStockLevels(tx, accountId, { variantIds, locationIds, includeManualOrders: include });
    levelsFor.set(include, {
      available: new Map(overview.levels.map((l) => [pairKey(l.variantId, l.locationId), l.available])),
      kits: new Map(overview.kits.map((k) => [pairKey(k.kitVariantId, k.locationId), k.potential])),
    });
  }

  const wanted: WantedTarget[] = [];
  for (const target of targets) {
    const levels = levelsFor.get(manualByStore.get(target.storeId) ?? true)!;
    const key = pairKey(target.variantId, target.locationId);
    const quantity = stockToPush({
      productKind: kindOf.get(target.variantId) ?? "physical",
      available: levels.available.get(key),
      kitPotential: levels.kits.get(key),
    });
    if (quantity.push) wanted.push({ ...target, quantity: { quantity: quantity.quantity, negative: quantity.negative } });
  }
  return { stores, targets: wanted };
}

const targetKey = (t: { storeId: string; inventoryItemId: string; shopifyLocationId: string }) => `${t.storeId}|${t.inventoryItemId}|${t.shopifyLocationId}`;

async function existingTargets(tx: Tx, targets: readonly PushTarget[]) {
  const found = new Map<string, Awaited<ReturnType<typeof tx.stockPushTarget.findMany>>[number]>();
  const byStore = new Map<string, string[]>();
  for (const t of targets) byStore.set(t.storeId, [...(byStore.get(t.storeId) ?? []), t.inventoryItemId]);
  for (const [storeId, items] of byStore) {
    const unique = [...new Set(items)];
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await tx.stockPushTarget.findMany({ where: { storeId, inventoryItemId: { in: unique.slice(i, i + 500) } } });
      for (const row of rows) found.set(targetKey(row), row);
    }
  }
  return found;
}

// ───────────────────────────── pushing ─────────────────────────────

export interface PushDeps {
  db: Db;
  client: ShopifyClient;
  now: () => Date;
  signal?: AbortSignal;
  /** Stops after this many calls (tests); default: until nothing is pending. */
  maxCalls?: number;
  /** Waits while Shopify still runs an earlier attempt of a call (IDEMPOTENCY_CONCURRENT_REQUEST). Default: real time. */
  sleep?: (ms: number) => Promise<void>;
}

export interface PushRunResult {
  skipped?: { reason: string; message: string };
  calls: number;
  pushed: number;
  failed: number;
  stale: number;
  reads: number;
  /** Targets Shopify does not stock at the location (state not_stocked, not an error). */
  notStocked: number;
}

/** How many times one job re-reads a target that keeps answering "stale" before leaving it for later. */
const MAX_STALE_PER_TARGET = 5;
/** Waits for an earlier attempt still running at Shopify (1 s, 2 s, 4 s, 8 s, 16 s), then the job retries later. */
const CONCURRENT_WAITS_MS = [1_000, 2_000, 4_000, 8_000, 16_000];
/** New keys for one call's content in one job (a key Shopify refused for good), then the job retries later. */
const MAX_KEY_RENEWALS = 3;
const READ_CHUNK = 100;

type TargetRow = Awaited<ReturnType<Db["stockPushTarget"]["findMany"]>>[number];

/**
 * Pushes the store's pending targets until none is left. Never sends a quantity without
 * knowing what Shopify shows (a target never confirmed is read first); every entry carries
 * changeFromQuantity; a stale entry is re-read and planned again; a target Shopify refuses
 * fails alone, the rest of the batch is sent again without it. A refusal of the call's
 * idempotency key waits (in progress) or goes out under a new key (docs/decisions/025).
 */
export async function runStockPush(storeId: string, deps: PushDeps): Promise<PushRunResult> {
  const result: PushRunResult = { calls: 0, pushed: 0, failed: 0, stale: 0, reads: 0, notStocked: 0 };
  const { db } = deps;
  const store = await db.store.findUnique({ where: { id: storeId }, select: { id: true, connection: true, syncActive: true, settings: true, accountId: true } });
  if (!store) return { ...result, skipped: { reason: "STORE_NOT_FOUND", message: "The store no longer exists." } };
  const gate = storePushGate(store);
  if (!gate.push) return { ...result, skipped: { reason: gate.reason, message: gate.message } };

  /** What Shopify showed when re-read after a stale answer (this job only). */
  const current = new Map<string, number>();
  const staleCount = new Map<string, number>();
  const parked = new Set<string>();
  // docs/decisions/025: a key Shopify answered with a refusal is never sent again; the same content
  // goes out under a new key (`renewed`, by the content's own key). A key still running at
  // Shopify is sent again as it is, after a wait.
  const renewed = new Map<string, string>();
  const renewals = new Map<string, number>();
  const concurrentWaits = new Map<string, number>();
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  for (;;) {
    if (deps.signal?.aborted) throw new Error("Stopped while pushing stock; the rest is pushed on the next run.");
    if (deps.maxCalls !== undefined && result.calls >= deps.maxCalls) break;
    const batch = await db.stockPushTarget.findMany({
      where: { storeId, state: "pending", ...(parked.size > 0 ? { id: { notIn: [...parked] } } : {}) },
      orderBy: [{ dirtyAt: "asc" }, { id: "asc" }],
      take: MAX_QUANTITIES_PER_CALL,
    });
    if (batch.length === 0) break;

    // Never overwrite blind: read what Shopify shows for targets never confirmed.
    const unknown = batch.filter((t) => t.confirmed === null && !current.has(t.id));
    if (unknown.length > 0) {
      const read = await readAvailable(deps.client, unknown);
      result.reads += unknown.length;
      const failures: { target: TargetRow; code: string; message: string }[] = [];
      const notStocked: TargetRow[] = [];
      for (const t of unknown) {
        const value = read.get(t.id);
        if (value?.kind === "ok") current.set(t.id, value.quantity);
        else if (value?.code === "ITEM_NOT_STOCKED_AT_LOCATION") notStocked.push(t);
        else failures.push({ target: t, code: value?.code ?? "INVALID_INVENTORY_ITEM", message: value?.message ?? "Shopify no longer has this inventory item." });
      }
      if (notStocked.length > 0) {
        // Shopify does not stock the item there: nothing to keep in step (not an error; checked
        // again on the next change of the item).
        await db.stockPushTarget.updateMany({
          where: { id: { in: notStocked.map((t) => t.id) } },
          data: { state: "not_stocked", failureCode: "ITEM_NOT_STOCKED_AT_LOCATION", failureMessage: "Not stocked at this Shopify location: Tenon pushes nothing there.", failedAt: deps.now() },
        });
        result.notStocked += notStocked.length;
      }
      if (failures.length > 0) {
        await markFailed(db, store.id, failures, deps.now());
        result.failed += failures.length;
      }
      if (failures.length > 0 || notStocked.length > 0) continue;
    }

    const importedNow = await importedQuantities(db, store.id, batch);
    const entries: { target: TargetRow; quantity: number; changeFromQuantity: number; unimported: number; imported: string }[] = [];
    const noops: typeof entries = [];
    for (const target of batch) {
      const imported = importedNow.get(pairKey(target.variantId ?? "", target.locationId ?? "")) ?? "0";
      const state: TargetPushState = {
        wanted: target.wanted ?? 0,
        confirmed: target.confirmed ?? current.get(target.id) ?? null,
        unimported: target.confirmed === null ? 0 : target.unimported,
        importedBase: target.confirmed === null ? imported : target.importedBase.toString(),
      };
      const plan = planEntry(state, imported, current.get(target.id) ?? state.confirmed);
      if (!plan) continue;
      const entry = { target, quantity: plan.quantity, changeFromQuantity: plan.changeFromQuantity, unimported: plan.unimported, imported };
      (plan.noop ? noops : entries).push(entry);
    }
    if (noops.length > 0) {
      await settle(db, noops, deps.now(), false);
      for (const n of noops) current.delete(n.target.id);
    }
    if (entries.length === 0) {
      if (noops.length === 0) break; // nothing plannable left (cannot happen: every target was read)
      continue;
    }

    const payload = entries.map((e) => ({
      inventoryItemId: e.target.inventoryItemId,
      locationId: e.target.shopifyLocationId,
      quantity: e.quantity,
      changeFromQuantity: e.changeFromQuantity,
    }));
    const contentKey = pushIdempotencyKey(
      store.id,
      entries.map((e) => ({ targetId: e.target.id, version: e.target.version, quantity: e.quantity, changeFromQuantity: e.changeFromQuantity })),
    );
    const key = renewed.get(contentKey) ?? contentKey;
    const answer = await deps.client.request<StockSetQuantitiesData>(
      STOCK_SET_QUANTITIES_MUTATION,
      { input: { name: "available", reason: "correction", referenceDocumentUri: "tenon://stock-push", quantities: payload } },
      { idempotencyKey: key, userErrorsAt: "inventorySetQuantities", cost: 10 },
    );
    result.calls++;
    if (answer.ok) {
      await settle(db, entries, deps.now(), true);
      for (const e of entries) current.delete(e.target.id);
      result.pushed += entries.length;
      continue;
    }
    if (answer.code !== "SHOPIFY_USER_ERRORS") {
      // Throttled beyond the wait limit, Shopify down, or an unknown outcome: the job retries
      // (a resent batch carries the same idempotency key, so Shopify replays instead of re-applying).
      throw new Error(`Pushing stock to Shopify failed: ${answer.message}`);
    }
    const errors = classifyBatchErrors(answer.userErrors ?? []);
    const refusal = keyRefusal(errors.general);
    if (refusal === "wait") {
      // An earlier attempt with this key (its answer lost) is still running at Shopify: the same
      // key answers its result once it is done. Never a new key here: both could apply.
      const waits = concurrentWaits.get(key) ?? 0;
      concurrentWaits.set(key, waits + 1);
      if (waits === 0 || waits >= CONCURRENT_WAITS_MS.length) {
        await recordKeyActivity(db, store.id, deps.now(), entries.length, waits === 0 ? "waiting" : "gave_up_waiting");
      }
      if (waits >= CONCURRENT_WAITS_MS.length) {
        throw new Error("Shopify is still running an earlier attempt of this stock push; it is sent again with the same key on the next run.");
      }
      await sleep(CONCURRENT_WAITS_MS[waits]!);
      continue;
    }
    if (refusal === "new_key" || refusal === "replan") {
      const count = (renewals.get(contentKey) ?? 0) + 1;
      renewals.set(contentKey, count);
      await recordKeyActivity(db, store.id, deps.now(), entries.length, refusal, count > MAX_KEY_RENEWALS);
      if (count > MAX_KEY_RENEWALS) {
        throw new Error(`Shopify refused ${count} idempotency keys for the same stock push in a row; it is planned and sent again on the next run.`);
      }
      renewed.set(contentKey, freshPushKey(contentKey));
      if (refusal === "replan") {
        // The key was used with other arguments: what Tenon believed it sent is not what Shopify
        // holds under it. Read Shopify again and plan from what it shows.
        const failures = await rereadTargets(deps.client, entries.map((e) => e.target), current, result);
        if (failures.length > 0) {
          await markFailed(db, store.id, failures, deps.now());
          result.failed += failures.length;
        }
      }
      continue;
    }
    if (errors.general.length > 0) {
      throw new Error(`Shopify refused the stock push: ${errors.general.map((g) => g.message).join("; ")}`);
    }
    // A definitive answer: the same content is never sent under this key again (Shopify would
    // replay this answer, e.g. "stale" after the quantity came back to what we compared with).
    renewed.set(contentKey, freshPushKey(contentKey));
    const failures: { target: TargetRow; code: string; message: string }[] = [];
    const staleTargets: TargetRow[] = [];
    for (const [index, outcome] of errors.entries) {
      const entry = entries[index];
      if (!entry) continue;
      if (outcome.kind === "failed") failures.push({ target: entry.target, code: outcome.code, message: outcome.message });
      else staleTargets.push(entry.target);
    }
    if (failures.length > 0) {
      await markFailed(db, store.id, failures, deps.now());
      result.failed += failures.length;
    }
    if (staleTargets.length > 0) {
      result.stale += staleTargets.length;
      const gone = await rereadTargets(deps.client, staleTargets, current, result);
      for (const t of staleTargets) {
        if (!current.has(t.id)) continue;
        const count = (staleCount.get(t.id) ?? 0) + 1;
        staleCount.set(t.id, count);
        if (count >= MAX_STALE_PER_TARGET) parked.add(t.id);
      }
      if (gone.length > 0) {
        await markFailed(db, store.id, gone, deps.now());
        result.failed += gone.length;
      }
    }
  }
  if (parked.size > 0) {
    // Shopify kept changing under these targets (a sale rush): leave them pending for a later run.
    throw new Error(`${parked.size} target(s) changed in Shopify at every attempt; they are pushed on the next run.`);
  }
  return result;
}

/**
 * Reads Shopify's available for the targets into `current`; returns those Shopify no longer has
 * (they fail alone with the reason).
 */
async function rereadTargets(
  client: ShopifyClient,
  targets: readonly TargetRow[],
  current: Map<string, number>,
  result: PushRunResult,
): Promise<{ target: TargetRow; code: string; message: string }[]> {
  const read = await readAvailable(client, targets);
  result.reads += targets.length;
  const gone: { target: TargetRow; code: string; message: string }[] = [];
  for (const t of targets) {
    const value = read.get(t.id);
    if (!value || value.kind === "missing") {
      current.delete(t.id);
      gone.push({ target: t, code: value?.code ?? "INVALID_INVENTORY_ITEM", message: value?.message ?? "Shopify no longer has this inventory item." });
      continue;
    }
    current.set(t.id, value.quantity);
  }
  return gone;
}

/** A new key for the same content, after Shopify refused its key for good (docs/decisions/025). */
function freshPushKey(contentKey: string): string {
  return `tenon-push-${createHash("sha256").update(`${contentKey}\n${randomUUID()}`).digest("hex").slice(0, 40)}`;
}

/** The activity log's line for a refused or still-running idempotency key of a push call. */
async function recordKeyActivity(
  db: Db,
  storeId: string,
  at: Date,
  quantities: number,
  what: "waiting" | "gave_up_waiting" | "new_key" | "replan",
  givingUp = false,
) {
  const call = `a stock push of ${quantities} quantit${quantities === 1 ? "y" : "ies"}`;
  const message = {
    waiting: `Shopify is still running an earlier attempt of ${call} (its answer was lost); Tenon waits for it and asks again with the same key.`,
    gave_up_waiting: `Shopify was still running an earlier attempt of ${call}; Tenon asks again with the same key on the next run.`,
    new_key: `Shopify will not accept the idempotency key of ${call} again (an earlier attempt with it failed); ${givingUp ? "it is planned again on the next run." : "it is sent again with a new key."}`,
    replan: `Shopify had already seen the idempotency key of ${call} with other quantities; ${givingUp ? "it is planned again on the next run." : "Tenon read Shopify's stock again, planned again and sent it with a new key."}`,
  }[what];
  await db.$transaction((tx) =>
    recordActivity(tx, { storeId, area: "stock", action: what === "waiting" || what === "gave_up_waiting" ? "push.waiting" : "push.key_renewed", outcome: "skipped", message, at }),
  );
}

/** The idempotency key of one call: the store and every entry with its target's version. */
export function pushIdempotencyKey(storeId: string, entries: readonly { targetId: string; version: number; quantity: number; changeFromQuantity: number }[]): string {
  const hash = createHash("sha256");
  hash.update(storeId);
  for (const e of entries) hash.update(`\n${e.targetId}:${e.version}:${e.quantity}:${e.changeFromQuantity}`);
  return `tenon-push-${hash.digest("hex").slice(0, 40)}`;
}

/** The store's imported Shopify-order quantities (rows in any state) per variant × location. */
async function importedQuantities(db: Db, storeId: string, targets: readonly TargetRow[]): Promise<Map<string, string>> {
  const variantIds = [...new Set(targets.map((t) => t.variantId).filter((v): v is string => v !== null))];
  const locationIds = [...new Set(targets.map((t) => t.locationId).filter((v): v is string => v !== null))];
  if (variantIds.length === 0) return new Map();
  const sums = await db.salesOrderRow.groupBy({
    by: ["variantId", "locationId"],
    where: { variantId: { in: variantIds }, locationId: { in: locationIds }, isShippingFee: false, salesOrder: { storeId, source: "shopify" } },
    _sum: { quantity: true },
  });
  return new Map(sums.map((s) => [pairKey(s.variantId ?? "", s.locationId ?? ""), (s._sum.quantity ?? 0).toString()]));
}

/** Records Shopify's confirmation: a target whose version did not move meanwhile is synced. */
async function settle(
  db: Db,
  entries: readonly { target: TargetRow; quantity: number; unimported: number; imported: string }[],
  at: Date,
  pushed: boolean,
) {
  const dialect = await dialectOf(db);
  await db.$transaction(async (tx) => {
    // One statement for the batch (it runs at up to 250 rows per call): a target whose version
    // did not move is synced; one that changed meanwhile stays pending with what Shopify shows.
    const ids = entries.map((e) => e.target.id);
    const { values, param } = sqlParameters(dialect);
    const tuples = entries.map(
      (e) =>
        `(${param(e.target.id)}, CAST(${param(e.quantity)} AS INTEGER), CAST(${param(e.unimported)} AS INTEGER), CAST(${param(e.imported)} AS DECIMAL), CAST(${param(e.target.version)} AS INTEGER))`,
    );
    const row = (column: string) => `(SELECT v.${column} FROM v WHERE v.id = "StockPushTarget"."id")`;
    await tx.$executeRawUnsafe(
      `WITH v(id, q, u, i, ver) AS (VALUES ${tuples.join(", ")})
      UPDATE "StockPushTarget" SET
        "confirmed" = ${row("q")},
        "unimported" = ${row("u")},
        "importedBase" = ${row("i")},
        "state" = CASE WHEN "version" = ${row("ver")} THEN 'synced' ELSE 'pending' END,
        "failureCode" = NULL,
        "failureMessage" = NULL,
        "failedAt" = NULL
      WHERE "id" IN (SELECT v.id FROM v)`,
      ...values,
    );
    await tx.stockPushTarget.updateMany({ where: { id: { in: ids } }, data: pushed ? { confirmedAt: at, pushedAt: at } : { confirmedAt: at } });
    if (pushed && entries.length > 0) {
      const storeId = entries[0]!.target.storeId;
      await recordActivity(tx, {
        storeId,
        area: "stock",
        action: "push.sent",
        outcome: "ok",
        message: `Pushed ${entries.length} stock quantit${entries.length === 1 ? "y" : "ies"} to Shopify (${entries
          .slice(0, 5)
          .map((e) => `${e.target.sku ?? "no SKU"} → ${e.quantity}`)
          .join(", ")}${entries.length > 5 ? ", …" : ""}).`,
        at,
      });
      // A target that pushed fine closes its earlier failure.
      const failedBefore = entries.filter((e) => e.target.failedAt !== null);
      for (const e of failedBefore) {
        await recordActivity(tx, { storeId, area: "stock", action: "push.recovered", outcome: "ok", subject: e.target.sku ?? undefined, subjectRef: e.target.id, message: `Stock pushed again: ${e.quantity}.`, at });
      }
    }
  });
}

async function markFailed(db: Db, storeId: string, failures: readonly { target: TargetRow; code: string; message: string }[], at: Date) {
  await db.$transaction(async (tx) => {
    for (const f of failures) {
      await tx.stockPushTarget.update({
        where: { id: f.target.id },
        data: { state: "failed", failureCode: f.code, failureMessage: f.message, failedAt: at },
      });
      await recordActivity(tx, {
        storeId,
        area: "stock",
        action: "push.failed",
        outcome: "failed",
        subject: f.target.sku ?? f.target.inventoryItemId,
        subjectRef: f.target.id,
        message: f.message,
        retry: { kind: "stock.retry", payload: { storeId, targetIds: [f.target.id] } },
        at,
      });
    }
  });
}

type ReadValue = { kind: "ok"; quantity: number } | { kind: "missing"; code: string; message: string };

/** Shopify's available now for each target, by location, ≤ 100 items per query. */
async function readAvailable(client: ShopifyClient, targets: readonly TargetRow[]): Promise<Map<string, ReadValue>> {
  const out = new Map<string, ReadValue>();
  const byLocation = new Map<string, TargetRow[]>();
  for (const t of targets) byLocation.set(t.shopifyLocationId, [...(byLocation.get(t.shopifyLocationId) ?? []), t]);
  for (const [locationId, list] of byLocation) {
    for (let i = 0; i < list.length; i += READ_CHUNK) {
      const chunk = list.slice(i, i + READ_CHUNK);
      const ids = [...new Set(chunk.map((t) => t.inventoryItemId))];
      const answer = await client.request<StockAvailableAtLocationData>(STOCK_AVAILABLE_AT_LOCATION_QUERY, { ids, locationId });
      if (!answer.ok) throw new Error(`Reading Shopify's stock failed: ${answer.message}`);
      const byItem = new Map(answer.data.nodes.filter((n): n is NonNullable<typeof n> => n !== null && "id" in n).map((n) => [n.id, n]));
      for (const t of chunk) {
        const node = byItem.get(t.inventoryItemId);
        if (!node) {
          out.set(t.id, { kind: "missing", code: "INVALID_INVENTORY_ITEM", message: "Shopify no longer has this inventory item (the variant was deleted). Import the products again to refresh the SKU map." });
          continue;
        }
        const quantity = node.inventoryLevel?.quantities.find((q) => q.name === "available")?.quantity;
        if (quantity === undefined) {
          out.set(t.id, { kind: "missing", code: "ITEM_NOT_STOCKED_AT_LOCATION", message: "This item is not stocked at this Shopify location (or the location is inactive). Stock it there in Shopify admin, then retry." });
          continue;
        }
        out.set(t.id, { kind: "ok", quantity });
      }
    }
  }
  return out;
}

// ───────────────────────────── merchant actions and visibility ─────────────────────────────

/**
 * "Push all stock now": every mapped target of the store becomes pending with its current
 * wanted quantity, and the push job is enqueued. Refused (with why) when the store does not push.
 */
export async function pushAllStock(
  db: Db,
  accountId: string,
  storeId: string,
  now: Date,
  enqueuePush: EnqueuePush = enqueueStockPush,
): Promise<{ ok: true; value: { targets: number } } | { ok: false; code: string; message: string }> {
  const store = await db.store.findFirst({ where: { id: storeId, accountId }, select: { id: true, connection: true, syncActive: true, settings: true } });
  if (!store) return { ok: false, code: "STORE_NOT_FOUND", message: "This store is not connected to your Tenon account." };
  const gate = storePushGate(store);
  if (!gate.push) return { ok: false, code: gate.reason, message: gate.message };
  return db.$transaction(
    async (tx) => {
      const startedAt = new Date();
      const refreshed = await refreshTargets(tx, accountId, { storeId }, { now, force: true });
      // Targets no longer reached (mapping removed, SKU gone, location unmapped) were not touched: drop them.
      await tx.stockPushTarget.deleteMany({ where: { storeId, updatedAt: { lt: startedAt } } });
      await enqueuePush(tx, storeId);
      return { ok: true as const, value: { targets: refreshed.targets } };
    },
    { timeout: 120_000, maxWait: 20_000 },
  );
}

/**
 * The stock page's Retry: the store's refused quantities (all, or the ones named) are pushed
 * again. The store must be the account's, and every named quantity the store's: an id of
 * another store or account is refused, never answered "nothing to retry" (an account's ids
 * reach only its own records; docs/decisions/006).
 */
export async function retryFailedTargets(
  db: Db,
  accountId: string,
  storeId: string,
  targetIds?: readonly string[],
  enqueuePush: EnqueuePush = enqueueStockPush,
): Promise<Result<{ retried: number }>> {
  const store = await db.store.findFirst({ where: { id: storeId, accountId }, select: { id: true } });
  if (!store) return fail("STORE_NOT_FOUND", "This store is not connected to your Tenon account.");
  if (targetIds) {
    const named = [...new Set(targetIds)];
    const known = await db.stockPushTarget.count({ where: { storeId, id: { in: named } } });
    if (known < named.length) return fail("TARGET_NOT_FOUND", "This quantity is not one of this store's (any more). Reload the page and retry from its list.");
  }
  return ok({ retried: await requeueFailedTargets(db, storeId, targetIds, enqueuePush) });
}

/**
 * Failed targets (all, or the ones named) are pending again; the push job is enqueued. For the
 * stock.retry job, whose payload Tenon itself recorded for this store (the activity log's Retry).
 */
export async function requeueFailedTargets(db: Db, storeId: string, targetIds?: readonly string[], enqueuePush: EnqueuePush = enqueueStockPush): Promise<number> {
  return db.$transaction(async (tx) => {
    const updated = await tx.stockPushTarget.updateMany({
      where: { storeId, state: "failed", ...(targetIds ? { id: { in: [...targetIds] } } : {}) },
      // Read Shopify again: the item or location may have changed.
      data: { state: "pending", confirmed: null, unimported: 0 },
    });
    if (updated.count > 0) await enqueuePush(tx, storeId);
    return updated.count;
  });
}

/**
 * Re-activation (or a settings change turning inventory sync on): push what waited, if anything.
 * For the activation's transaction, pass `onStockSyncActivated` to `activateSync`'s hook.
 */
export async function resumeStockPush(db: Db, storeId: string): Promise<boolean> {
  return db.$transaction((tx) => onStockSyncActivated(tx, { storeId }));
}

/**
 * In the transaction that activates sync (connections.server `activateSync`'s `onActivated`) or
 * applies settings: plans the events that waited in the outbox and pushes the store's pending
 * targets — only those whose wanted quantity differs from what Shopify confirmed. Nothing is
 * pushed for the whole catalogue (that is Push all stock now). False when the store does not push.
 */
export async function onStockSyncActivated(tx: Tx, activation: { storeId: string }): Promise<boolean> {
  const store = await tx.store.findUnique({ where: { id: activation.storeId }, select: { accountId: true, connection: true, syncActive: true, settings: true } });
  if (!store || !storePushGate(store).push) return false;
  const { enqueue } = await import("~/jobs/index.server");
  const { stockPlanSerialKey } = await import("../../services/stock/stock-push-trigger.server");
  await enqueue(tx, "stock.plan", { accountId: store.accountId }, { serialKey: stockPlanSerialKey(store.accountId) });
  await enqueueStockPush(tx, activation.storeId);
  return true;
}

export interface StockPushCounters {
  targets: number;
  pending: number;
  failed: number;
  negative: number;
  lastPushAt: Date | null;
}

/** The header's counters: pending pushes, failures, last push. */
export async function stockPushCounters(db: Db, storeId: string): Promise<StockPushCounters> {
  const [groups, negative, last] = await Promise.all([
    db.stockPushTarget.groupBy({ by: ["state"], where: { storeId }, _count: { _all: true } }),
    db.stockPushTarget.count({ where: { storeId, negative: true } }),
    db.stockPushTarget.aggregate({ where: { storeId }, _max: { pushedAt: true } }),
  ]);
  const count = (state: string) => groups.find((g) => g.state === state)?._count._all ?? 0;
  return {
    targets: groups.reduce((sum, g) => sum + g._count._all, 0),
    pending: count("pending"),
    failed: count("failed"),
    negative,
    lastPushAt: last._max.pushedAt ?? null,
  };
}

/** Failed targets with their reason (the Inventory tab lists them with Retry). */
export async function listFailedTargets(db: Db, storeId: string, take = 50) {
  return db.stockPushTarget.findMany({
    where: { storeId, state: "failed" },
    orderBy: { failedAt: "desc" },
    take,
    select: { id: true, sku: true, inventoryItemId: true, shopifyLocationId: true, wanted: true, failureCode: true, failureMessage: true, failedAt: true },
  });
}
