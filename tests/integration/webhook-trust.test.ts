import { randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEBHOOK_ROUTE_TOPICS } from "~/shopify/webhook-topics";
import { EmulatorClient } from "../emulator/client";
import { DEMO_STORE_SEED } from "../emulator/index";
import { loadShopSeedFile } from "../emulator/seed";
import { shopPayload, webhookHmac, type Delivery } from "../emulator/webhooks";
import { startAppHarness, type AppHarness } from "../support/app-harness";

/**
 * What a signed body does not sign (docs/decisions/021-webhook-trust.md): the shop and topic
 * headers, the delivery time; and what a body may cost before anything is known of it.
 */
const SHOP = "tenon-demo.myshopify.com";
const OTHER = "tenon-second.myshopify.com";
let app: AppHarness;
let shopStoreId: string;
let otherStoreId: string;

beforeAll(async () => {
  app = await startAppHarness();
  app.emulator.createShop({ ...loadShopSeedFile(DEMO_STORE_SEED), handle: "tenon-second", name: "Second Shop" });
  for (const shop of [SHOP, OTHER]) {
    const response = await app.request("/app/stores", { headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(shop)}` } });
    expect(response.status).toBe(200);
  }
  shopStoreId = (await app.db.store.findUniqueOrThrow({ where: { shopDomain: SHOP } })).id;
  otherStoreId = (await app.db.store.findUniqueOrThrow({ where: { shopDomain: OTHER } })).id;
}, 60_000);
afterAll(async () => app.stop());

/** Shopify's headers for a body, signed with the app's secret; `headers` replaces any of them. */
function shopifyHeaders(topic: string, shop: string, body: string, headers: Record<string, string> = {}): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": topic,
    "X-Shopify-Shop-Domain": shop,
    "X-Shopify-API-Version": "2026-07",
    "X-Shopify-Webhook-Id": randomUUID(),
    "X-Shopify-Event-Id": randomUUID(),
    "X-Shopify-Triggered-At": new Date().toISOString(),
    "X-Shopify-Hmac-Sha256": webhookHmac(process.env.SHOPIFY_API_SECRET!, body),
    ...headers,
  };
}

const post = (path: string, headers: Record<string, string>, body: string) => app.request(path, { method: "POST", headers, body });

/** A captured delivery sent again with some headers rewritten (a new event, so not a duplicate). */
function replay(delivery: Delivery, headers: Record<string, string>) {
  const rewritten = { ...delivery.headers, "X-Shopify-Event-Id": randomUUID(), "X-Shopify-Webhook-Id": randomUUID(), ...headers };
  return post(new URL(delivery.url).pathname, rewritten, delivery.body);
}

async function runJobs() {
  const { jobs } = await import("~/jobs/index.server");
  await jobs.start();
  await jobs.drain({ timeoutMs: 20_000 });
  await jobs.stop();
}

async function createShopifyOrder(shop: string): Promise<{ id: string; name: string }> {
  const client = await EmulatorClient.connect({ url: app.emulator.url, shop });
  const data = await client.graphql<{ orderCreate: { order: { id: string; name: string } | null; userErrors: { message: string }[] } }>(
    `#graphql
      mutation($order: OrderCreateOrderInput!) { orderCreate(order: $order) { order { id name } userErrors { message } } }`,
    { order: { financialStatus: "PAID", lineItems: [{ title: "Gift voucher", quantity: 1, requiresShipping: false, priceSet: { shopMoney: { amount: "25.00", currencyCode: "EUR" } } }] } },
  );
  if (!data.orderCreate.order) throw new Error(data.orderCreate.userErrors.map((e) => e.message).join("; "));
  return data.orderCreate.order;
}

async function deliveryOf(topic: string, match: (d: Delivery) => boolean): Promise<Delivery> {
  for (let i = 0; i < 100; i++) {
    await app.emulator.webhooksIdle();
    const delivery = app.emulator.deliveries.find((d) => d.topic === topic && d.status !== null && match(d));
    if (delivery) return delivery;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`No ${topic} delivery`);
}

describe("the headers are held to the signed body", () => {
  // First: the jobs it runs are its own (a later test's shop/redact would erase SHOP's sessions).
  it("a signed orders webhook sent with another store's header writes nothing into that store's log; its own store's log notes it", async () => {
    const order = await createShopifyOrder(SHOP);
    const delivery = await deliveryOf("orders/create", (d) => d.shop === SHOP && d.body.includes(order.id));
    expect(delivery.status).toBe(200);
    // Neither store has activated sync: such a webhook is noted in the log of the store it is for.
    const swapped = await replay(delivery, { "X-Shopify-Shop-Domain": OTHER });
    expect(swapped.status).toBe(200); // an orders body does not say whose it is; its job finds out
    await runJobs();
    expect(await app.db.syncActivity.findMany({ where: { storeId: otherStoreId, area: "orders" } })).toEqual([]);
    const own = await app.db.syncActivity.findMany({ where: { storeId: shopStoreId, subjectRef: order.id } });
    expect(own).toEqual([expect.objectContaining({ action: "order.webhook_ignored", subject: order.name })]);
  }, 60_000);

  it("a signed locations webhook sent with another store's header writes nothing from its body into that store's log", async () => {
    const client = await EmulatorClient.connect({ url: app.emulator.url, shop: SHOP });
    const added = await client.graphql<{ locationAdd: { location: { id: string } } }>(
      `#graphql
        mutation($input: LocationAddInput!) { locationAdd(input: $input) { location { id } userErrors { message } } }`,
      { input: { name: "Injected Pop-up", address: { countryCode: "DE", city: "Dresden" } } },
    );
    const delivery = await deliveryOf("locations/create", (d) => d.shop === SHOP && d.body.includes(added.locationAdd.location.id));
    const swapped = await replay(delivery, { "X-Shopify-Shop-Domain": OTHER });
    expect(swapped.status).toBe(200); // a location body does not say whose it is; the read that follows asks OTHER's Shopify
    await runJobs();
    const entries = await app.db.syncActivity.findMany({ where: { storeId: otherStoreId } });
    expect(entries.filter((e) => e.subjectRef === added.locationAdd.location.id || e.message.includes("Injected Pop-up"))).toEqual([]);
  }, 60_000);

  it("a shop/redact body of one store sent with another store's header is refused (400) and erases nothing", async () => {
    const genuine = await app.emulator.sendComplianceWebhook(SHOP, "shop/redact");
    expect(genuine.status).toBe(200);
    const sessions = await app.db.session.count({ where: { shop: OTHER } });
    expect(sessions).toBeGreaterThan(0);
    const events = await app.db.webhookEvent.count({ where: { shopDomain: OTHER } });

    const response = await replay(genuine, { "X-Shopify-Shop-Domain": OTHER });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(`X-Shopify-Shop-Domain says ${OTHER} but the signed shop/redact body is for ${SHOP}`);
    expect(await app.db.complianceRequest.count({ where: { shopDomain: OTHER } })).toBe(0);
    expect(await app.db.webhookEvent.count({ where: { shopDomain: OTHER } })).toBe(events);
    expect(await app.db.session.count({ where: { shop: OTHER } })).toBe(sessions);
  });

  it("an app/uninstalled body of one store sent with another store's header is refused, and the other store stays connected", async () => {
    const body = JSON.stringify(shopPayload(app.emulator.shop(SHOP), null));
    const response = await post("/webhooks/app/uninstalled", shopifyHeaders("app/uninstalled", OTHER, body), body);
    expect(response.status).toBe(400);
    expect((await app.db.store.findUniqueOrThrow({ where: { id: otherStoreId } })).connection).toBe("connected");
    expect(await app.db.session.count({ where: { shop: OTHER } })).toBeGreaterThan(0);
  });

  it("an orders/create body delivered to the uninstall route is refused, whether its topic header says so or was rewritten", async () => {
    const order = await createShopifyOrder(SHOP);
    const delivery = await deliveryOf("orders/create", (d) => d.shop === SHOP && d.body.includes(order.id));
    const asIs = await post("/webhooks/app/uninstalled", { ...delivery.headers, "X-Shopify-Event-Id": randomUUID() }, delivery.body);
    expect(asIs.status).toBe(400);
    expect(await asIs.text()).toContain("orders/create is not delivered here (/webhooks/app/uninstalled serves app/uninstalled)");
    const rewritten = await post("/webhooks/app/uninstalled", { ...delivery.headers, "X-Shopify-Event-Id": randomUUID(), "X-Shopify-Topic": "app/uninstalled" }, delivery.body);
    expect(rewritten.status).toBe(400);
    expect(await rewritten.text()).toContain("has no myshopify_domain");
    expect((await app.db.store.findUniqueOrThrow({ where: { id: shopStoreId } })).connection).toBe("connected");
  });

  it("a captured delivery replayed past Shopify's 4-hour retry window, or stamped in the future, is refused; inside the window it is taken", async () => {
    const order = await createShopifyOrder(SHOP);
    const delivery = await deliveryOf("orders/create", (d) => d.shop === SHOP && d.body.includes(order.id));
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
    const before = await app.db.webhookEvent.count();
    const old = await replay(delivery, { "X-Shopify-Triggered-At": hoursAgo(6) });
    expect(old.status).toBe(400);
    expect(await old.text()).toContain("past Shopify's 4-hour retry window");
    expect((await replay(delivery, { "X-Shopify-Triggered-At": hoursAgo(-1) })).status).toBe(400);
    expect(await app.db.webhookEvent.count()).toBe(before);
    // Shopify's last retry comes about 4 hours after the event.
    expect((await replay(delivery, { "X-Shopify-Triggered-At": hoursAgo(4) })).status).toBe(200);
  });

});

/** POSTs `bytes` bytes without holding them: with Content-Length, or chunked. Resolves on the answer. */
function postLarge(path: string, bytes: number, options: { chunked: boolean; headers?: Record<string, string> }): Promise<number | string> {
  return new Promise((resolve) => {
    const request = httpRequest(new URL(path, app.appUrl), {
      method: "POST",
      headers: { "Content-Type": "application/json", ...options.headers, ...(options.chunked ? {} : { "Content-Length": String(bytes) }) },
    });
    request.on("response", (response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
      request.destroy();
    });
    request.on("error", (error) => resolve(`error: ${error.message}`));
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    const write = () => {
      while (sent < bytes && !request.destroyed) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", write);
      }
      if (!request.destroyed) request.end();
    };
    write();
  });
}

async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growthMiB: number }> {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 2);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growthMiB: Math.round((peak - baseline) / 1024 / 1024) };
  } finally {
    clearInterval(sampler);
  }
}

describe("limits before work", () => {
  const FIFTY_MIB = 50 * 1024 * 1024;
  const unsigned = { "X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": SHOP, "X-Shopify-API-Version": "2026-07", "X-Shopify-Webhook-Id": "w", "X-Shopify-Hmac-Sha256": "Zm9yZ2Vk" };

  it.each([
    ["declared in Content-Length", false],
    ["chunked", true],
  ])("four 50 MiB webhook bodies at once (%s) get 413 and the server's memory stays bounded", async (_how, chunked) => {
    const { result, growthMiB } = await peakRssGrowth(() => Promise.all([1, 2, 3, 4].map(() => postLarge("/webhooks/orders", FIFTY_MIB, { chunked, headers: unsigned }))));
    console.log(`4 × 50 MiB unauthenticated webhook bodies (${chunked ? "chunked" : "Content-Length"}): answers ${result.join(", ")}; peak RSS growth ${growthMiB} MiB`);
    expect(result).toEqual([413, 413, 413, 413]);
    // The limit is 4 MiB a request: well under this even with every copy counted (today's
    // code held each body whole, several times over: above 1 GB).
    expect(growthMiB).toBeLessThan(150);
  });

  it("a form body past 256 KiB gets 413 before the route reads it", async () => {
    const response = await app.request("/app/stores", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: `name=${"a".repeat(300 * 1024)}` });
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("larger than 0.25 MiB");
  });

  it("a signed order webhook of 3.5 MiB, under the limit, is taken", async () => {
    const body = JSON.stringify({ id: 880001, admin_graphql_api_id: "gid://shopify/Order/880001", name: "#8801", note: "x".repeat(3.5 * 1024 * 1024) });
    const response = await post("/webhooks/orders", shopifyHeaders("orders/create", SHOP, body), body);
    expect(response.status).toBe(200);
  });

  const MALFORMED: [string, string][] = [
    ["not JSON", "{not json"],
    ["a raw NUL byte", '{"id": 1, "note": "a\u0000b"}'],
    ["100,000 levels deep", "[".repeat(100_000) + "]".repeat(100_000)],
    ["not an object", "[1, 2, 3]"],
    ["null", "null"],
  ];
  const everyTopic = Object.entries(WEBHOOK_ROUTE_TOPICS).flatMap(([path, topics]) => topics.map((topic) => [path, topic] as const));

  it.each(everyTopic)("%s: a signed but malformed %s body gets 400, never 5xx, and stores nothing", async (path, topic) => {
    const before = await app.db.webhookEvent.count();
    const answers: Record<string, number> = {};
    for (const [name, body] of MALFORMED) answers[name] = (await post(path, shopifyHeaders(topic, SHOP, body), body)).status;
    expect(answers).toEqual(Object.fromEntries(MALFORMED.map(([name]) => [name, 400])));
    expect(await app.db.webhookEvent.count()).toBe(before);
  });

  it("a signed body with an escaped U+0000 (valid JSON that PostgreSQL's jsonb refuses) is stored, the character replaced", async () => {
    const body = '{"id": 880002, "admin_graphql_api_id": "gid://shopify/Order/880002", "name": "#8802", "note": "gift\\u0000wrap"}';
    const headers = shopifyHeaders("orders/create", SHOP, body);
    expect((await post("/webhooks/orders", headers, body)).status).toBe(200);
    const event = await app.db.webhookEvent.findUniqueOrThrow({ where: { topic_eventId: { topic: "orders/create", eventId: headers["X-Shopify-Event-Id"]! } } });
    expect((event.payload as { note: string }).note).toBe("gift\uFFFDwrap");
  });
});
