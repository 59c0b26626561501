import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppHarness, type AppHarness } from "../support/app-harness";
import { createStore } from "../support/factories";

const SHOP = "tenon-demo.myshopify.com";
let app: AppHarness;

beforeAll(async () => {
  app = await startAppHarness();
});
afterAll(async () => app.stop());

async function waitForDelivery(topic: string) {
  for (let i = 0; i < 100; i++) {
    const delivery = app.emulator.deliveries.findLast((d) => d.topic === topic && d.status !== null);
    if (delivery) return delivery;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`No ${topic} delivery`);
}

describe("webhooks from Shopify", () => {
  it("app/uninstalled moves the store to Not Connected and keeps its data", async () => {
    const store = await createStore(app.db, { shopDomain: SHOP });
    await app.db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", accessToken: "shpat_old" } });
    await app.emulator.uninstall(SHOP);
    const delivery = await waitForDelivery("app/uninstalled");
    expect(delivery.status).toBe(200);
    const saved = await app.db.store.findUniqueOrThrow({ where: { id: store.id } });
    expect(saved.connection).toBe("uninstalled");
    expect(await app.db.session.count({ where: { shop: SHOP } })).toBe(0);
    const events = await app.db.webhookEvent.findMany({ where: { shopDomain: SHOP, topic: "app/uninstalled" } });
    expect(events.map((e) => e.eventId)).toEqual([delivery.eventId]);
  });

  it("a redelivery of the same event is acknowledged and stored once", async () => {
    const delivery = await waitForDelivery("app/uninstalled");
    const response = await app.request(new URL(delivery.url).pathname, {
      method: "POST",
      headers: delivery.headers,
      body: delivery.body,
    });
    expect(response.status).toBe(200);
    expect(await app.db.webhookEvent.count({ where: { eventId: delivery.eventId } })).toBe(1);
  });

  it("a wrong HMAC gets 401 and changes nothing", async () => {
    const delivery = await waitForDelivery("app/uninstalled");
    const before = await app.db.webhookEvent.count();
    await app.db.store.update({ where: { shopDomain: SHOP }, data: { connection: "connected" } });
    const forged = { ...delivery.headers, "X-Shopify-Hmac-Sha256": Buffer.from("forged").toString("base64") };
    const headers = Object.fromEntries(
      Object.entries(forged).map(([k, v]) => [k, k.toLowerCase() === "x-shopify-event-id" ? "another-event" : v]),
    );
    const response = await app.request("/webhooks/app/uninstalled", { method: "POST", headers, body: delivery.body });
    expect(response.status).toBe(401);
    expect(await app.db.webhookEvent.count()).toBe(before);
    expect((await app.db.store.findUniqueOrThrow({ where: { shopDomain: SHOP } })).connection).toBe("connected");
  });

  it.each(["customers/data_request", "customers/redact", "shop/redact"] as const)(
    "%s is recorded with its job in one go, and the job carries it out",
    async (topic) => {
      const delivery = await app.emulator.sendComplianceWebhook(SHOP, topic);
      expect(delivery.status).toBe(200);
      const request = await app.db.complianceRequest.findFirstOrThrow({
        where: { shopDomain: SHOP, topic },
        include: { webhookEvent: true },
      });
      expect(request.webhookEvent.eventId).toBe(delivery.eventId);
      expect(request.status).toBe("received");
      const job = await app.db.job.findFirstOrThrow({ where: { kind: "compliance.process", payload: { equals: { requestId: request.id } } } });
      expect(job.state).toBe("queued");

      const { jobs } = await import("~/jobs/index.server");
      await jobs.start();
      await jobs.drain({ timeoutMs: 10_000 });
      await jobs.stop();
      const done = await app.db.complianceRequest.findUniqueOrThrow({ where: { id: request.id } });
      expect(done.status).toBe("completed");
    },
  );

  it("a compliance webhook with a wrong HMAC gets 401 and records nothing", async () => {
    const delivery = await app.emulator.sendComplianceWebhook(SHOP, "shop/redact");
    const before = await app.db.complianceRequest.count();
    const response = await app.request("/webhooks/compliance", {
      method: "POST",
      headers: { ...delivery.headers, "X-Shopify-Hmac-Sha256": "AAAA" },
      body: delivery.body.replace("}", ',"x":1}'),
    });
    expect(response.status).toBe(401);
    expect(await app.db.complianceRequest.count()).toBe(before);
  });
});
