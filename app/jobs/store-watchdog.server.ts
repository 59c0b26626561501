import db from "~/db.server";
import type { Db } from "~/db/client";
import { ensureOrderSweeps, sweepSerialKey, type ScheduleSweep, type SweepPending } from "~/sync/orders/order-sync.server";
import { shopsWithNonExpiringTokens } from "~/shopify/offline-token.server";
import { resumeParkedWork, type EnqueueParkedJob, type ResumeResult } from "~/services/stores/store-access.server";
import { enqueue, jobs } from "./index.server";

/**
 * What keeps a store's background work alive whatever happened to it (docs/decisions/019):
 * at server start every Sync-active store gets its sweep chain back if it has none, and every
 * time the merchant opens Tenon (a valid offline session exists then: token exchange stored it)
 * the store's parked work is enqueued again and its sweep chain is checked the same way. Kept
 * apart from the job kinds because it enqueues through the app's queue (index.server imports
 * the kinds).
 */

const scheduleSweep: ScheduleSweep = (tx, payload, options) => enqueue(tx, "orders.sweep", payload, options);
const sweepPending: SweepPending = (storeId) => jobs.hasUnfinished("orders.sweep", sweepSerialKey(storeId));
// A parked job's kind and payload are data: the catalog validates them again (an older version's are refused).
const enqueueParked: EnqueueParkedJob = (tx, kind, payload, options) => enqueue(tx, kind as never, payload as never, options);

/** At server start (after `jobs.start()`): restarts the sweep of every active store that has none waiting. */
export const ensureOrderSweepsOnStart = (database: Db = db) => ensureOrderSweeps(database, scheduleSweep, sweepPending);

/**
 * The merchant opened Tenon for this store with a valid session: its parked work resumes (the
 * "lost access" failure closes) and its sweep chain is re-created if it died. The sweep then
 * reads from its kept checkpoint, so orders whose webhooks were lost meanwhile arrive too.
 */
export async function resumeStoreOnAppOpen(storeId: string, now: Date = new Date()): Promise<{ resumed: ResumeResult | null; sweepRestarted: boolean }> {
  const resumed = await resumeParkedWork(db, storeId, { enqueue: enqueueParked, now });
  const restarted = await ensureOrderSweeps(db, scheduleSweep, sweepPending, { storeId, deadChainsOnly: true });
  return { resumed, sweepRestarted: restarted.length > 0 };
}

/**
 * At server start: a `store.renew_token` job for every connected store whose offline session
 * still holds a non-expiring token (docs/decisions/022), so it is migrated even if nobody opens
 * Tenon and no job reaches the store before Shopify stops accepting the token. Returns the shops.
 */
export async function migrateNonExpiringTokensOnStart(database: Db = db): Promise<string[]> {
  const shops = await shopsWithNonExpiringTokens(database);
  for (const shopDomain of shops) {
    await database.$transaction((tx) => enqueue(tx, "store.renew_token", { shopDomain }));
  }
  return shops;
}
