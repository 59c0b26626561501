import { defineJob } from "./catalog";
import { parkOnAccessLoss } from "./parking";
import { storeAdmin } from "./shopify-access.server";
import {
  FulfillmentOrderEventPayload,
  OrderSweepPayload,
  OrderSyncPayload,
  orderOfFulfillmentOrder,
  startOrderSync,
  orderSerialKey,
  sweepOrders,
  syncOrder,
  sweepSerialKey,
  type OrderSyncDeps,
  type Scheduler,
} from "~/sync/orders/order-sync.server";
import { pruneActivity } from "~/services/activity/activity-log.server";
import { createShopifyClient, ThrottleBudget } from "~/shopify/client";
import type { JobContext } from "./catalog";

/**
 * The order sync's jobs (issue 7, docs/decisions/013): `order.sync` brings one Shopify order into
 * Tenon (serialized per order: serialKey order:{storeId}:{orderGid}, which the fulfillment and
 * return jobs of that order share); `orders.sweep` is the per-store reconciliation sweep that
 * re-enqueues itself every few minutes while sync is active; `order.of_fulfillment_order` turns a
 * fulfillment-order webhook (moved, held, released) into the `order.sync` of its order.
 */

/** One throttle budget per store in this process, shared by its order jobs. */
const budgets = new Map<string, ThrottleBudget>();

async function depsFor(storeId: string, ctx: JobContext): Promise<OrderSyncDeps | null> {
  const store = await ctx.db.store.findUnique({ where: { id: storeId }, select: { shopDomain: true, connection: true } });
  if (!store || store.connection !== "connected") return null;
  const admin = await storeAdmin(store.shopDomain);
  let budget = budgets.get(store.shopDomain);
  if (!budget) budgets.set(store.shopDomain, (budget = new ThrottleBudget()));
  const client = createShopifyClient(admin, { signal: ctx.signal, budget });
  return { db: ctx.db, clock: ctx.clock, shopify: { request: (document, variables) => client.request(document, variables) }, schedule: jobScheduler };
}

/** Schedules the order sync's jobs through the app's queue (imported lazily: index.server imports this file). */
export const jobScheduler: Scheduler = {
  order: async (tx, payload, options) => (await import("./index.server")).enqueue(tx, "order.sync", payload, options),
  sweep: async (tx, payload, options) => (await import("./index.server")).enqueue(tx, "orders.sweep", payload, options),
};

export const orderSync = parkOnAccessLoss(
  defineJob({
    kind: "order.sync",
    payload: OrderSyncPayload,
    options: { maxAttempts: 8, serialKey: (p) => orderSerialKey(p.storeId, p.orderId) },
    handler: async (payload, ctx) => {
      const deps = await depsFor(payload.storeId, ctx);
      if (!deps) {
        ctx.log.info("Store is not connected; the order is not synced.", { storeId: payload.storeId, orderId: payload.orderId });
        return;
      }
      // The order's changes and this job's completion commit together.
      const result = await syncOrder(deps, payload, { beforeCommit: ctx.completeIn });
      ctx.log.debug("Order synced.", { orderId: payload.orderId, ...result });
    },
  }),
);

/** A fulfillment order moved or was held or released: its order is looked up and synced. */
export const orderOfFulfillmentOrderJob = parkOnAccessLoss(
  defineJob({
    kind: "order.of_fulfillment_order",
    payload: FulfillmentOrderEventPayload,
    options: { maxAttempts: 8 },
    handler: async (payload, ctx) => {
      const deps = await depsFor(payload.storeId, ctx);
      if (!deps) return;
      const found = await orderOfFulfillmentOrder(deps, payload);
      if (!found) ctx.log.info("The fulfillment order is gone from Shopify; nothing to sync.", { fulfillmentOrderId: payload.fulfillmentOrderId });
    },
  }),
);

export const ordersSweep = parkOnAccessLoss(
  defineJob({
    kind: "orders.sweep",
    payload: OrderSweepPayload,
    options: { maxAttempts: 10, serialKey: (p) => sweepSerialKey(p.storeId) },
    handler: async (payload, ctx) => {
      const deps = await depsFor(payload.storeId, ctx);
      if (!deps) return;
      const result = await sweepOrders(deps, payload);
      if (result) ctx.log.info("Order sweep done.", { storeId: payload.storeId, ...result });
      // The store's housekeeping rides on its sweep: the activity log's entries past retention go.
      const pruned = await pruneActivity(ctx.db, payload.storeId, ctx.clock());
      if (pruned > 0) ctx.log.info("Old activity entries deleted.", { storeId: payload.storeId, pruned });
    },
  }),
);

/** For activateSync's `onActivated`: records the import window and starts the sweep (the first run is the backfill). */
export const startOrderSyncOnActivation = async (
  tx: Parameters<Scheduler["sweep"]>[0],
  activation: { storeId: string; now: Date; firstActivation: boolean },
) => startOrderSync(tx, activation, jobScheduler.sweep);

/** The order sync's dependencies for a merchant request (the route's `admin`), e.g. "Import N orders created while paused". */
export function orderSyncDeps(admin: Parameters<typeof createShopifyClient>[0], db: OrderSyncDeps["db"]): OrderSyncDeps {
  const client = createShopifyClient(admin);
  return { db, clock: () => new Date(), shopify: { request: (document, variables) => client.request(document, variables) }, schedule: jobScheduler };
}
