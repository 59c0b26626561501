import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { runProductImport } from "~/sync/imports/product-import.server";
import type { AdminGraphql } from "~/shopify/client";
import { BULK_OPERATION_RUN_QUERY_MUTATION, BULK_PRODUCTS_QUERY } from "~/shopify/documents";
import { DEMO_STORE_SEED, ManualClock, startEmulator, type Emulator } from "../emulator/index";
import { adminGraphql, offlineAccessToken, TEST_APP } from "../emulator/testing";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createStore } from "../support/factories";

/**
 * The product import against Shopify's export as it is in production (ADR 028): lines not
 * grouped under their parent (groupObjects defaults to false), and a result file that expires
 * seven days after the export completed.
 */
const SHOP = "tenon-demo.myshopify.com";
const DAY = 24 * 3600_000;
let emulator: Emulator;
let admin: AdminGraphql;
let database: TestDatabase;
const seedVariants = (JSON.parse(readFileSync(DEMO_STORE_SEED, "utf8")) as { products: { variants: unknown[] }[] }).products.flatMap((p) => p.variants).length;

beforeAll(async () => {
  emulator = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:9" }, seedFiles: [DEMO_STORE_SEED], clock: new ManualClock() });
  admin = {
    async graphql(query, options) {
      // A fresh token each time, as the app's refreshing client has (docs/decisions/022): the
      // clock runs on by days here, far past a token's hour.
      const { status, body } = await adminGraphql(emulator, SHOP, await offlineAccessToken(emulator, SHOP), query, options?.variables ?? {});
      return Response.json(body, { status });
    },
  };
  database = await createTestDatabase();
});
afterAll(async () => {
  await emulator.stop();
  await database.drop();
});

/** Runs the import job once; waiting for the export moves the emulator's clock. */
function runImport(importId: string) {
  return runProductImport(importId, {
    db: database.db,
    admin,
    clock: () => new Date(),
    sleep: (ms) => emulator.advanceClock(ms),
    download: async (url) => (await fetch(url)).text(),
  });
}

describe("product import of Shopify's export", () => {
  it("reads an ungrouped export (variants before their product) into one Tenon product per Shopify product", async () => {
    const store = await createStore(database.db, { shopDomain: SHOP });
    const run = await database.db.importRun.create({ data: { storeId: store.id, kind: "products" } });
    await runImport(run.id);
    expect(await database.db.importRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ state: "succeeded", total: seedVariants, done: seedVariants });

    // The export Tenon read was ungrouped: the oak stool's variants came before the stool.
    const operation = emulator.shop(SHOP).bulkOperations.at(-1)!;
    expect(operation.groupObjects).toBe(false);
    const lines = operation.result!.trimEnd().split("\n").map((l) => JSON.parse(l) as { id: string; sku?: string; __parentId?: string });
    const stool = emulator.shop(SHOP).products.find((p) => p.handle === "oak-stool")!;
    const stoolGid = `gid://shopify/Product/${stool.id}`;
    expect(lines.findIndex((l) => l.__parentId === stoolGid)).toBeLessThan(lines.findIndex((l) => l.id === stoolGid));

    const mappings = await database.db.variantMapping.findMany({ where: { storeId: store.id, shopifyProductId: stoolGid } });
    expect(mappings.map((m) => m.sku).sort()).toEqual(["OAK-STOOL-45", "OAK-STOOL-60", "OAK-STOOL-75"]);
    const variants = await database.db.variant.findMany({ where: { id: { in: mappings.map((m) => m.variantId) } } });
    expect(new Set(variants.map((v) => v.productId)).size).toBe(1);
    expect(await database.db.variantMapping.count({ where: { storeId: store.id } })).toBe(seedVariants);
  }, 60_000);

  it("a run resumed after its export's file expired exports again and finishes, without duplicates", async () => {
    const store = await database.db.store.findFirstOrThrow({ where: { shopDomain: SHOP } });
    const account = store.accountId;
    const variantsBefore = await database.db.variant.count({ where: { accountId: account } });
    // The run had started its export and written part of it, then waited (no access, ADR 019)
    // more than the seven days Shopify keeps the file.
    const started = await admin.graphql(BULK_OPERATION_RUN_QUERY_MUTATION, { variables: { query: BULK_PRODUCTS_QUERY } });
    const { data } = (await started.json()) as { data: { bulkOperationRunQuery: { bulkOperation: { id: string } } } };
    const expiredId = data.bulkOperationRunQuery.bulkOperation.id;
    await emulator.advanceClock(emulator.bulkTiming.completeAfterMs);
    const run = await database.db.importRun.create({
      data: { storeId: store.id, kind: "products", state: "running", bulkOperationId: expiredId, total: seedVariants, done: 10 },
    });
    await emulator.advanceClock(8 * DAY);
    expect(emulator.shop(SHOP).bulkOperations.find((op) => `gid://shopify/BulkOperation/${op.id}` === expiredId)?.status).toBe("EXPIRED");

    await runImport(run.id);
    const finished = await database.db.importRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(finished).toMatchObject({ state: "succeeded", total: seedVariants, done: seedVariants, error: null });
    expect(finished.bulkOperationId).not.toBe(expiredId);
    expect(await database.db.variantMapping.count({ where: { storeId: store.id } })).toBe(seedVariants);
    // The store's catalogue from the first test: every variant matched by the map, none created twice.
    expect(await database.db.variant.count({ where: { accountId: account } })).toBe(variantsBefore);
  }, 60_000);
});
