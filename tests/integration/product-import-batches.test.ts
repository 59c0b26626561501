import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/db/client";
import { generateShopSeed, startEmulator, type Emulator } from "../emulator/index";
import type { ShopSeed } from "../emulator/seed";
import { adminGraphql, offlineAccessToken, TEST_APP } from "../emulator/testing";
import { createTestDatabase, testDatabaseBaseUrl, type TestDatabase } from "../support/db";
import { createStore } from "../support/factories";
import type { AdminGraphql } from "~/shopify/client";
import { runProductImport, type ImportTuning } from "~/sync/imports/product-import.server";

/**
 * The batched product import (ADR 016) against the one-by-one way it replaced: the same
 * catalogue and SKU map from the same two Shopify stores (shared SKUs, SKUs with spaces or
 * another case, variants without SKU, a SKU twice in one product, existing Tenon variants with
 * the same code), re-runs that change nothing, and a product that cannot be written.
 */
let emulator: Emulator;
const databases: TestDatabase[] = [];

type Seed = ShopSeed & { products: NonNullable<ShopSeed["products"]> };
function tweak(seed: Seed, changes: (variants: Seed["products"][number]["variants"]) => void): Seed {
  changes(seed.products.flatMap((p) => p.variants));
  return seed;
}

beforeAll(async () => {
  emulator = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:9" } });
  // Store A: a generated catalogue with a SKU shared by two products, a SKU twice in one
  // product and a blank SKU. Store B: the same catalogue (every SKU shared with A), some SKUs
  // with spaces around them, one in another case.
  const a = tweak(generateShopSeed({ variants: 240, locations: 1, seed: 3, handle: "batch-a" }) as Seed, (v) => {
    v[10]!.sku = v[3]!.sku;
  });
  const multi = a.products.filter((p) => p.variants.length >= 2);
  multi[4]!.variants[1]!.sku = multi[4]!.variants[0]!.sku;
  multi[6]!.variants[0]!.sku = "   ";
  const b = tweak(generateShopSeed({ variants: 240, locations: 1, seed: 3, handle: "batch-b" }) as Seed, (v) => {
    v[10]!.sku = v[3]!.sku;
    for (const i of [0, 1, 2, 50]) if (v[i]!.sku) v[i]!.sku = `  ${v[i]!.sku} `;
    if (v[60]!.sku) v[60]!.sku = v[60]!.sku.toLowerCase();
  });
  emulator.createShop(a);
  emulator.createShop(b);
});
afterAll(async () => {
  await emulator.stop();
  for (const database of databases) await database.drop();
});

async function adminFor(handle: string): Promise<AdminGraphql> {
  const token = await offlineAccessToken(emulator, handle);
  return {
    async graphql(query, options) {
      const { status, body } = await adminGraphql(emulator, handle, token, query, options?.variables ?? {});
      return Response.json(body, { status });
    },
  };
}

async function importInto(db: Db, storeId: string, handle: string, tuning: ImportTuning) {
  const run = await db.importRun.create({ data: { storeId, kind: "products" } });
  await runProductImport(
    run.id,
    {
      db,
      admin: await adminFor(handle),
      clock: () => new Date(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      download: async (url) => (await fetch(url)).text(),
    },
    tuning,
  );
  return db.importRun.findUniqueOrThrow({ where: { id: run.id } });
}

/** Two stores of one account; Tenon already has two variants with SKU `shared` and one with `single`. */
async function tenonWithTwoStores(shared: string, single: string) {
  const database = await createTestDatabase();
  databases.push(database);
  const { db } = database;
  const a = await createStore(db, { shopDomain: "batch-a.myshopify.com" });
  const b = await createStore(db, { shopDomain: "batch-b.myshopify.com", accountId: a.accountId });
  const manual = await db.product.create({ data: { accountId: a.accountId, name: "Made in Tenon" } });
  for (const [name, code, createdAt] of [
    ["older", shared, "2026-01-01T00:00:00Z"],
    ["newer", shared, "2026-02-01T00:00:00Z"],
    ["single", single, "2026-01-15T00:00:00Z"],
  ] as const) {
    await db.variant.create({ data: { accountId: a.accountId, productId: manual.id, name, code, createdAt: new Date(createdAt) } });
  }
  return { db, accountId: a.accountId, stores: { A: a.id, B: b.id } };
}

/** The catalogue and SKU map with ids replaced by labels in order of first use: comparable across databases. */
async function snapshot(db: Db, accountId: string, stores: Record<string, string>) {
  const storeLabel = new Map(Object.entries(stores).map(([label, id]) => [id, label]));
  const gidNumber = (gid: string) => Number(gid.split("/").pop());
  const mappings = (await db.variantMapping.findMany({ where: { storeId: { in: Object.values(stores) } } })).sort(
    (x, y) => storeLabel.get(x.storeId)!.localeCompare(storeLabel.get(y.storeId)!) || gidNumber(x.shopifyVariantId) - gidNumber(y.shopifyVariantId),
  );
  const variants = new Map((await db.variant.findMany({ where: { accountId }, include: { product: true } })).map((v) => [v.id, v]));
  const variantLabel = new Map<string, string>();
  const productLabel = new Map<string, string>();
  for (const v of variants.values()) if (v.product.name === "Made in Tenon") variantLabel.set(v.id, `tenon:${v.name}`);
  const labelOf = (map: Map<string, string>, id: string, prefix: string) => {
    if (!map.has(id)) map.set(id, `${prefix}${map.size}`);
    return map.get(id)!;
  };
  const rows = mappings.map((m) => {
    const variant = variants.get(m.variantId)!;
    return [storeLabel.get(m.storeId), m.shopifyVariantId, m.shopifyProductId, m.inventoryItemId, m.sku, labelOf(variantLabel, m.variantId, "v"), labelOf(productLabel, variant.productId, "p")];
  });
  const catalogue = [...variants.values()]
    .map((v) => [variantLabel.get(v.id) ?? "unmapped", labelOf(productLabel, v.productId, "p"), v.product.name, v.product.kind, v.name, v.code, v.salesPrice?.toString() ?? null, v.cost?.toString() ?? null])
    .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  return { rows, catalogue, products: productLabel.size };
}

describe("batched product import", () => {
  it("gives the same catalogue and SKU map as one product per transaction, and a re-run writes nothing", async () => {
    const shopA = emulator.shop("batch-a");
    const skus = shopA.variants.map((v) => v.sku).filter((s): s is string => !!s && s.trim() === s);
    const [shared, single] = [skus[5]!, skus[40]!];

    const oneByOne = await tenonWithTwoStores(shared, single);
    const batched = await tenonWithTwoStores(shared, single);
    for (const [tenon, tuning] of [
      [oneByOne, { strategy: "per-product" }],
      // Small batches: SKUs shared across batches, products of one batch matching another's.
      [batched, { strategy: "batched", batchVariants: 37 }],
    ] as const) {
      for (const [label, handle] of [["A", "batch-a"], ["B", "batch-b"]] as const) {
        const run = await importInto(tenon.db, tenon.stores[label], handle, tuning);
        expect(run).toMatchObject({ state: "succeeded", error: null, failures: null, done: 240, total: 240 });
      }
    }
    const expected = await snapshot(oneByOne.db, oneByOne.accountId, oneByOne.stores);
    const actual = await snapshot(batched.db, batched.accountId, batched.stores);
    expect(actual.catalogue).toEqual(expected.catalogue);
    expect(actual.rows).toEqual(expected.rows);
    expect(actual.rows).toHaveLength(480);

    // What the semantics say, read on the batched result.
    const byStoreAndSku = (store: string, sku: string | null) => actual.rows.filter((r) => r[0] === store && r[4] === sku).map((r) => r[5]);
    expect(new Set(byStoreAndSku("A", shared))).toEqual(new Set(["tenon:newer"])); // the newest Tenon variant with the SKU
    expect(new Set(byStoreAndSku("A", single))).toEqual(new Set(["tenon:single"]));
    expect(new Set(byStoreAndSku("B", shared))).toEqual(new Set(["tenon:newer"]));
    const blank = actual.rows.filter((r) => r[4] === null);
    expect(new Set(blank.map((r) => r[5])).size).toBe(blank.length); // without SKU: one Tenon variant each
    const shopB = emulator.shop("batch-b");
    const spaced = shopB.variants.find((v) => v.sku?.startsWith("  "))!;
    const rowOf = (store: string, id: number) => actual.rows.find((r) => r[0] === store && r[1] === `gid://shopify/ProductVariant/${id}`)!;
    expect(rowOf("B", spaced.id)[4]).toBe(spaced.sku!.trim());
    expect(rowOf("B", spaced.id)[5]).toBe(rowOf("A", shopA.variants[shopB.variants.indexOf(spaced)]!.id)[5]); // trimmed: A's variant
    const lower = shopB.variants[60]!;
    expect(rowOf("B", lower.id)[5]).not.toBe(rowOf("A", shopA.variants[60]!.id)[5]); // case-sensitive: a variant of its own
    // Shared SKUs across stores: a SKU A brought is the same Tenon variant (and product) for B.
    const variantOfSkuInA = new Map(actual.rows.filter((r) => r[0] === "A" && r[4] !== null).map((r) => [r[4], r[5]]));
    const sharedRowsOfB = actual.rows.filter((r) => r[0] === "B" && variantOfSkuInA.has(r[4]));
    expect(sharedRowsOfB.length).toBeGreaterThan(200);
    for (const row of sharedRowsOfB) expect(row[5]).toBe(variantOfSkuInA.get(row[4]));

    // Inserted rows carry Prisma's timestamps (same clock, same format).
    const inserted = await batched.db.variant.findFirstOrThrow({ where: { accountId: batched.accountId, product: { name: { not: "Made in Tenon" } } } });
    expect(Math.abs(inserted.createdAt.getTime() - Date.now())).toBeLessThan(5 * 60_000);
    expect(inserted.updatedAt).toEqual(inserted.createdAt);

    const counts = async () => [await batched.db.product.count(), await batched.db.variant.count(), await batched.db.variantMapping.count()];
    const before = await counts();
    const lastWrite = await batched.db.variantMapping.aggregate({ _max: { updatedAt: true } });
    for (const [label, handle] of [["A", "batch-a"], ["B", "batch-b"]] as const) {
      expect(await importInto(batched.db, batched.stores[label], handle, { batchVariants: 50 })).toMatchObject({ state: "succeeded", done: 240 });
    }
    expect(await counts()).toEqual(before);
    expect(await batched.db.variantMapping.aggregate({ _max: { updatedAt: true } })).toEqual(lastWrite);
    expect(await snapshot(batched.db, batched.accountId, batched.stores)).toEqual(actual);
  }, 120_000);

  it("records a product that cannot be written, with why, and lands the rest of its batch", async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const { db } = database;
    const store = await createStore(db, { shopDomain: "batch-a.myshopify.com" });
    const shop = emulator.shop("batch-a");
    const skuCount = new Map<string, number>();
    for (const v of shop.variants) if (v.sku?.trim()) skuCount.set(v.sku.trim(), (skuCount.get(v.sku.trim()) ?? 0) + 1);
    const uniqueSku = (id: number) => skuCount.get(shop.variants.find((v) => v.id === id)?.sku?.trim() ?? "") === 1;
    const victim = shop.products.slice(20).find((p) => p.variantIds.length >= 2 && p.variantIds.every(uniqueSku))!;
    const victimSku = shop.variants.find((v) => v.id === victim.variantIds[1])!.sku!.trim();
    // The database itself refuses that one variant (as a constraint or a full disk would).
    if (testDatabaseBaseUrl()) {
      await db.$executeRawUnsafe(
        `CREATE FUNCTION refuse_variant() RETURNS trigger AS $$ BEGIN IF NEW.code = '${victimSku}' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
      );
      await db.$executeRawUnsafe(`CREATE TRIGGER refuse_variant BEFORE INSERT ON "Variant" FOR EACH ROW EXECUTE FUNCTION refuse_variant()`);
    } else {
      await db.$executeRawUnsafe(`CREATE TRIGGER refuse_variant BEFORE INSERT ON "Variant" WHEN NEW.code = '${victimSku}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
    }

    const run = await importInto(db, store.id, "batch-a", { batchVariants: 30 });
    expect(run).toMatchObject({ state: "succeeded", done: 240, total: 240, error: null });
    // (Prisma words SQLite's trigger abort as a foreign key violation; PostgreSQL's is verbatim.)
    expect(run.failures).toEqual([{ ref: `${victim.title} (gid://shopify/Product/${victim.id})`, message: expect.stringMatching(/^Could not be saved: \S/) as string }]);
    const mapped = await db.variantMapping.findMany({ where: { storeId: store.id }, select: { shopifyVariantId: true } });
    expect(mapped).toHaveLength(240 - victim.variantIds.length);
    const victimIds = new Set(victim.variantIds.map((id) => `gid://shopify/ProductVariant/${id}`));
    expect(mapped.some((m) => victimIds.has(m.shopifyVariantId))).toBe(false);
    // Nothing of the failed product stayed behind: its whole transaction was rolled back.
    expect(await db.variant.count({ where: { code: { in: victim.variantIds.map((id) => shop.variants.find((v) => v.id === id)!.sku!.trim()) } } })).toBe(0);
  }, 60_000);
});
