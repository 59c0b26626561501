import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import PgBoss from "pg-boss";
import type { Db } from "~/db/client";
import {
  executeJob,
  type AnyJobDefinition,
  type EnqueueOptions,
  type JobCatalog,
  type JobKindOf,
  type JobLogger,
  type JobOutcome,
  type JobPayloadInput,
} from "./catalog";
import {
  consoleJobLogger,
  emptyCounts,
  sleep,
  waitUntilSettled,
  withFields,
  type DeadJob,
  type JobCounts,
  type JobQueue,
} from "./queue";

/**
 * The scale-out job runner: pg-boss 10 on the app's PostgreSQL database, run by any number of
 * worker processes. How our contract maps onto pg-boss (details in app/jobs/README.md):
 *
 * - one pg-boss queue per job kind (policy "singleton"); the payload is the job's data;
 * - enqueue = pg-boss `send` executed through the caller's Prisma transaction (`db` option),
 *   so the job commits or rolls back with the domain writes;
 * - lease = the job's `expireInSeconds`; pg-boss's maintenance fails (→ retries) active jobs
 *   past it, which is how a crashed worker's job comes back; there is no heartbeat;
 * - retries = retryLimit (maxAttempts − 1), retryDelay + retryBackoff;
 * - dead = pg-boss's `failed` state (retries exhausted);
 * - serialKey = singletonKey on a singleton queue: at most one active job per key *per kind*.
 *
 * Jobs are fetched with pg-boss's `fetch` and settled with `complete`/`fail` by this class
 * rather than `work()`, so that one concurrency limit spans all kinds, completion is awaited,
 * and a late outcome from a run whose lease was taken over is dropped (see `record`).
 */
export interface PgBossJobQueueOptions<D extends AnyJobDefinition> {
  /** Prisma client on the same PostgreSQL database (handlers' ctx.db; transactional writes). */
  db: Db;
  databaseUrl: string;
  catalog: JobCatalog<D>;
  /** Handlers running at once in this process (default 1). 0: enqueue and visibility only. */
  concurrency?: number;
  /** How often an idle worker looks for due jobs (default 1 s). */
  pollIntervalMs?: number;
  /**
   * The lease: how long a handler may run (default 15 min). A crashed worker's job is retried
   * this long (plus up to one maintenance interval) after it started. Stamped on each job at
   * enqueue time.
   */
  leaseSeconds?: number;
  /** Retry n waits between d·2^(n-1) and d·2^n seconds (pg-boss backoff; default d = 1). */
  retryDelaySeconds?: number;
  /** How often pg-boss looks for expired leases (default 30 s). */
  maintenanceIntervalSeconds?: number;
  /** Postgres schema pg-boss installs itself in (default "pgboss"). */
  schema?: string;
  clock?: () => Date;
  logger?: JobLogger;
}

type FetchedJob = PgBoss.JobWithMetadata<unknown>;

type RunnerStatus = "idle" | "running" | "stopping" | "crashed";

interface ActiveRun {
  job: FetchedJob;
  controller: AbortController;
  done: Promise<void>;
  settled: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PgBossJobQueue<D extends AnyJobDefinition> implements JobQueue<D> {
  private readonly db: Db;
  private readonly catalog: JobCatalog<D>;
  private readonly boss: PgBoss;
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly leaseSeconds: number;
  private readonly retryDelaySeconds: number;
  private readonly schema: string;
  private readonly clock: () => Date;
  private readonly log: JobLogger;

  private status: RunnerStatus = "idle";
  private loop: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  // Keyed by run, not job id: a job can come back to this runner while an old run lingers.
  private readonly active = new Map<number, ActiveRun>();
  private runs = 0;
  private wake = new AbortController();
  private cursor = 0;

  constructor(options: PgBossJobQueueOptions<D>) {
    this.db = options.db;
    this.catalog = options.catalog;
    this.concurrency = options.concurrency ?? 1;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.leaseSeconds = options.leaseSeconds ?? 15 * 60;
    this.retryDelaySeconds = options.retryDelaySeconds ?? 1;
    this.schema = options.schema ?? "pgboss";
    this.clock = options.clock ?? (() => new Date());
    this.log = options.logger ?? consoleJobLogger();
    if (!Number.isInteger(this.concurrency) || this.concurrency < 0) throw new Error("concurrency must be an integer ≥ 0");
    if (!(this.leaseSeconds >= 1 && this.leaseSeconds < 24 * 3600)) throw new Error("leaseSeconds must be between 1 s and 24 h (pg-boss)");
    if (!Number.isInteger(this.retryDelaySeconds) || this.retryDelaySeconds < 1) throw new Error("retryDelaySeconds must be an integer ≥ 1 (pg-boss)");
    if (!/^[a-z_][a-z0-9_]*$/i.test(this.schema)) throw new Error(`Invalid pg-boss schema name "${this.schema}"`);
    // Constructing opens nothing; send() with a `db` option works before start().
    this.boss = new PgBoss({
      connectionString: options.databaseUrl,
      schema: this.schema,
      application_name: "tenon-jobs",
      max: this.concurrency + 2,
      // Only workers maintain (expire leases, archive); pg-boss elects one per interval.
      supervise: this.concurrency > 0,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
      // Dead jobs stay visible (listDead/retryDead) for 30 days, finished ones for 7.
      archiveCompletedAfterSeconds: 7 * 24 * 3600,
      archiveFailedAfterSeconds: 30 * 24 * 3600,
      schedule: false,
    });
    this.boss.on("error", (error) => this.log.error("pg-boss reported an error", { error: String(error) }));
  }

  async enqueue<K extends JobKindOf<D>>(
    tx: Prisma.TransactionClient,
    kind: K,
    payload: JobPayloadInput<D, K>,
    options?: EnqueueOptions,
  ): Promise<string> {
    const job = this.catalog.prepare(kind, payload, options);
    const id = randomUUID();
    const sent = await this.boss.send(job.kind, job.payload, {
      id,
      // Unkeyed jobs get a key of their own, so the singleton policy never holds them back.
      singletonKey: job.serialKey ?? id,
      retryLimit: job.maxAttempts - 1,
      retryDelay: this.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: this.leaseSeconds,
      ...(job.runAt ? { startAfter: job.runAt } : {}),
      db: executorOn(tx),
    });
    if (!sent) {
      throw new Error(`pg-boss has no queue "${job.kind}": start() a pg-boss job runner once on this database to create the queues.`);
    }
    return sent;
  }

  /** Installs/migrates pg-boss, creates one queue per kind, then (concurrency > 0) starts working. */
  async start(): Promise<void> {
    if (this.status === "crashed") throw new Error("This runner was crashed (test seam) and cannot start again.");
    if (this.status === "running") return;
    if (this.stopping) await this.stopping;
    await this.boss.start();
    for (const kind of this.catalog.kinds) {
      const queue = await this.boss.getQueue(kind);
      if (!queue) await this.boss.createQueue(kind, { name: kind, policy: "singleton" });
      else if (queue.policy !== "singleton") await this.boss.updateQueue(kind, { name: kind, policy: "singleton" });
    }
    this.status = "running";
    if (this.concurrency > 0) this.loop = this.pump();
  }

  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.status === "running") {
      this.status = "stopping";
      this.stopping = this.shutdown(options).finally(() => (this.stopping = null));
    }
    await this.stopping;
  }

  private async shutdown(options: { timeoutMs?: number }): Promise<void> {
    this.wake.abort();
    await this.loop;
    const timeoutMs = options.timeoutMs ?? 30_000;
    const gracePeriod = new AbortController();
    await Promise.race([Promise.all([...this.active.values()].map((run) => run.done)), sleep(timeoutMs, gracePeriod.signal)]);
    gracePeriod.abort();
    for (const run of this.active.values()) {
      run.controller.abort(new Error("The job runner stopped while this job was running."));
      if (!run.settled) {
        run.settled = true;
        await this.record(run.job, {
          status: "failed",
          retryable: true,
          error: `Interrupted: the job runner stopped while the job was running (waited ${timeoutMs} ms).`,
        });
      }
    }
    await this.boss.stop({ graceful: false, close: true });
    this.loop = null;
    if (!this.crashed()) this.status = "idle";
  }

  /** Test seam: stop as a killed process would — no cleanup, active jobs left to expire. */
  async crash(): Promise<void> {
    this.status = "crashed";
    this.wake.abort();
    await this.loop;
    await this.boss.stop({ graceful: false, close: true });
  }

  /** A method, not an inline check: TypeScript would keep `status` narrowed across awaits. */
  private crashed(): boolean {
    return this.status === "crashed";
  }

  async counts(): Promise<JobCounts> {
    const kinds = this.catalog.kinds;
    const counts = emptyCounts();
    if (kinds.length === 0) return counts;
    const rows = await this.db.$queryRawUnsafe<{ state: string; n: number }[]>(
      `SELECT state::text AS state, count(*)::int AS n FROM ${this.schema}.job WHERE name = ANY($1::text[]) GROUP BY state`,
      [...kinds],
    );
    for (const { state, n } of rows) {
      if (state === "created") counts.queued += n;
      else if (state === "retry") counts.retrying += n;
      else if (state === "active") counts.running += n;
      else if (state === "completed") counts.succeeded += n;
      else if (state === "failed") counts.dead += n;
      // "cancelled": Tenon never cancels jobs.
    }
    return counts;
  }

  async listDead(limit = 50): Promise<DeadJob[]> {
    const rows = await this.db.$queryRawUnsafe<
      { id: string; name: string; data: unknown; output: unknown; retry_count: number; completed_on: Date | null }[]
    >(
      `SELECT id::text AS id, name, data, output, retry_count, completed_on FROM ${this.schema}.job
       WHERE name = ANY($1::text[]) AND state = 'failed' ORDER BY completed_on DESC, id LIMIT $2::int`,
      [...this.catalog.kinds],
      limit,
    );
    return rows.map((row) => ({
      id: row.id,
      kind: row.name,
      payload: row.data,
      attempts: Number(row.retry_count) + 1,
      lastError: errorFromOutput(row.output),
      failedAt: row.completed_on,
    }));
  }

  async retryDead(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const rows = await this.db.$queryRawUnsafe<{ name: string }[]>(
      `SELECT name FROM ${this.schema}.job WHERE id = $1::uuid AND state = 'failed' AND name = ANY($2::text[])`,
      id,
      [...this.catalog.kinds],
    );
    const name = rows[0]?.name;
    if (!name) return false;
    // pg-boss's retry(): back to "retry" with one more allowed attempt.
    const result = (await this.boss.retry(name, id, { db: executorOn(this.db) })) as unknown as { affected?: number };
    return result.affected === 1;
  }

  async drain(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.status !== "running" || this.concurrency === 0) throw new Error("drain() needs a started runner with concurrency > 0.");
    await waitUntilSettled(() => this.counts(), { timeoutMs: options.timeoutMs, intervalMs: Math.max(5, this.pollIntervalMs) });
  }

  private async pump(): Promise<void> {
    while (this.status === "running") {
      try {
        if (this.active.size < this.concurrency) {
          const job = await this.fetchNext();
          // Fetched just as stop() was called: still run it; stop() waits for it.
          if (job && !this.crashed()) {
            this.launch(job);
            continue;
          }
        }
      } catch (error) {
        this.log.error("Job runner could not fetch from pg-boss", { error: String(error) });
      }
      if (this.status !== "running") break;
      if (this.wake.signal.aborted) this.wake = new AbortController();
      await sleep(this.pollIntervalMs, this.wake.signal);
    }
  }

  /** The next due job of any kind, visiting the kinds' queues round-robin. */
  private async fetchNext(): Promise<FetchedJob | null> {
    const kinds = this.catalog.kinds;
    for (let i = 0; i < kinds.length; i++) {
      const index = (this.cursor + i) % kinds.length;
      const [job] = await this.boss.fetch<unknown>(kinds[index]!, { batchSize: 1, includeMetadata: true });
      if (job) {
        this.cursor = (index + 1) % kinds.length;
        return job;
      }
    }
    return null;
  }

  private launch(job: FetchedJob): void {
    const runId = ++this.runs;
    const controller = new AbortController();
    const attempt = job.retryCount + 1;
    const leaseSeconds = Number(job.expireInSeconds);
    const log = withFields(this.log, { jobId: job.id, kind: job.name, attempt });
    const run: ActiveRun = { job, controller, settled: false, done: Promise.resolve() };
    // No heartbeat in pg-boss: past its lease the job will be expired and retried elsewhere,
    // so the handler is aborted and this attempt recorded as failed.
    let leaseTimer: NodeJS.Timeout | undefined;
    const leaseExpired = new Promise<JobOutcome>((resolve) => {
      leaseTimer = setTimeout(() => {
        controller.abort(new Error(`The job ran past its ${leaseSeconds}s lease.`));
        resolve({ status: "failed", retryable: true, error: `Lease expired: the handler ran longer than its ${leaseSeconds}s lease and was aborted.` });
      }, leaseSeconds * 1000);
    });
    run.done = (async () => {
      const handled = executeJob(this.catalog, job.name, job.data, {
        db: this.db,
        jobId: job.id,
        attempt,
        maxAttempts: job.retryLimit + 1,
        clock: this.clock,
        log,
        signal: controller.signal,
      });
      const outcome = await Promise.race([handled, leaseExpired]);
      clearTimeout(leaseTimer);
      if (this.crashed() || run.settled) return;
      run.settled = true;
      await this.record(job, outcome);
    })()
      .catch((error: unknown) => log.error("Job runner failed to record a job's outcome", { error: String(error) }))
      .finally(() => {
        clearTimeout(leaseTimer);
        this.active.delete(runId);
        this.wake.abort();
      });
    this.active.set(runId, run);
  }

  /**
   * Completes or fails a run — only if it is still this run: the job must still be active with
   * the retry count it was fetched with. pg-boss's complete()/fail() match on id alone, so
   * without this check a run that outlived its lease could settle its own retry.
   */
  private async record(job: FetchedJob, outcome: JobOutcome): Promise<void> {
    const attempt = job.retryCount + 1;
    const log = withFields(this.log, { jobId: job.id, kind: job.name, attempt });
    const still = await this.db.$transaction(async (tx) => {
      const held = await tx.$queryRawUnsafe<unknown[]>(
        `SELECT 1 FROM ${this.schema}.job WHERE name = $1 AND id = $2::uuid AND state = 'active' AND retry_count = $3::int FOR UPDATE`,
        job.name,
        job.id,
        job.retryCount,
      );
      if (held.length === 0) return false;
      const db = executorOn(tx);
      if (outcome.status === "succeeded") {
        await this.boss.complete(job.name, job.id, {}, { db });
        return true;
      }
      if (!outcome.retryable) {
        // Straight to failed: pg-boss retries while retry_count < retry_limit.
        await tx.$executeRawUnsafe(`UPDATE ${this.schema}.job SET retry_limit = retry_count WHERE name = $1 AND id = $2::uuid`, job.name, job.id);
      }
      await this.boss.fail(job.name, job.id, { message: outcome.error }, { db });
      return true;
    });
    if (!still) {
      log.warn("Job outcome not recorded: its lease had expired and pg-boss handed it out again", { outcome: outcome.status });
    } else if (outcome.status === "failed") {
      const dead = !outcome.retryable || attempt >= job.retryLimit + 1;
      log.warn(dead ? "Job failed for good; dead-lettered" : "Job failed; will retry", { error: outcome.error });
    }
  }
}

/** pg-boss's `db` option over a Prisma client or transaction: its SQL runs in that transaction. */
function executorOn(client: Prisma.TransactionClient): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      return { rows: await client.$queryRawUnsafe<unknown[]>(text, ...values) };
    },
  };
}

function errorFromOutput(output: unknown): string {
  if (output && typeof output === "object") {
    const o = output as { message?: unknown; value?: { message?: unknown } };
    if (typeof o.message === "string") return o.message;
    if (typeof o.value?.message === "string") return o.value.message;
  }
  return output === null || output === undefined ? "" : JSON.stringify(output);
}
