import { createPrismaClient, type Db } from "~/db/client";
import { databaseProvider } from "~/db/provider";
import type { AnyJobDefinition, JobCatalog, JobLogger } from "./catalog";
import type { AppJobDefinitions } from "./index.server";
import { consoleJobLogger, type JobQueue } from "./queue";
import { createJobQueue, type JobRunnerKind } from "./runner.server";

export interface WorkerOptions<D extends AnyJobDefinition> {
  databaseUrl: string;
  /** Handlers run at once by this process. */
  concurrency: number;
  /** Default: pg-boss on PostgreSQL, embedded on SQLite. */
  runner?: JobRunnerKind;
  /** Default: the app's catalog (app/jobs/index.server.ts). */
  catalog?: JobCatalog<D>;
  /** Default: a client of its own for databaseUrl. */
  db?: Db;
  logger?: JobLogger;
  /** Stop gracefully on SIGTERM and SIGINT (default true). */
  handleSignals?: boolean;
  /** How long stop() waits for running handlers (default 30 s). */
  stopTimeoutMs?: number;
}

export interface RunningWorker<D extends AnyJobDefinition> {
  queue: JobQueue<D>;
  /** Stops claiming, waits for running handlers, releases the database. */
  stop(): Promise<void>;
}

/**
 * A job worker process: start as many as needed (each with its own concurrency) next to the
 * web process; they share the work through the database. The lead's CLI calls this with the
 * parsed environment (DATABASE_URL, JOB_RUNNER, JOB_WORKERS).
 */
export async function startWorker<D extends AnyJobDefinition = AppJobDefinitions>(
  options: WorkerOptions<D>,
): Promise<RunningWorker<D>> {
  // Loaded only when needed: the app's catalog brings the whole app (Shopify client, app database).
  const catalog = options.catalog ?? ((await import("./index.server")).appJobs as unknown as JobCatalog<D>);
  const logger = options.logger ?? consoleJobLogger();
  const db = options.db ?? createPrismaClient(options.databaseUrl);
  const ownsDb = !options.db;
  const runner = options.runner ?? (databaseProvider(options.databaseUrl) === "postgresql" ? "pg-boss" : "embedded");
  const queue = createJobQueue({ runner, db, databaseUrl: options.databaseUrl, catalog, concurrency: options.concurrency, logger });
  await queue.start();
  logger.info("Job worker started", { runner, concurrency: options.concurrency, kinds: catalog.kinds.length });

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      await queue.stop({ timeoutMs: options.stopTimeoutMs ?? 30_000 });
      if (ownsDb) await db.$disconnect();
      logger.info("Job worker stopped");
    })());
  function onSignal(signal: NodeJS.Signals) {
    logger.info(`Job worker received ${signal}; stopping`);
    void stop();
  }
  if (options.handleSignals ?? true) {
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  }
  return { queue, stop };
}
