/**
 * Scenario "order-webhooks": a burst of order webhooks (BENCH_ORDER_WEBHOOKS, default 5,000) for
 * a generated store in the emulator, processed side by side:
 *
 * - **Tenon's pipeline** (ADR 013): the handler stores the event and enqueues one `order.sync`
 *   job in one transaction and answers; job runners drain the jobs, each re-reading the order
 *   from the emulator and importing or skipping it. Two ways of running the jobs:
 *   - in the web process (the default `npm start`: JOB_WORKERS jobs at a time beside the web
 *     server), BENCH_WORKERS (default 2) at a time;
 *   - in BENCH_WORKERS worker processes (`npm run worker` beside a web process with
 *     JOB_WORKERS=0), 2 jobs at a time each (tests/bench/order-sync-worker.ts).
 * - **naive**: the handler does everything before answering — store the event, read the order,
 *   import it — BENCH_WORKERS webhooks at a time (what a synchronous connector does).
 *
 * Printed: webhook answered p50/p95 (the handler in-process, without HTTP and HMAC), delivery →
 * sales order (or skip) p50/p95, and the total drain time in orders/s.
 *
 * The emulator runs in its own process (tests/bench/emulator-process.ts), in every mode, so its
 * CPU (GraphQL resolution, cost calculation, its HTTP server) is not charged to Tenon's thread, as
 * Shopify's is not in production. Shopify's rate limit is lifted for the store (a bucket that
 * never runs dry), so the drain measures Tenon. The Admin API points the run spent are counted
 * instead, and the rate limit's own ceiling for such a burst is printed from them: every way of
 * handling a webhook that reads the order back costs those points, and Shopify restores 1,000
 * (Plus) or 2,000 (Enterprise) per second. The database is SQLite, or PostgreSQL when
 * TEST_DATABASE_URL points at one. Seed orders: ~1/3 import, the rest are skipped
 * (fulfilled, pending or refunded) through the same rules.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { EmbeddedJobQueue } from "~/jobs/embedded-runner.server";
import { silentJobLogger, waitUntilSettled } from "~/jobs/queue";
import { databaseProvider } from "~/db/provider";
import { intakeOrderWebhook, syncOrder } from "~/sync/orders/order-sync.server";
import { recordWebhook } from "~/services/inbox/webhook-inbox.server";
import { defaultSettings } from "~/domain/settings";
import { createTestDatabase } from "../support/db";
import { startEmulatorProcess } from "./emulator-process";
import { httpAdmin, orderSyncCatalog, orderSyncDeps, type WorkerConfig } from "./order-sync-worker";

const N = Number(process.env.BENCH_ORDER_WEBHOOKS ?? 5_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
/** Jobs each worker process runs at once. */
const PER_PROCESS = 2;
const ALL_MODES = ["naive", "in-process", "worker-processes"] as const;
type Mode = (typeof ALL_MODES)[number];
/** BENCH_MODES=naive,in-process runs only those (default: all three). */
const MODES: readonly Mode[] = process.env.BENCH_MODES ? modesOf(process.env.BENCH_MODES) : ALL_MODES;

function modesOf(list: string): Mode[] {
  const modes = list.split(",").map((m) => m.trim());
  const unknown = modes.filter((m) => !(ALL_MODES as readonly string[]).includes(m));
  if (unknown.length > 0) throw new Error(`BENCH_MODES: unknown ${unknown.join(", ")}. Choose from ${ALL_MODES.join(", ")}.`);
  return modes as Mode[];
}
const LABELS: Record<Mode, string> = {
  naive: `naive synchronous (${WORKERS} at a time)`,
  "in-process": `inbox + jobs in the web process (${WORKERS})`,
  "worker-processes": `inbox + ${WORKERS} worker processes (×${PER_PROCESS})`,
};

const pctl = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const ms = (v: number) => `${v.toFixed(1)} ms`;

interface Row {
  label: string;
  pointsPerOrder: number;
  answered: number[];
  toSalesOrder: number[];
  drainMs: number;
  imported: number;
}

export async function run(): Promise<void> {
  const emulator = await startEmulatorProcess();
  const rows: Row[] = [];
  let provider = "sqlite";
  try {
    for (const mode of MODES) {
      const handle = `bench-orders-${mode}`;
      // A bucket that never runs dry and never refills: what is left at the end tells the points spent.
      const shop = await emulator.createShop(handle, N);
      const { graphqlUrl, token } = shop;
      const database = await createTestDatabase();
      provider = databaseProvider(database.url);
      const db = database.db;
      try {
        // Tenon: an active store, its locations mapped, a catalogue with the store's SKUs.
        const account = await db.account.create({ data: { name: "Bench maker" } });
        const store = await db.store.create({
          data: { accountId: account.id, shopDomain: shop.domain, name: handle, syncActive: true, settings: defaultSettings, firstActivatedAt: new Date(), lastActivatedAt: new Date() },
        });
        const location = await db.location.create({ data: { accountId: account.id, name: "Workshop", isDefaultForOrders: true } });
        for (const l of shop.locations) {
          await db.shopifyLocation.create({ data: { storeId: store.id, shopifyLocationId: `gid://shopify/Location/${l.id}`, name: l.name, locationId: location.id } });
        }
        for (const sku of shop.skus) {
          await db.product.create({ data: { accountId: account.id, name: sku, variants: { create: { accountId: account.id, code: sku } } } });
        }
        await db.orderSyncState.create({ data: { storeId: store.id, windowStart: new Date("2000-01-01T00:00:00Z") } });

        const admin = httpAdmin(graphqlUrl, token);
        const deps = orderSyncDeps(db, admin, (tx, payload, options) => queue.enqueue(tx, "order.sync", payload, options));
        // In the web process: the runner wakes when a run finishes; its poll interval also paces
        // housekeeping (lease reclaim, pruning). With worker processes this one only enqueues.
        const queue = new EmbeddedJobQueue({
          db,
          provider: databaseProvider(database.url),
          catalog: orderSyncCatalog((d) => ({ ...deps, db: d })),
          concurrency: mode === "in-process" ? WORKERS : 0,
          pollIntervalMs: 250,
          logger: silentJobLogger,
        });
        const workers = mode === "worker-processes" ? await startWorkers({ databaseUrl: database.url, graphqlUrl, token, concurrency: PER_PROCESS }) : [];

        const webhooks = shop.orders.map((o, i) => ({
          shopDomain: shop.domain,
          topic: "orders/create",
          eventId: `bench-${mode}-${i}`,
          webhookId: `bench-${mode}-${i}`,
          apiVersion: "2026-07",
          triggeredAt: new Date(),
          payload: { id: o.id, admin_graphql_api_id: `gid://shopify/Order/${o.id}`, name: o.name, updated_at: o.updatedAt },
        }));
        const deliveredAt = new Map<string, number>();
        const answered: number[] = [];
        const started = performance.now();
        await queue.start();
        // The burst: WORKERS concurrent "requests" at a time (Shopify delivers in parallel).
        let next = 0;
        await Promise.all(
          Array.from({ length: WORKERS }, async () => {
            for (let i = next++; i < webhooks.length; i = next++) {
              const webhook = webhooks[i]!;
              const t0 = performance.now();
              deliveredAt.set(`gid://shopify/Order/${(webhook.payload as { id: number }).id}`, Date.now());
              if (mode === "naive") {
                await db.$transaction((tx) => recordWebhook(tx, webhook));
                await syncOrder(deps, { storeId: store.id, orderId: `gid://shopify/Order/${(webhook.payload as { id: number }).id}` });
              } else {
                await db.$transaction(async (tx) => {
                  const inbox = await recordWebhook(tx, webhook);
                  if (!inbox.duplicate) await intakeOrderWebhook(tx, webhook, inbox, deps.schedule.order);
                });
              }
              answered.push(performance.now() - t0);
            }
          }),
        );
        await waitUntilSettled(() => queue.counts(), { timeoutMs: 30 * 60_000, intervalMs: 250 });
        const drainMs = performance.now() - started;
        await queue.stop();
        await Promise.all(workers.map(stopWorker));
        const links = await db.shopifyOrderLink.findMany({ where: { storeId: store.id }, select: { shopifyOrderId: true, updatedAt: true, state: true } });
        rows.push({
          label: LABELS[mode],
          answered,
          toSalesOrder: links.map((l) => l.updatedAt.getTime() - (deliveredAt.get(l.shopifyOrderId) ?? l.updatedAt.getTime())),
          drainMs,
          imported: links.filter((l) => l.state === "imported").length,
          pointsPerOrder: (shop.maximumAvailable - (await pointsAvailable(graphqlUrl, token))) / N,
        });
      } finally {
        await db.$disconnect();
        await database.drop();
      }
    }
  } finally {
    await emulator.stop();
  }
  console.log(`\nBurst of ${N.toLocaleString("en")} order webhooks on ${provider}`);
  console.log(`  ${"".padEnd(44)} ${"answered p50".padStart(13)} ${"p95".padStart(10)} ${"→ SO p50".padStart(11)} ${"p95".padStart(11)} ${"drain".padStart(9)} ${"orders/s".padStart(9)} ${"imported".padStart(9)} ${"API pts/order".padStart(14)}`);
  for (const r of rows) {
    console.log(
      `  ${r.label.padEnd(44)} ${ms(pctl(r.answered, 50)).padStart(13)} ${ms(pctl(r.answered, 95)).padStart(10)} ${ms(pctl(r.toSalesOrder, 50)).padStart(11)} ${ms(pctl(r.toSalesOrder, 95)).padStart(11)} ${`${(r.drainMs / 1000).toFixed(1)} s`.padStart(9)} ${((N / r.drainMs) * 1000).toFixed(0).padStart(9)} ${String(r.imported).padStart(9)} ${r.pointsPerOrder.toFixed(1).padStart(14)}`,
    );
  }
  console.log("  (answered = the handler in-process, no HTTP/HMAC; → SO = delivery to the order's sales order or skip written)");
  const points = Math.max(...rows.map((r) => r.pointsPerOrder));
  console.log(
    `  Shopify's rate limit, not lifted, caps a long burst at ${(1000 / points).toFixed(0)} orders/s on Plus and ${(2000 / points).toFixed(0)} on Enterprise ` +
      `(restore rate ÷ ${points.toFixed(0)} points per order read); the bucket absorbs the first ${Math.floor(20_000 / points)} / ${Math.floor(40_000 / points)} orders.`,
  );
}

/** BENCH_WORKERS worker processes, each polling the database for order.sync jobs; resolves once all poll. */
async function startWorkers(config: WorkerConfig): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: WORKERS }, async () => {
      const child = spawn(process.execPath, ["--import", "tsx", "tests/bench/order-sync-worker.ts", JSON.stringify(config)], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      await new Promise<void>((resolve, reject) => {
        child.once("exit", (code) => reject(new Error(`A bench worker process exited with ${code} before it was ready.`)));
        createInterface({ input: child.stdout! }).on("line", (line) => line === "ready" && resolve());
      });
      child.removeAllListeners("exit");
      return child;
    }),
  );
}

async function stopWorker(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** The store's throttle bucket as Shopify reports it (this query costs 1 point). */
async function pointsAvailable(graphqlUrl: string, token: string): Promise<number> {
  const response = await httpAdmin(graphqlUrl, token).graphql("query BenchShop { shop { id } }");
  const body = (await response.json()) as { extensions: { cost: { throttleStatus: { currentlyAvailable: number } } } };
  return body.extensions.cost.throttleStatus.currentlyAvailable + 1;
}
