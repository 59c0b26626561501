import { z } from "zod";
import { runDriftReport } from "~/sync/stock-push/stock-drift.server";
import { planStockEvents, requeueFailedTargets, runStockPush } from "~/sync/stock-push/stock-push.server";
import { stockPlanSerialKey, stockPushSerialKey } from "~/services/stock/stock-push-trigger.server";
import { createShopifyClient, ThrottleBudget } from "~/shopify/client";
import { defineJob } from "./catalog";
import { parkOnAccessLoss } from "./parking";
import { storeAdmin } from "./shopify-access.server";

/** One throttle budget per shop in this process, so consecutive push jobs pace as one client. */
const budgets = new Map<string, ThrottleBudget>();
export function shopBudget(shopDomain: string): ThrottleBudget {
  let budget = budgets.get(shopDomain);
  if (!budget) {
    budget = new ThrottleBudget();
    budgets.set(shopDomain, budget);
  }
  return budget;
}

/** Stock events of an account → the per-store pending push sets; enqueues each store's push. */
export const stockPlan = defineJob({
  kind: "stock.plan",
  payload: z.object({ accountId: z.string().min(1) }),
  options: { maxAttempts: 20, serialKey: (p) => stockPlanSerialKey(p.accountId) },
  handler: async ({ accountId }, { db, clock }) => {
    await planStockEvents(db, accountId, clock());
  },
});

/** Pushes a store's pending targets (≤ 250 per call, compare-and-set, throttle-paced). */
export const stockPush = parkOnAccessLoss(
  defineJob({
    kind: "stock.push",
    payload: z.object({ storeId: z.string().min(1) }),
    options: { maxAttempts: 20, serialKey: (p) => stockPushSerialKey(p.storeId) },
    handler: async ({ storeId }, { db, clock, signal, log }) => {
      const store = await db.store.findUnique({ where: { id: storeId }, select: { shopDomain: true, connection: true } });
      if (!store || store.connection !== "connected") {
        log.info("Store is not connected; its stock push waits.", { storeId });
        return;
      }
      const admin = await storeAdmin(store.shopDomain);
      const client = createShopifyClient(admin, { signal, budget: shopBudget(store.shopDomain) });
      const result = await runStockPush(storeId, { db, client, now: clock, signal });
      if (result.skipped) log.info(`Stock push skipped: ${result.skipped.message}`, { storeId });
    },
  }),
);

/** Retry from the activity log: the named failed targets become pending and are pushed. */
export const stockRetry = defineJob({
  kind: "stock.retry",
  payload: z.object({ storeId: z.string().min(1), targetIds: z.array(z.string().min(1)).optional() }),
  options: { maxAttempts: 5 },
  handler: async ({ storeId, targetIds }, { db }) => {
    await requeueFailedTargets(db, storeId, targetIds);
  },
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The drift report: one bulk read of Shopify's levels compared with every target of the store. */
export const stockDrift = parkOnAccessLoss(
  defineJob({
    kind: "stock.drift",
    payload: z.object({ runId: z.string().min(1) }),
    options: { maxAttempts: 20, serialKey: (p) => `drift:${p.runId}` },
    handler: async ({ runId }, { db, clock, signal }) => {
      const run = await db.importRun.findUniqueOrThrow({ where: { id: runId }, include: { store: { select: { shopDomain: true } } } });
      const admin = await storeAdmin(run.store.shopDomain);
      const client = createShopifyClient(admin, { signal, budget: shopBudget(run.store.shopDomain) });
      await runDriftReport(runId, {
        db,
        client,
        now: clock,
        sleep,
        signal,
        download: async (url) => {
          const response = await fetch(url, { signal });
          if (!response.ok) throw new Error(`Downloading Shopify's stock export failed with HTTP ${response.status}.`);
          return response.text();
        },
      });
    },
  }),
);

export const stockPushJobs = [stockPlan, stockPush, stockRetry, stockDrift] as const;
