/**
 * Scenario "jobs": enqueue N jobs on SQLite one transaction each (a webhook at a time) vs in one
 * transaction (an import batch), then let the embedded runner drain them at concurrency 1 vs 4.
 */
import { z } from "zod";
import { createJobCatalog, defineJob } from "~/jobs/catalog";
import { EmbeddedJobQueue } from "~/jobs/embedded-runner.server";
import { silentJobLogger } from "~/jobs/queue";
import { createTestDatabase } from "../support/db";

const N = Number(process.env.BENCH_JOBS ?? 300);

const catalog = createJobCatalog([
  defineJob({ kind: "bench.noop", payload: z.object({ n: z.number() }), handler: async () => undefined }),
]);

async function measure(label: string, fn: () => Promise<void>) {
  const started = performance.now();
  await fn();
  const ms = performance.now() - started;
  return { label, ms, perSecond: (N / ms) * 1000 };
}

function print(title: string, rows: { label: string; ms: number; perSecond: number }[]) {
  console.log(`\n${title} (${N} jobs)`);
  for (const row of rows) {
    console.log(`  ${row.label.padEnd(34)} ${row.ms.toFixed(0).padStart(7)} ms  ${row.perSecond.toFixed(0).padStart(7)} jobs/s`);
  }
}

export async function run(): Promise<void> {
  const enqueueRows = [];
  const drainRows = [];
  for (const [label, batched, concurrency] of [
    ["one transaction per job", false, 1],
    ["one transaction for all", true, 4],
  ] as const) {
    const database = await createTestDatabase();
    const queue = new EmbeddedJobQueue({
      db: database.db,
      provider: "sqlite",
      catalog,
      concurrency,
      pollIntervalMs: 10,
      logger: silentJobLogger,
    });
    enqueueRows.push(
      await measure(label, async () => {
        if (batched) {
          await database.db.$transaction(async (tx) => {
            for (let n = 0; n < N; n++) await queue.enqueue(tx, "bench.noop", { n });
          });
        } else {
          for (let n = 0; n < N; n++) await database.db.$transaction((tx) => queue.enqueue(tx, "bench.noop", { n }));
        }
      }),
    );
    drainRows.push(
      await measure(`runner concurrency ${concurrency}`, async () => {
        await queue.start();
        await queue.drain({ timeoutMs: 120_000 });
        await queue.stop();
      }),
    );
    await database.drop();
  }
  print("Enqueue on SQLite", enqueueRows);
  print("Embedded runner drain on SQLite", drainRows);
}
