/**
 * A job worker process of the "order-webhooks" benchmark: what `npm run worker` is in
 * production (a process beside the web server that runs jobs), with only the `order.sync` kind
 * and the emulator's Admin API as its Shopify.
 *
 *   tsx tests/bench/order-sync-worker.ts '{"databaseUrl":…,"graphqlUrl":…,"token":…,"concurrency":2}'
 *
 * Prints "ready" once it polls for jobs; stops gracefully on SIGTERM.
 */
import { createPrismaClient, type Db } from "~/db/client";
import { databaseProvider } from "~/db/provider";
import { createJobCatalog, defineJob } from "~/jobs/catalog";
import { EmbeddedJobQueue } from "~/jobs/embedded-runner.server";
import { silentJobLogger } from "~/jobs/queue";
import { OrderSyncPayload, orderSerialKey, syncOrder, type OrderSyncDeps } from "~/sync/orders/order-sync.server";
import { createShopifyClient, ThrottleBudget, type AdminGraphql } from "~/shopify/client";

export interface WorkerConfig {
  databaseUrl: string;
  graphqlUrl: string;
  token: string;
  concurrency: number;
}

/** The benchmark's one job kind: the app's `order.sync`, minus the sweep it never needs here. */
export function orderSyncCatalog(deps: (db: Db) => OrderSyncDeps) {
  return createJobCatalog([
    defineJob({
      kind: "order.sync",
      payload: OrderSyncPayload,
      options: { maxAttempts: 8, serialKey: (p) => orderSerialKey(p.storeId, p.orderId) },
      handler: async (payload, ctx) => {
        await syncOrder(deps(ctx.db), payload, { beforeCommit: ctx.completeIn });
      },
    }),
  ]);
}

/** The Admin API over HTTP, as the app's client sends it. */
export function httpAdmin(graphqlUrl: string, token: string): AdminGraphql {
  return {
    graphql: (query, options) =>
      fetch(graphqlUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
        body: JSON.stringify({ query, variables: options?.variables ?? {} }),
      }),
  };
}

export function orderSyncDeps(db: Db, admin: AdminGraphql, enqueue: OrderSyncDeps["schedule"]["order"]): OrderSyncDeps {
  const client = createShopifyClient(admin, { budget: new ThrottleBudget() });
  return {
    db,
    clock: () => new Date(),
    shopify: { request: (document, variables) => client.request(document, variables) },
    schedule: { order: enqueue, sweep: async () => undefined },
  };
}

async function main(config: WorkerConfig) {
  const db = createPrismaClient(config.databaseUrl);
  const admin = httpAdmin(config.graphqlUrl, config.token);
  // One Shopify client (one throttle budget) for the process, as the app has.
  const deps = orderSyncDeps(db, admin, (tx, payload, options) => queue.enqueue(tx, "order.sync", payload, options));
  const catalog = orderSyncCatalog((d) => ({ ...deps, db: d }));
  const queue = new EmbeddedJobQueue({
    db,
    provider: databaseProvider(config.databaseUrl),
    catalog,
    concurrency: config.concurrency,
    pollIntervalMs: 50,
    logger: silentJobLogger,
  });
  await queue.start();
  process.once("SIGTERM", () => {
    void queue
      .stop()
      .then(() => db.$disconnect())
      .then(() => process.exit(0));
  });
  process.stdout.write("ready\n");
}

if (process.argv[1]?.endsWith("order-sync-worker.ts")) await main(JSON.parse(process.argv[2] ?? "{}") as WorkerConfig);
