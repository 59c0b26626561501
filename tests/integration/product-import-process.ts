/**
 * The app's job runner in a process of its own, for the crash test
 * (product-import-crash.test.ts): `tsx tests/integration/product-import-process.ts <importId>`
 * with the app's configuration in the environment. It runs jobs until the import has ended,
 * then exits. The test SIGKILLs the first one part-way and starts a second (the restart).
 *
 * The lease is 2 s instead of the production 30 s, so the restarted runner takes the killed
 * one's job over after 2 s (the same reclaim path, sooner).
 */
import db from "~/db.server";
import { databaseProvider } from "~/db/provider";
import { env } from "~/env.server";
import { EmbeddedJobQueue } from "~/jobs/embedded-runner.server";
import { appJobs } from "~/jobs/index.server";

const importId = process.argv[2];
if (!importId) throw new Error("usage: product-import-process.ts <importId>");

const queue = new EmbeddedJobQueue({
  db,
  catalog: appJobs,
  provider: databaseProvider(env.DATABASE_URL),
  concurrency: 1,
  leaseMs: 2_000,
  pollIntervalMs: 100,
  backoff: { baseMs: 100, capMs: 1_000 },
});
await queue.start();
console.log(`runner ${queue.owner} started`);
for (;;) {
  const run = await db.importRun.findUniqueOrThrow({ where: { id: importId } });
  if (run.state === "succeeded" || run.state === "failed") break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await queue.stop({ timeoutMs: 10_000 });
await db.$disconnect();
console.log("import ended");
