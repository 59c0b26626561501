import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createPrismaClient } from "~/db/client";
import { databaseProvider } from "~/db/provider";
import { createTestDatabase, testsRunOnPostgres, type TestDatabase } from "../../tests/support/db";
import { createJobCatalog, defineJob, JobLeaseLostError, type AnyJobDefinition, type JobCatalog, type JobContext } from "./catalog";
import { EmbeddedJobQueue, type EmbeddedJobQueueOptions } from "./embedded-runner.server";
import { describeJobRunnerContract } from "./runner.contract";
import { consoleJobLogger, emptyCounts, minRetryDelayMs, silentJobLogger, sleep } from "./queue";

// Short leases and intervals so that the contract runs in a few seconds.
// The lease is long enough that heartbeats survive a loaded 2-core CI machine: a lease lost to load
// re-runs the job (at-least-once), which the exactly-once contract test would rightly flag.
const timing = { pollIntervalMs: 10, leaseMs: 1_000, heartbeatMs: 100, backoff: { baseMs: 40, capMs: 2000 } };

/**
 * A runner as a separate process would have it: on PostgreSQL with a Prisma client of its own.
 * On SQLite, runners in one process must share the process's one client: the libSQL driver is
 * synchronous, so a second client waiting on SQLite's write lock would block the event loop
 * and with it the transaction it waits for (README.md, "SQLite").
 */
async function embeddedRunner<D extends AnyJobDefinition>(
  database: TestDatabase,
  catalog: JobCatalog<D>,
  options: Partial<EmbeddedJobQueueOptions<D>> = {},
) {
  const provider = databaseProvider(database.url);
  const db = provider === "postgresql" ? createPrismaClient(database.url) : database.db;
  const queue = new EmbeddedJobQueue({
    db,
    provider,
    catalog,
    logger: consoleJobLogger("error"),
    ...timing,
    ...options,
  });
  return {
    queue,
    crash: () => queue.crash(),
    dispose: async () => {
      if (db !== database.db) await db.$disconnect();
    },
  };
}

describeJobRunnerContract(`embedded (${testsRunOnPostgres() ? "PostgreSQL" : "SQLite"})`, {
  makeRunner: ({ database, catalog, concurrency }) => embeddedRunner(database, catalog, { concurrency }),
  leaseMs: timing.leaseMs,
  minRetryDelayMs: (failedAttempt) => minRetryDelayMs(failedAttempt, timing.backoff),
});

describe("embedded runner", () => {
  let database: TestDatabase;
  const cleanup: (() => Promise<void>)[] = [];
  let handle: (kind: string, payload: { n: number; order: string }, ctx: JobContext) => Promise<void>;

  const orderJob = defineJob({
    kind: "order.demo",
    payload: z.object({ n: z.number(), order: z.string() }),
    options: { serialKey: (p) => `order:${p.order}` },
    handler: (payload, ctx) => handle("order.demo", payload, ctx),
  });
  const fulfillmentJob = defineJob({
    kind: "fulfillment.demo",
    payload: z.object({ n: z.number(), order: z.string() }),
    options: { serialKey: (p) => `order:${p.order}` },
    handler: (payload, ctx) => handle("fulfillment.demo", payload, ctx),
  });
  const catalog = createJobCatalog([orderJob, fulfillmentJob]);

  type DemoDefinitions = typeof catalog extends JobCatalog<infer D> ? D : never;

  async function runner(options: Partial<EmbeddedJobQueueOptions<DemoDefinitions>> = {}) {
    const r = await embeddedRunner(database, catalog, options);
    cleanup.push(async () => {
      await r.queue.stop({ timeoutMs: 1000 });
      await r.dispose();
    });
    return r.queue;
  }

  beforeEach(async () => {
    database = await createTestDatabase();
    handle = async () => {};
  });

  afterEach(async () => {
    for (const step of cleanup.splice(0)) await step();
    await database.drop();
  });

  it("keeps a job that runs longer than its lease: the heartbeat renews it, no one else takes it", async () => {
    const a = await runner({ concurrency: 1 });
    const b = await runner({ concurrency: 1 });
    const attempts: number[] = [];
    let aborted = false;
    handle = async (_kind, _payload, ctx) => {
      attempts.push(ctx.attempt);
      await sleep(timing.leaseMs * 3);
      aborted = ctx.signal.aborted;
    };
    await database.db.$transaction((tx) => a.enqueue(tx, "order.demo", { n: 1, order: "1001" }));

    await a.start();
    await sleep(30);
    await b.start();
    await a.drain();

    expect(attempts).toEqual([1]);
    expect(aborted).toBe(false);
    expect(await a.counts()).toEqual({ ...emptyCounts(), succeeded: 1 });
  });

  it("keeps jobs of different kinds that share a serialKey apart, even on runners that know different kinds", async () => {
    // As during a rolling deploy: each runner claims only the kinds it has handlers for.
    const orders = await embeddedRunner(database, createJobCatalog([orderJob]), { concurrency: 4 });
    const fulfillments = await embeddedRunner(database, createJobCatalog([fulfillmentJob]), { concurrency: 4 });
    for (const r of [orders, fulfillments]) {
      cleanup.push(async () => {
        await r.queue.stop({ timeoutMs: 1000 });
        await r.dispose();
      });
    }
    const activeOrders = new Set<string>();
    const overlaps: string[] = [];
    handle = async (kind, payload) => {
      if (activeOrders.has(payload.order)) overlaps.push(`${kind} ${payload.n}`);
      activeOrders.add(payload.order);
      await sleep(5);
      activeOrders.delete(payload.order);
    };
    await database.db.$transaction(async (tx) => {
      for (let n = 0; n < 40; n++) {
        const job = { n, order: n % 4 < 2 ? "1001" : "1002" };
        if (n % 2) await orders.queue.enqueue(tx, "order.demo", job);
        else await fulfillments.queue.enqueue(tx, "fulfillment.demo", job);
      }
    });

    await Promise.all([orders.queue.start(), fulfillments.queue.start()]);
    await orders.queue.drain();

    expect(overlaps).toEqual([]);
    expect((await orders.queue.counts()).succeeded).toBe(40);
  });

  it("dead-letters a job whose lease expires on its last attempt", async () => {
    const a = await runner({ concurrency: 1 });
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    handle = async () => {
      started();
      await new Promise(() => {});
    };
    const id = await database.db.$transaction((tx) => a.enqueue(tx, "order.demo", { n: 1, order: "1001" }, { maxAttempts: 1 }));

    await a.start();
    await running;
    await a.crash();
    const b = await runner({ concurrency: 1 });
    await b.start();
    await b.drain();

    const [dead] = await b.listDead();
    expect(dead).toMatchObject({ id, attempts: 1 });
    expect(dead?.lastError).toMatch(/^Lease expired/);
  });

  it("refuses to complete a job in a transaction once the run lost its lease: the work rolls back", async () => {
    const warnings: string[] = [];
    const a = await runner({ concurrency: 1, logger: { ...silentJobLogger, warn: (message) => warnings.push(message) } });
    const failures: unknown[] = [];
    handle = async (_kind, _payload, ctx) => {
      // Another runner took the job over (as after a lease expiry) while this run was working.
      await database.db.job.update({ where: { id: ctx.jobId }, data: { leaseOwner: "another-runner" } });
      await ctx.db
        .$transaction(async (tx) => {
          await tx.account.create({ data: { name: "Work of a run that lost its job" } });
          await ctx.completeIn(tx);
        })
        .catch((error: unknown) => {
          failures.push(error);
          throw error;
        });
    };
    const id = await database.db.$transaction((tx) => a.enqueue(tx, "order.demo", { n: 1, order: "1001" }));

    await a.start();
    const notRecorded = "Job outcome not recorded: its lease had expired and another runner took it over";
    await vi.waitFor(() => expect(warnings).toContain(notRecorded), { timeout: 5_000 });

    expect(failures).toEqual([expect.any(JobLeaseLostError)]);
    expect(await database.db.account.count()).toBe(0);
    // Still the other runner's: this run recorded nothing.
    expect(await database.db.job.findUnique({ where: { id }, select: { state: true, leaseOwner: true } })).toEqual({ state: "running", leaseOwner: "another-runner" });
  });

  it("schedules by the injected clock", async () => {
    const inAnHour = () => new Date(Date.now() + 3600_000);
    const a = await runner({ concurrency: 1, clock: inAnHour });
    const ran: number[] = [];
    handle = async (_kind, payload) => {
      ran.push(payload.n);
    };
    await database.db.$transaction((tx) => a.enqueue(tx, "order.demo", { n: 1, order: "1" }, { runAt: new Date(Date.now() + 1800_000) }));

    await a.start();
    await a.drain();

    expect(ran).toEqual([1]);
  });
});
