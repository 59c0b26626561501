/**
 * `npm run worker`: a job worker process beside the web server (scale-out on PostgreSQL:
 * run several, with JOB_RUNNER=pg-boss and JOB_WORKERS=0 in the web process). Reads the same
 * configuration as the app; applies pending migrations first, like the server.
 */
import { migrateDatabase } from "../app/db/migrate";
import { env } from "../app/env.server";
import { startWorker } from "../app/jobs/worker.server";

await migrateDatabase(env.DATABASE_URL);
await startWorker({ databaseUrl: env.DATABASE_URL, concurrency: Math.max(1, env.JOB_WORKERS), runner: env.JOB_RUNNER });
