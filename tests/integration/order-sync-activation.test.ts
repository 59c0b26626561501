import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { salesOrderOf, SHOP, startOrderSyncWorld, type OrderSyncWorld } from "./order-sync.support";

/** Activation: the 14-day backfill, pause (webhooks ignored), reactivation and "orders created while paused". */
let w: OrderSyncWorld;

beforeAll(async () => {
  w = await startOrderSyncWorld({ activate: false });
}, 60_000);
afterAll(async () => w.stop());

describe("activation, backfill and pause", () => {
  it("the first activation backfills the eligible orders created before it (last 14 days), through the same pipeline", async () => {
    const paid = await w.createOrder({ lines: [{ sku: "OAK-STOOL-45", quantity: 1 }] });
    const pending = await w.createOrder({ lines: [{ sku: "OAK-STOOL-45", quantity: 1 }], financialStatus: "PENDING" });
    await w.settle();
    // Sync inactive: webhooks are acknowledged, logged, and change nothing.
    expect(await salesOrderOf(w, paid.id)).toBeNull();
    expect(await w.app.db.syncActivity.count({ where: { storeId: w.storeId, action: "order.webhook_ignored" } })).toBeGreaterThan(0);

    const { activateSync } = await import("~/services/stores/connections.server");
    const { startOrderSyncOnActivation } = await import("~/jobs/order-kinds.server");
    const now = new Date();
    expect(await activateSync(w.app.db, w.accountId, w.storeId, now, startOrderSyncOnActivation)).toEqual({ ok: true });
    const state = await w.app.db.orderSyncState.findUniqueOrThrow({ where: { storeId: w.storeId } });
    expect(state.windowStart!.getTime()).toBe(now.getTime() - 14 * 24 * 3600_000);
    await w.settle();
    expect(await salesOrderOf(w, paid.id)).not.toBeNull();
    expect(await salesOrderOf(w, pending.id)).toBeNull();
    expect(await w.app.db.shopifyOrderLink.findFirst({ where: { shopifyOrderId: pending.id } })).toMatchObject({ skipRule: "payment_pending" });
  });

  it("after a pause, orders created meanwhile are not imported automatically but offered: 'Import N eligible orders created while paused'", async () => {
    const { activateSync, pauseSync } = await import("~/services/stores/connections.server");
    const { startOrderSyncOnActivation, orderSyncDeps } = await import("~/jobs/order-kinds.server");
    const { findOrdersCreatedWhilePaused, importOrdersCreatedWhilePaused } = await import("~/sync/orders/order-sync.server");
    const { unauthenticated } = await import("~/shopify.server");
    expect(await pauseSync(w.app.db, w.accountId, w.storeId)).toEqual({ ok: true });
    const whilePaused = await w.createOrder({ lines: [{ sku: "WAL-BOARD-S", quantity: 2 }] });
    await w.settle();
    // Shopify's times have whole seconds, and an order placed in the second of activation counts
    // as placed while active: reactivate in the next second.
    await new Promise((resolve) => setTimeout(resolve, 1_005 - (Date.now() % 1_000)));
    expect(await activateSync(w.app.db, w.accountId, w.storeId, new Date(), startOrderSyncOnActivation)).toEqual({ ok: true });
    await w.settle();
    expect(await salesOrderOf(w, whilePaused.id)).toBeNull();
    expect(await w.app.db.shopifyOrderLink.findFirst({ where: { shopifyOrderId: whilePaused.id } })).toMatchObject({ skipRule: "before_window" });

    const { admin } = await unauthenticated.admin(SHOP);
    const deps = orderSyncDeps(admin, w.app.db);
    const offer = await findOrdersCreatedWhilePaused(deps, w.storeId);
    expect(offer?.orderIds).toContain(whilePaused.id);
    expect(await importOrdersCreatedWhilePaused(deps, w.accountId, w.storeId)).toEqual({ ok: true, started: offer!.orderIds.length });
    await w.settle();
    expect(await salesOrderOf(w, whilePaused.id)).not.toBeNull();
    // The offer is withdrawn once taken.
    expect(await importOrdersCreatedWhilePaused(deps, w.accountId, w.storeId)).toMatchObject({ ok: false, code: "NOTHING_TO_IMPORT" });
  });
});
