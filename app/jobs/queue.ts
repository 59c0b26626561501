import type { Prisma } from "@prisma/client";
import type { AnyJobDefinition, EnqueueOptions, JobKindOf, JobLogger, JobPayloadInput } from "./catalog";

/**
 * What every job runner offers, whichever storage it uses (docs in app/jobs/README.md).
 * Both implementations pass the same contract tests (runner.contract.ts).
 */
export interface JobQueue<D extends AnyJobDefinition = AnyJobDefinition> {
  /**
   * Records a job inside the caller's transaction: it exists if and only if the transaction
   * commits, together with the domain writes that caused it. Returns the job id.
   * Throws JobPayloadError / UnknownJobKindError / JobOptionsError before writing anything.
   */
  enqueue<K extends JobKindOf<D>>(
    tx: Prisma.TransactionClient,
    kind: K,
    payload: JobPayloadInput<D, K>,
    options?: EnqueueOptions,
  ): Promise<string>;
  /** Starts claiming and running jobs (no-op when already started). */
  start(): Promise<void>;
  /**
   * Stops claiming, waits up to `timeoutMs` for running handlers, then aborts the ones still
   * running and records them as failed attempts (they are retried like any failure).
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** How many jobs are in each state (visibility; an admin page can show these). */
  counts(): Promise<JobCounts>;
  /**
   * Whether a job of this kind and serial key is waiting (first attempt, retry, or scheduled for
   * later) or running. A watchdog asks this (e.g. "is the store's sweep chain alive?") the same
   * way on every runner (docs/decisions/019).
   */
  hasUnfinished(kind: JobKindOf<D>, serialKey: string): Promise<boolean>;
  /** The most recently dead-lettered jobs, newest first. */
  listDead(limit?: number): Promise<DeadJob[]>;
  /** Gives a dead job one more attempt. False when the id is not a dead job. */
  retryDead(id: string): Promise<boolean>;
  /** Waits until no job is waiting or running (tests, scripts). Throws after `timeoutMs`. */
  drain(options?: { timeoutMs?: number }): Promise<void>;
}

export interface JobCounts {
  /** Waiting for their first attempt (including ones scheduled for later). */
  queued: number;
  /** Waiting for another attempt after a failure or an expired lease. */
  retrying: number;
  running: number;
  /** Finished jobs still kept (each runner prunes them after a retention period). */
  succeeded: number;
  dead: number;
}

export interface DeadJob {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  lastError: string;
  failedAt: Date | null;
}

export const emptyCounts = (): JobCounts => ({ queued: 0, retrying: 0, running: 0, succeeded: 0, dead: 0 });

/**
 * Exponential backoff with "equal jitter": the n-th retry waits between base·2^(n-1) and
 * base·2^n (capped). The lower bounds double, so successive waits never shrink, and the jitter
 * spreads retries of jobs that failed together (e.g. during a Shopify outage).
 */
export function retryDelayMs(failedAttempt: number, backoff: { baseMs: number; capMs: number }, random: () => number = Math.random): number {
  const floor = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, failedAttempt - 1));
  return Math.min(backoff.capMs, Math.round(floor * (1 + random())));
}

/** The smallest wait after the n-th failed attempt (what the contract tests check). */
export function minRetryDelayMs(failedAttempt: number, backoff: { baseMs: number; capMs: number }): number {
  return retryDelayMs(failedAttempt, backoff, () => 0);
}

export async function waitUntilSettled(
  counts: () => Promise<JobCounts>,
  options: { timeoutMs?: number; intervalMs: number },
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const now = await counts();
    if (now.queued + now.retrying + now.running === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`Jobs still pending after ${options.timeoutMs ?? 10_000} ms: ${JSON.stringify(now)}`);
    }
    await sleep(options.intervalMs);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** A logger bound to extra fields (job id, kind, attempt). */
export function withFields(log: JobLogger, fields: Record<string, unknown>): JobLogger {
  return {
    debug: (message, more) => log.debug(message, { ...fields, ...more }),
    info: (message, more) => log.info(message, { ...fields, ...more }),
    warn: (message, more) => log.warn(message, { ...fields, ...more }),
    error: (message, more) => log.error(message, { ...fields, ...more }),
  };
}

const LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LEVELS)[number];

/** The default logger: one line per event on the console, from `level` up (LOG_LEVEL). */
export function consoleJobLogger(level: LogLevel = "info"): JobLogger {
  const min = LEVELS.indexOf(level);
  const at =
    (lvl: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (LEVELS.indexOf(lvl) < min) return;
      const line = fields && Object.keys(fields).length ? `${message} ${JSON.stringify(fields)}` : message;
      console[lvl](`[jobs] ${line}`);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export const silentJobLogger: JobLogger = { debug() {}, info() {}, warn() {}, error() {} };
