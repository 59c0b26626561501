import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STORE_SEED } from "../emulator/index";
import { EmulatorClient } from "../emulator/client";
import { loadShopSeedFile } from "../emulator/seed";
import { BROWSER_USER_AGENT, startAppHarness, type AppHarness } from "../support/app-harness";

/**
 * The stock push end to end: Tenon's services change stock, the outbox plans the pending set,
 * the push job sends compare-and-set batches to the emulator, which is then checked target by
 * target against Tenon's In stock − Committed.
 */
const SHOP = "tenon-demo.myshopify.com";
const SECOND = "tenon-second.myshopify.com";
let app: AppHarness;
let accountId = "";
let storeId = "";
let secondId = "";
let berlin = "";
let leipzig = "";

const gidNumber = (gid: string) => Number(gid.split("/").pop()!.split("?")[0]);

/** Shopify's available at a target, from the emulator's own state. */
function shopifyAvailable(shop: string, inventoryItemId: string, locationId: string): number | null {
  const level = app.emulator.shop(shop).inventoryLevels.find((l) => l.inventoryItemId === gidNumber(inventoryItemId) && l.locationId === gidNumber(locationId));
  return level ? level.quantities.available : null;
}

async function drain() {
  const { jobs } = await import("~/jobs/index.server");
  await jobs.start();
  await jobs.drain({ timeoutMs: 60_000 });
  await jobs.stop();
}

async function variantByCode(code: string) {
  return app.db.variant.findFirstOrThrow({ where: { accountId, code }, orderBy: { createdAt: "desc" } });
}

/** Tenon's number for a variant at a location (In stock − Committed, or a kit's potential; ≥ 0, whole). */
async function tenonNumber(variantId: string, locationId: string, includeManualOrders = true): Promise<number> {
  const { readStockLevels } = await import("~/services/stock/stock.server");
  const overview = await readStockLevels(app.db, accountId, { variantIds: [variantId], locationIds: [locationId], includeManualOrders });
  const kit = overview.kits.find((k) => k.kitVariantId === variantId && k.locationId === locationId);
  if (kit) return kit.potential;
  const level = overview.levels.find((l) => l.variantId === variantId && l.locationId === locationId);
  return Math.max(0, Math.floor(Number(level?.available ?? 0)));
}

/** Every synced target of the store: Shopify shows what Tenon wants, and that is Tenon's number. */
async function expectInStep(id: string, shop: string) {
  const targets = await app.db.stockPushTarget.findMany({ where: { storeId: id, state: { in: ["synced", "pending"] } } });
  expect(targets.filter((t) => t.state === "pending")).toEqual([]);
  for (const t of targets) {
    expect({ sku: t.sku, at: t.shopifyLocationId, shopify: shopifyAvailable(shop, t.inventoryItemId, t.shopifyLocationId) }).toEqual({ sku: t.sku, at: t.shopifyLocationId, shopify: t.wanted });
    expect({ sku: t.sku, wanted: t.wanted }).toEqual({ sku: t.sku, wanted: await tenonNumber(t.variantId!, t.locationId!) });
  }
  return targets;
}

async function targetsOf(code: string, id = storeId) {
  return app.db.stockPushTarget.findMany({ where: { storeId: id, sku: code }, orderBy: { shopifyLocationId: "asc" } });
}

async function adjust(code: string, locationId: string, quantity: number) {
  const { adjustStock } = await import("~/services/stock/stock.server");
  const variant = await variantByCode(code);
  const result = await adjustStock(app.db, accountId, { locationId, reason: "test", occurredAt: new Date(), lines: [{ variantId: variant.id, quantity }] });
  if (!result.ok) throw new Error(result.message);
}

async function installAndImport(shop: string) {
  const response = await app.request("/app/stores", { headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(shop)}` } });
  expect(response.status).toBe(200);
  return app.db.store.findUniqueOrThrow({ where: { shopDomain: shop } });
}

async function importProducts(id: string) {
  const { startProductImport } = await import("~/sync/imports/product-import.server");
  const { enqueue } = await import("~/jobs/index.server");
  const started = await startProductImport(app.db, accountId, id, (tx, importId) => enqueue(tx, "import.products", { importId }));
  if (!started.ok) throw new Error(started.message);
  await drain();
}

async function mapLocations(id: string) {
  const { mapShopifyLocation } = await import("~/services/locations/location-mapping.server");
  const locations = await app.db.shopifyLocation.findMany({ where: { storeId: id } });
  for (const l of locations) {
    const target = l.name === "Warehouse Leipzig" ? leipzig : berlin;
    if (!target) {
      const created = await mapShopifyLocation(app.db, accountId, id, l.shopifyLocationId, { createName: l.name === "Warehouse Leipzig" ? "Leipzig" : "Berlin" });
      if (!created.ok) throw new Error(created.message);
      if (l.name === "Warehouse Leipzig") leipzig = created.value.locationId;
      else berlin = created.value.locationId;
    } else {
      const mapped = await mapShopifyLocation(app.db, accountId, id, l.shopifyLocationId, { locationId: target });
      if (!mapped.ok) throw new Error(mapped.message);
    }
  }
}

const pushing = { inventory: { inventorySync: true, manualOrdersCountAgainstStock: true } };

beforeAll(async () => {
  app = await startAppHarness();
  const first = await installAndImport(SHOP);
  accountId = first.accountId;
  storeId = first.id;
  // Workshop and Market Stall are both Berlin in Tenon; Leipzig is its own.
  await mapLocations(storeId);
  await importProducts(storeId);

  // A second store selling the same SKUs, joined to the same account.
  const seed = loadShopSeedFile(DEMO_STORE_SEED);
  app.emulator.createShop({ ...seed, handle: "tenon-second", name: "Second Shop" });
  const second = await installAndImport(SECOND);
  await app.db.store.update({ where: { id: second.id }, data: { accountId } });
  secondId = second.id;
  await mapLocations(secondId);
  await importProducts(secondId);

  const activatedAt = new Date(Date.now() - 60_000);
  await app.db.store.updateMany({ where: { id: { in: [storeId, secondId] } }, data: { syncActive: true, settings: pushing, firstActivatedAt: activatedAt, lastActivatedAt: activatedAt } });
}, 120_000);
afterAll(async () => app.stop());

describe("stock push through the emulator", () => {
  it("an adjustment pushes In stock − Committed to every target: duplicate SKUs, both Berlin locations, both stores", async () => {
    await adjust("OAK-LEG-45", berlin, 12);
    await drain();
    const targets = await targetsOf("OAK-LEG-45");
    // Two Shopify variants share the SKU; Workshop and Market Stall are both Berlin.
    expect(new Set(targets.map((t) => t.inventoryItemId)).size).toBe(2);
    const berlinTargets = targets.filter((t) => t.locationId === berlin && t.state === "synced");
    expect(berlinTargets.length).toBeGreaterThanOrEqual(2);
    for (const t of berlinTargets) expect(shopifyAvailable(SHOP, t.inventoryItemId, t.shopifyLocationId)).toBe(12);
    const second = (await targetsOf("OAK-LEG-45", secondId)).filter((t) => t.state === "synced");
    expect(second.length).toBeGreaterThan(0);
    for (const t of second) expect(shopifyAvailable(SECOND, t.inventoryItemId, t.shopifyLocationId)).toBe(12);
    // Workshop and Market Stall are both Berlin in Tenon: each receives Berlin's number.
    await adjust("WAL-COAST-4", berlin, 9);
    await drain();
    const coasters = (await targetsOf("WAL-COAST-4")).filter((t) => t.locationId === berlin);
    const names = new Map((await app.db.shopifyLocation.findMany({ where: { storeId } })).map((l) => [l.shopifyLocationId, l.name]));
    expect(coasters.map((t) => names.get(t.shopifyLocationId)).sort()).toEqual(["Market Stall", "Workshop"]);
    for (const t of coasters) expect(shopifyAvailable(SHOP, t.inventoryItemId, t.shopifyLocationId)).toBe(9);
    await expectInStep(storeId, SHOP);
    await expectInStep(secondId, SECOND);
  });

  it("every trigger type pushes the right number: SO create, edit (row deleted), pack, deliver, delete, receipt, MO done, return restock", async () => {
    const so = await import("~/services/sales-orders/sales-orders.server");
    const { receivePurchase } = await import("~/services/stock/stock.server");
    const mo = await import("~/services/manufacturing/manufacturing.server");
    const { createReturnOrder } = await import("~/services/returns/returns.server");
    const stool = await variantByCode("OAK-STOOL-45");
    const board = await variantByCode("WAL-BOARD-S");
    await adjust("OAK-STOOL-45", berlin, 20);
    await adjust("WAL-BOARD-S", berlin, 10);
    await drain();
    const check = async (code: string, expected: number) => {
      await drain();
      for (const t of (await targetsOf(code)).filter((x) => x.locationId === berlin && x.state !== "not_stocked")) {
        expect({ code, shopify: shopifyAvailable(SHOP, t.inventoryItemId, t.shopifyLocationId) }).toEqual({ code, shopify: expected });
      }
    };
    await check("OAK-STOOL-45", 20);

    const created = await so.createSalesOrder(app.db, accountId, {
      orderDate: new Date(),
      rows: [
        { variantId: stool.id, quantity: 3, pricePerUnit: 100, locationId: berlin },
        { variantId: stool.id, quantity: 2, pricePerUnit: 100, locationId: berlin },
        { variantId: board.id, quantity: 1, pricePerUnit: 40, locationId: berlin },
      ],
    });
    if (!created.ok) throw new Error(created.message);
    await check("OAK-STOOL-45", 15); // create: Committed 5
    const order = (await so.loadOrder(app.db, accountId, created.value.orderId))!;
    const [rowA, rowB, rowBoard] = order.rows.sort((a, b) => a.position - b.position);
    expect((await so.deleteRow(app.db, accountId, order.id, rowB!.id)).ok).toBe(true);
    await check("OAK-STOOL-45", 17); // edit: Committed 3
    expect((await so.packRows(app.db, accountId, order.id, [rowA!.id])).ok).toBe(true);
    await check("OAK-STOOL-45", 17); // packed still counts as Committed (ADR 007)
    expect((await so.deliverRow(app.db, accountId, order.id, rowA!.id)).ok).toBe(true);
    await check("OAK-STOOL-45", 17); // delivered: In stock −3, Committed −3
    await check("WAL-BOARD-S", 9);
    expect((await so.deleteRow(app.db, accountId, order.id, rowBoard!.id)).ok).toBe(true);
    await check("WAL-BOARD-S", 10); // row deleted: Committed back

    const receipt = await receivePurchase(app.db, accountId, { variantId: stool.id, locationId: berlin, quantity: 4, receivedAt: new Date() });
    if (!receipt.ok) throw new Error(receipt.message);
    await check("OAK-STOOL-45", 21); // receipt +4

    const made = await mo.createManufacturingOrder(app.db, accountId, { variantId: stool.id, locationId: berlin, quantity: 2 });
    if (!made.ok) throw new Error(made.message);
    const done = await mo.setManufacturingOrderState(app.db, accountId, made.value.moId, "done");
    if (!done.ok) throw new Error(done.message);
    await check("OAK-STOOL-45", 23); // MO done: output +2

    const returned = await createReturnOrder(app.db, accountId, order.id, [{ salesOrderRowId: rowA!.id, quantity: 1, restock: true }]);
    if (!returned.ok) throw new Error(returned.message);
    await check("OAK-STOOL-45", 24); // return restocked +1

    const other = await so.createSalesOrder(app.db, accountId, { orderDate: new Date(), rows: [{ variantId: stool.id, quantity: 4, pricePerUnit: 1, locationId: berlin }] });
    if (!other.ok) throw new Error(other.message);
    await check("OAK-STOOL-45", 20);
    expect((await so.deleteSalesOrder(app.db, accountId, other.value.orderId)).ok).toBe(true);
    await check("OAK-STOOL-45", 24); // SO deleted
    await expectInStep(storeId, SHOP);
  });

  it("a kit pushes its potential when a component changes", async () => {
    const { setKitComponents } = await import("~/services/products/products.server");
    const kit = await variantByCode("WAL-SERVE-01");
    const board = await variantByCode("WAL-BOARD-S");
    const stool = await variantByCode("OAK-STOOL-45");
    const bom = await setKitComponents(app.db, accountId, kit.id, [
      { variantId: board.id, quantityPerKit: 2 },
      { variantId: stool.id, quantityPerKit: 1 },
    ]);
    if (!bom.ok) throw new Error(bom.message);
    await drain();
    const kitTargets = async () => (await targetsOf("WAL-SERVE-01")).filter((t) => t.locationId === berlin && t.state === "synced");
    expect((await kitTargets()).length).toBeGreaterThan(0);
    for (const t of await kitTargets()) expect(shopifyAvailable(SHOP, t.inventoryItemId, t.shopifyLocationId)).toBe(5); // boards 10 / 2
    await adjust("WAL-BOARD-S", berlin, -4);
    await drain();
    for (const t of await kitTargets()) expect(shopifyAvailable(SHOP, t.inventoryItemId, t.shopifyLocationId)).toBe(3); // boards 6 / 2
  });

  it("never pushes a negative number: 0 and the target is flagged", async () => {
    const so = await import("~/services/sales-orders/sales-orders.server");
    const leg = await variantByCode("OAK-LEG-45");
    const created = await so.createSalesOrder(app.db, accountId, { orderDate: new Date(), rows: [{ variantId: leg.id, quantity: 15, pricePerUnit: 1, locationId: berlin }] });
    if (!created.ok) throw new Error(created.message);
    await drain();
    const targets = (await targetsOf("OAK-LEG-45")).filter((t) => t.locationId === berlin && t.state === "synced");
    for (const t of targets) {
      expect(t).toMatchObject({ wanted: 0, negative: true });
      expect(shopifyAvailable(SHOP, t.inventoryItemId, t.shopifyLocationId)).toBe(0);
    }
    const { stockPushCounters } = await import("~/sync/stock-push/stock-push.server");
    expect((await stockPushCounters(app.db, storeId)).negative).toBeGreaterThan(0);
    expect((await so.deleteSalesOrder(app.db, accountId, created.value.orderId)).ok).toBe(true);
    await drain();
  });

  it("paused, sync off or disconnected: nothing is pushed, nothing is lost; on re-activation only what differs is pushed", async () => {
    const { onStockSyncActivated, resumeStockPush } = await import("~/sync/stock-push/stock-push.server");
    const { activateSync, pauseSync } = await import("~/services/stores/connections.server");
    const shop = app.emulator.shop(SHOP);
    const before = shop.adjustmentGroups.length;
    // Paused.
    expect(await pauseSync(app.db, accountId, storeId)).toEqual({ ok: true });
    await adjust("OAK-STOOL-45", berlin, 5);
    await drain();
    // Active again, but inventory sync off: activation pushes nothing.
    await app.db.store.update({ where: { id: storeId }, data: { settings: { inventory: { inventorySync: false } } } });
    expect(await activateSync(app.db, accountId, storeId, new Date(), onStockSyncActivated)).toEqual({ ok: true });
    await adjust("WAL-BOARD-S", berlin, 3);
    await adjust("WAL-BOARD-S", berlin, -3); // back to what Shopify already shows
    await drain();
    // Disconnected.
    await app.db.store.update({ where: { id: storeId }, data: { connection: "uninstalled", settings: pushing } });
    await adjust("WAL-TRAY-01", berlin, 4);
    await drain();
    expect(shop.adjustmentGroups.length).toBe(before);
    const pending = await app.db.stockPushTarget.findMany({ where: { storeId, state: "pending" } });
    expect(new Set(pending.map((t) => t.sku))).toEqual(new Set(["OAK-STOOL-45", "WAL-TRAY-01"]));
    // The second store pushed all along.
    await expectInStep(secondId, SECOND);

    // Connected again with inventory sync on (settings applied): what waited is pushed, and only that.
    await app.db.store.update({ where: { id: storeId }, data: { connection: "connected" } });
    expect(await resumeStockPush(app.db, storeId)).toBe(true);
    await drain();
    const sent = shop.adjustmentGroups.slice(before);
    const itemsSent = new Set(sent.flatMap((g) => g.changes.filter((c) => c.name === "available").map((c) => c.inventoryItemId)));
    const stoolItems = (await targetsOf("OAK-STOOL-45")).filter((t) => t.locationId === berlin).map((t) => gidNumber(t.inventoryItemId));
    const trayItems = (await targetsOf("WAL-TRAY-01")).filter((t) => t.state === "synced").map((t) => gidNumber(t.inventoryItemId));
    const boardItems = (await targetsOf("WAL-BOARD-S")).map((t) => gidNumber(t.inventoryItemId));
    expect(stoolItems.every((i) => itemsSent.has(i))).toBe(true);
    expect(trayItems.length).toBeGreaterThan(0);
    expect(trayItems.every((i) => itemsSent.has(i))).toBe(true);
    expect(boardItems.some((i) => itemsSent.has(i))).toBe(false);
    await expectInStep(storeId, SHOP);
  });

  it("race: Shopify sells while Tenon pushes; no push overwrites a quantity it has not seen, nothing is oversold, all in step once the orders are in", async () => {
    const { pushAllStock } = await import("~/sync/stock-push/stock-push.server");
    const so = await import("~/services/sales-orders/sales-orders.server");
    const { jobs, appJobs } = await import("~/jobs/index.server");
    // With the live order sync in the catalog, Shopify's webhooks import the orders; without it,
    // the test imports them itself, late, the way the sync would.
    const liveOrderSync = (appJobs.kinds as readonly string[]).includes("order.sync");
    const SKU = "OAK-BENCH-160";
    const bench = await variantByCode(SKU);
    // Push all: every target of the store (Leipzig's too) shows Tenon's number; 10 benches in Berlin.
    const all = await pushAllStock(app.db, accountId, storeId, new Date());
    if (!all.ok) throw new Error(all.message);
    await adjust(SKU, berlin, 10);
    await drain();
    await expectInStep(storeId, SHOP);
    const shop = app.emulator.shop(SHOP);
    const shopifyToTenon = new Map((await app.db.shopifyLocation.findMany({ where: { storeId } })).map((l) => [gidNumber(l.shopifyLocationId), l.locationId!]));
    const keysBefore = new Set(shop.idempotency.keys());

    const seller = await EmulatorClient.connect({ url: app.emulator.url, shop: SHOP });
    const sold: { id: string; locationId: string }[] = [];
    let refused = 0;
    const imported: string[] = [];
    const importOne = async (order: { id: string; locationId: string }) => {
      const created = await so.createSalesOrder(app.db, accountId, {
        orderDate: new Date(),
        source: "shopify",
        storeId,
        externalOrderId: order.id,
        rows: [{ variantId: bench.id, quantity: 1, pricePerUnit: 300, locationId: order.locationId }],
      });
      if (!created.ok) throw new Error(created.message);
      imported.push(order.id);
    };

    await jobs.start();
    try {
      const selling = (async () => {
        for (let i = 0; i < 14; i++) {
          try {
            const order = await seller.createOrder({ lines: [{ sku: SKU, quantity: 1 }], inventoryBehaviour: "DECREMENT_OBEYING_POLICY" });
            const numeric = gidNumber(order.id);
            const fo = shop.fulfillmentOrders.find((f) => f.orderId === numeric)!;
            sold.push({ id: order.id, locationId: shopifyToTenon.get(fo.locationId)! });
          } catch {
            refused++; // INVENTORY_CLAIM_FAILED: nothing left to sell
          }
          await new Promise((r) => setTimeout(r, 15));
        }
      })();
      const importing = (async () => {
        if (liveOrderSync) return;
        // Orders arrive in Tenon late (webhooks, the sweep): two behind the sales.
        for (let i = 0; i < 40 && imported.length < 14; i++) {
          const waiting = sold.filter((o) => !imported.includes(o.id));
          if (waiting.length > 2) await importOne(waiting[0]!);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const tenon = (async () => {
        // Meanwhile Tenon keeps changing the same item: manual orders taking one bench and giving it back.
        for (let i = 0; i < 6; i++) {
          const manual = await so.createSalesOrder(app.db, accountId, { orderDate: new Date(), rows: [{ variantId: bench.id, quantity: 1, pricePerUnit: 300, locationId: berlin }] });
          if (!manual.ok) throw new Error(manual.message);
          await new Promise((r) => setTimeout(r, 25));
          expect((await so.deleteSalesOrder(app.db, accountId, manual.value.orderId)).ok).toBe(true);
        }
      })();
      await Promise.all([selling, importing, tenon]);
      if (!liveOrderSync) for (const order of sold.filter((o) => !imported.includes(o.id))) await importOne(order);
      await app.emulator.webhooksIdle();
      await jobs.drain({ timeoutMs: 60_000 });
      if (liveOrderSync) {
        expect(await app.db.salesOrder.count({ where: { storeId, externalOrderId: { in: sold.map((o) => o.id) } } })).toBe(sold.length);
      }
    } finally {
      await jobs.stop();
    }

    // Never oversold: Shopify could not sell more than the 10 benches Tenon had.
    expect(sold.length).toBeLessThanOrEqual(10);
    expect(sold.length + refused).toBe(14);
    // Every push was compare-and-set against a quantity Tenon had seen (never null = "overwrite").
    const pushes = [...shop.idempotency.entries()].filter(([key]) => !keysBefore.has(key) && key.startsWith("inventorySetQuantities:"));
    expect(pushes.length).toBeGreaterThan(0);
    for (const [, { fingerprint }] of pushes) {
      const args = JSON.parse(fingerprint) as { input: { quantities: { changeFromQuantity: unknown }[] } };
      for (const q of args.input.quantities) expect(typeof q.changeFromQuantity).toBe("number");
    }
    // Once the orders are in and the queue has drained: Shopify == Tenon for every target.
    await drain();
    await expectInStep(storeId, SHOP);
    const [target] = (await targetsOf(SKU)).filter((t) => t.locationId === berlin && t.state === "synced");
    expect(shopifyAvailable(SHOP, target!.inventoryItemId, target!.shopifyLocationId)).toBe(10 - sold.length);
  });

  it("ADR 012's worked example: a Shopify sale not yet imported is never put back on sale, and counts once when imported", async () => {
    const so = await import("~/services/sales-orders/sales-orders.server");
    const SKU = "OAK-SHELF-60";
    const shelf = await variantByCode(SKU);
    await adjust(SKU, berlin, 10);
    await drain();
    const [target] = (await targetsOf(SKU)).filter((t) => t.locationId === berlin && t.state === "synced");
    const level = app.emulator.shop(SHOP).inventoryLevels.find((l) => l.inventoryItemId === gidNumber(target!.inventoryItemId) && l.locationId === gidNumber(target!.shopifyLocationId))!;
    expect(level.quantities.available).toBe(10);
    // 1. A customer buys 2 in Shopify; the order has not reached Tenon yet.
    level.quantities.available -= 2;
    level.quantities.committed += 2;
    // 2. The workshop adds 5: Tenon wants 15, Shopify answers "stale" (8), Tenon re-reads and sets 13.
    await adjust(SKU, berlin, 5);
    await drain();
    expect(level.quantities.available).toBe(13);
    expect(await app.db.stockPushTarget.findUniqueOrThrow({ where: { id: target!.id } })).toMatchObject({ wanted: 15, confirmed: 13, unimported: 2, state: "synced" });
    // 3. The order is imported (Committed +2, wanted 13): nothing changes in Shopify, nothing is subtracted twice.
    const imported = await so.createSalesOrder(app.db, accountId, {
      orderDate: new Date(),
      source: "shopify",
      storeId,
      externalOrderId: "gid://shopify/Order/987654321",
      rows: [{ variantId: shelf.id, quantity: 2, pricePerUnit: 80, locationId: berlin }],
    });
    if (!imported.ok) throw new Error(imported.message);
    await drain();
    expect(level.quantities.available).toBe(13);
    expect(await app.db.stockPushTarget.findUniqueOrThrow({ where: { id: target!.id } })).toMatchObject({ wanted: 13, confirmed: 13, unimported: 0 });
    // 4. The order ships (In stock −2, Committed −2): still 13.
    expect((await so.deliverOrder(app.db, accountId, imported.value.orderId)).ok).toBe(true);
    await drain();
    expect(level.quantities.available).toBe(13);
  });

  it("drift report: a bulk read finds every mismatch; CSV; Fix all puts Shopify in step (compare-and-set)", async () => {
    const drift = await import("~/sync/stock-push/stock-drift.server");
    await adjust("OAK-STOOL-45", berlin, 1);
    await drain();
    const [target] = (await targetsOf("OAK-STOOL-45")).filter((t) => t.locationId === berlin && t.state === "synced");
    const level = app.emulator.shop(SHOP).inventoryLevels.find((l) => l.inventoryItemId === gidNumber(target!.inventoryItemId) && l.locationId === gidNumber(target!.shopifyLocationId))!;
    level.quantities.available += 7; // someone edited Shopify by hand
    const started = await drift.startDriftReport(app.db, accountId, storeId);
    if (!started.ok) throw new Error(started.message);
    expect(await drift.startDriftReport(app.db, accountId, storeId)).toMatchObject({ ok: false, code: "DRIFT_RUNNING" });
    await drain();
    const report = (await drift.latestDriftReport(app.db, storeId))!;
    expect(report).toMatchObject({ state: "succeeded", runId: started.value.runId });
    expect(report.compared).toBeGreaterThan(0);
    expect(report.mismatches).toBe(report.rows.length);
    const row = report.rows.find((r) => r.inventoryItemId === target!.inventoryItemId && r.shopifyLocationId === target!.shopifyLocationId);
    expect(row).toMatchObject({ sku: "OAK-STOOL-45", wanted: target!.wanted, shopify: target!.wanted! + 7 });
    const csv = (await drift.driftReportCsv(app.db, accountId, storeId))!;
    expect(csv).toContain("SKU,Shopify location,Tenon wants,Shopify available,Difference");
    expect(csv).toContain(`OAK-STOOL-45,Workshop,${target!.wanted},${target!.wanted! + 7},7`.replace("Workshop", csv.includes(`OAK-STOOL-45,Workshop,`) ? "Workshop" : "Market Stall"));

    const fixed = await drift.fixAllDrift(app.db, accountId, storeId, report.runId, new Date());
    if (!fixed.ok) throw new Error(fixed.message);
    expect(fixed.value.targets).toBe(report.rows.length);
    await drain();
    expect(level.quantities.available).toBe(target!.wanted);
    const again = await drift.startDriftReport(app.db, accountId, storeId);
    if (!again.ok) throw new Error(again.message);
    await drain();
    expect(await drift.latestDriftReport(app.db, storeId)).toMatchObject({ state: "succeeded", mismatches: 0 });
  });

  it("the stock page: counters, Push all stock now, drift report and CSV through the routes", async () => {
    const page = await import("~/routes/app.stores.$storeId_.stock");
    const csvRoute = await import("~/routes/app.stores.$storeId_.stock-drift");
    const headers = () => ({ Authorization: `Bearer ${app.emulator.mintSessionToken(SHOP)}`, "User-Agent": BROWSER_USER_AGENT });
    const url = `${app.appUrl}/app/stores/${storeId}/stock`;
    const load = async () => (await page.loader({ request: new Request(url, { headers: headers() }), params: { storeId }, context: {} })) as Awaited<ReturnType<typeof page.loader>>;
    const post = (form: Record<string, string>) =>
      page.action({ request: new Request(url, { method: "POST", headers: headers(), body: new URLSearchParams(form) }), params: { storeId }, context: {} });

    expect(await post({ intent: "push_all" })).toMatchObject({ ok: true, message: expect.stringContaining("Pushing") });
    expect((await load()).counters.pending).toBeGreaterThan(0);
    await drain();
    const after = await load();
    expect(after).toMatchObject({ gate: null, counters: { pending: 0 } });
    expect(after.counters.lastPushAt).not.toBeNull();

    expect(await post({ intent: "drift" })).toMatchObject({ ok: true });
    await drain();
    const report = (await load()).drift!;
    expect(report).toMatchObject({ state: "succeeded", mismatches: 0 });
    const csv = (await csvRoute.loader({ request: new Request(`${url}-drift`, { headers: headers() }), params: { storeId }, context: {} })) as Response;
    expect(csv.headers.get("Content-Type")).toContain("text/csv");
    expect(await csv.text()).toContain("SKU,Shopify location,Tenon wants,Shopify available");
    expect(await post({ intent: "fix_all", runId: "not-the-latest" })).toMatchObject({ ok: false, code: "DRIFT_REPORT_STALE" });
    expect(await post({ intent: "nonsense" })).toMatchObject({ ok: false, intent: "unknown" });
  });

  it("one bad target fails alone with the reason; the rest of the batch is pushed; Retry pushes it once fixed", async () => {
    const { retryFailedTargets } = await import("~/sync/stock-push/stock-push.server");
    // A target Shopify confirmed once, then stops stocking: its next push must fail alone.
    await adjust("WAL-BOARD-L", berlin, 1);
    await drain();
    const victim = (await targetsOf("WAL-BOARD-L")).find((t) => t.locationId === berlin && t.state === "synced")!;
    const shop = app.emulator.shop(SHOP);
    const level = shop.inventoryLevels.find((l) => l.inventoryItemId === gidNumber(victim.inventoryItemId) && l.locationId === gidNumber(victim.shopifyLocationId))!;
    level.isActive = false; // stocking removed in Shopify admin
    await adjust("OAK-STOOL-60", berlin, 7);
    await adjust("WAL-BOARD-L", berlin, 2);
    await drain();
    const failed = await app.db.stockPushTarget.findUniqueOrThrow({ where: { id: victim.id } });
    expect(failed).toMatchObject({ state: "failed", failureCode: "ITEM_NOT_STOCKED_AT_LOCATION", failureMessage: expect.stringContaining("not stocked") });
    const stools = (await targetsOf("OAK-STOOL-60")).filter((x) => x.locationId === berlin && x.state === "synced");
    expect(stools.length).toBeGreaterThan(0);
    for (const t of stools) {
      expect(shopifyAvailable(SHOP, t.inventoryItemId, t.shopifyLocationId)).toBe(7);
    }
    const activity = await app.db.syncActivity.findFirst({ where: { storeId, area: "stock", action: "push.failed", subjectRef: victim.id } });
    expect(activity).toMatchObject({ outcome: "failed", retryKind: "stock.retry" });

    level.isActive = true;
    expect(await retryFailedTargets(app.db, accountId, storeId, [victim.id])).toEqual({ ok: true, value: { retried: 1 } });
    await drain();
    const fixed = await app.db.stockPushTarget.findUniqueOrThrow({ where: { id: victim.id } });
    expect(fixed.state).toBe("synced");
    // The failure in the activity log is closed by the push that succeeded.
    expect(await app.db.syncActivity.findFirst({ where: { storeId, action: "push.failed", subjectRef: victim.id } })).toMatchObject({ resolution: "succeeded" });
    expect(shopifyAvailable(SHOP, victim.inventoryItemId, victim.shopifyLocationId)).toBe(fixed.wanted);
  });
});
