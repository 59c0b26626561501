import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateShopSeed, ManualClock, startEmulator, type Emulator } from "./index";
import { parseShopSeed } from "./seed";
import { adminGraphql, offlineAccessToken, postJson, TEST_APP } from "./testing";

describe("generateShopSeed", () => {
  it("is deterministic for a seed number and makes exactly the sizes asked for", () => {
    const options = { variants: 3_000, locations: 12, orders: 200, seed: 7 };
    const a = generateShopSeed(options);
    expect(JSON.stringify(generateShopSeed(options))).toBe(JSON.stringify(a));
    expect(JSON.stringify(generateShopSeed({ ...options, seed: 8 }))).not.toBe(JSON.stringify(a));

    const parsed = parseShopSeed(a);
    const variants = parsed.products.flatMap((p) => p.variants);
    expect(variants).toHaveLength(3_000);
    expect(parsed.locations).toHaveLength(12);
    expect(parsed.orders).toHaveLength(200);
    // As in Shopify: some variants without SKU, some SKUs shared, and a retail location that does not fulfil online orders.
    expect(variants.some((v) => v.sku === null)).toBe(true);
    const skus = variants.map((v) => v.sku).filter((s) => s !== null);
    expect(new Set(skus).size).toBeLessThan(skus.length);
    expect(parsed.locations.some((l) => !l.fulfillsOnlineOrders)).toBe(true);
    expect(variants.every((v) => Object.keys(v.inventory).includes("workshop"))).toBe(true);
  });
});

describe("generated shops in the emulator (createShop, script API, reset, bulk export)", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:9" }, clock: new ManualClock() });
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it("loads a generated shop with its orders and exports its catalogue in bulk", async () => {
    const shop = emulator.createShop(generateShopSeed({ variants: 4_000, locations: 5, orders: 300, seed: 3, handle: "gen-bulk" }));
    expect(shop.variants).toHaveLength(4_000);
    expect(shop.orders).toHaveLength(300);
    expect(shop.orders.some((o) => o.financialStatus === "PENDING")).toBe(true);
    const token = await offlineAccessToken(emulator, "gen-bulk");

    const counts = await adminGraphql(emulator, "gen-bulk", token, `{ productVariantsCount { count } ordersCount(limit: null) { count } }`);
    expect(counts.body.data).toEqual({ productVariantsCount: { count: 4_000 }, ordersCount: { count: 300 } });

    const run = await adminGraphql(emulator, "gen-bulk", token, `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message } } }`, {
      q: `{ products { edges { node { id handle variants { edges { node { id sku inventoryItem { unitCost { amount } } } } } } } } }`,
    });
    const id = (run.body.data as { bulkOperationRunQuery: { bulkOperation: { id: string } } }).bulkOperationRunQuery.bulkOperation.id;
    await emulator.advanceClock(emulator.bulkTiming.completeAfterMs);
    const polled = await adminGraphql(emulator, "gen-bulk", token, `query($id: ID!) { bulkOperation(id: $id) { status objectCount rootObjectCount url } }`, { id });
    const op = (polled.body.data as { bulkOperation: { status: string; objectCount: string; rootObjectCount: string; url: string } }).bulkOperation;
    expect(op).toMatchObject({ status: "COMPLETED", objectCount: String(shop.products.length + 4_000), rootObjectCount: String(shop.products.length) });
    const lines = (await (await fetch(op.url)).text()).trimEnd().split("\n");
    expect(lines.filter((l) => l.includes("__parentId"))).toHaveLength(4_000);
  });

  it("creates a generated shop from the script API and resets a shop to its seed, keeping the app's token", async () => {
    const created = await postJson(`${emulator.url}/_emulator/shops`, { generate: { variants: 50, locations: 2, orders: 5, seed: 11, handle: "gen-script" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ handle: "gen-script", installed: true, counts: { variants: 50, locations: 2, orders: 5 } });
    const invalid = await postJson(`${emulator.url}/_emulator/shops`, { generate: { variants: 0 } });
    expect(invalid.status).toBe(400);

    const token = await offlineAccessToken(emulator, "gen-script");
    // Creating a product is the merchant's doing (Tenon has no write_products): a script API token.
    const merchant = (await postJson(`${emulator.url}/_emulator/shops/gen-script/access-token`, {})).body.access_token as string;
    const made = await adminGraphql(emulator, "gen-script", merchant, `mutation { productCreate(product: { title: "Extra" }) { product { id } userErrors { message } } }`);
    expect((made.body.data as { productCreate: { userErrors: unknown[] } }).productCreate.userErrors).toEqual([]);
    expect(emulator.shop("gen-script").variants).toHaveLength(51);

    const reset = await postJson(`${emulator.url}/_emulator/shops/gen-script/reset`, {});
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ counts: { variants: 50, orders: 5 }, installed: true });
    const after = await adminGraphql(emulator, "gen-script", token, `{ productVariantsCount { count } }`);
    expect(after.body.data).toEqual({ productVariantsCount: { count: 50 } });

    const plan = await postJson(`${emulator.url}/_emulator/shops/gen-script/throttle`, { plan: "plus" });
    expect(plan.body).toMatchObject({ restoreRate: 1_000, maximumAvailable: 20_000 });
  });
});
