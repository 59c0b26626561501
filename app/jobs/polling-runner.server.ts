import type { Prisma } from "@prisma/client";
import type { Db } from "~/db/client";
import { executeJob, formatJobError, type AnyJobDefinition, type JobCatalog, type JobLogger, type JobOutcome } from "./catalog";
import { consoleJobLogger, sleep, waitUntilSettled, withFields, type JobCounts } from "./queue";

export interface PollingJobQueueOptions<D extends AnyJobDefinition> {
  /** Handlers' ctx.db. */
  db: Db;
  catalog: JobCatalog<D>;
  /** Handlers running at once in this runner (default 1). 0: enqueue and visibility only. */
  concurrency?: number;
  /** How often an idle runner looks for due jobs (default 1 s). */
  pollIntervalMs?: number;
  clock?: () => Date;
  logger?: JobLogger;
}

/** What the shared run loop needs to know about a claimed job. */
export interface ClaimedJobInfo {
  id: string;
  kind: string;
  payload: unknown;
  /** 1 for the first run. */
  attempt: number;
  maxAttempts: number;
}

/** A run's lease, held from the claim until the handler returns. */
export interface LeaseHold {
  /** Settles with the outcome to record if the lease runs out before the handler returns. */
  expired?: Promise<JobOutcome>;
  /** Stops keeping the lease (timers); called once the handler returned, and again at the end. */
  release(): void;
}

type RunnerStatus = "idle" | "running" | "stopping" | "crashed";

interface ActiveRun<J> {
  job: J;
  controller: AbortController;
  done: Promise<void>;
  /** Set once the outcome is recorded (or given up on), so stop() does not record it twice. */
  settled: boolean;
}

/**
 * The lifecycle shared by the job runners (embedded-runner.server.ts, pgboss-runner.server.ts):
 * start/stop with a grace period, the poll loop that claims jobs up to the concurrency limit
 * and wakes up when a run finishes, the bookkeeping of running jobs, the crash() test seam and
 * drain(). A runner adds what depends on its storage: how a job is claimed (`claim`), how its
 * lease is kept while the handler runs (`holdLease`), how an outcome is recorded (`record`),
 * and optional `housekeeping` and `onStart`/`onStop` steps.
 *
 * `J` is the runner's claimed job as its storage returns it.
 */
export abstract class PollingJobQueue<D extends AnyJobDefinition, J> {
  protected readonly db: Db;
  protected readonly catalog: JobCatalog<D>;
  protected readonly concurrency: number;
  protected readonly pollIntervalMs: number;
  protected readonly clock: () => Date;
  protected readonly log: JobLogger;

  private status: RunnerStatus = "idle";
  private loop: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  // Keyed by run, not job id: a job can come back to this runner while an old run lingers.
  private readonly active = new Map<number, ActiveRun<J>>();
  private runs = 0;
  private wake = new AbortController();

  constructor(options: PollingJobQueueOptions<D>) {
    this.db = options.db;
    this.catalog = options.catalog;
    this.concurrency = options.concurrency ?? 1;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.clock = options.clock ?? (() => new Date());
    this.log = options.logger ?? consoleJobLogger();
    if (!Number.isInteger(this.concurrency) || this.concurrency < 0) throw new Error("concurrency must be an integer ≥ 0");
  }

  /** The next due job, claimed for this runner, or null when none is due. */
  protected abstract claim(): Promise<J | null>;
  /** The claimed job's id, kind, payload and attempt, as the handler sees them. */
  protected abstract describe(job: J): ClaimedJobInfo;
  /** Starts keeping the claimed job's lease while its handler runs. */
  protected abstract holdLease(job: J, controller: AbortController, log: JobLogger): LeaseHold;
  /** Writes a run's outcome, only if the run still holds the job (its lease was not taken over). */
  protected abstract record(job: J, outcome: JobOutcome): Promise<void>;
  /**
   * Marks the job succeeded in the handler's transaction (JobContext.completeIn); throws
   * JobLeaseLostError when the run no longer holds it. Without it, completeIn does nothing.
   */
  protected completeIn?(job: J, tx: Prisma.TransactionClient): Promise<void>;
  /**
   * Waits until the job may run beside the others of its serialKey, and returns what releases
   * it once the handler has ended. For storage whose claim cannot keep jobs of different kinds
   * with one key apart (pg-boss); the embedded runner's claim does it.
   */
  protected serialize?(job: J, signal: AbortSignal): Promise<() => Promise<void>>;
  /** Logs a failed poll (the loop carries on). */
  protected abstract pollFailed(error: unknown): void;
  /** Storage maintenance done by the poll loop, at most once per poll interval. */
  protected housekeeping?(): Promise<void>;
  /** Runs before the runner starts polling; a throw leaves it stopped. */
  protected async onStart(): Promise<void> {}
  /** Runs last when the runner stops or crashes: release connections. */
  protected async onStop(): Promise<void> {}

  abstract counts(): Promise<JobCounts>;

  async start(): Promise<void> {
    if (this.status === "crashed") throw new Error("This runner was crashed (test seam) and cannot start again.");
    if (this.status === "running") return;
    if (this.stopping) await this.stopping;
    await this.onStart();
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
      // Still running after the grace period: the handler is told to stop and the attempt is
      // recorded as failed now, rather than left to a lease expiry.
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
    await this.onStop();
    this.loop = null;
    if (!this.crashed()) this.status = "idle";
  }

  /**
   * Test seam: behave as if the process died right now — no more claims, lease renewals or
   * writes; running jobs keep their (expiring) leases, exactly what a killed process leaves.
   */
  async crash(): Promise<void> {
    this.status = "crashed";
    this.wake.abort();
    await this.loop;
    await this.onStop();
  }

  /** A method, not an inline check: TypeScript would keep `status` narrowed across awaits. */
  protected crashed(): boolean {
    return this.status === "crashed";
  }

  async drain(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.status !== "running" || this.concurrency === 0) throw new Error("drain() needs a started runner with concurrency > 0.");
    await waitUntilSettled(() => this.counts(), { timeoutMs: options.timeoutMs, intervalMs: Math.max(5, this.pollIntervalMs) });
  }

  /** A logger bound to the job's id, kind and attempt. */
  protected jobLog(job: J): JobLogger {
    const { id, kind, attempt } = this.describe(job);
    return withFields(this.log, { jobId: id, kind, attempt });
  }

  private async pump(): Promise<void> {
    let lastHousekeeping = 0;
    while (this.status === "running") {
      try {
        if (this.housekeeping && Date.now() - lastHousekeeping >= this.pollIntervalMs) {
          await this.housekeeping();
          lastHousekeeping = Date.now();
        }
        if (this.active.size < this.concurrency) {
          const job = await this.claim();
          // Claimed just as stop() was called: still run it; stop() waits for it.
          if (job && !this.crashed()) {
            this.launch(job);
            continue;
          }
        }
      } catch (error) {
        this.pollFailed(error);
      }
      if (this.status !== "running") break;
      if (this.wake.signal.aborted) this.wake = new AbortController();
      await sleep(this.pollIntervalMs, this.wake.signal);
    }
  }

  /** Runs the handler once `serialize` lets it; released when the handler ends, even after its lease ran out. */
  private async serialized(job: J, signal: AbortSignal, run: () => Promise<JobOutcome>): Promise<JobOutcome> {
    if (!this.serialize) return run();
    let release: () => Promise<void>;
    try {
      release = await this.serialize(job, signal);
    } catch (error) {
      return { status: "failed", retryable: true, error: `Could not wait for the job's turn among the jobs of its serialKey: ${formatJobError(error)}` };
    }
    try {
      return await run();
    } finally {
      await release();
    }
  }

  private launch(job: J): void {
    const runId = ++this.runs;
    const controller = new AbortController();
    const info = this.describe(job);
    const log = this.jobLog(job);
    const lease = this.holdLease(job, controller, log);
    const run: ActiveRun<J> = { job, controller, settled: false, done: Promise.resolve() };
    // Set once the handler marked the job succeeded in its transaction (JobContext.completeIn).
    let completedByHandler = false;
    run.done = (async () => {
      const handled = this.serialized(job, controller.signal, () => executeJob(this.catalog, info.kind, info.payload, {
        db: this.db,
        jobId: info.id,
        attempt: info.attempt,
        maxAttempts: info.maxAttempts,
        clock: this.clock,
        log,
        signal: controller.signal,
        completeIn: async (tx) => {
          if (!this.completeIn) return;
          await this.completeIn(job, tx);
          completedByHandler = true;
        },
      }));
      const outcome = lease.expired ? await Promise.race([handled, lease.expired]) : await handled;
      lease.release();
      // A crashed runner writes nothing; a run that stop() already recorded is not recorded again.
      if (this.crashed() || run.settled) return;
      run.settled = true;
      // The handler's transaction committed the success (a rollback would have made it throw).
      if (outcome.status === "succeeded" && completedByHandler) return;
      await this.record(job, outcome);
    })()
      .catch((error: unknown) => log.error("Job runner failed to record a job's outcome", { error: String(error) }))
      .finally(() => {
        lease.release();
        this.active.delete(runId);
        this.wake.abort();
      });
    this.active.set(runId, run);
  }
}
