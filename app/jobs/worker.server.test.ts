import { afterEach, beforeEach, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "../../tests/support/db";
import { createJobCatalog, defineJob } from "./catalog";
import { silentJobLogger } from "./queue";
import { startWorker } from "./worker.server";

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => database.drop());

it("starts a worker that runs the catalog's jobs (pg-boss on PostgreSQL, embedded on SQLite) and stops it", async () => {
  const greeted: string[] = [];
  const catalog = createJobCatalog([
    defineJob({
      kind: "demo.greet",
      payload: z.object({ name: z.string() }),
      handler: async (payload) => {
        greeted.push(payload.name);
      },
    }),
  ]);
  const worker = await startWorker({
    databaseUrl: database.url,
    concurrency: 2,
    catalog,
    db: database.db,
    logger: silentJobLogger,
    handleSignals: false,
  });

  await database.db.$transaction((tx) => worker.queue.enqueue(tx, "demo.greet", { name: "Ada" }));
  await worker.queue.drain({ timeoutMs: 10_000 });
  await worker.stop();

  expect(greeted).toEqual(["Ada"]);
  expect((await worker.queue.counts()).succeeded).toBe(1);
});
