import type { Prisma } from "@prisma/client";
import { parseSettings } from "~/domain/settings";

/**
 * The stock push's trigger, called by the stock writers in the transaction that records stock
 * events (the outbox, app/services/stock/stock.server.ts recordStockEvents): when a store of the
 * account has inventory sync on, a `stock.plan` job is recorded in the same transaction, so the
 * change reaches the pending push set even if the process dies right after the commit. The plan
 * job reads every unprocessed event of the account, so one job per transaction coalesces bursts.
 * Stores with inventory sync off cost one query and no job (their events wait in the outbox).
 *
 * Kept apart from stock-push.server.ts so stock.server.ts does not import the push (and its
 * Shopify client) at load time.
 */
export async function scheduleStockPushPlan(tx: Prisma.TransactionClient, accountId: string): Promise<void> {
  const stores = await tx.store.findMany({ where: { accountId, connection: "connected" }, select: { settings: true } });
  if (!stores.some((s) => parseSettings(s.settings).inventory.inventorySync)) return;
  // Lazy: the job catalog imports the services; this module must not import it at load time.
  const { enqueue } = await import("~/jobs/index.server");
  await enqueue(tx, "stock.plan", { accountId }, { serialKey: stockPlanSerialKey(accountId) });
}

export const stockPlanSerialKey = (accountId: string) => `stock-plan:${accountId}`;
export const stockPushSerialKey = (storeId: string) => `push:${storeId}`;
