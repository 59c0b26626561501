import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { startAppHarness, type AppHarness } from "../support/app-harness";
import {
  activeSyncStore,
  importedSalesOrder,
  inStock,
  mappedVariant,
  readShopifyOrder,
  rowsOf,
  settle,
  shopifyOrder,
  type SyncStore,
} from "../support/fulfillment-fixtures";

/**
 * Fulfillment sync both ways through the emulator (issue 9, ADR 015): webhooks arrive over HTTP
 * at Tenon's routes, jobs run on the real runner, Shopify is read and written through the API.
 */
const TOML = fileURLToPath(new URL("./fixtures/fulfillment-sync.app.toml", import.meta.url));

let app: AppHarness;
let s: SyncStore;

beforeAll(async () => {
  app = await startAppHarness({ tomlPath: TOML });
  s = await activeSyncStore(app);
}, 60_000);
afterAll(async () => app?.stop());

async function services() {
  const sales = await import("~/services/sales-orders/sales-orders.server");
  const sync = await import("~/sync/fulfillments/fulfillment-sync.server");
  return { ...sales, ...sync };
}

/** fulfillmentCreate in Shopify (as a merchant in Shopify admin would): given units of the order's lines. */
async function fulfillInShopify(orderId: string, units: Record<string, number> | "all", tracking?: { number: string; company?: string }) {
  const data = await s.shopify.graphql<{
    order: { fulfillmentOrders: { nodes: { id: string; status: string; assignedLocation: { location: { id: string } }; lineItems: { nodes: { id: string; remainingQuantity: number; lineItem: { sku: string } }[] } }[] } };
  }>(
    `query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 5) { nodes { id status assignedLocation { location { id } } lineItems(first: 10) { nodes { id remainingQuantity lineItem { sku } } } } } } }`,
    { id: orderId },
  );
  const ids: string[] = [];
  for (const fo of data.order.fulfillmentOrders.nodes.filter((f) => f.status === "OPEN" || f.status === "IN_PROGRESS")) {
    const lines = fo.lineItems.nodes
      .map((l) => ({ id: l.id, quantity: units === "all" ? l.remainingQuantity : Math.min(units[l.lineItem.sku] ?? 0, l.remainingQuantity) }))
      .filter((l) => l.quantity > 0);
    if (lines.length === 0) continue;
    const answer = await s.shopify.graphql<{ fulfillmentCreate: { fulfillment: { id: string } | null; userErrors: { message: string }[] } }>(
      `mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { id } userErrors { message } } }`,
      { f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: lines }], ...(tracking ? { trackingInfo: tracking } : {}) } },
    );
    if (!answer.fulfillmentCreate.fulfillment) throw new Error(answer.fulfillmentCreate.userErrors.map((e) => e.message).join("; "));
    ids.push(answer.fulfillmentCreate.fulfillment.id);
  }
  return ids;
}

describe("Shopify → Tenon", () => {
  it("a fulfillment delivers the matching rows, takes the stock at the row's location, keeps the tracking once", async () => {
    const order = await shopifyOrder(s, [
      { sku: "OAK-STOOL-45", quantity: 2 },
      { sku: "WAL-BOARD-S", quantity: 1 },
    ]);
    const soId = await importedSalesOrder(app, s, order);
    const stool = await mappedVariant(app, s, "OAK-STOOL-45");
    const workshop = s.locations["Workshop"]!;
    const before = Number(await inStock(app.db, stool.id, workshop));

    const [fulfillmentId] = await fulfillInShopify(order.id, "all", { number: "TRACK-1", company: "DHL" });
    await settle(app);

    const rows = await rowsOf(app.db, soId);
    expect(rows.map((r) => [r.code, r.state, r.quantity])).toEqual([
      ["OAK-STOOL-45", "delivered", "2"],
      ["WAL-BOARD-S", "delivered", "1"],
    ]);
    expect(Number(await inStock(app.db, stool.id, workshop))).toBe(before - 2);
    const record = await app.db.shopifyFulfillment.findFirstOrThrow({ where: { fulfillmentId } });
    expect(record).toMatchObject({ origin: "shopify", state: "applied", trackingNumber: "TRACK-1", trackingCompany: "DHL", salesOrderId: soId });
    const activity = await app.db.syncActivity.findFirstOrThrow({ where: { storeId: s.storeId, subjectRef: fulfillmentId } });
    expect(activity).toMatchObject({ area: "fulfillments", outcome: "ok" });
    // Tenon delivered because of Shopify: nothing goes back to Shopify.
    expect(await app.db.fulfillmentPush.count({ where: { salesOrderId: soId } })).toBe(0);
    expect((await readShopifyOrder(s, order.id)).fulfillments).toHaveLength(1);
  }, 60_000);

  it("a partial fulfillment delivers part of the row; the rest follows with the next one", async () => {
    const order = await shopifyOrder(s, [{ sku: "WAL-BOARD-M", quantity: 5 }]);
    const soId = await importedSalesOrder(app, s, order);
    await fulfillInShopify(order.id, { "WAL-BOARD-M": 2 });
    await settle(app);
    expect((await rowsOf(app.db, soId)).map((r) => [r.state, r.quantity])).toEqual([
      ["delivered", "2"],
      ["not_shipped", "3"],
    ]);
    await fulfillInShopify(order.id, "all");
    await settle(app);
    expect((await rowsOf(app.db, soId)).map((r) => [r.state, r.quantity])).toEqual([
      ["delivered", "2"],
      ["delivered", "3"],
    ]);
  }, 60_000);

  it("batch-tracked items get their batches first-in, first-out across several batches", async () => {
    const oil = await mappedVariant(app, s, "WAL-SERVE-01", { batchTracked: true });
    const workshop = s.locations["Workshop"]!;
    const { receivePurchase } = await import("~/services/stock/stock.server");
    for (const [batchNumber, quantity, receivedAt] of [
      ["B-OLD", "2", "2026-01-05"],
      ["B-MID", "1", "2026-02-05"],
      ["B-NEW", "5", "2026-03-05"],
    ] as const) {
      const received = await receivePurchase(app.db, s.accountId, { variantId: oil.id, locationId: workshop, quantity, receivedAt, batchNumber });
      expect(received.ok).toBe(true);
    }
    const order = await shopifyOrder(s, [{ sku: "WAL-SERVE-01", quantity: 4 }]);
    const soId = await importedSalesOrder(app, s, order);
    await fulfillInShopify(order.id, "all");
    await settle(app);
    const [row] = await rowsOf(app.db, soId);
    expect(row).toMatchObject({ state: "delivered", quantity: "4" });
    const movements = await app.db.stockMovement.findMany({ where: { salesOrderRowId: row!.id }, include: { batch: true } });
    expect(movements.map((m) => [m.batch?.number, m.quantity.toString()]).sort()).toEqual([
      ["B-MID", "-1"],
      ["B-NEW", "-1"],
      ["B-OLD", "-2"],
    ]);
  }, 60_000);

  it("all or nothing: a line without a row rejects the whole fulfillment with the reason; Retry applies it once fixed", async () => {
    const order = await shopifyOrder(s, [
      { sku: "OAK-STOOL-60", quantity: 1 },
      { sku: "BEECH-STEP-01", quantity: 1 },
    ]);
    const soId = await importedSalesOrder(app, s, order);
    // The merchant deleted the step-stool row in Tenon.
    const stepRow = (await rowsOf(app.db, soId)).find((r) => r.code === "BEECH-STEP-01")!;
    await app.db.salesOrderRow.delete({ where: { id: stepRow.id } });

    const [fulfillmentId] = await fulfillInShopify(order.id, "all");
    await settle(app);
    expect((await rowsOf(app.db, soId)).map((r) => r.state)).toEqual(["not_shipped"]);
    const record = await app.db.shopifyFulfillment.findFirstOrThrow({ where: { fulfillmentId } });
    expect(record.state).toBe("rejected");
    expect(record.reason).toContain("BEECH-STEP-01");
    const failure = await app.db.syncActivity.findFirstOrThrow({ where: { storeId: s.storeId, subjectRef: fulfillmentId, outcome: "failed" } });
    expect(failure).toMatchObject({ resolvedAt: null, retryKind: "fulfillment.sync_order" });
    const view = await (await services()).fulfillmentSyncView(app.db, soId);
    expect(view?.problems).toHaveLength(1);

    // The fix: a row for the item again (added in Tenon, no Shopify line id: matched by the SKU map).
    const step = await mappedVariant(app, s, "BEECH-STEP-01");
    await app.db.salesOrderRow.create({
      data: { salesOrderId: soId, position: 5, variantId: step.id, description: "Step stool", quantity: "1", pricePerUnit: "10", locationId: s.locations["Workshop"]! },
    });
    const { jobs } = await import("~/jobs/index.server");
    await app.db.$transaction((tx) => jobs.enqueue(tx, "fulfillment.sync_order", failure.retryPayload as { storeId: string; shopifyOrderId: string }));
    await settle(app);
    expect((await rowsOf(app.db, soId)).map((r) => r.state)).toEqual(["delivered", "delivered"]);
    expect((await app.db.shopifyFulfillment.findFirstOrThrow({ where: { fulfillmentId } })).state).toBe("applied");
    expect((await app.db.syncActivity.findUniqueOrThrow({ where: { id: failure.id } })).resolution).toBe("succeeded");
  }, 60_000);

  it("a cancelled Shopify fulfillment leaves Tenon delivered; delivered rows never change again", async () => {
    const order = await shopifyOrder(s, [{ sku: "OAK-STOOL-75", quantity: 1 }]);
    const soId = await importedSalesOrder(app, s, order);
    const [fulfillmentId] = await fulfillInShopify(order.id, "all");
    await settle(app);
    const movementsBefore = await app.db.stockMovement.count();
    const cancelled = await s.shopify.graphql<{ fulfillmentCancel: { userErrors: { message: string }[] } }>(
      `mutation($id: ID!) { fulfillmentCancel(id: $id) { fulfillment { id } userErrors { message } } }`,
      { id: fulfillmentId },
    );
    expect(cancelled.fulfillmentCancel.userErrors).toEqual([]);
    await settle(app);
    expect((await rowsOf(app.db, soId)).map((r) => r.state)).toEqual(["delivered"]);
    expect(await app.db.stockMovement.count()).toBe(movementsBefore);
    // Fulfilled again in Shopify: the row is already delivered, nothing changes.
    await fulfillInShopify(order.id, "all");
    await settle(app);
    expect((await rowsOf(app.db, soId)).map((r) => [r.state, r.quantity])).toEqual([["delivered", "1"]]);
    expect(await app.db.stockMovement.count()).toBe(movementsBefore);
  }, 60_000);

  it("pickup: picked up in Shopify → Tenon Delivered", async () => {
    const order = await shopifyOrder(s, [{ sku: "KIT-MT-01", quantity: 2 }], { pickup: true });
    expect(order.fulfillmentOrders[0]!.deliveryMethod).toBe("PICK_UP");
    const soId = await importedSalesOrder(app, s, order);
    const [fulfillmentId] = await fulfillInShopify(order.id, "all");
    await settle(app);
    expect((await rowsOf(app.db, soId)).map((r) => r.state)).toEqual(["delivered"]);
    expect(await app.db.shopifyFulfillment.findFirstOrThrow({ where: { fulfillmentId } })).toMatchObject({ displayStatus: "PICKED_UP", state: "applied" });
  }, 60_000);
});

describe("reconciliation", () => {
  it("a fulfillment whose webhook Tenon never acted on (sync paused) is applied by the reconciliation check", async () => {
    const order = await shopifyOrder(s, [{ sku: "WAL-SERVE-01", quantity: 1 }]);
    const soId = await importedSalesOrder(app, s, order);
    await app.db.store.update({ where: { id: s.storeId }, data: { syncActive: false } });
    try {
      await fulfillInShopify(order.id, "all");
      await settle(app);
      expect((await rowsOf(app.db, soId)).map((r) => r.state)).toEqual(["not_shipped"]);
    } finally {
      await app.db.store.update({ where: { id: s.storeId }, data: { syncActive: true } });
    }
    const { enqueueOrderFulfillmentCheck } = await services();
    const store = await app.db.store.findUniqueOrThrow({ where: { id: s.storeId } });
    await app.db.$transaction((tx) => enqueueOrderFulfillmentCheck(tx, store, order.id));
    await app.db.$transaction((tx) => enqueueOrderFulfillmentCheck(tx, store, order.id));
    await settle(app);
    expect((await rowsOf(app.db, soId)).map((r) => [r.state, r.quantity])).toEqual([["delivered", "1"]]);
    expect(await app.db.stockMovement.count({ where: { salesOrderRowId: (await rowsOf(app.db, soId))[0]!.id } })).toBe(1);
  }, 60_000);
});

describe("Tenon → Shopify", () => {
  it("delivering the whole order fulfils it in Shopify, one fulfillment per location, and the echo changes nothing", async () => {
    const order = await shopifyOrder(s, [
      { sku: "OAK-STOOL-45", quantity: 1 },
      { sku: "OAK-BENCH-160", quantity: 1 },
    ]);
    expect(new Set(order.fulfillmentOrders.map((fo) => fo.location))).toEqual(new Set(["Workshop", "Warehouse Leipzig"]));
    const soId = await importedSalesOrder(app, s, order);
    const { deliverOrder } = await services();
    const movementsBefore = await app.db.stockMovement.count();
    expect((await deliverOrder(app.db, s.accountId, soId, new Date(), { number: "PARCEL-9", company: "UPS" })).ok).toBe(true);
    await settle(app);

    const shopifyAfter = await readShopifyOrder(s, order.id);
    expect(shopifyAfter.displayFulfillmentStatus).toBe("FULFILLED");
    expect(shopifyAfter.fulfillments).toHaveLength(2);
    const records = await app.db.shopifyFulfillment.findMany({ where: { salesOrderId: soId } });
    expect(records.map((r) => [r.origin, r.state, r.trackingNumber])).toEqual([
      ["tenon", "created", "PARCEL-9"],
      ["tenon", "created", "PARCEL-9"],
    ]);
    expect(new Set(records.map((r) => r.shopifyLocationId))).toEqual(new Set([s.shopifyLocations["Workshop"], s.shopifyLocations["Warehouse Leipzig"]]));
    // Echo: Tenon's own fulfillments came back as webhooks and moved no stock a second time.
    expect(await app.db.stockMovement.count()).toBe(movementsBefore + 2);
    expect(await app.db.fulfillmentPush.findMany({ where: { salesOrderId: soId } })).toMatchObject([{ state: "sent", wholeOrder: true }]);
  }, 60_000);

  it("packed and partly delivered rows fulfil exactly those units; packed rows stay packed in Tenon", async () => {
    const order = await shopifyOrder(s, [
      { sku: "WAL-BOARD-L", quantity: 5 },
      { sku: "OAK-STOOL-60", quantity: 1 },
    ]);
    const soId = await importedSalesOrder(app, s, order);
    const { deliverRow, packRows } = await services();
    const [board, stool] = await rowsOf(app.db, soId);
    expect((await deliverRow(app.db, s.accountId, soId, board!.id, "2")).ok).toBe(true);
    await settle(app);
    let shopify = await readShopifyOrder(s, order.id);
    expect(shopify.displayFulfillmentStatus).toBe("PARTIALLY_FULFILLED");
    expect(shopify.fulfillments.map((f) => f.quantity)).toEqual([2]);

    expect((await packRows(app.db, s.accountId, soId, [stool!.id])).ok).toBe(true);
    await settle(app);
    shopify = await readShopifyOrder(s, order.id);
    expect(shopify.fulfillments.map((f) => f.quantity)).toEqual([2, 1]);
    expect((await rowsOf(app.db, soId)).map((r) => [r.code, r.state, r.quantity])).toEqual([
      ["WAL-BOARD-L", "delivered", "2"],
      ["OAK-STOOL-60", "packed", "1"],
      ["WAL-BOARD-L", "not_shipped", "3"],
    ]);
    // Delivering the packed row sends nothing more (its units are fulfilled already).
    expect((await deliverRow(app.db, s.accountId, soId, stool!.id)).ok).toBe(true);
    await settle(app);
    expect((await readShopifyOrder(s, order.id)).fulfillments).toHaveLength(2);
  }, 60_000);

  it("a retry after a lost answer adopts the fulfillment Shopify made and never fulfils twice", async () => {
    const order = await shopifyOrder(s, [{ sku: "WAL-BOARD-S", quantity: 3 }]);
    const soId = await importedSalesOrder(app, s, order);
    const { packRows } = await services();
    const [row] = await rowsOf(app.db, soId);
    expect((await packRows(app.db, s.accountId, soId, [row!.id])).ok).toBe(true);
    // The push ran up to fulfillmentCreate and crashed before recording Shopify's answer.
    const record = await app.db.shopifyFulfillment.create({
      data: {
        storeId: s.storeId,
        shopifyOrderId: order.id,
        salesOrderId: soId,
        origin: "tenon",
        state: "pending",
        lines: [{ lineItemId: order.lineItems[0]!.id, quantity: 3 }],
        createdAt: new Date(Date.now() - 1000),
      },
    });
    const [made] = await fulfillInShopify(order.id, "all");
    await settle(app);
    expect((await readShopifyOrder(s, order.id)).fulfillments).toHaveLength(1);
    expect(await app.db.shopifyFulfillment.findUniqueOrThrow({ where: { id: record.id } })).toMatchObject({ fulfillmentId: made, state: "created" });
    // Tenon's own fulfillment: the packed row was not delivered by its echo.
    expect((await rowsOf(app.db, soId)).map((r) => r.state)).toEqual(["packed"]);
    expect(await app.db.fulfillmentPush.findMany({ where: { salesOrderId: soId } })).toMatchObject([{ state: "skipped", reasonCode: "ALREADY_FULFILLED" }]);
  }, 60_000);

  it("pickup: Delivered in Tenon leaves Shopify unfulfilled, and the order page says to mark it picked up there", async () => {
    const order = await shopifyOrder(s, [{ sku: "WAL-BOARD-S", quantity: 1 }], { pickup: true });
    const soId = await importedSalesOrder(app, s, order);
    const { deliverOrder, fulfillmentSyncView } = await services();
    expect((await deliverOrder(app.db, s.accountId, soId)).ok).toBe(true);
    await settle(app);
    const shopify = await readShopifyOrder(s, order.id);
    expect(shopify.displayFulfillmentStatus).toBe("UNFULFILLED");
    expect(await app.db.fulfillmentPush.findMany({ where: { salesOrderId: soId } })).toMatchObject([{ state: "skipped", reasonCode: "PICKUP" }]);
    expect((await fulfillmentSyncView(app.db, soId))?.pickupNotice).toMatch(/picked up in Shopify/);
    // The merchant marks it picked up in Shopify: Tenon is already delivered, nothing changes.
    const movements = await app.db.stockMovement.count();
    await fulfillInShopify(order.id, "all");
    await settle(app);
    expect(await app.db.stockMovement.count()).toBe(movements);
    expect((await fulfillmentSyncView(app.db, soId))?.pickupNotice).toBeNull();
  }, 60_000);

  it("direction Shopify → Tenon only: Tenon deliveries are recorded as not sent", async () => {
    const { setOrderSettings } = await import("../support/fulfillment-fixtures");
    await setOrderSettings(app.db, s.storeId, { fulfillmentDirection: "shopify_to_tenon" });
    try {
      const order = await shopifyOrder(s, [{ sku: "WAL-BOARD-S", quantity: 1 }]);
      const soId = await importedSalesOrder(app, s, order);
      const { deliverOrder } = await services();
      expect((await deliverOrder(app.db, s.accountId, soId)).ok).toBe(true);
      await settle(app);
      expect((await readShopifyOrder(s, order.id)).displayFulfillmentStatus).toBe("UNFULFILLED");
      expect(await app.db.fulfillmentPush.findMany({ where: { salesOrderId: soId } })).toMatchObject([{ state: "skipped", reasonCode: "SYNC_OFF" }]);
      expect(await app.db.syncActivity.findFirstOrThrow({ where: { storeId: s.storeId, subjectRef: soId } })).toMatchObject({ outcome: "skipped", action: "fulfillment.push_skipped" });
    } finally {
      await setOrderSettings(app.db, s.storeId, {});
    }
  }, 60_000);
});
