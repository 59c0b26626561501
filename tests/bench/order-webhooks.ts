/**
 * Scenario "order-webhooks": a burst of order webhooks (BENCH_ORDER_WEBHOOKS, default 5,000) for
 * a generated store in the emulator, processed two ways side by side:
 *
 * - **Tenon's pipeline** (ADR 013): the handler stores the event and enqueues one `order.sync`
 *   job in one transaction and answers; the embedded runner (BENCH_WORKERS, default 2) drains the
 *   jobs, each re-reading the order from the emulator and importing or skipping it.
 * - **naive**: the handler does everything before answering — store the event, read the order,
 *   import it — one webhook at a time per worker (what a synchronous connector does).
 *
 * Printed: webhook answered p50/p95 (the handler in-process, without HTTP and HMAC), delivery →
 * sales order (or skip) p50/p95, and the total drain time in orders/s. The database is SQLite, or
 * PostgreSQL when TEST_DATABASE_URL points at one. Seed orders: ~1/3 import, the rest are skipped
 * (fulfilled, pending or refunded) through the same rules.
 */
import { EmbeddedJobQueue } from "~/jobs/embedded-runner.server";
import { createJobCatalog, defineJob } from "~/jobs/catalog";
import { silentJobLogger } from "~/jobs/queue";
import { databaseProvider } from "~/db/provider";
import { OrderSyncPayload, intakeOrderWebhook, orderSerialKey, syncOrder, type OrderSyncDeps } from "~/services/order-sync.server";
import { recordWebhook } from "~/services/webhook-inbox.server";
import { createShopifyClient, ThrottleBudget, type AdminGraphql } from "~/shopify/client";
import { defaultSettings } from "~/domain/settings";
import { generateShopSeed, startEmulator } from "../emulator/index";
import { adminGraphql, offlineAccessToken, TEST_APP } from "../emulator/testing";
import { createTestDatabase } from "../support/db";

const N = Number(process.env.BENCH_ORDER_WEBHOOKS ?? 5_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);

const pctl = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const ms = (v: number) => `${v.toFixed(1)} ms`;

interface Row {
  label: string;
  answered: number[];
  toSalesOrder: number[];
  drainMs: number;
  imported: number;
}

export async function run(): Promise<void> {
  const emulator = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:9" } });
  const rows: Row[] = [];
  let provider = "sqlite";
  try {
    for (const mode of ["pipeline", "naive"] as const) {
      const handle = `bench-orders-${mode}`;
      const seed = generateShopSeed({ variants: 300, locations: 2, orders: N, seed: 3, handle });
      const shop = emulator.createShop(seed);
      emulator.setThrottle(shop.domain, { plan: "enterprise" });
      const token = await offlineAccessToken(emulator, handle);
      const admin: AdminGraphql = {
        async graphql(query, options) {
          const { status, body } = await adminGraphql(emulator, handle, token, query, options?.variables ?? {});
          return Response.json(body, { status });
        },
      };
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
        const skus = [...new Set((seed.products ?? []).flatMap((p) => p.variants.map((v) => v.sku)).filter((s): s is string => !!s))];
        for (const sku of skus) {
          await db.product.create({ data: { accountId: account.id, name: sku, variants: { create: { accountId: account.id, code: sku } } } });
        }
        await db.orderSyncState.create({ data: { storeId: store.id, windowStart: new Date("2000-01-01T00:00:00Z") } });

        const client = createShopifyClient(admin, { budget: new ThrottleBudget() });
        const catalog = createJobCatalog([
          defineJob({
            kind: "order.sync",
            payload: OrderSyncPayload,
            options: { maxAttempts: 8, serialKey: (p) => orderSerialKey(p.storeId, p.orderId) },
            handler: async (payload, ctx) => {
              await syncOrder(deps(ctx.db), payload);
            },
          }),
        ]);
        // The runner wakes when a run finishes; its poll interval also paces housekeeping (lease reclaim, pruning).
        const queue = new EmbeddedJobQueue({ db, provider: provider as "sqlite" | "postgresql", catalog, concurrency: WORKERS, pollIntervalMs: 250, logger: silentJobLogger });
        const deps = (d: typeof db): OrderSyncDeps => ({
          db: d,
          clock: () => new Date(),
          shopify: { request: (document, variables) => client.request(document, variables) },
          schedule: { order: (tx, payload, options) => queue.enqueue(tx, "order.sync", payload, options), sweep: async () => undefined },
        });

        const webhooks = shop.orders.map((o, i) => ({
          shopDomain: shop.domain,
          topic: "orders/create",
          eventId: `bench-${mode}-${i}`,
          webhookId: `bench-${mode}-${i}`,
          apiVersion: "2026-07",
          triggeredAt: new Date(),
          payload: { id: o.id, admin_graphql_api_id: `gid://shopify/Order/${o.id}`, name: o.name, updated_at: o.updatedAt.toISOString() },
        }));
        const deliveredAt = new Map<string, number>();
        const answered: number[] = [];
        const started = performance.now();
        if (mode === "pipeline") await queue.start();
        // The burst: WORKERS concurrent "requests" at a time (Shopify delivers in parallel).
        let next = 0;
        await Promise.all(
          Array.from({ length: WORKERS }, async () => {
            for (let i = next++; i < webhooks.length; i = next++) {
              const webhook = webhooks[i]!;
              const t0 = performance.now();
              deliveredAt.set(`gid://shopify/Order/${(webhook.payload as { id: number }).id}`, Date.now());
              if (mode === "pipeline") {
                await db.$transaction(async (tx) => {
                  const inbox = await recordWebhook(tx, webhook);
                  if (!inbox.duplicate) await intakeOrderWebhook(tx, webhook, inbox, deps(db).schedule.order);
                });
              } else {
                await db.$transaction((tx) => recordWebhook(tx, webhook));
                await syncOrder(deps(db), { storeId: store.id, orderId: `gid://shopify/Order/${(webhook.payload as { id: number }).id}` });
              }
              answered.push(performance.now() - t0);
            }
          }),
        );
        if (mode === "pipeline") {
          await queue.drain({ timeoutMs: 30 * 60_000 });
          await queue.stop();
        }
        const drainMs = performance.now() - started;
        const links = await db.shopifyOrderLink.findMany({ where: { storeId: store.id }, select: { shopifyOrderId: true, updatedAt: true, state: true } });
        rows.push({
          label: mode === "pipeline" ? `inbox + jobs (${WORKERS} workers)` : `naive synchronous (${WORKERS} at a time)`,
          answered,
          toSalesOrder: links.map((l) => l.updatedAt.getTime() - (deliveredAt.get(l.shopifyOrderId) ?? l.updatedAt.getTime())),
          drainMs,
          imported: links.filter((l) => l.state === "imported").length,
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
  console.log(`  ${"".padEnd(32)} ${"answered p50".padStart(13)} ${"p95".padStart(10)} ${"→ SO p50".padStart(11)} ${"p95".padStart(11)} ${"drain".padStart(9)} ${"orders/s".padStart(9)} ${"imported".padStart(9)}`);
  for (const r of rows) {
    console.log(
      `  ${r.label.padEnd(32)} ${ms(pctl(r.answered, 50)).padStart(13)} ${ms(pctl(r.answered, 95)).padStart(10)} ${ms(pctl(r.toSalesOrder, 50)).padStart(11)} ${ms(pctl(r.toSalesOrder, 95)).padStart(11)} ${`${(r.drainMs / 1000).toFixed(1)} s`.padStart(9)} ${((N / r.drainMs) * 1000).toFixed(0).padStart(9)} ${String(r.imported).padStart(9)}`,
    );
  }
  console.log("  (answered = the handler in-process, no HTTP/HMAC; → SO = delivery to the order's sales order or skip written)");
}
