import db from "~/db.server";
import { env } from "~/env.server";
import { jobs } from "~/jobs/index.server";
import { ensureOrderSweepsOnStart, migrateNonExpiringTokensOnStart } from "~/jobs/store-watchdog.server";

/**
 * Everything the server does before it takes its first request, once server.mjs has applied
 * the migrations: start this process's job runner.
 * Called by server.mjs; returns what it needs to listen and to shut down cleanly.
 */
export async function prepareServer() {
  await jobs.start();
  // Every Sync-active store has its reconciliation sweep chain (restarts chains lost to a crash).
  await ensureOrderSweepsOnStart(db);
  // Stores still holding a non-expiring offline token get an expiring one (docs/decisions/022).
  await migrateNonExpiringTokensOnStart(db);
  return {
    port: env.PORT,
    host: env.HOST,
    async stop() {
      await jobs.stop({ timeoutMs: 10_000 });
      await db.$disconnect();
    },
  };
}
