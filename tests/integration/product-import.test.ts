import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { DEMO_STORE_SEED } from "../emulator/index";
import { startAppHarness, type AppHarness } from "../support/app-harness";

const SHOP = "tenon-demo.myshopify.com";
let app: AppHarness;

beforeAll(async () => {
  app = await startAppHarness();
  // Install through the real path: a session token, token exchange, afterAuth.
  const response = await app.request("/app/stores", { headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(SHOP)}` } });
  expect(response.status).toBe(200);
});
afterAll(async () => app.stop());

async function importOnce() {
  const { startProductImport } = await import("~/sync/imports/product-import.server");
  const { jobs, enqueue } = await import("~/jobs/index.server");
  const store = await app.db.store.findUniqueOrThrow({ where: { shopDomain: SHOP } });
  const started = await startProductImport(app.db, store.accountId, store.id, (tx, importId) => enqueue(tx, "import.products", { importId }));
  if (!started.ok) throw new Error(started.message);
  const second = await startProductImport(app.db, store.accountId, store.id, (tx, importId) => enqueue(tx, "import.products", { importId }));
  expect(second).toMatchObject({ ok: false, code: "IMPORT_RUNNING" });
  await jobs.start();
  await jobs.drain({ timeoutMs: 30_000 });
  await jobs.stop();
  return { store, run: await app.db.importRun.findUniqueOrThrow({ where: { id: started.value.importId } }) };
}

describe("product import", () => {
  it("brings every Shopify variant into Tenon with the SKU map, and a re-run duplicates nothing", async () => {
    const { changeSettings } = await import("~/services/stores/store-settings.server");
    const before = await app.db.store.findUniqueOrThrow({ where: { shopDomain: SHOP } });
    await changeSettings(app.db, before.accountId, before.id, "products", { defaultTaxRatePercent: "19" }, new Date());
    const { store, run } = await importOnce();
    expect(run).toMatchObject({ state: "succeeded", done: 30, total: 30, error: null });
    const seed = JSON.parse(readFileSync(DEMO_STORE_SEED, "utf8")) as { products: { variants: unknown[] }[] };
    const shopifyVariants = seed.products.flatMap((p) => p.variants);
    expect(shopifyVariants).toHaveLength(30);
    expect(await app.db.variantMapping.count({ where: { storeId: store.id } })).toBe(shopifyVariants.length);

    // Two Shopify variants share OAK-LEG-45: one Tenon variant serves both.
    const legs = await app.db.variantMapping.findMany({ where: { storeId: store.id, sku: "OAK-LEG-45" } });
    expect(legs).toHaveLength(2);
    expect(new Set(legs.map((l) => l.variantId)).size).toBe(1);
    // The variant without SKU is mapped by its Shopify id.
    expect(await app.db.variantMapping.count({ where: { storeId: store.id, sku: null } })).toBe(1);
    // Tax-inclusive demo store (19 %): 149.00 → 125.2101 net.
    const stool = await app.db.variant.findFirstOrThrow({ where: { accountId: store.accountId, code: "OAK-STOOL-45" } });
    expect(stool.salesPrice?.toString()).toBe("125.2101");
    const variantsAfterFirst = await app.db.variant.count({ where: { accountId: store.accountId } });

    const again = await importOnce();
    expect(again.run.state).toBe("succeeded");
    expect(await app.db.variant.count({ where: { accountId: store.accountId } })).toBe(variantsAfterFirst);
    expect(await app.db.variantMapping.count({ where: { storeId: store.id } })).toBe(shopifyVariants.length);
  }, 60_000);
});
