import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "../../tests/support/db";
import {
  createJobCatalog,
  defineJob,
  JobPayloadError,
  PermanentJobError,
  UnknownJobKindError,
  type JobCatalog,
  type JobContext,
} from "./catalog";
import { emptyCounts, sleep, type JobCounts, type JobQueue } from "./queue";

/**
 * The behaviour every job runner must have. Each implementation's test file calls
 * `describeJobRunnerContract` with a factory for its runner; the cases below are the
 * acceptance criteria of the durable job queue (issue 3, item 4).
 */

type Handle = (kind: string, payload: { n: number } & Record<string, unknown>, ctx: JobContext) => Promise<void>;

/** The demo kinds the contract runs. `variant: "narrowed"` is a later deploy with a stricter schema. */
export function makeContractCatalog(probe: { handle: Handle }, variant: "original" | "narrowed" = "original") {
  return createJobCatalog([
    defineJob({
      kind: "test.echo",
      payload: z.object({
        n: variant === "narrowed" ? z.number().int().max(10) : z.number().int(),
        note: z.string().default("none"),
      }),
      handler: (payload, ctx) => probe.handle("test.echo", payload, ctx),
    }),
    defineJob({
      kind: "test.serial",
      payload: z.object({ n: z.number().int(), key: z.string() }),
      options: { serialKey: (payload) => `key:${payload.key}` },
      handler: (payload, ctx) => probe.handle("test.serial", payload, ctx),
    }),
    defineJob({
      kind: "test.flaky",
      payload: z.object({ n: z.number().int() }),
      options: { maxAttempts: 3 },
      handler: (payload, ctx) => probe.handle("test.flaky", payload, ctx),
    }),
  ]);
}

export type ContractCatalog = ReturnType<typeof makeContractCatalog>;
export type ContractDefinitions = ContractCatalog extends JobCatalog<infer D> ? D : never;

export interface RunnerUnderTest {
  queue: JobQueue<ContractDefinitions>;
  /** Kill the runner as a crashed process would be: no cleanup, leases left to expire. */
  crash(): Promise<void>;
  /** Release what the factory opened (clients, pools), after the queue was stopped or crashed. */
  dispose(): Promise<void>;
}

export interface ContractSetup {
  /** A runner, not started, on the test database. Called several times for multi-runner cases. */
  makeRunner(options: { database: TestDatabase; catalog: ContractCatalog; concurrency: number }): Promise<RunnerUnderTest>;
  /** How long a crashed runner's job stays claimed (as configured in makeRunner). */
  leaseMs: number;
  /** The smallest wait after the n-th failed attempt (as configured in makeRunner). */
  minRetryDelayMs(failedAttempt: number): number;
}

interface Run {
  kind: string;
  payload: Record<string, unknown>;
  jobId: string;
  attempt: number;
  startedAt: number;
}

export function describeJobRunnerContract(name: string, setup: ContractSetup) {
  describe(`${name}: job runner contract`, () => {
    let database: TestDatabase;
    let runners: RunnerUnderTest[];
    let runs: Run[];
    const probe: { handle: Handle } = { handle: async () => {} };

    /** Records every run, then does what the test says. */
    function onRun(behaviour: Handle = async () => {}) {
      probe.handle = async (kind, payload, ctx) => {
        runs.push({ kind, payload, jobId: ctx.jobId, attempt: ctx.attempt, startedAt: Date.now() });
        await behaviour(kind, payload, ctx);
      };
    }

    async function runner(concurrency = 2, variant: "original" | "narrowed" = "original") {
      const created = await setup.makeRunner({ database, catalog: makeContractCatalog(probe, variant), concurrency });
      runners.push(created);
      return created;
    }

    beforeEach(async () => {
      database = await createTestDatabase();
      runners = [];
      runs = [];
      onRun();
    });

    afterEach(async () => {
      for (const r of runners) await r.queue.stop({ timeoutMs: 1000 });
      for (const r of runners) await r.dispose();
      await database.drop();
    });

    it("enqueues inside the caller's transaction: a rollback leaves no job", async () => {
      const { queue } = await runner();
      await expect(
        database.db.$transaction(async (tx) => {
          await tx.account.create({ data: { name: "Maker" } });
          await queue.enqueue(tx, "test.echo", { n: 1 });
          throw new Error("a domain rule failed");
        }),
      ).rejects.toThrow("a domain rule failed");

      expect(await database.db.account.count()).toBe(0);
      expect(await queue.counts()).toEqual(emptyCounts());
    });

    it("runs a committed job once, with the parsed payload", async () => {
      const { queue } = await runner();
      const id = await database.db.$transaction(async (tx) => {
        await tx.account.create({ data: { name: "Maker" } });
        return queue.enqueue(tx, "test.echo", { n: 7 });
      });

      await queue.start();
      await queue.drain();

      expect(runs).toEqual([{ kind: "test.echo", payload: { n: 7, note: "none" }, jobId: id, attempt: 1, startedAt: expect.any(Number) }]);
      expect(await database.db.account.count()).toBe(1);
      expect(await queue.counts()).toEqual({ ...emptyCounts(), succeeded: 1 });
    });

    it("rejects an invalid payload or an unknown kind at enqueue with a typed error, writing nothing", async () => {
      const { queue } = await runner();
      const invalid = database.db.$transaction((tx) => queue.enqueue(tx, "test.echo", { n: "seven" } as never));
      await expect(invalid).rejects.toBeInstanceOf(JobPayloadError);
      await expect(invalid).rejects.toMatchObject({ code: "JOB_PAYLOAD_INVALID", kind: "test.echo", issues: [{ path: ["n"] }] });

      const unknown = database.db.$transaction((tx) => queue.enqueue(tx, "test.nope" as never, { n: 1 } as never));
      await expect(unknown).rejects.toBeInstanceOf(UnknownJobKindError);

      expect(await queue.counts()).toEqual(emptyCounts());
    });

    it("dead-letters a job whose stored payload the current schema rejects, without running it", async () => {
      const before = await runner(1, "original");
      const id = await database.db.$transaction((tx) => before.queue.enqueue(tx, "test.echo", { n: 50 }));
      const after = await runner(1, "narrowed");

      await after.queue.start();
      await after.queue.drain();

      expect(runs).toEqual([]);
      const dead = await after.queue.listDead();
      expect(dead).toEqual([expect.objectContaining({ id, kind: "test.echo", payload: { n: 50 }, attempts: 1 })]);
      expect(dead[0]?.lastError).toMatch(/Invalid payload for job kind "test.echo": n: Number must be less than or equal to 10/);
    });

    it("retries a job whose runner died mid-run once its lease expires, on another runner", async () => {
      const a = await runner(1);
      const b = await runner(1);
      const firstRunStarted = deferred();
      const neverFinishes = deferred();
      onRun(async (_kind, _payload, ctx) => {
        if (ctx.attempt === 1) {
          firstRunStarted.resolve();
          await neverFinishes.promise;
        }
      });
      const id = await database.db.$transaction((tx) => a.queue.enqueue(tx, "test.echo", { n: 1 }));

      await a.queue.start();
      await firstRunStarted.promise;
      await a.crash();
      await b.queue.start();
      await b.queue.drain({ timeoutMs: 15_000 });
      // The "dead" process's handler returns after all: nothing may be recorded from it.
      neverFinishes.resolve();
      await sleep(50);

      expect(runs.map((r) => [r.jobId, r.attempt])).toEqual([
        [id, 1],
        [id, 2],
      ]);
      const [first, second] = runs;
      expect(second!.startedAt - first!.startedAt).toBeGreaterThanOrEqual(setup.leaseMs - 20);
      expect(await b.queue.counts()).toEqual({ ...emptyCounts(), succeeded: 1 });
    });

    it("lets a handler complete its job in its own transaction: the work and the success commit together, once", async () => {
      const { queue } = await runner(1);
      onRun(async (_kind, payload, ctx) => {
        await ctx.db.$transaction(async (tx) => {
          await tx.account.create({ data: { name: `Maker ${payload.n}` } });
          await ctx.completeIn(tx);
        });
      });
      await database.db.$transaction((tx) => queue.enqueue(tx, "test.echo", { n: 1 }));

      await queue.start();
      await queue.drain();

      expect(runs.map((r) => r.attempt)).toEqual([1]);
      expect(await database.db.account.count()).toBe(1);
      expect(await queue.counts()).toEqual({ ...emptyCounts(), succeeded: 1 });
    });

    it("keeps the job when the handler's transaction rolls back after completing it: the next attempt runs", async () => {
      const { queue } = await runner(1);
      onRun(async (_kind, _payload, ctx) => {
        await ctx.db.$transaction(async (tx) => {
          await tx.account.create({ data: { name: `Attempt ${ctx.attempt}` } });
          await ctx.completeIn(tx);
          if (ctx.attempt === 1) throw new Error("a later step of the same transaction failed");
        });
      });
      await database.db.$transaction((tx) => queue.enqueue(tx, "test.echo", { n: 1 }));

      await queue.start();
      await queue.drain({ timeoutMs: 15_000 });

      expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
      expect((await database.db.account.findMany({ select: { name: true } })).map((a) => a.name)).toEqual(["Attempt 2"]);
      expect(await queue.counts()).toEqual({ ...emptyCounts(), succeeded: 1 });
    });

    it("retries a failing job with growing backoff, dead-letters it with its error, and can retry it", async () => {
      const { queue } = await runner(1);
      onRun(async (_kind, _payload, ctx) => {
        throw new Error(`boom on attempt ${ctx.attempt}`);
      });
      const id = await database.db.$transaction((tx) => queue.enqueue(tx, "test.flaky", { n: 1 }));

      await queue.start();
      await waitFor(async () => (await queue.counts()).dead === 1, 20_000);

      expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
      const [first, second, third] = runs.map((r) => r.startedAt);
      expect(setup.minRetryDelayMs(2)).toBeGreaterThan(setup.minRetryDelayMs(1));
      expect(second! - first!).toBeGreaterThanOrEqual(setup.minRetryDelayMs(1) - 10);
      expect(third! - second!).toBeGreaterThanOrEqual(setup.minRetryDelayMs(2) - 10);
      const dead = await queue.listDead();
      expect(dead).toEqual([expect.objectContaining({ id, kind: "test.flaky", payload: { n: 1 }, attempts: 3 })]);
      expect(dead[0]?.lastError).toContain("Error: boom on attempt 3");
      expect(dead[0]?.lastError).toMatch(/\n\s+at /); // the head of the stack
      expect(await queue.counts()).toEqual({ ...emptyCounts(), dead: 1 });

      onRun();
      runs.length = 0;
      expect(await queue.retryDead(id)).toBe(true);
      await queue.drain();
      expect(runs.map((r) => r.attempt)).toEqual([4]);
      expect(await queue.counts()).toEqual({ ...emptyCounts(), succeeded: 1 });
      expect(await queue.retryDead(id)).toBe(false);
    });

    it("dead-letters at once on a PermanentJobError or when the job's own maxAttempts is reached", async () => {
      const { queue } = await runner(2);
      onRun(async (_kind, payload) => {
        if (payload.n === 1) throw new Error("transient, but only one attempt allowed");
        throw new PermanentJobError("the store is gone");
      });
      await database.db.$transaction(async (tx) => {
        await queue.enqueue(tx, "test.echo", { n: 1 }, { maxAttempts: 1 });
        await queue.enqueue(tx, "test.echo", { n: 2 });
      });

      await queue.start();
      await queue.drain();

      expect(runs.map((r) => [r.payload.n, r.attempt]).sort()).toEqual([
        [1, 1],
        [2, 1],
      ]);
      const errors = (await queue.listDead()).map((job) => job.lastError).sort();
      expect(errors[0]).toContain("Error: transient, but only one attempt allowed");
      expect(errors[1]).toContain("PermanentJobError: the store is gone");
      expect(await queue.counts()).toEqual({ ...emptyCounts(), dead: 2 });
    });

    it("runs 50 jobs across two runners exactly once each, never twice at the same time", async () => {
      const a = await runner(4);
      const b = await runner(4);
      const running = new Set<number>();
      const overlaps: number[] = [];
      onRun(async (_kind, payload) => {
        if (running.has(payload.n)) overlaps.push(payload.n);
        running.add(payload.n);
        await sleep(Math.floor(Math.random() * 8));
        running.delete(payload.n);
      });
      await database.db.$transaction(async (tx) => {
        for (let n = 0; n < 50; n++) await a.queue.enqueue(tx, "test.echo", { n });
      });

      await Promise.all([a.queue.start(), b.queue.start()]);
      await a.queue.drain({ timeoutMs: 15_000 });

      expect(overlaps).toEqual([]);
      const perJob = countBy(runs.map((r) => r.jobId));
      expect(perJob.size).toBe(50);
      expect([...perJob.values()].every((count) => count === 1)).toBe(true);
      expect(new Set(runs.map((r) => r.payload.n)).size).toBe(50);
      expect(await b.queue.counts()).toEqual({ ...emptyCounts(), succeeded: 50 });
    });

    it("never runs two jobs with the same serialKey at the same time", async () => {
      const a = await runner(3);
      const b = await runner(3);
      const keyOf = new Map<number, string>();
      const activeKeys = new Map<string, number>();
      const overlaps: string[] = [];
      onRun(async (_kind, payload) => {
        const key = keyOf.get(payload.n)!;
        if (activeKeys.has(key)) overlaps.push(`${key}: ${activeKeys.get(key)} and ${payload.n}`);
        activeKeys.set(key, payload.n);
        await sleep(15);
        activeKeys.delete(key);
      });
      await database.db.$transaction(async (tx) => {
        for (let n = 0; n < 15; n++) {
          const key = ["a", "b", "c"][n % 3]!;
          if (n % 5 === 4) {
            // The per-job option overrides the kind's key: this one queues behind key "a".
            keyOf.set(n, "key:a");
            await a.queue.enqueue(tx, "test.serial", { n, key }, { serialKey: "key:a" });
          } else {
            keyOf.set(n, `key:${key}`);
            await a.queue.enqueue(tx, "test.serial", { n, key });
          }
        }
      });

      await Promise.all([a.queue.start(), b.queue.start()]);
      await a.queue.drain({ timeoutMs: 15_000 });

      expect(overlaps).toEqual([]);
      expect(runs).toHaveLength(15);
    });

    it("counts jobs per state", async () => {
      const { queue } = await runner(2);
      const release = deferred();
      onRun(async (_kind, payload) => {
        if (payload.n === 2) throw new Error("fails");
        if (payload.n === 3) await release.promise;
      });
      await database.db.$transaction(async (tx) => {
        await queue.enqueue(tx, "test.echo", { n: 1 });
        await queue.enqueue(tx, "test.echo", { n: 2 }, { maxAttempts: 1 });
        await queue.enqueue(tx, "test.echo", { n: 3 });
        await queue.enqueue(tx, "test.echo", { n: 4 }, { runAt: new Date(Date.now() + 3600_000) });
      });

      await queue.start();
      const expected: JobCounts = { queued: 1, retrying: 0, running: 1, succeeded: 1, dead: 1 };
      await waitFor(async () => JSON.stringify(await queue.counts()) === JSON.stringify(expected), 10_000);
      release.resolve();
      await waitFor(async () => (await queue.counts()).succeeded === 2, 10_000);
      expect(await queue.counts()).toEqual({ ...expected, running: 0, succeeded: 2 });
    });

    it("tells whether a job of a kind and serial key is waiting or running, and not once it is done", async () => {
      const { queue } = await runner(1);
      const release = deferred();
      onRun(async () => release.promise);
      expect(await queue.hasUnfinished("test.serial", "key:a")).toBe(false);
      await database.db.$transaction(async (tx) => {
        await queue.enqueue(tx, "test.serial", { n: 1, key: "a" });
        await queue.enqueue(tx, "test.echo", { n: 2 }, { serialKey: "key:later", runAt: new Date(Date.now() + 3600_000) });
      });
      expect(await queue.hasUnfinished("test.serial", "key:a")).toBe(true);
      // Scheduled for later counts; another key or another kind does not.
      expect(await queue.hasUnfinished("test.echo", "key:later")).toBe(true);
      expect(await queue.hasUnfinished("test.serial", "key:b")).toBe(false);
      expect(await queue.hasUnfinished("test.echo", "key:a")).toBe(false);

      await queue.start();
      await waitFor(async () => runs.length === 1, 10_000);
      expect(await queue.hasUnfinished("test.serial", "key:a")).toBe(true);
      release.resolve();
      await waitFor(async () => !(await queue.hasUnfinished("test.serial", "key:a")), 10_000);
      expect(await queue.hasUnfinished("test.echo", "key:later")).toBe(true);
    });

    it("does not run a job before its runAt", async () => {
      const { queue } = await runner(1);
      const runAt = new Date(Date.now() + 400);
      await database.db.$transaction((tx) => queue.enqueue(tx, "test.echo", { n: 1 }, { runAt }));

      await queue.start();
      await queue.drain();

      expect(runs).toHaveLength(1);
      expect(runs[0]!.startedAt).toBeGreaterThanOrEqual(runAt.getTime() - 20);
    });

    it("stops gracefully: waits for running handlers, then claims nothing more", async () => {
      const { queue } = await runner(1);
      const started = deferred();
      let finished = false;
      onRun(async () => {
        started.resolve();
        await sleep(150);
        finished = true;
      });
      await database.db.$transaction((tx) => queue.enqueue(tx, "test.echo", { n: 1 }));

      await queue.start();
      await started.promise;
      await queue.stop({ timeoutMs: 5000 });

      expect(finished).toBe(true);
      await database.db.$transaction((tx) => queue.enqueue(tx, "test.echo", { n: 2 }));
      await sleep(300);
      expect(runs).toHaveLength(1);
      expect(await queue.counts()).toEqual({ ...emptyCounts(), queued: 1, succeeded: 1 });
    });

    it("on stop, aborts a handler that outlives the timeout and records the attempt as failed", async () => {
      const { queue } = await runner(1);
      const started = deferred();
      let signal: AbortSignal | undefined;
      onRun(async (_kind, _payload, ctx) => {
        signal = ctx.signal;
        started.resolve();
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      });
      await database.db.$transaction((tx) => queue.enqueue(tx, "test.echo", { n: 1 }));

      await queue.start();
      await started.promise;
      await queue.stop({ timeoutMs: 100 });

      expect(signal?.aborted).toBe(true);
      expect(await queue.counts()).toEqual({ ...emptyCounts(), retrying: 1 });
    });
  });
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

function countBy(values: string[]) {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
