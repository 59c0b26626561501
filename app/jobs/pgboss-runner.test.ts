import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createPrismaClient } from "~/db/client";
import { createTestDatabase, testsRunOnPostgres, type TestDatabase } from "../../tests/support/db";
import { createJobCatalog, defineJob, type AnyJobDefinition, type JobCatalog } from "./catalog";
import { PgBossJobQueue, type PgBossJobQueueOptions } from "./pgboss-runner.server";
import { consoleJobLogger, emptyCounts, minRetryDelayMs, sleep } from "./queue";
import { describeJobRunnerContract } from "./runner.contract";

// pg-boss only runs on PostgreSQL: `npm run test:pg` (TEST_DATABASE_URL=postgresql://…) runs
// this file; the default SQLite run skips it.
const onPostgres = testsRunOnPostgres();

// pg-boss's floors: leases and maintenance in whole seconds (≥ 1), retry delays in seconds.
const timing = { pollIntervalMs: 25, leaseSeconds: 1, maintenanceIntervalSeconds: 1, retryDelaySeconds: 1 };

/** A runner with its own Prisma client, as a separate worker process would have. */
async function pgBossRunner<D extends AnyJobDefinition>(
  database: TestDatabase,
  catalog: JobCatalog<D>,
  options: Partial<PgBossJobQueueOptions<D>> = {},
) {
  const db = createPrismaClient(database.url);
  const queue = new PgBossJobQueue({
    db,
    databaseUrl: database.url,
    catalog,
    logger: consoleJobLogger("error"),
    ...timing,
    ...options,
  });
  return {
    queue,
    crash: () => queue.crash(),
    dispose: () => db.$disconnect(),
  };
}

/** What deployment does once: install pg-boss and create the kinds' queues. */
async function installQueues(database: TestDatabase, catalog: JobCatalog) {
  const installer = await pgBossRunner(database, catalog, { concurrency: 0 });
  await installer.queue.start();
  await installer.queue.stop();
  await installer.dispose();
}

describe.skipIf(!onPostgres)("pg-boss runner", () => {
  const installed = new Set<string>();

  describeJobRunnerContract("pg-boss", {
    async makeRunner({ database, catalog, concurrency }) {
      if (!installed.has(database.url)) {
        await installQueues(database, catalog);
        installed.add(database.url);
      }
      return pgBossRunner(database, catalog, { concurrency });
    },
    leaseMs: timing.leaseSeconds * 1000,
    minRetryDelayMs: (failedAttempt) => minRetryDelayMs(failedAttempt, { baseMs: timing.retryDelaySeconds * 1000, capMs: 2 ** 16 * 1000 }),
  });

  describe("specifics", () => {
    let database: TestDatabase;
    const catalog = createJobCatalog([
      defineJob({
        kind: "demo.slow",
        payload: z.object({ ms: z.number() }),
        handler: (payload, ctx) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, payload.ms);
            ctx.signal.addEventListener("abort", () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      }),
    ]);

    beforeEach(async () => {
      database = await createTestDatabase();
      await installQueues(database, catalog);
    });
    afterEach(async () => database.drop());

    it("stores jobs in pg-boss's tables, committed with the caller's transaction", async () => {
      const r = await pgBossRunner(database, catalog, { concurrency: 0 });
      const id = await database.db.$transaction(async (tx) => {
        await tx.account.create({ data: { name: "Maker" } });
        return r.queue.enqueue(tx, "demo.slow", { ms: 1 });
      });

      const rows = await database.db.$queryRawUnsafe<{ name: string; data: unknown; state: string }[]>(
        "SELECT name, data, state::text AS state FROM pgboss.job WHERE id = $1::uuid",
        id,
      );
      expect(rows).toEqual([{ name: "demo.slow", data: { ms: 1 }, state: "created" }]);
      await r.dispose();
    });

    it("aborts a handler that outlives its lease and records the attempt as failed", async () => {
      // No maintenance run during the test: the runner's own lease timer must catch it.
      const r = await pgBossRunner(database, catalog, { concurrency: 1, maintenanceIntervalSeconds: 60 });
      await database.db.$transaction((tx) => r.queue.enqueue(tx, "demo.slow", { ms: 60_000 }, { maxAttempts: 1 }));

      await r.queue.start();
      await r.queue.drain({ timeoutMs: 10_000 });

      const [dead] = await r.queue.listDead();
      expect(dead?.lastError).toMatch(/^Lease expired: the handler ran longer than its 1s lease/);
      expect(await r.queue.counts()).toEqual({ ...emptyCounts(), dead: 1 });
      await r.queue.stop();
      await r.dispose();
    });
  });

  describe("serialKey across kinds", () => {
    let database: TestDatabase;
    let handle: (kind: string, payload: { n: number; order: string }) => Promise<void> = async () => {};
    const payload = z.object({ n: z.number(), order: z.string() });
    const serialKey = (p: { order: string }) => `order:${p.order}`;
    const catalog = createJobCatalog([
      defineJob({ kind: "order.demo", payload, options: { serialKey }, handler: (p) => handle("order.demo", p) }),
      defineJob({ kind: "fulfillment.demo", payload, options: { serialKey }, handler: (p) => handle("fulfillment.demo", p) }),
    ]);

    beforeEach(async () => {
      database = await createTestDatabase();
      await installQueues(database, catalog);
    });
    afterEach(async () => database.drop());

    it("never runs jobs of different kinds with one key at once, on one runner or two", async () => {
      const a = await pgBossRunner(database, catalog, { concurrency: 4 });
      const b = await pgBossRunner(database, catalog, { concurrency: 4 });
      const active = new Set<string>();
      const overlaps: string[] = [];
      let ran = 0;
      handle = async (kind, job) => {
        if (active.has(job.order)) overlaps.push(`${kind} ${job.n}`);
        active.add(job.order);
        await sleep(20);
        active.delete(job.order);
        ran++;
      };
      await database.db.$transaction(async (tx) => {
        for (let n = 0; n < 24; n++) {
          await a.queue.enqueue(tx, n % 2 ? "order.demo" : "fulfillment.demo", { n, order: n % 4 < 2 ? "1001" : "1002" });
        }
      });

      await Promise.all([a.queue.start(), b.queue.start()]);
      await a.queue.drain({ timeoutMs: 20_000 });

      expect(overlaps).toEqual([]);
      expect(ran).toBe(24);
      expect(await a.queue.counts()).toEqual({ ...emptyCounts(), succeeded: 24 });
      for (const r of [a, b]) {
        await r.queue.stop();
        await r.dispose();
      }
    });
  });
});
