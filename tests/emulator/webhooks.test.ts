import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import "@shopify/shopify-api/adapters/web-api";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { DEMO_STORE_SEED, startEmulator, webhookHmac, type Delivery, type Emulator } from "./index";
import { adminGraphql, offlineAccessToken, startWebhookReceiver, TEST_APP, type ReceivedWebhook, type WebhookReceiver } from "./testing";

const SHOP = "tenon-demo.myshopify.com";
const require = createRequire(import.meta.url);

/** Validates a payload against shopify-webhook-schemas' JSON Schema for the topic (2026-07). */
function payloadErrors(topic: string, payload: unknown): string[] {
  const schema = JSON.parse(readFileSync(require.resolve(`shopify-webhook-schemas/schemas/2026-07/${topic}.json`), "utf8")) as object;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return validate(payload) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
}

/** What shopify-app-remix's authenticate.webhook runs first: HMAC and required headers. */
const shopify = shopifyApi({
  apiKey: TEST_APP.apiKey,
  apiSecretKey: TEST_APP.apiSecret,
  apiVersion: ApiVersion.July26,
  hostName: "127.0.0.1:3999",
  isEmbeddedApp: true,
  logger: { level: LogSeverity.Error, log: () => undefined },
});

async function libraryValidation(webhook: ReceivedWebhook) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(webhook.headers)) if (typeof value === "string") headers.set(name, value);
  const rawRequest = new Request(`http://127.0.0.1:3999${webhook.path}`, { method: "POST", headers, body: webhook.body });
  return shopify.webhooks.validate({ rawBody: webhook.body, rawRequest });
}

describe("webhooks", () => {
  let receiver: WebhookReceiver;
  let emulator: Emulator;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    emulator = await startEmulator({
      app: { ...TEST_APP, appUrl: receiver.url },
      seedFiles: [DEMO_STORE_SEED],
      webhookTimeoutMs: 200,
    });
  });
  afterAll(async () => {
    await emulator.stop();
    await receiver.close();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.status = 200;
    receiver.delayMs = 0;
    if (!emulator.shop(SHOP).installation.installed) emulator.install(SHOP);
  });

  it("delivers app/uninstalled on uninstall, signed and with Shopify's headers", async () => {
    const before = emulator.deliveries.length;
    await emulator.uninstall(SHOP);

    expect(receiver.received).toHaveLength(1);
    const webhook = receiver.received[0] as ReceivedWebhook;
    expect(webhook.path).toBe("/webhooks/app/uninstalled");
    expect(webhook.headers).toMatchObject({
      "content-type": "application/json",
      "x-shopify-topic": "app/uninstalled",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-api-version": "2026-07",
      "x-shopify-webhook-id": expect.stringMatching(/^[0-9a-f-]{36}$/),
      "x-shopify-event-id": expect.stringMatching(/^[0-9a-f-]{36}$/),
      "x-shopify-triggered-at": expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    // Recompute the signature over the raw bytes received.
    expect(webhook.headers["x-shopify-hmac-sha256"]).toBe(webhookHmac(TEST_APP.apiSecret, webhook.body));
    expect(await libraryValidation(webhook)).toMatchObject({ valid: true, topic: "APP_UNINSTALLED", domain: SHOP });

    const payload = JSON.parse(webhook.body) as Record<string, unknown>;
    expect(payload).toMatchObject({ myshopify_domain: SHOP, name: "Tenon Demo Workshop", currency: "EUR" });
    expect(payloadErrors("app/uninstalled", payload)).toEqual([]);

    const recorded = emulator.deliveries.slice(before);
    expect(recorded).toEqual([
      expect.objectContaining({ topic: "app/uninstalled", shop: SHOP, url: `${receiver.url}/webhooks/app/uninstalled`, status: 200, ok: true, body: webhook.body }),
    ]);
  });

  it("uninstalls through the appUninstall mutation (Tenon's Disconnect), then delivers app/uninstalled", async () => {
    const token = await offlineAccessToken(emulator, SHOP);
    const response = await adminGraphql(emulator, SHOP, token, "mutation { appUninstall { app { id title } userErrors { message } } }");
    expect(response.body).toMatchObject({
      data: { appUninstall: { app: { id: expect.stringMatching(/^gid:\/\/shopify\/App\/\d+$/), title: "Tenon" }, userErrors: [] } },
    });
    expect(emulator.shop(SHOP).installation.installed).toBe(false);
    expect((await adminGraphql(emulator, SHOP, token, "{ shop { name } }")).status).toBe(401);
    // Once or twice (at-least-once delivery, ADR 027), and nothing else.
    await expect.poll(() => [...new Set(receiver.received.map((w) => w.headers["x-shopify-topic"]))]).toEqual(["app/uninstalled"]);
  });

  it("fails the library's HMAC check when signed with another secret", async () => {
    await emulator.uninstall(SHOP);
    const webhook = receiver.received[0] as ReceivedWebhook;
    const tampered = { ...webhook, body: webhook.body.replace("Tenon Demo Workshop", "Someone Else") };
    expect(await libraryValidation(tampered)).toMatchObject({ valid: false });
  });

  it.each(["customers/data_request", "customers/redact", "shop/redact"] as const)(
    "delivers %s to the compliance route with a schema-valid payload",
    async (topic) => {
      const delivery = await emulator.sendComplianceWebhook(SHOP, topic);
      expect(delivery).toMatchObject({ topic, status: 200, ok: true, url: `${receiver.url}/webhooks/compliance` });
      // Delivery is at least once and unordered (ADR 027): a late duplicate of an earlier test's
      // webhook may arrive too, so this one is found by its topic.
      const webhook = receiver.received.find((w) => w.headers["x-shopify-topic"] === topic) as ReceivedWebhook;
      expect(webhook.headers["x-shopify-topic"]).toBe(topic);
      expect(webhook.headers["x-shopify-hmac-sha256"]).toBe(webhookHmac(TEST_APP.apiSecret, webhook.body));
      const payload = JSON.parse(webhook.body) as Record<string, unknown>;
      expect(payload).toMatchObject({ shop_domain: SHOP, shop_id: emulator.shop(SHOP).id });
      expect(payloadErrors(topic, payload)).toEqual([]);
    },
  );

  it("merges a caller's payload over the default compliance payload", async () => {
    const customer = { id: 4242, email: "someone@example.com", phone: "+491700000000" };
    await emulator.sendComplianceWebhook(SHOP, "customers/redact", { customer, orders_to_redact: [1001, 1002] });
    const redact = receiver.received.find((w) => w.headers["x-shopify-topic"] === "customers/redact") as ReceivedWebhook;
    const payload = JSON.parse(redact.body) as Record<string, unknown>;
    expect(payload).toEqual({ shop_id: emulator.shop(SHOP).id, shop_domain: SHOP, customer, orders_to_redact: [1001, 1002] });
    expect(payloadErrors("customers/redact", payload)).toEqual([]);
  });

  it("records a non-2xx answer and a timeout as failed attempts", async () => {
    receiver.status = 401;
    expect(await emulator.sendComplianceWebhook(SHOP, "shop/redact")).toMatchObject({ status: 401, ok: false, error: null, attempt: 1 });

    receiver.status = 200;
    receiver.delayMs = 1_000; // longer than the 200 ms timeout configured above
    const slow: Delivery = await emulator.sendComplianceWebhook(SHOP, "shop/redact");
    expect(slow).toMatchObject({ status: null, ok: false, error: "no answer within 200 ms" });
  });

  it("is driven over the script API", async () => {
    const response = await fetch(`${emulator.url}/_emulator/shops/tenon-demo/webhooks/customers/data_request`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ orders_requested: [7] }),
    });
    expect(response.status).toBe(200);
    const delivery = (await response.json()) as Delivery;
    expect(delivery).toMatchObject({ topic: "customers/data_request", status: 200 });
    expect(JSON.parse(delivery.body)).toMatchObject({ orders_requested: [7] });

    const listed = (await (await fetch(`${emulator.url}/_emulator/deliveries?topic=customers/data_request`)).json()) as Delivery[];
    expect(listed.at(-1)?.webhookId).toBe(delivery.webhookId);

    const notCompliance = await fetch(`${emulator.url}/_emulator/shops/tenon-demo/webhooks/orders/create`, { method: "POST" });
    expect(notCompliance.status).toBe(400);

    const uninstall = await fetch(`${emulator.url}/_emulator/shops/tenon-demo/uninstall`, { method: "POST" });
    expect(uninstall.status).toBe(200);
    expect(((await uninstall.json()) as { shop: { installed: boolean } }).shop.installed).toBe(false);
    expect(receiver.received.at(-1)?.headers["x-shopify-topic"]).toBe("app/uninstalled");
    expect((await fetch(`${emulator.url}/_emulator/shops/tenon-demo/uninstall`, { method: "POST" })).status).toBe(409);
  });
});
