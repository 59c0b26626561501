import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP, startOrderSyncWorld, type OrderSyncWorld } from "./order-sync.support";

/**
 * Session loss and reconnection (docs/decisions/019), against the emulator, on both databases:
 * while Tenon has no valid credentials for the store, the jobs that need Shopify park instead of
 * dying, the store gets one "lost access" failure, and the sweep chain survives; once the
 * merchant opens Tenon again (token exchange through the real app route), the parked jobs and
 * the sweep from its kept checkpoint bring in exactly the orders missed meanwhile, each once.
 */
let w: OrderSyncWorld;

beforeAll(async () => {
  w = await startOrderSyncWorld();
  w.app.emulator.setThrottle(SHOP, { plan: "plus" });
  await w.settle();
}, 60_000);
afterAll(async () => {
  w.app.emulator.setWebhookFaults({});
  await w.stop();
});

const SKUS = ["OAK-STOOL-45", "WAL-BOARD-S", "OIL-HW-250"];

/** The merchant opens Tenon in Shopify admin: App Bridge's request with a fresh session token. */
async function openTenon() {
  const response = await w.app.request("/app/stores", { headers: { Authorization: `Bearer ${w.app.emulator.mintSessionToken(SHOP)}` } });
  expect(response.status).toBe(200);
}

async function sweepNow() {
  const { enqueue } = await import("~/jobs/index.server");
  const state = await w.app.db.orderSyncState.findUniqueOrThrow({ where: { storeId: w.storeId } });
  await w.app.db.$transaction((tx) => enqueue(tx, "orders.sweep", { storeId: w.storeId, chain: state.sweepChain! }, { serialKey: `orders-sweep:${w.storeId}` }));
}

const openAccessFailures = () =>
  w.app.db.syncActivity.count({ where: { storeId: w.storeId, action: "store.access_lost", outcome: "failed", resolvedAt: null } });

async function importedOnce(ids: string[]) {
  const [orders, links] = await Promise.all([
    w.app.db.salesOrder.groupBy({ by: ["externalOrderId"], where: { storeId: w.storeId, externalOrderId: { in: ids } }, _count: { _all: true } }),
    w.app.db.shopifyOrderLink.findMany({ where: { storeId: w.storeId, shopifyOrderId: { in: ids } }, select: { state: true } }),
  ]);
  return { orders: orders.length, allOnce: orders.every((o) => o._count._all === 1), imported: links.filter((l) => l.state === "imported").length };
}

describe("session loss and reconnection", () => {
  it("session removed mid-burst: the orders meanwhile park, one failure shows; after reopening exactly the missed orders arrive, once", async () => {
    const { syncHealth } = await import("~/services/activity/activity.server");
    const { jobs } = await import("~/jobs/index.server");
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      // Mid-burst the offline session disappears (an uninstall race, a compliance request, …).
      if (i === 4) await w.app.db.session.deleteMany({ where: { shop: SHOP } });
      // The last order's webhooks are lost as well: only the sweep from its checkpoint can find it.
      if (i === 9) w.app.emulator.setWebhookFaults({ drop: 1 });
      ids.push((await w.createOrder({ lines: [{ sku: SKUS[i % SKUS.length]!, quantity: 1 + (i % 2) }] })).id);
    }
    await w.settle();
    w.app.emulator.setWebhookFaults({});
    // A sweep runs while access is gone: it parks too, so the chain does not die.
    await sweepNow();
    await w.settle();

    const missed = [];
    for (const id of ids) if ((await importedOnce([id])).orders === 0) missed.push(id);
    // Every order created after the session went is missed (the ones before may have made it).
    expect(missed.length).toBeGreaterThanOrEqual(6);
    expect(missed).toEqual(expect.arrayContaining(ids.slice(4)));
    expect(await w.app.db.job.count({ where: { state: "dead" } })).toBe(0);
    const parked = await w.app.db.parkedJob.findMany({ where: { storeId: w.storeId } });
    expect(parked.filter((p) => p.kind === "order.sync").length).toBeGreaterThanOrEqual(5);
    expect(parked.some((p) => p.kind === "orders.sweep")).toBe(true);
    // One failure needing action for the store, however many jobs parked; the header shows it.
    expect(await openAccessFailures()).toBe(1);
    const health = await syncHealth(w.app.db, w.storeId);
    expect(health.accessLost).toMatchObject({ message: "Tenon lost access to this store — open Tenon in Shopify admin to reconnect." });
    expect(health.openFailures).toBeGreaterThanOrEqual(1);
    const salesOrdersBefore = await w.app.db.salesOrder.count({ where: { storeId: w.storeId } });
    const linksBefore = await w.app.db.shopifyOrderLink.count({ where: { storeId: w.storeId } });

    await openTenon();
    expect(await w.app.db.session.count({ where: { shop: SHOP, isOnline: false } })).toBe(1);
    await w.settle();
    await w.settle();

    expect(await importedOnce(ids)).toEqual({ orders: ids.length, allOnce: true, imported: ids.length });
    // Exactly the missed orders arrived: nothing else, nothing twice.
    expect(await w.app.db.salesOrder.count({ where: { storeId: w.storeId } })).toBe(salesOrdersBefore + missed.length);
    expect(await w.app.db.shopifyOrderLink.count({ where: { storeId: w.storeId } })).toBe(linksBefore + missed.length);
    expect(await w.app.db.parkedJob.count({ where: { storeId: w.storeId } })).toBe(0);
    expect(await openAccessFailures()).toBe(0);
    expect((await syncHealth(w.app.db, w.storeId)).accessLost).toBeNull();
    expect(await w.app.db.job.count({ where: { state: "dead" } })).toBe(0);
    // The sweep chain lives on: its next sweep is waiting.
    expect(await jobs.hasUnfinished("orders.sweep", `orders-sweep:${w.storeId}`)).toBe(true);
  });

  it("a revoked token (Shopify answers 401) parks like a missing session; the session is dropped, so reopening exchanges a new token", async () => {
    const session = await w.app.db.session.findFirstOrThrow({ where: { shop: SHOP, isOnline: false } });
    w.app.emulator.revokeAccessTokens(SHOP, [session.accessToken]);
    const created = await w.createOrder({ lines: [{ sku: "WAL-BOARD-M", quantity: 1 }] });
    await w.settle();

    expect(await importedOnce([created.id])).toMatchObject({ orders: 0 });
    expect(await w.app.db.parkedJob.count({ where: { storeId: w.storeId, kind: "order.sync" } })).toBeGreaterThanOrEqual(1);
    expect(await w.app.db.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await openAccessFailures()).toBe(1);
    expect(await w.app.db.job.count({ where: { state: "dead" } })).toBe(0);

    await openTenon();
    await w.settle();
    expect(await importedOnce([created.id])).toEqual({ orders: 1, allOnce: true, imported: 1 });
    expect((await w.app.db.session.findFirstOrThrow({ where: { shop: SHOP, isOnline: false } })).accessToken).not.toBe(session.accessToken);
    expect(await openAccessFailures()).toBe(0);
    expect(await w.app.db.parkedJob.count({ where: { storeId: w.storeId } })).toBe(0);
  });

  it("an import that meets a 401 part-way parks instead of ending failed, and finishes after reopening", async () => {
    const { startCustomerImport } = await import("~/sync/imports/customer-import.server");
    const { enqueue } = await import("~/jobs/index.server");
    const session = await w.app.db.session.findFirstOrThrow({ where: { shop: SHOP, isOnline: false } });
    w.app.emulator.revokeAccessTokens(SHOP, [session.accessToken]);
    const started = await startCustomerImport(w.app.db, w.accountId, w.storeId, (tx, importId) => enqueue(tx, "import.customers", { importId }));
    if (!started.ok) throw new Error(started.message);
    await w.settle();

    // The run is not over (not "failed" with the 401): its job waits for access.
    expect(await w.app.db.importRun.findUniqueOrThrow({ where: { id: started.value.importId } })).toMatchObject({ state: "running", error: null });
    expect(await w.app.db.parkedJob.findMany({ where: { storeId: w.storeId }, select: { kind: true } })).toEqual([{ kind: "import.customers" }]);
    expect(await openAccessFailures()).toBe(1);

    await openTenon();
    await w.settle();
    expect(await w.app.db.importRun.findUniqueOrThrow({ where: { id: started.value.importId } })).toMatchObject({ state: "succeeded" });
    expect(await openAccessFailures()).toBe(0);
  });

  it("opening the app re-creates a sweep chain that died (no sweep waiting or running)", async () => {
    const { jobs } = await import("~/jobs/index.server");
    const key = `orders-sweep:${w.storeId}`;
    // A chain lost the way it was before (its last sweep dead after its attempts), or by the queue.
    await w.app.db.job.deleteMany({ where: { kind: "orders.sweep", state: { in: ["queued", "running"] } } });
    expect(await jobs.hasUnfinished("orders.sweep", key)).toBe(false);
    const before = (await w.app.db.orderSyncState.findUniqueOrThrow({ where: { storeId: w.storeId } })).sweepChain;

    await openTenon();
    const state = await w.app.db.orderSyncState.findUniqueOrThrow({ where: { storeId: w.storeId } });
    expect(state.sweepChain).not.toBe(before);
    expect(await jobs.hasUnfinished("orders.sweep", key)).toBe(true);
    await w.settle();
    // Opening again with the chain alive starts nothing more.
    await openTenon();
    expect((await w.app.db.orderSyncState.findUniqueOrThrow({ where: { storeId: w.storeId } })).sweepChain).toBe(state.sweepChain);
    expect(await w.app.db.job.count({ where: { kind: "orders.sweep", state: "queued" } })).toBe(1);
  });
});
