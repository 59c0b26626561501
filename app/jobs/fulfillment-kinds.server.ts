import { z } from "zod";
import { orderSerialKey, pushFulfillmentsToShopify, reopenFailedPushes, syncFulfillmentsFromShopify } from "~/sync/fulfillments/fulfillment-sync.server";
import { closeShopifyReturn, syncReturnsFromShopify } from "~/sync/returns/returns-sync.server";
import { createShopifyClient } from "~/shopify/client";
import { defineJob, PermanentJobError, type JobContext } from "./catalog";
import { parkOnAccessLoss } from "./parking";
import { storeAdmin } from "./shopify-access.server";

/**
 * Fulfillment sync and returns from Shopify (ADR 015). Every job of one Shopify order shares the
 * order's serial key with the order import (`order:{storeId}:{order GID}`), so an order's import,
 * fulfillments and returns never run at the same time.
 */

const OrderPayload = z.object({ storeId: z.string().min(1), shopifyOrderId: z.string().min(1) });

async function clientFor(storeId: string, ctx: JobContext) {
  const store = await ctx.db.store.findUnique({ where: { id: storeId } });
  if (!store) throw new PermanentJobError(`Store ${storeId} does not exist.`);
  if (store.connection !== "connected") throw new PermanentJobError(`${store.shopDomain} is not connected; nothing is sent to or read from it.`);
  const admin = await storeAdmin(store.shopDomain);
  return createShopifyClient(admin, { signal: ctx.signal });
}

/** Shopify → Tenon: reads the order's fulfillments and applies the new ones. */
export const fulfillmentSyncOrder = parkOnAccessLoss(
  defineJob({
    kind: "fulfillment.sync_order",
    payload: OrderPayload,
    options: { maxAttempts: 10, serialKey: (p) => orderSerialKey(p.storeId, p.shopifyOrderId) },
    handler: async (ref, ctx) => {
      const client = await clientFor(ref.storeId, ctx);
      await syncFulfillmentsFromShopify({ db: ctx.db, client, clock: ctx.clock }, ref);
    },
  }),
);

/** Tenon → Shopify: sends the order's pending pushes (retryFailed: a Retry from the activity log). */
export const fulfillmentPush = parkOnAccessLoss(
  defineJob({
    kind: "fulfillment.push",
    payload: OrderPayload.extend({ retryFailed: z.boolean().optional() }),
    options: { maxAttempts: 10, serialKey: (p) => orderSerialKey(p.storeId, p.shopifyOrderId) },
    handler: async ({ retryFailed, ...ref }, ctx) => {
      if (retryFailed) await reopenFailedPushes(ctx.db, ref);
      const client = await clientFor(ref.storeId, ctx);
      await pushFulfillmentsToShopify({ db: ctx.db, client, clock: ctx.clock }, ref);
    },
  }),
);

/** Returns from Shopify: the order's returns → Tenon return orders (restocked lines back into stock). */
export const returnsSyncOrder = parkOnAccessLoss(
  defineJob({
    kind: "returns.sync_order",
    payload: OrderPayload,
    options: { maxAttempts: 10, serialKey: (p) => orderSerialKey(p.storeId, p.shopifyOrderId) },
    handler: async (ref, ctx) => {
      const client = await clientFor(ref.storeId, ctx);
      await syncReturnsFromShopify({ db: ctx.db, client, clock: ctx.clock }, ref);
    },
  }),
);

/** A return order closed in Tenon closes its Shopify return (returnClose). */
export const returnsClose = parkOnAccessLoss(
  defineJob({
    kind: "returns.close",
    payload: z.object({ returnOrderId: z.string().min(1), storeId: z.string().min(1), shopifyOrderId: z.string().min(1) }),
    options: { maxAttempts: 10, serialKey: (p) => orderSerialKey(p.storeId, p.shopifyOrderId) },
    handler: async ({ returnOrderId, storeId }, ctx) => {
      const client = await clientFor(storeId, ctx);
      await closeShopifyReturn({ db: ctx.db, client, clock: ctx.clock }, returnOrderId);
    },
  }),
);

export const fulfillmentJobs = [fulfillmentSyncOrder, fulfillmentPush, returnsSyncOrder, returnsClose] as const;
