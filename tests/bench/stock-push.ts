/**
 * Scenario "stock-push" (issue 8): the stock push against the emulator at the Standard plan's
 * restore rate (100 points/s, bucket 2,000), on a SQLite test database.
 *
 * 1. Throughput: 50,000 dirty targets (BENCH_TARGETS replaces it) pushed by `runStockPush`
 *    (≤ 250 compare-and-set quantities per call, paced by the throttle-aware client), starting
 *    from a drained bucket, on the emulator's manual clock (waiting costs no wall time; the
 *    throttle decides the simulated time). Side by side with a naive pusher that sends one
 *    mutation per target (on a sample; its rate is what the throttle allows, 10 calls/s).
 *    Reported: pushes/s of simulated time, the ratio to the throttle-imposed maximum, and the
 *    wall time Tenon's own processing takes.
 * 2. Latency: one stock change → Shopify's confirmation on an idle queue, through the real
 *    embedded job runner (stock.plan → stock.push, production poll interval), real clock.
 */
import { z } from "zod";
import { createJobCatalog, defineJob } from "~/jobs/catalog";
import { EmbeddedJobQueue } from "~/jobs/embedded-runner.server";
import { createShopifyClient, type AdminGraphql } from "~/shopify/client";
import { planStockEvents, runStockPush, type EnqueuePush } from "~/sync/stock-push/stock-push.server";
import { maxPushRate } from "~/domain/stock-push";
import { generateShopSeed, ManualClock, startEmulator } from "../emulator/index";
import { adminGraphql, offlineAccessToken, TEST_APP } from "../emulator/testing";
import { createTestDatabase } from "../support/db";
import { createLocation, createShopifyLocation, createStore } from "../support/factories";

const TARGETS = Number(process.env.BENCH_TARGETS ?? 50_000);
const NAIVE_SAMPLE = Math.min(1_000, TARGETS);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 20);
const RESTORE_RATE = 100;
const MUTATION_COST = 10;

async function retried<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== "ECONNRESET") throw error;
    return call();
  }
}

const pushing = { inventory: { inventorySync: true } };

export async function run(): Promise<void> {
  await throughput();
  await latency();
}

async function throughput() {
  const clock = new ManualClock("2026-07-01T09:00:00Z");
  const emulator = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:9" }, clock });
  const database = await createTestDatabase();
  const db = database.db;
  try {
    const handle = "bench-push";
    const variants = Math.ceil((TARGETS + NAIVE_SAMPLE) / 1.5);
    const shop = emulator.createShop(generateShopSeed({ variants, locations: 3, seed: 3, handle }));
    const levels = shop.inventoryLevels.filter((l) => l.isActive);
    if (levels.length < TARGETS + NAIVE_SAMPLE) throw new Error(`only ${levels.length} levels generated`);
    const token = await retried(() => offlineAccessToken(emulator, handle));
    const admin: AdminGraphql = {
      async graphql(query, options) {
        const { status, body } = await retried(() => adminGraphql(emulator, handle, token, query, options?.variables ?? {}));
        return Response.json(body, { status });
      },
    };
    const store = await createStore(db, { shopDomain: `${handle}.myshopify.com` });
    await db.store.update({ where: { id: store.id }, data: { syncActive: true, settings: pushing } });

    // Dirty targets, each wanting 1 more than Shopify shows (steady state: Shopify's number known).
    const rows = levels.slice(0, TARGETS + NAIVE_SAMPLE).map((l, i) => ({
      storeId: store.id,
      inventoryItemId: `gid://shopify/InventoryItem/${l.inventoryItemId}`,
      shopifyLocationId: `gid://shopify/Location/${l.locationId}`,
      sku: `SKU-${i}`,
      wanted: l.quantities.available + 1,
      confirmed: l.quantities.available,
      state: i < TARGETS ? "pending" : "naive",
      version: 1,
      dirtyAt: new Date(Date.UTC(2026, 6, 1, 9, 0, 0, i % 1000)),
    }));
    for (let i = 0; i < rows.length; i += 2_000) await db.stockPushTarget.createMany({ data: rows.slice(i, i + 2_000) });

    emulator.setThrottle(handle, { restoreRate: RESTORE_RATE, maximumAvailable: 2_000 });
    const client = createShopifyClient(admin, { now: () => clock.now().getTime(), sleep: (ms) => clock.advance(ms) });
    // Drain the bucket, so both pushers run at the restore rate (steady state): nested pages until
    // Shopify refuses the next one (a flat page of 250 costs only 13 points at Shopify's real
    // prices, docs/decisions/026; the manual clock does not refill meanwhile).
    const heavy = "{ products(first: 250) { nodes { variants(first: 250) { nodes { inventoryItem { id } } } } } }";
    for (let i = 0; i < 500; i++) {
      const answer = (await adminGraphql(emulator, handle, token, heavy)).body as { errors?: { extensions?: { code?: string } }[] };
      if (answer.errors?.some((e) => e.extensions?.code === "THROTTLED")) break;
    }
    const drained = (await client.request<{ shop: { name: string } }>("{ shop { name } }")).cost!.throttleStatus.currentlyAvailable;

    // Tenon's push.
    const simStart = clock.now().getTime();
    const wallStart = performance.now();
    const result = await runStockPush(store.id, { db, client, now: () => clock.now() });
    const wall = (performance.now() - wallStart) / 1000;
    const simulated = (clock.now().getTime() - simStart) / 1000;
    const minimum = Math.max(0, (result.calls * MUTATION_COST - drained) / RESTORE_RATE);
    const pending = await db.stockPushTarget.count({ where: { storeId: store.id, state: "pending" } });
    if (result.pushed !== TARGETS || pending !== 0) throw new Error(`pushed ${result.pushed}/${TARGETS}, ${pending} still pending`);

    // The naive pusher: one mutation per target, same client and pacing.
    const naive = await db.stockPushTarget.findMany({ where: { storeId: store.id, state: "naive" } });
    const NAIVE_SET = `mutation ($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
      inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) { userErrors { field message code } }
    }`;
    const naiveSimStart = clock.now().getTime();
    const naiveWallStart = performance.now();
    for (const t of naive) {
      const answer = await client.request(
        NAIVE_SET,
        { input: { name: "available", reason: "correction", quantities: [{ inventoryItemId: t.inventoryItemId, locationId: t.shopifyLocationId, quantity: t.wanted, changeFromQuantity: t.confirmed }] } },
        { idempotencyKey: `naive-${t.id}`, userErrorsAt: "inventorySetQuantities" },
      );
      if (!answer.ok) throw new Error(`naive push failed: ${answer.message}`);
    }
    const naiveWall = (performance.now() - naiveWallStart) / 1000;
    const naiveSimulated = (clock.now().getTime() - naiveSimStart) / 1000;
    const ceiling = maxPushRate(RESTORE_RATE, MUTATION_COST);

    const table = [
      ["pusher", "targets", "calls", "simulated time", "pushes/s", "throttle max/s", "ratio", "wall (Tenon's work)"],
      [
        "Tenon (≤250/call, CAS)",
        TARGETS.toLocaleString("en"),
        String(result.calls),
        `${simulated.toFixed(1)} s`,
        Math.round(TARGETS / simulated).toLocaleString("en"),
        ceiling.toLocaleString("en"),
        (minimum / simulated).toFixed(3),
        `${wall.toFixed(1)} s (${Math.round(TARGETS / wall).toLocaleString("en")}/s)`,
      ],
      [
        `naive (1/call), sample`,
        NAIVE_SAMPLE.toLocaleString("en"),
        String(NAIVE_SAMPLE),
        `${naiveSimulated.toFixed(1)} s`,
        (NAIVE_SAMPLE / naiveSimulated).toFixed(1),
        maxPushRate(RESTORE_RATE, MUTATION_COST, 1).toLocaleString("en"),
        ((NAIVE_SAMPLE * MUTATION_COST) / RESTORE_RATE / naiveSimulated).toFixed(3),
        `${naiveWall.toFixed(1)} s`,
      ],
      [
        "naive, 50,000 (extrapolated)",
        TARGETS.toLocaleString("en"),
        TARGETS.toLocaleString("en"),
        `${((TARGETS / NAIVE_SAMPLE) * naiveSimulated / 60).toFixed(0)} min`,
        (NAIVE_SAMPLE / naiveSimulated).toFixed(1),
        "10",
        "",
        "",
      ],
    ];
    print(table);
    console.log(
      `(Standard plan: restore ${RESTORE_RATE} points/s, bucket 2,000, drained to ${Math.round(drained)} before each run; inventorySetQuantities costs ${MUTATION_COST}; ` +
        `simulated time = the emulator's manual clock, advanced only by the client's waits; ratio = throttle-imposed minimum time / time taken; ` +
        `stale answers ${result.stale}, reads ${result.reads})`,
    );
  } finally {
    await emulator.stop();
    await database.drop();
  }
}

async function latency() {
  const emulator = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:9" } });
  const database = await createTestDatabase();
  const db = database.db;
  const handle = "bench-latency";
  const shop = emulator.createShop(generateShopSeed({ variants: 50, locations: 1, seed: 5, handle }));
  const token = await retried(() => offlineAccessToken(emulator, handle));
  const admin: AdminGraphql = {
    async graphql(query, options) {
      const { status, body } = await retried(() => adminGraphql(emulator, handle, token, query, options?.variables ?? {}));
      return Response.json(body, { status });
    },
  };
  const store = await createStore(db, { shopDomain: `${handle}.myshopify.com` });
  await db.store.update({ where: { id: store.id }, data: { syncActive: true, settings: pushing } });
  const location = await createLocation(db, store.accountId, "Workshop");
  const level = shop.inventoryLevels.find((l) => l.isActive)!;
  await createShopifyLocation(db, store.id, { shopifyLocationId: `gid://shopify/Location/${level.locationId}`, locationId: location.id });
  const product = await db.product.create({ data: { accountId: store.accountId, name: "Bench stool" } });
  const variant = await db.variant.create({ data: { accountId: store.accountId, productId: product.id, code: "BENCH-1" } });
  await db.variantMapping.create({
    data: { storeId: store.id, shopifyVariantId: "gid://shopify/ProductVariant/1", shopifyProductId: "gid://shopify/Product/1", inventoryItemId: `gid://shopify/InventoryItem/${level.inventoryItemId}`, variantId: variant.id, sku: "BENCH-1" },
  });

  const client = createShopifyClient(admin);
  const enqueuePush: EnqueuePush = (tx, storeId) => queue.enqueue(tx, "stock.push", { storeId }, { serialKey: `push:${storeId}` });
  const catalog = createJobCatalog([
    defineJob({
      kind: "stock.plan",
      payload: z.object({ accountId: z.string() }),
      options: { serialKey: (p) => `stock-plan:${p.accountId}` },
      handler: async ({ accountId }, { db: jobDb, clock }) => {
        await planStockEvents(jobDb, accountId, clock(), enqueuePush);
      },
    }),
    defineJob({
      kind: "stock.push",
      payload: z.object({ storeId: z.string() }),
      handler: async ({ storeId }, { db: jobDb, clock }) => {
        await runStockPush(storeId, { db: jobDb, client, now: clock });
      },
    }),
  ]);
  // The production runner and poll interval (1 s): the first hop waits for a poll.
  const queue = new EmbeddedJobQueue({ db, catalog, provider: "sqlite", concurrency: 1, logger: { debug() {}, info() {}, warn() {}, error: (m) => console.warn(m) } });
  const samples: number[] = [];
  await queue.start();
  try {
    let quantity = 0;
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      quantity += 1;
      const start = performance.now();
      // What writeStockChanges does for an adjustment: the movement, its stock event and the plan job, in one transaction.
      await db.$transaction(async (tx) => {
        await tx.stockMovement.create({ data: { accountId: store.accountId, variantId: variant.id, locationId: location.id, kind: "adjustment", quantity: 1, occurredAt: new Date() } });
        await tx.stockEvent.create({ data: { accountId: store.accountId, variantId: variant.id, locationId: location.id } });
        await queue.enqueue(tx, "stock.plan", { accountId: store.accountId });
      });
      while (level.quantities.available !== quantity) await new Promise((r) => setTimeout(r, 2));
      samples.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, 150 + ((i * 37) % 400))); // idle, then the next change at a different phase of the poll
    }
  } finally {
    await queue.stop();
    await emulator.stop();
    await database.drop();
  }
  samples.sort((a, b) => a - b);
  const at = (p: number) => samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)]!;
  print([
    ["single change → Shopify confirmed", "samples", "p50", "p95", "max"],
    ["embedded runner, poll 1 s", String(samples.length), `${Math.round(at(50))} ms`, `${Math.round(at(95))} ms`, `${Math.round(samples.at(-1)!)} ms`],
  ]);
  console.log("(real clock, idle queue, SQLite; two job hops: stock.plan then stock.push; the runner wakes on a finished job, so only the first hop waits for a poll)");
}

function print(rows: string[][]) {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  for (const row of rows) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "));
}
