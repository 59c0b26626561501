import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import pg from "pg";
import PgBoss from "pg-boss";
import type { Db } from "~/db/client";
import type { AnyJobDefinition, EnqueueOptions, JobKindOf, JobOutcome, JobPayloadInput } from "./catalog";
import { PollingJobQueue, type ClaimedJobInfo, type LeaseHold, type PollingJobQueueOptions } from "./polling-runner.server";
import { emptyCounts, sleep, type DeadJob, type JobCounts, type JobQueue } from "./queue";

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
 * - serialKey = singletonKey on a singleton queue: at most one active job per key *per kind*;
 *   across kinds, a run of a keyed job holds a PostgreSQL advisory lock on its key (`serialize`),
 *   so an order's sync and its fulfillment job never run at once either.
 *
 * Jobs are fetched with pg-boss's `fetch` and settled with `complete`/`fail` by this class
 * rather than `work()`, so that one concurrency limit spans all kinds, completion is awaited,
 * and a late outcome from a run whose lease was taken over is dropped (see `record`).
 */
export interface PgBossJobQueueOptions<D extends AnyJobDefinition> extends PollingJobQueueOptions<D> {
  /** Prisma client on the same PostgreSQL database (handlers' ctx.db; transactional writes). */
  db: Db;
  databaseUrl: string;
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
}

type FetchedJob = PgBoss.JobWithMetadata<unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The advisory locks of serial keys: (this class, hashtext(key)); two-key locks never meet one-key ones. */
const SERIAL_LOCK_CLASS = 72_846;
/** How often a run waiting for its serial key tries the lock again. */
const SERIAL_RETRY_MS = 50;

export class PgBossJobQueue<D extends AnyJobDefinition> extends PollingJobQueue<D, FetchedJob> implements JobQueue<D> {
  private readonly boss: PgBoss;
  private readonly leaseSeconds: number;
  private readonly retryDelaySeconds: number;
  private readonly schema: string;
  private cursor = 0;
  private readonly databaseUrl: string;
  /** Connections holding serial-key locks (session locks: one connection per keyed run). */
  private lockPool: pg.Pool | null = null;
  private readonly lockHolders = new Set<pg.PoolClient>();

  constructor(options: PgBossJobQueueOptions<D>) {
    super(options);
    this.leaseSeconds = options.leaseSeconds ?? 15 * 60;
    this.retryDelaySeconds = options.retryDelaySeconds ?? 1;
    this.schema = options.schema ?? "pgboss";
    this.databaseUrl = options.databaseUrl;
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

  /** Installs/migrates pg-boss and creates one queue per kind; start() then (concurrency > 0) starts working. */
  protected async onStart(): Promise<void> {
    await this.boss.start();
    for (const kind of this.catalog.kinds) {
      const queue = await this.boss.getQueue(kind);
      if (!queue) await this.boss.createQueue(kind, { name: kind, policy: "singleton" });
      else if (queue.policy !== "singleton") await this.boss.updateQueue(kind, { name: kind, policy: "singleton" });
    }
  }

  /** On stop and on crash() alike: a killed process leaves its active jobs to expire (and its key locks go with its connections). */
  protected async onStop(): Promise<void> {
    await this.boss.stop({ graceful: false, close: true });
    for (const client of this.lockHolders) client.release(true);
    this.lockHolders.clear(); // a run still holding one finds it gone when it ends
    await this.lockPool?.end();
    this.lockPool = null;
  }

  /**
   * pg-boss keeps one active job per key only within a kind: a keyed run also waits for the key's
   * advisory lock, held on a connection of its own until the handler ends. A wait is polled (so
   * the run's signal can end it) and counts against the run's lease.
   */
  protected async serialize(job: FetchedJob, signal: AbortSignal): Promise<() => Promise<void>> {
    const key = job.singletonKey;
    if (!key || key === job.id) return async () => {}; // unkeyed: its own id is its key
    this.lockPool ??= this.openLockPool();
    const client = await this.lockPool.connect();
    this.lockHolders.add(client);
    // A connection that breaks while held has lost its lock; the handler's own writes are unaffected.
    const broken = (error: Error) => this.log.warn("The connection holding a serial-key lock failed", { key, error: String(error) });
    client.on("error", broken);
    // Destroyed rather than returned when in doubt: closing the connection releases its locks.
    const done = (destroy: boolean) => {
      if (!this.lockHolders.delete(client)) return;
      client.off("error", broken);
      client.release(destroy);
    };
    try {
      for (;;) {
        const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS locked", [SERIAL_LOCK_CLASS, key]);
        if (rows[0]?.locked) break;
        signal.throwIfAborted();
        await sleep(SERIAL_RETRY_MS, signal);
      }
    } catch (error) {
      done(true);
      throw error;
    }
    return async () => {
      try {
        await client.query("SELECT pg_advisory_unlock($1::int, hashtext($2))", [SERIAL_LOCK_CLASS, key]);
        done(false);
      } catch {
        done(true);
      }
    };
  }

  private openLockPool(): pg.Pool {
    const pool = new pg.Pool({ connectionString: this.databaseUrl, max: Math.max(1, this.concurrency), application_name: "tenon-job-keys" });
    // An idle connection that breaks (database restart) is reported here instead of crashing the process.
    pool.on("error", (error) => this.log.warn("A serial-key lock connection failed; it is replaced on next use", { error: String(error) }));
    return pool;
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

  async hasUnfinished(kind: string, serialKey: string): Promise<boolean> {
    // The serial key is pg-boss's singleton key (send() above); created and retry wait, active runs.
    const rows = await this.db.$queryRawUnsafe<unknown[]>(
      `SELECT 1 FROM ${this.schema}.job WHERE name = $1 AND singleton_key = $2 AND state::text IN ('created', 'retry', 'active') LIMIT 1`,
      kind,
      serialKey,
    );
    return rows.length > 0;
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

  protected pollFailed(error: unknown): void {
    this.log.error("Job runner could not fetch from pg-boss", { error: String(error) });
  }

  /** The next due job of any kind, visiting the kinds' queues round-robin. */
  protected async claim(): Promise<FetchedJob | null> {
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

  protected describe(job: FetchedJob): ClaimedJobInfo {
    return { id: job.id, kind: job.name, payload: job.data, attempt: job.retryCount + 1, maxAttempts: job.retryLimit + 1 };
  }

  /**
   * No heartbeat in pg-boss: past its lease the job will be expired and retried elsewhere,
   * so the handler is aborted and this attempt recorded as failed.
   */
  protected holdLease(job: FetchedJob, controller: AbortController): LeaseHold {
    const leaseSeconds = Number(job.expireInSeconds);
    let leaseTimer: NodeJS.Timeout | undefined;
    const expired = new Promise<JobOutcome>((resolve) => {
      leaseTimer = setTimeout(() => {
        controller.abort(new Error(`The job ran past its ${leaseSeconds}s lease.`));
        resolve({ status: "failed", retryable: true, error: `Lease expired: the handler ran longer than its ${leaseSeconds}s lease and was aborted.` });
      }, leaseSeconds * 1000);
    });
    return { expired, release: () => clearTimeout(leaseTimer) };
  }

  /**
   * Completes or fails a run — only if it is still this run: the job must still be active with
   * the retry count it was fetched with. pg-boss's complete()/fail() match on id alone, so
   * without this check a run that outlived its lease could settle its own retry.
   */
  protected async record(job: FetchedJob, outcome: JobOutcome): Promise<void> {
    const attempt = job.retryCount + 1;
    const log = this.jobLog(job);
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
