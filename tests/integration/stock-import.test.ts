import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppHarness, type AppHarness } from "../support/app-harness";

const SHOP = "tenon-demo.myshopify.com";
let app: AppHarness;

beforeAll(async () => {
  app = await startAppHarness();
  const response = await app.request("/app/stores", { headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(SHOP)}` } });
  expect(response.status).toBe(200);
});
afterAll(async () => app.stop());

async function store() {
  return app.db.store.findUniqueOrThrow({ where: { shopDomain: SHOP } });
}

async function start() {
  const { startStockImport } = await import("~/sync/imports/stock-import.server");
  const { enqueue } = await import("~/jobs/index.server");
  const s = await store();
  return startStockImport(app.db, s.accountId, s.id, (tx, importId) => enqueue(tx, "import.stock", { importId }));
}

async function drain() {
  const { jobs } = await import("~/jobs/index.server");
  await jobs.start();
  await jobs.drain({ timeoutMs: 30_000 });
  await jobs.stop();
}

/** Tenon's In stock per variant id × location id, from the ledger. */
async function ledger(accountId: string): Promise<Map<string, number>> {
  const sums = await app.db.stockMovement.groupBy({ by: ["variantId", "locationId"], where: { accountId }, _sum: { quantity: true } });
  return new Map(sums.map((s) => [`${s.variantId}@${s.locationId}`, Number(s._sum.quantity ?? 0)]));
}

describe("initial stock import", () => {
  it("is refused until the locations are mapped and the products imported, with the reason", async () => {
    const { checkStockImport } = await import("~/sync/imports/stock-import.server");
    const { mapShopifyLocation } = await import("~/services/locations/location-mapping.server");
    const s = await store();
    expect(await start()).toMatchObject({ ok: false, code: "LOCATIONS_NOT_MAPPED", message: expect.stringContaining("is not mapped") });

    // Workshop and Market Stall are both the Berlin location in Tenon; Leipzig is its own.
    const locations = await app.db.shopifyLocation.findMany({ where: { storeId: s.id } });
    const byName = (name: string) => locations.find((l) => l.name === name)!.shopifyLocationId;
    const berlin = await mapShopifyLocation(app.db, s.accountId, s.id, byName("Workshop"), { createName: "Berlin" });
    if (!berlin.ok) throw new Error(berlin.message);
    await mapShopifyLocation(app.db, s.accountId, s.id, byName("Market Stall"), { locationId: berlin.value.locationId });
    await mapShopifyLocation(app.db, s.accountId, s.id, byName("Warehouse Leipzig"), { createName: "Leipzig" });

    expect(await checkStockImport(app.db, s.accountId, s.id)).toMatchObject({ ok: false, code: "PRODUCTS_NOT_IMPORTED" });
    expect(await start()).toMatchObject({ ok: false, code: "PRODUCTS_NOT_IMPORTED", message: expect.stringContaining("Import the products first") });
    expect(await app.db.importRun.count({ where: { storeId: s.id, kind: "stock" } })).toBe(0);
  });

  it("adds Shopify available + open imported orders per mapped Tenon location, summed over the Shopify locations mapped to it", async () => {
    const { startProductImport } = await import("~/sync/imports/product-import.server");
    const { enqueue } = await import("~/jobs/index.server");
    const { checkStockImport } = await import("~/sync/imports/stock-import.server");
    const s = await store();
    const products = await startProductImport(app.db, s.accountId, s.id, (tx, importId) => enqueue(tx, "import.products", { importId }));
    if (!products.ok) throw new Error(products.message);
    expect(await start()).toMatchObject({ ok: false, code: "PRODUCT_IMPORT_RUNNING" });
    await drain();
    expect(await checkStockImport(app.db, s.accountId, s.id)).toEqual({ ok: true });

    const locations = await app.db.shopifyLocation.findMany({ where: { storeId: s.id } });
    const tenonLocationOf = new Map(locations.map((l) => [l.shopifyLocationId, l.locationId!]));
    const berlin = tenonLocationOf.get(locations.find((l) => l.name === "Workshop")!.shopifyLocationId)!;
    const leipzig = tenonLocationOf.get(locations.find((l) => l.name === "Warehouse Leipzig")!.shopifyLocationId)!;
    const stool = await app.db.variant.findFirstOrThrow({ where: { accountId: s.accountId, code: "OAK-STOOL-45" } });

    // An open imported order holds 2 stools in Berlin; its delivered row and a manual order do not count.
    await app.db.salesOrder.create({
      data: {
        accountId: s.accountId, number: "#1001", currency: "EUR", orderDate: new Date(), source: "shopify", storeId: s.id, externalOrderId: "gid://shopify/Order/1",
        rows: { create: [
          { variantId: stool.id, quantity: 2, pricePerUnit: 100, locationId: berlin, state: "not_shipped" },
          { variantId: stool.id, quantity: 5, pricePerUnit: 100, locationId: berlin, state: "delivered" },
        ] },
      },
    });
    await app.db.salesOrder.create({
      data: { accountId: s.accountId, number: "SO-1", currency: "EUR", orderDate: new Date(), rows: { create: [{ variantId: stool.id, quantity: 7, pricePerUnit: 100, locationId: berlin }] } },
    });

    const started = await start();
    if (!started.ok) throw new Error(started.message);
    expect(await start()).toMatchObject({ ok: false, code: "IMPORT_RUNNING" });
    await drain();
    const run = await app.db.importRun.findUniqueOrThrow({ where: { id: started.value.importId } });
    expect(run).toMatchObject({ state: "succeeded", error: null, failures: null });
    expect(run.done).toBe(run.total);

    // Expected from the emulator's own records: available per inventory item × location.
    const shop = app.emulator.shop(SHOP);
    const mappings = await app.db.variantMapping.findMany({ where: { storeId: s.id } });
    const expected = new Map<string, number>();
    for (const level of shop.inventoryLevels.filter((l) => l.isActive)) {
      const mapping = mappings.find((m) => m.inventoryItemId === `gid://shopify/InventoryItem/${level.inventoryItemId}`);
      const locationId = tenonLocationOf.get(`gid://shopify/Location/${level.locationId}`);
      if (!mapping || !locationId || level.quantities.available === 0) continue;
      const key = `${mapping.variantId}@${locationId}`;
      expected.set(key, (expected.get(key) ?? 0) + level.quantities.available);
    }
    expected.set(`${stool.id}@${berlin}`, (expected.get(`${stool.id}@${berlin}`) ?? 0) + 2);
    const after = await ledger(s.accountId);
    expect(after).toEqual(expected);
    // Seed: Workshop 6 + Market Stall 3 + 2 held by the open order; Leipzig 14.
    expect(after.get(`${stool.id}@${berlin}`)).toBe(11);
    expect(after.get(`${stool.id}@${leipzig}`)).toBe(14);

    // One adjustment per mapped Tenon location, named after the shop, with stock events recorded.
    const movements = await app.db.stockMovement.findMany({ where: { accountId: s.accountId } });
    expect(new Set(movements.map((m) => m.kind))).toEqual(new Set(["adjustment"]));
    expect(new Set(movements.map((m) => m.reason))).toEqual(new Set([`Initial stock import from ${s.name}`]));
    expect(new Set(movements.map((m) => m.locationId))).toEqual(new Set([berlin, leipzig]));
    expect(await app.db.stockEvent.count({ where: { accountId: s.accountId, variantId: stool.id, locationId: berlin } })).toBeGreaterThan(0);

    // The same run handled again (a job retried after it committed) adds nothing and asks Shopify nothing.
    const { runStockImport } = await import("~/sync/imports/stock-import.server");
    const noShopify = { graphql: () => Promise.reject(new Error("Shopify must not be asked")) };
    await runStockImport(started.value.importId, { db: app.db, admin: noShopify, clock: () => new Date(), sleep: () => Promise.resolve() });
    expect(await ledger(s.accountId)).toEqual(after);

    // Running it again adds again (the spec; the page warns before it starts).
    const second = await start();
    if (!second.ok) throw new Error(second.message);
    await drain();
    const twice = await ledger(s.accountId);
    expect(twice.get(`${stool.id}@${berlin}`)).toBe(22);
    expect([...twice.keys()].sort()).toEqual([...expected.keys()].sort());
  }, 60_000);

  it("is refused while sync is active", async () => {
    const { activateSync, pauseSync } = await import("~/services/stores/connections.server");
    const s = await store();
    expect(await activateSync(app.db, s.accountId, s.id, new Date())).toEqual({ ok: true });
    expect(await start()).toMatchObject({ ok: false, code: "SYNC_ACTIVE", message: expect.stringContaining("Pause sync") });
    await pauseSync(app.db, s.accountId, s.id);
  });
});
