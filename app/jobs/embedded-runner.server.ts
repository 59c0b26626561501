import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import type { DatabaseProvider } from "~/db/provider";
import { newId, sqlParameters } from "~/db/raw-sql";
import { JobLeaseLostError, type AnyJobDefinition, type EnqueueOptions, type JobKindOf, type JobLogger, type JobOutcome, type JobPayloadInput } from "./catalog";
import { PollingJobQueue, type ClaimedJobInfo, type LeaseHold, type PollingJobQueueOptions } from "./polling-runner.server";
import { emptyCounts, retryDelayMs, type DeadJob, type JobCounts, type JobQueue } from "./queue";

/**
 * The embedded job runner: jobs are rows of the `Job` table in the app's own database and
 * this process runs them. Works on SQLite (the default install) and on PostgreSQL, and stays
 * correct with several runners (processes) on one database:
 *
 * - Claiming is one conditional UPDATE (state queued → running) that also checks that no job
 *   with the same serialKey is running. SQLite runs it atomically (one writer at a time); on
 *   PostgreSQL claims are serialised by a transaction-scoped advisory lock so that the
 *   serialKey check cannot race (two claims of *different* rows with the same key).
 * - A claimed job holds a lease (leaseOwner, leaseUntil) renewed by a heartbeat while the
 *   handler runs. Every later write about the job is conditional on still holding the lease,
 *   so a runner that lost it (and whose job another runner took over) changes nothing.
 * - A lease that ran out means its runner died: the job goes back to the queue as a retry, or
 *   to dead when that was its last attempt.
 */
export interface EmbeddedJobQueueOptions<D extends AnyJobDefinition> extends PollingJobQueueOptions<D> {
  /** The database behind `db` (databaseProvider(DATABASE_URL)): claims use its SQL dialect. */
  provider: DatabaseProvider;
  /** How long a claim lasts without a heartbeat (default 30 s). */
  leaseMs?: number;
  /** How often a running job's lease is renewed (default leaseMs / 3). */
  heartbeatMs?: number;
  /** Retry n waits between baseMs·2^(n-1) and baseMs·2^n, at most capMs (default 1 s … 15 min). */
  backoff?: { baseMs: number; capMs: number };
  /** Succeeded jobs are deleted after this long (default 7 days; null keeps them). */
  succeededRetentionMs?: number | null;
  random?: () => number;
  /** Identifies this runner in leaseOwner (default host:pid:random). */
  owner?: string;
}

const ClaimedRow = z.object({
  id: z.string(),
  kind: z.string(),
  payload: z.unknown(),
  attempts: z.coerce.number(),
  maxAttempts: z.coerce.number(),
});
type ClaimedJob = z.infer<typeof ClaimedRow>;

// Any constant works; it only has to be the same in every runner on the database.
const CLAIM_LOCK_KEY = 7_284_615_001;
const PRUNE_EVERY_MS = 60_000;

export class EmbeddedJobQueue<D extends AnyJobDefinition> extends PollingJobQueue<D, ClaimedJob> implements JobQueue<D> {
  readonly owner: string;
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly backoff: { baseMs: number; capMs: number };
  private readonly succeededRetentionMs: number | null;
  private readonly random: () => number;
  private readonly provider: DatabaseProvider;
  private lastPrune = 0;

  constructor(options: EmbeddedJobQueueOptions<D>) {
    super(options);
    this.leaseMs = options.leaseMs ?? 30_000;
    this.heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(this.leaseMs / 3));
    this.backoff = options.backoff ?? { baseMs: 1000, capMs: 15 * 60_000 };
    this.succeededRetentionMs = options.succeededRetentionMs === undefined ? 7 * 24 * 3600_000 : options.succeededRetentionMs;
    this.random = options.random ?? Math.random;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    if (this.heartbeatMs >= this.leaseMs) throw new Error("heartbeatMs must be shorter than leaseMs");
    this.provider = options.provider;
  }

  async enqueue<K extends JobKindOf<D>>(
    tx: Prisma.TransactionClient,
    kind: K,
    payload: JobPayloadInput<D, K>,
    options?: EnqueueOptions,
  ): Promise<string> {
    const job = this.catalog.prepare(kind, payload, options);
    // One statement by hand: every webhook enqueues, and Prisma's create costs ~3× (ADR 018).
    // runAt always explicit: claims compare it with the runner's clock.
    const id = newId();
    const now = new Date();
    await tx.$executeRaw`
      INSERT INTO "Job" ("id", "kind", "payload", "state", "attempts", "maxAttempts", "runAt", "serialKey", "createdAt", "updatedAt")
      VALUES (${id}, ${job.kind}, ${JSON.stringify(job.payload)}, 'queued', 0, ${job.maxAttempts}, ${job.runAt ?? this.clock()}, ${job.serialKey ?? null}, ${now}, ${now})`;
    return id;
  }

  async counts(): Promise<JobCounts> {
    // One query, so the numbers are consistent with each other.
    const rows = await this.db.job.groupBy({ by: ["state", "attempts"], _count: { _all: true } });
    const counts = emptyCounts();
    for (const row of rows) {
      const n = row._count._all;
      if (row.state === "queued") counts[row.attempts > 0 ? "retrying" : "queued"] += n;
      else if (row.state === "running") counts.running += n;
      else if (row.state === "succeeded") counts.succeeded += n;
      else if (row.state === "dead") counts.dead += n;
    }
    return counts;
  }

  async hasUnfinished(kind: string, serialKey: string): Promise<boolean> {
    return (await this.db.job.count({ where: { kind, serialKey, state: { in: ["queued", "running"] } } })) > 0;
  }

  async listDead(limit = 50): Promise<DeadJob[]> {
    const rows = await this.db.job.findMany({
      where: { state: "dead" },
      orderBy: [{ finishedAt: "desc" }, { id: "asc" }],
      take: limit,
    });
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      payload: row.payload,
      attempts: row.attempts,
      lastError: row.lastError ?? "",
      failedAt: row.finishedAt,
    }));
  }

  async retryDead(id: string): Promise<boolean> {
    const job = await this.db.job.findUnique({ where: { id }, select: { state: true, attempts: true } });
    if (!job || job.state !== "dead") return false;
    const { count } = await this.db.job.updateMany({
      where: { id, state: "dead", attempts: job.attempts },
      data: { state: "queued", maxAttempts: job.attempts + 1, runAt: this.clock(), finishedAt: null },
    });
    return count === 1;
  }

  protected pollFailed(error: unknown): void {
    this.log.error("Job runner could not poll the database", { owner: this.owner, error: String(error) });
  }

  protected async housekeeping(): Promise<void> {
    await this.reclaimExpiredLeases();
    await this.pruneSucceeded();
  }

  /** One atomic claim of the next due job (see the class comment). */
  protected async claim(): Promise<ClaimedJob | null> {
    const kinds = this.catalog.kinds;
    if (kinds.length === 0) return null;
    const now = this.clock();
    const leaseUntil = new Date(now.getTime() + this.leaseMs);
    const { values, param } = sqlParameters(this.provider);
    const sql = `
      UPDATE "Job"
      SET "state" = 'running', "attempts" = "attempts" + 1, "leaseOwner" = ${param(this.owner)},
          "leaseUntil" = ${param(leaseUntil)}, "updatedAt" = ${param(now)}
      WHERE "id" = (
        SELECT c."id" FROM "Job" c
        WHERE c."state" = 'queued' AND c."runAt" <= ${param(now)}
          AND c."kind" IN (${kinds.map((kind) => param(kind)).join(", ")})
          AND (c."serialKey" IS NULL OR NOT EXISTS (
            SELECT 1 FROM "Job" r WHERE r."serialKey" = c."serialKey" AND r."state" = 'running'))
        ORDER BY c."runAt", c."createdAt", c."id"
        LIMIT 1)
      AND "state" = 'queued'
      RETURNING "id", "kind", "payload", "attempts", "maxAttempts"`;
    const rows =
      this.provider === "postgresql"
        ? (
            await this.db.$transaction([
              this.db.$queryRawUnsafe<unknown[]>(`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(${CLAIM_LOCK_KEY})) l`),
              this.db.$queryRawUnsafe<unknown[]>(sql, ...values),
            ])
          )[1]
        : await this.db.$queryRawUnsafe<unknown[]>(sql, ...values);
    const row = rows[0];
    if (!row) return null;
    const job = ClaimedRow.parse(row);
    // Raw queries may hand a JSON column back as text.
    if (typeof job.payload === "string") job.payload = JSON.parse(job.payload) as unknown;
    return job;
  }

  protected describe(job: ClaimedJob): ClaimedJobInfo {
    return { id: job.id, kind: job.kind, payload: job.payload, attempt: job.attempts, maxAttempts: job.maxAttempts };
  }

  /** The heartbeat: renews the lease every heartbeatMs while the handler runs. */
  protected holdLease(job: ClaimedJob, controller: AbortController, log: JobLogger): LeaseHold {
    const heartbeat = setInterval(() => void this.renewLease(job, controller, log), this.heartbeatMs);
    return { release: () => clearInterval(heartbeat) };
  }

  private async renewLease(job: ClaimedJob, controller: AbortController, log: JobLogger): Promise<void> {
    if (this.crashed() || controller.signal.aborted) return;
    try {
      const { count } = await this.db.job.updateMany({
        where: { id: job.id, state: "running", leaseOwner: this.owner },
        data: { leaseUntil: new Date(this.clock().getTime() + this.leaseMs) },
      });
      if (count === 0 && !this.crashed()) {
        log.warn("Lost the job's lease (it expired and was taken over); aborting the handler");
        controller.abort(new Error("The job's lease was lost; another runner may be running it."));
      }
    } catch (error) {
      log.warn("Could not renew the job's lease", { error: String(error) });
    }
  }

  protected async completeIn(job: ClaimedJob, tx: Prisma.TransactionClient): Promise<void> {
    if ((await this.markSucceeded(tx, job)) === 0) throw new JobLeaseLostError(job.id);
  }

  /**
   * The common outcome, once per job: one plain UPDATE (a Prisma updateMany costs ~3× the CPU),
   * only while this runner holds the job. Returns how many rows changed (0: the lease was lost).
   */
  private markSucceeded(client: Prisma.TransactionClient, job: ClaimedJob): Promise<number> {
    const now = this.clock();
    return client.$executeRaw`
      UPDATE "Job" SET "state" = 'succeeded', "finishedAt" = ${now}, "leaseOwner" = NULL, "leaseUntil" = NULL, "updatedAt" = ${now}
      WHERE "id" = ${job.id} AND "state" = 'running' AND "leaseOwner" = ${this.owner}`;
  }

  /** Writes a run's outcome, only if this runner still holds the job's lease. */
  protected async record(job: ClaimedJob, outcome: JobOutcome): Promise<void> {
    const now = this.clock();
    const held = { id: job.id, state: "running", leaseOwner: this.owner };
    const released = { leaseOwner: null, leaseUntil: null };
    let data: Prisma.JobUpdateManyMutationInput;
    const log = this.jobLog(job);
    if (outcome.status === "succeeded") {
      const count = await this.markSucceeded(this.db, job);
      if (count === 0) log.warn("Job outcome not recorded: its lease had expired and another runner took it over", { outcome: outcome.status });
      return;
    } else if (outcome.retryable && job.attempts < job.maxAttempts) {
      const delay = retryDelayMs(job.attempts, this.backoff, this.random);
      data = { ...released, state: "queued", runAt: new Date(now.getTime() + delay), lastError: outcome.error };
      log.warn("Job failed; will retry", { retryInMs: delay, error: outcome.error });
    } else {
      data = { ...released, state: "dead", finishedAt: now, lastError: outcome.error };
      log.warn("Job failed for good; dead-lettered", { attempts: job.attempts, error: outcome.error });
    }
    const { count } = await this.db.job.updateMany({ where: held, data });
    if (count === 0) log.warn("Job outcome not recorded: its lease had expired and another runner took it over", { outcome: outcome.status });
  }

  /** Jobs whose runner stopped renewing their lease: back to the queue, or dead if out of attempts. */
  private async reclaimExpiredLeases(): Promise<void> {
    const now = this.clock();
    const expired = { state: "running", leaseUntil: { lt: now } };
    const lastError = "Lease expired: the runner stopped renewing it while the job was running (process crashed, killed or frozen).";
    const fields = this.db.job.fields;
    const dead = await this.db.job.updateMany({
      where: { ...expired, attempts: { gte: fields.maxAttempts } },
      data: { state: "dead", finishedAt: now, lastError, leaseOwner: null, leaseUntil: null },
    });
    const requeued = await this.db.job.updateMany({
      where: { ...expired, attempts: { lt: fields.maxAttempts } },
      data: { state: "queued", runAt: now, lastError, leaseOwner: null, leaseUntil: null },
    });
    if (dead.count + requeued.count > 0) {
      this.log.warn("Reclaimed jobs whose lease expired", { requeued: requeued.count, dead: dead.count, owner: this.owner });
    }
  }

  private async pruneSucceeded(): Promise<void> {
    if (this.succeededRetentionMs === null || Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    await this.db.job.deleteMany({
      where: { state: "succeeded", finishedAt: { lt: new Date(this.clock().getTime() - this.succeededRetentionMs) } },
    });
  }
}
