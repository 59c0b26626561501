import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createPrismaClient } from "~/db/client";
import { databaseProvider } from "~/db/provider";
import { createJobCatalog, defineJob, type JobCatalog } from "~/jobs/catalog";
import { EmbeddedJobQueue } from "~/jobs/embedded-runner.server";
import { PgBossJobQueue } from "~/jobs/pgboss-runner.server";
import { silentJobLogger, type JobQueue } from "~/jobs/queue";
import { parkOnAccessLoss } from "~/jobs/parking";
import { ShopifyAccessLostError } from "~/shopify/client";
import { syncHealth } from "../activity/activity.server";
import { ensureOrderSweeps, sweepSerialKey, type ScheduleSweep } from "../../sync/orders/order-sync.server";
import { ACCESS_LOST_MESSAGE, parkJob, resumeParkedWork, type EnqueueParkedJob } from "./store-access.server";
import { createTestDatabase, testsRunOnPostgres, type TestDatabase } from "../../../tests/support/db";
import { createStore } from "../../../tests/support/factories";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

const at = (minute: number) => new Date(Date.UTC(2026, 11, 4, 2, minute));

const openAccessFailures = (storeId: string) =>
  t.db.syncActivity.findMany({ where: { storeId, action: "store.access_lost", outcome: "failed", resolvedAt: null } });

/** A catalog like the app's: a Shopify job that parks, and the sweep. */
function shopifyCatalog(run: (payload: { storeId: string; orderId: string }) => Promise<void>) {
  return createJobCatalog([
    parkOnAccessLoss(
      defineJob({
        kind: "order.sync",
        payload: z.object({ storeId: z.string(), orderId: z.string() }),
        options: { maxAttempts: 3, serialKey: (p) => `order:${p.storeId}:${p.orderId}` },
        handler: (payload) => run(payload),
      }),
    ),
    defineJob({ kind: "orders.sweep", payload: z.object({ storeId: z.string(), chain: z.string() }), handler: async () => {} }),
  ]);
}

type ShopifyCatalogQueue = JobQueue<ReturnType<typeof shopifyCatalog> extends JobCatalog<infer D> ? D : never>;
// A parked job's kind and payload are data; the catalog validates them, as the app's enqueue does.
const enqueueOn =
  (queue: ShopifyCatalogQueue): EnqueueParkedJob =>
  (tx, kind, payload, options) =>
    queue.enqueue(tx, kind as never, payload as never, options);

describe("parking", () => {
  it("parks each piece of work once and opens one failure per store, however many jobs park", async () => {
    const store = await createStore(t.db);
    const other = await createStore(t.db);
    const work = (orderId: string) => ({ storeId: store.id, kind: "order.sync", payload: { storeId: store.id, orderId }, reason: "no session" });

    expect(await parkJob(t.db, work("gid://shopify/Order/1"), at(1))).toEqual({ openedFailure: true });
    expect(await parkJob(t.db, work("gid://shopify/Order/2"), at(2))).toEqual({ openedFailure: false });
    // The same work again (a redelivered webhook, a second attempt): still one row.
    expect(await parkJob(t.db, work("gid://shopify/Order/1"), at(3))).toEqual({ openedFailure: false });
    await parkJob(t.db, { storeId: other.id, kind: "stock.push", payload: { storeId: other.id }, reason: "HTTP 401" }, at(4));

    expect(await t.db.parkedJob.count({ where: { storeId: store.id } })).toBe(2);
    const [failure, ...more] = await openAccessFailures(store.id);
    expect(more).toEqual([]);
    expect(failure).toMatchObject({ area: "connection", message: ACCESS_LOST_MESSAGE, at: at(1) });
    expect(await openAccessFailures(other.id)).toHaveLength(1);
    // The store header's data shows it.
    expect(await syncHealth(t.db, store.id, { jobStore: { runner: "embedded" } })).toMatchObject({
      openFailures: 1,
      accessLost: { since: at(1), message: ACCESS_LOST_MESSAGE },
    });
  });

  it("a job that finds no credentials parks: it ends without a retry or a dead letter, its work kept for later", async () => {
    const store = await createStore(t.db);
    let runs = 0;
    const catalog = shopifyCatalog(async () => {
      runs += 1;
      throw new ShopifyAccessLostError(store.shopDomain, "there is no offline session for the store.");
    });
    const queue = new EmbeddedJobQueue({ db: t.db, provider: databaseProvider(t.url), catalog, concurrency: 1, logger: silentJobLogger });
    await t.db.$transaction((tx) => queue.enqueue(tx, "order.sync", { storeId: store.id, orderId: "gid://shopify/Order/7" }));
    await queue.start();
    await queue.drain({ timeoutMs: 10_000 });
    await queue.stop();

    expect(runs).toBe(1);
    expect(await queue.counts()).toMatchObject({ dead: 0, retrying: 0, queued: 0, succeeded: 1 });
    expect(await t.db.parkedJob.findMany({ where: { storeId: store.id } })).toEqual([
      expect.objectContaining({ kind: "order.sync", payload: { storeId: store.id, orderId: "gid://shopify/Order/7" }, serialKey: `order:${store.id}:gid://shopify/Order/7` }),
    ]);
    expect(await openAccessFailures(store.id)).toHaveLength(1);
  });

  it("other errors still fail and retry as before", async () => {
    const store = await createStore(t.db);
    const catalog = shopifyCatalog(async () => {
      throw new Error("HTTP 503");
    });
    const queue = new EmbeddedJobQueue({ db: t.db, provider: databaseProvider(t.url), catalog, concurrency: 1, logger: silentJobLogger, backoff: { baseMs: 1, capMs: 2 } });
    await t.db.$transaction((tx) => queue.enqueue(tx, "order.sync", { storeId: store.id, orderId: "gid://shopify/Order/8" }));
    await queue.start();
    await queue.drain({ timeoutMs: 10_000 });
    await queue.stop();
    expect((await queue.listDead()).map((j) => j.attempts)).toContain(3);
    expect(await t.db.parkedJob.count({ where: { storeId: store.id } })).toBe(0);
  });
});

describe("resuming", () => {
  it("enqueues every parked job once, drops what the catalog no longer accepts, and closes the failure", async () => {
    const store = await createStore(t.db);
    const queue = new EmbeddedJobQueue({ db: t.db, provider: databaseProvider(t.url), catalog: shopifyCatalog(async () => {}) });
    const enqueue = enqueueOn(queue);
    for (let n = 1; n <= 5; n++) {
      await parkJob(t.db, { storeId: store.id, kind: "order.sync", payload: { storeId: store.id, orderId: `gid://shopify/Order/${n}` }, serialKey: `order:${store.id}:${n}`, reason: "no session" }, at(n));
    }
    await parkJob(t.db, { storeId: store.id, kind: "import.gone", payload: { importId: "x" }, reason: "no session" }, at(6));

    // Two app opens at once: each parked job is enqueued by one of them.
    const [a, b] = await Promise.all([resumeParkedWork(t.db, store.id, { enqueue, now: at(10) }), resumeParkedWork(t.db, store.id, { enqueue, now: at(10) })]);
    expect((a?.resumed ?? 0) + (b?.resumed ?? 0)).toBe(5);
    expect((a?.dropped ?? 0) + (b?.dropped ?? 0)).toBe(1);
    const jobs = await t.db.job.findMany({ where: { kind: "order.sync", serialKey: { startsWith: `order:${store.id}:` } } });
    expect(jobs).toHaveLength(5);
    expect(new Set(jobs.map((j) => j.serialKey)).size).toBe(5);
    expect(await t.db.parkedJob.count({ where: { storeId: store.id } })).toBe(0);
    expect(await openAccessFailures(store.id)).toEqual([]);
    expect(await t.db.syncActivity.count({ where: { storeId: store.id, action: "store.access_restored", outcome: "ok" } })).toBeGreaterThanOrEqual(1);
    expect((await syncHealth(t.db, store.id, { jobStore: { runner: "embedded" } })).accessLost).toBeNull();

    // Nothing parked, nothing open: nothing to do (what every ordinary app open finds).
    expect(await resumeParkedWork(t.db, store.id, { enqueue, now: at(11) })).toBeNull();
  });
});

describe("the sweep chain's watchdog", () => {
  it("re-creates a chain with no sweep waiting or running, from the kept checkpoint, and leaves a live one alone", async () => {
    const store = await createStore(t.db, { syncActive: true });
    const paused = await createStore(t.db, { syncActive: false });
    const checkpoint = at(30);
    await t.db.orderSyncState.create({ data: { storeId: store.id, windowStart: at(0), checkpoint, sweepChain: "dead-chain" } });
    const queue = new EmbeddedJobQueue({ db: t.db, provider: databaseProvider(t.url), catalog: shopifyCatalog(async () => {}) });
    const schedule: ScheduleSweep = (tx, payload, options) => queue.enqueue(tx, "orders.sweep", payload, options);
    const pending = (storeId: string) => queue.hasUnfinished("orders.sweep", sweepSerialKey(storeId));

    expect(await ensureOrderSweeps(t.db, schedule, pending, { storeId: store.id })).toEqual([store.id]);
    const state = await t.db.orderSyncState.findUniqueOrThrow({ where: { storeId: store.id } });
    expect(state).toMatchObject({ checkpoint, windowStart: at(0) });
    expect(state.sweepChain).not.toBe("dead-chain");
    expect(await pending(store.id)).toBe(true);

    expect(await ensureOrderSweeps(t.db, schedule, pending, { storeId: store.id })).toEqual([]);
    expect(await ensureOrderSweeps(t.db, schedule, pending, { storeId: paused.id })).toEqual([]);
    // On app open only a chain that existed and died is re-created; one that never was waits for the start.
    const never = await createStore(t.db, { syncActive: true });
    expect(await ensureOrderSweeps(t.db, schedule, pending, { storeId: never.id, deadChainsOnly: true })).toEqual([]);
    expect(await ensureOrderSweeps(t.db, schedule, pending, { storeId: never.id })).toEqual([never.id]);
  });
});

// pg-boss keeps its jobs in its own schema (PostgreSQL only: `npm run test:pg` runs this).
describe.skipIf(!testsRunOnPostgres())("with the pg-boss runner", () => {
  it("parks the same way, resumes into pg-boss, and its watchdog sees pg-boss's waiting sweep", async () => {
    const store = await createStore(t.db, { syncActive: true });
    const client = createPrismaClient(t.url);
    let failing = true;
    const catalog = shopifyCatalog(async () => {
      if (failing) throw new ShopifyAccessLostError(store.shopDomain, "Shopify refused the access token (HTTP 401: revoked or expired).");
    });
    const boss = new PgBossJobQueue({ db: client, databaseUrl: t.url, catalog, concurrency: 1, logger: silentJobLogger });
    await boss.start();
    try {
      await client.$transaction((tx) => boss.enqueue(tx, "order.sync", { storeId: store.id, orderId: "gid://shopify/Order/9" }));
      await boss.drain({ timeoutMs: 15_000 });
      expect(await boss.counts()).toMatchObject({ dead: 0, succeeded: 1 });
      expect(await t.db.parkedJob.count({ where: { storeId: store.id } })).toBe(1);
      expect(await openAccessFailures(store.id)).toHaveLength(1);

      failing = false;
      expect(await resumeParkedWork(t.db, store.id, { enqueue: enqueueOn(boss), now: at(40) })).toEqual({ resumed: 1, dropped: 0 });
      await boss.drain({ timeoutMs: 15_000 });
      expect(await boss.counts()).toMatchObject({ dead: 0, succeeded: 2 });
      expect(await openAccessFailures(store.id)).toEqual([]);

      const schedule: ScheduleSweep = (tx, payload, options) => boss.enqueue(tx, "orders.sweep", payload, { ...options, runAt: new Date(Date.now() + 3600_000) });
      const pending = (storeId: string) => boss.hasUnfinished("orders.sweep", sweepSerialKey(storeId));
      expect(await ensureOrderSweeps(t.db, schedule, pending, { storeId: store.id })).toEqual([store.id]);
      expect(await ensureOrderSweeps(t.db, schedule, pending, { storeId: store.id })).toEqual([]);
    } finally {
      await boss.stop();
      await client.$disconnect();
    }
  });
});
