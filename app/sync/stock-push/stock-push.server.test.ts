import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db";
import { createLocation, createShopifyLocation, createStore } from "../../../tests/support/factories";
import { createSalesOrder } from "../../services/sales-orders/sales-orders.server";
import { adjustStock } from "../../services/stock/stock.server";
import { planStockEvents, pushAllStock, pushIdempotencyKey, stockPushCounters, wantedTargets } from "./stock-push.server";

/** Planning (outbox → pending set) against the database; pushing is tested through the emulator. */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

// Inventory sync off: the trigger records no job here; these tests run the planner themselves.
const settings = (manual: boolean) => ({ inventory: { inventorySync: false, manualOrdersCountAgainstStock: manual } });

async function setup() {
  const first = await createStore(t.db, { syncActive: true });
  const accountId = first.accountId;
  const second = await createStore(t.db, { accountId, syncActive: true });
  await t.db.store.update({ where: { id: first.id }, data: { settings: settings(true) } });
  await t.db.store.update({ where: { id: second.id }, data: { settings: settings(false) } });
  const berlin = await createLocation(t.db, accountId, "Berlin");
  await createShopifyLocation(t.db, first.id, { shopifyLocationId: "gid://shopify/Location/1", locationId: berlin.id });
  await createShopifyLocation(t.db, first.id, { shopifyLocationId: "gid://shopify/Location/2", locationId: berlin.id });
  await createShopifyLocation(t.db, first.id, { shopifyLocationId: "gid://shopify/Location/3", locationId: null });
  await createShopifyLocation(t.db, first.id, { shopifyLocationId: "gid://shopify/Location/4", locationId: berlin.id, removedAt: new Date() });
  await createShopifyLocation(t.db, second.id, { shopifyLocationId: "gid://shopify/Location/9", locationId: berlin.id });
  const product = await t.db.product.create({ data: { accountId, name: "Stool" } });
  const older = await t.db.variant.create({ data: { accountId, productId: product.id, code: "A", createdAt: new Date("2026-01-01") } });
  const newer = await t.db.variant.create({ data: { accountId, productId: product.id, code: "A", createdAt: new Date("2026-03-01") } });
  const service = await t.db.product.create({ data: { accountId, name: "Assembly", kind: "service", variants: { create: { accountId, code: "SRV" } } }, include: { variants: true } });
  const map = (storeId: string, n: number, variantId: string, sku: string | null) =>
    t.db.variantMapping.create({
      data: { storeId, shopifyVariantId: `gid://shopify/ProductVariant/${n}`, shopifyProductId: "gid://shopify/Product/1", inventoryItemId: `gid://shopify/InventoryItem/${n}`, variantId, sku },
    });
  // Store 1: two Shopify variants share SKU A (one linked to the older Tenon variant); a service.
  await map(first.id, 11, older.id, "A");
  await map(first.id, 12, newer.id, "A");
  await map(first.id, 13, service.variants[0]!.id, "SRV");
  // Store 2 has SKU A too.
  await map(second.id, 21, older.id, "A");
  return { accountId, first, second, berlin, older, newer };
}

async function adjust(accountId: string, variantId: string, locationId: string, quantity: number) {
  const result = await adjustStock(t.db, accountId, { locationId, reason: "test", occurredAt: new Date(), lines: [{ variantId, quantity }] });
  if (!result.ok) throw new Error(result.message);
}

describe("planning the stock push", () => {
  it("resolves targets: newest Tenon variant wins a shared code, every Shopify variant with it, mapped active locations, every store; never services", async () => {
    const s = await setup();
    const { targets } = await wantedTargets(t.db, s.accountId, {});
    const keys = targets.map((x) => `${x.storeId === s.first.id ? "s1" : "s2"}:${x.inventoryItemId.split("/").pop()}@${x.shopifyLocationId.split("/").pop()}←${x.variantId === s.newer.id ? "newer" : "older"}`).sort();
    expect(keys).toEqual(["s1:11@1←newer", "s1:11@2←newer", "s1:12@1←newer", "s1:12@2←newer", "s2:21@9←newer"]);
  });

  it("the older variant's stock never reaches Shopify; the newest one's does, coalesced into one row per target", async () => {
    const s = await setup();
    const pushed: string[] = [];
    const enqueue = async (_tx: unknown, storeId: string) => void pushed.push(storeId);
    await adjust(s.accountId, s.older.id, s.berlin.id, 50);
    expect(await planStockEvents(t.db, s.accountId, new Date(), enqueue)).toMatchObject({ events: 1, targets: 0, storeIds: [] });
    expect(await t.db.stockPushTarget.count({ where: { storeId: { in: [s.first.id, s.second.id] } } })).toBe(0);

    await adjust(s.accountId, s.newer.id, s.berlin.id, 4);
    await adjust(s.accountId, s.newer.id, s.berlin.id, 3);
    await adjust(s.accountId, s.newer.id, s.berlin.id, -2);
    const plan = await planStockEvents(t.db, s.accountId, new Date(), enqueue);
    expect(plan.events).toBe(3);
    const rows = await t.db.stockPushTarget.findMany({ where: { storeId: { in: [s.first.id, s.second.id] } } });
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((r) => r.wanted))).toEqual(new Set([5]));
    expect(rows.every((r) => r.state === "pending" && r.confirmed === null)).toBe(true);
    // Both stores pause inventory sync (setting off): planned, nothing to enqueue.
    expect(pushed).toEqual([]);
    expect(await t.db.stockEvent.count({ where: { accountId: s.accountId, processedAt: null } })).toBe(0);
    expect(await stockPushCounters(t.db, s.first.id)).toMatchObject({ targets: 4, pending: 4, failed: 0 });

    // Nothing changed: planning again changes nothing.
    const versions = rows.map((r) => r.version);
    await adjust(s.accountId, s.newer.id, s.berlin.id, 1);
    await adjust(s.accountId, s.newer.id, s.berlin.id, -1);
    await planStockEvents(t.db, s.accountId, new Date(), enqueue);
    const again = await t.db.stockPushTarget.findMany({ where: { id: { in: rows.map((r) => r.id) } } });
    expect(again.map((r) => r.wanted)).toEqual(rows.map(() => 5));
    expect(again.map((r) => r.version).every((v, i) => v >= versions[i]!)).toBe(true);
  });

  it("manual orders count against Shopify stock per store setting; below zero pushes 0 and flags", async () => {
    const s = await setup();
    const enqueue = async () => undefined;
    await adjust(s.accountId, s.newer.id, s.berlin.id, 10);
    const order = await createSalesOrder(t.db, s.accountId, { orderDate: new Date(), rows: [{ variantId: s.newer.id, quantity: 3, pricePerUnit: 1, locationId: s.berlin.id }] });
    if (!order.ok) throw new Error(order.message);
    await planStockEvents(t.db, s.accountId, new Date(), enqueue);
    const wanted = async (storeId: string) => [...new Set((await t.db.stockPushTarget.findMany({ where: { storeId } })).map((r) => r.wanted))];
    expect(await wanted(s.first.id)).toEqual([7]); // manual orders count
    expect(await wanted(s.second.id)).toEqual([10]); // they do not

    const big = await createSalesOrder(t.db, s.accountId, { orderDate: new Date(), rows: [{ variantId: s.newer.id, quantity: 12, pricePerUnit: 1, locationId: s.berlin.id }] });
    if (!big.ok) throw new Error(big.message);
    await planStockEvents(t.db, s.accountId, new Date(), enqueue);
    const first = await t.db.stockPushTarget.findMany({ where: { storeId: s.first.id } });
    expect(first.every((r) => r.wanted === 0 && r.negative)).toBe(true);
    expect(await stockPushCounters(t.db, s.first.id)).toMatchObject({ negative: 4 });
  });

  it("enqueues a push only for stores that push (connected, Sync active, inventory sync on)", async () => {
    const s = await setup();
    await t.db.store.update({ where: { id: s.first.id }, data: { settings: { inventory: { inventorySync: true } } } });
    await t.db.store.update({ where: { id: s.second.id }, data: { syncActive: false, settings: { inventory: { inventorySync: true } } } });
    // The trigger enqueues stock.plan in the writer's transaction; the job is recorded with it.
    await adjust(s.accountId, s.newer.id, s.berlin.id, 2);
    expect(await t.db.job.count({ where: { kind: "stock.plan", payload: { equals: { accountId: s.accountId } } } })).toBe(1);
    const pushed: string[] = [];
    await planStockEvents(t.db, s.accountId, new Date(), async (_tx, storeId) => void pushed.push(storeId));
    expect(pushed).toEqual([s.first.id]);
  });

  it("Push all makes every mapped target pending, drops targets no longer reached, and is refused (with why) when the store does not push", async () => {
    const s = await setup();
    const pushed: string[] = [];
    const enqueue = async (_tx: unknown, storeId: string) => void pushed.push(storeId);
    expect(await pushAllStock(t.db, s.accountId, s.first.id, new Date(), enqueue)).toMatchObject({ ok: false, code: "SYNC_OFF", message: expect.stringContaining("Inventory tab") });
    await t.db.store.update({ where: { id: s.first.id }, data: { settings: { inventory: { inventorySync: true } } } });
    const gone = await t.db.stockPushTarget.create({ data: { storeId: s.first.id, inventoryItemId: "gid://shopify/InventoryItem/999", shopifyLocationId: "gid://shopify/Location/1", wanted: 1, state: "synced", updatedAt: new Date(Date.now() - 60_000) } });
    const result = await pushAllStock(t.db, s.accountId, s.first.id, new Date(), enqueue);
    expect(result).toEqual({ ok: true, value: { targets: 4 } });
    expect(pushed).toEqual([s.first.id]);
    expect(await t.db.stockPushTarget.findUnique({ where: { id: gone.id } })).toBeNull();
    expect(await stockPushCounters(t.db, s.first.id)).toMatchObject({ targets: 4, pending: 4 });
    await t.db.store.update({ where: { id: s.first.id }, data: { syncActive: false } });
    expect(await pushAllStock(t.db, s.accountId, s.first.id, new Date(), enqueue)).toMatchObject({ ok: false, code: "PAUSED" });
  });
});

describe("pushIdempotencyKey", () => {
  const entry = { targetId: "t1", version: 3, quantity: 5, changeFromQuantity: 2 };
  it("is stable for the same call and differs for any other content", () => {
    const key = pushIdempotencyKey("s1", [entry]);
    expect(key).toMatch(/^tenon-push-[0-9a-f]{40}$/);
    expect(pushIdempotencyKey("s1", [entry])).toBe(key);
    expect(pushIdempotencyKey("s2", [entry])).not.toBe(key);
    expect(pushIdempotencyKey("s1", [{ ...entry, version: 4 }])).not.toBe(key);
    expect(pushIdempotencyKey("s1", [{ ...entry, changeFromQuantity: 3 }])).not.toBe(key);
    expect(pushIdempotencyKey("s1", [entry, { ...entry, targetId: "t2" }])).not.toBe(key);
  });
});
