import type { Db } from "~/db/client";
import { databaseProvider } from "~/db/provider";
import type { AnyJobDefinition, JobCatalog, JobLogger } from "./catalog";
import { EmbeddedJobQueue } from "./embedded-runner.server";
import { PgBossJobQueue } from "./pgboss-runner.server";
import type { JobQueue } from "./queue";

export type JobRunnerKind = "embedded" | "pg-boss";

export interface JobQueueConfig<D extends AnyJobDefinition> {
  /** JOB_RUNNER: "embedded" (default; SQLite or PostgreSQL) or "pg-boss" (PostgreSQL only). */
  runner: JobRunnerKind;
  /** The process's Prisma client. On SQLite it must be the app's one client (README, "SQLite"). */
  db: Db;
  databaseUrl: string;
  catalog: JobCatalog<D>;
  /** JOB_WORKERS: handlers run at once by this process; 0 = enqueue and visibility only. */
  concurrency: number;
  logger?: JobLogger;
  clock?: () => Date;
}

/** The job queue for this process, as configured. Nothing runs until `start()`. */
export function createJobQueue<D extends AnyJobDefinition>(config: JobQueueConfig<D>): JobQueue<D> {
  const provider = databaseProvider(config.databaseUrl);
  const common = { db: config.db, catalog: config.catalog, concurrency: config.concurrency, logger: config.logger, clock: config.clock };
  if (config.runner === "pg-boss") {
    if (provider !== "postgresql") {
      throw new Error("JOB_RUNNER=pg-boss needs a PostgreSQL DATABASE_URL; use JOB_RUNNER=embedded with SQLite.");
    }
    return new PgBossJobQueue({ ...common, databaseUrl: config.databaseUrl });
  }
  return new EmbeddedJobQueue({ ...common, provider });
}
