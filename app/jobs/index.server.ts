import db from "~/db.server";
import { env } from "~/env.server";
import { createJobCatalog, type JobCatalog } from "./catalog";
import { consoleJobLogger, type JobQueue } from "./queue";
import { complianceProcess, importCustomers, importProducts, importStock, storeReadLocations, storeRenewToken } from "./kinds.server";
import { orderOfFulfillmentOrderJob, orderSync, ordersSweep } from "./order-kinds.server";
import { fulfillmentJobs } from "./fulfillment-kinds.server";
import { stockPushJobs } from "./stock-push-kinds.server";
import { createJobQueue } from "./runner.server";

/**
 * Every job kind Tenon has: add one `defineJob({ kind, payload, handler, options })` per kind
 * (app/jobs/README.md). `enqueue` only accepts the kinds listed here, with their payload types.
 */
export const appJobs = createJobCatalog([complianceProcess, storeReadLocations, storeRenewToken, importProducts, importCustomers, importStock, orderSync, ordersSweep, orderOfFulfillmentOrderJob, ...fulfillmentJobs, ...stockPushJobs]);

export type AppJobDefinitions = typeof appJobs extends JobCatalog<infer D> ? D : never;

/**
 * This process's job queue (JOB_RUNNER, JOB_WORKERS over DATABASE_URL). Created on import,
 * but nothing is claimed or run until the server calls `jobs.start()` (and `jobs.stop()` on
 * shutdown).
 */
export const jobs: JobQueue<AppJobDefinitions> = createJobQueue({
  runner: env.JOB_RUNNER,
  db,
  databaseUrl: env.DATABASE_URL,
  catalog: appJobs,
  concurrency: env.JOB_WORKERS,
  logger: consoleJobLogger(env.LOG_LEVEL),
});

/** Records a job in the caller's transaction; see JobQueue.enqueue. */
export const enqueue: JobQueue<AppJobDefinitions>["enqueue"] = (tx, kind, payload, options) =>
  jobs.enqueue(tx, kind, payload, options);
