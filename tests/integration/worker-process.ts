/**
 * A job worker for the process-kill tests (order-process-faults.test.ts): what `npm run worker`
 * is (scripts/worker.ts: the app's job catalog on the app's database), on the embedded runner,
 * with a 2 s lease instead of the production 30 s, so a restarted worker takes a killed one's
 * jobs over after 2 s (the same reclaim path, sooner; as product-import-process.ts).
 *
 *   node --import tsx tests/integration/worker-process.ts <concurrency>
 *
 * Prints "ready" once it polls for jobs; SIGTERM stops it gracefully.
 */
import db from "~/db.server";
import { databaseProvider } from "~/db/provider";
import { env } from "~/env.server";
import { EmbeddedJobQueue } from "~/jobs/embedded-runner.server";
import { appJobs } from "~/jobs/index.server";

const concurrency = Number(process.argv[2] ?? 2);
const queue = new EmbeddedJobQueue({
  db,
  catalog: appJobs,
  provider: databaseProvider(env.DATABASE_URL),
  concurrency,
  leaseMs: 2_000,
  pollIntervalMs: 50,
});
await queue.start();
process.once("SIGTERM", () => {
  void queue
    .stop({ timeoutMs: 10_000 })
    .then(() => db.$disconnect())
    .then(() => process.exit(0));
});
process.stdout.write("ready\n");
