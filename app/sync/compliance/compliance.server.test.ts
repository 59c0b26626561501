import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processComplianceRequest, receiveComplianceRequest } from "./compliance.server";
import { recordWebhook } from "../../services/inbox/webhook-inbox.server";
import type { ComplianceTopic } from "~/domain/compliance";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db";
import { createStore } from "../../../tests/support/factories";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

const now = new Date("2026-11-23T10:00:00Z");
let eventNo = 0;

async function storeWebhook(shopDomain: string, topic: string, payload: unknown) {
  const result = await t.db.$transaction((tx) =>
    recordWebhook(tx, {
      shopDomain,
      topic,
      eventId: `evt-${++eventNo}`,
      webhookId: `wh-${eventNo}`,
      apiVersion: "2026-07",
      triggeredAt: now,
      payload,
    }),
  );
  if (result.duplicate) throw new Error("unexpected duplicate");
  return result;
}

async function receive(shopDomain: string, topic: ComplianceTopic, payload: unknown) {
  const event = await storeWebhook(shopDomain, topic, payload);
  return t.db.$transaction((tx) =>
    receiveComplianceRequest(tx, { shopDomain, storeId: event.storeId, webhookEventId: event.id, topic, payload }),
  );
}

const ada = { id: 42, email: "ada@example.com", phone: null };

describe("compliance requests", () => {
  it("customers/data_request assembles what Tenon holds about the customer, and nothing else", async () => {
    const store = await createStore(t.db);
    await storeWebhook(store.shopDomain, "orders/create", { id: 1001, line_items: [], customer: ada });
    await storeWebhook(store.shopDomain, "orders/create", { id: 1002, line_items: [], customer: { id: 7 } });
    const receipt = await receive(store.shopDomain, "customers/data_request", {
      shop_id: 1,
      shop_domain: store.shopDomain,
      customer: ada,
      orders_requested: [1001],
      data_request: { id: 9 },
    });
    expect(receipt.ok).toBe(true);
    if (!receipt.ok) return;
    await processComplianceRequest(t.db, receipt.requestId, now);
    const request = await t.db.complianceRequest.findUniqueOrThrow({ where: { id: receipt.requestId } });
    expect(request.status).toBe("completed");
    const result = request.result as { records: { data: { id: number } }[]; dataRequestId: number };
    expect(result.dataRequestId).toBe(9);
    expect(result.records.map((r) => r.data.id)).toEqual([1001]);
  });

  it("customers/redact replaces the customer's stored payloads and keeps other customers'", async () => {
    const store = await createStore(t.db);
    const adaOrder = await storeWebhook(store.shopDomain, "orders/create", { id: 2001, line_items: [], customer: ada });
    const other = await storeWebhook(store.shopDomain, "orders/create", { id: 2002, line_items: [], customer: { id: 8 } });
    const receipt = await receive(store.shopDomain, "customers/redact", {
      shop_id: 1,
      shop_domain: store.shopDomain,
      customer: ada,
      orders_to_redact: [2001],
    });
    if (!receipt.ok) throw new Error(receipt.message);
    await processComplianceRequest(t.db, receipt.requestId, now);
    // Running it again (a retried job) is harmless.
    await processComplianceRequest(t.db, receipt.requestId, now);
    const payloadOf = async (id: string) => (await t.db.webhookEvent.findUniqueOrThrow({ where: { id } })).payload;
    expect(await payloadOf(adaOrder.id)).toMatchObject({ redacted: true, by: "customers/redact" });
    expect(await payloadOf(other.id)).toMatchObject({ id: 2002 });
    const request = await t.db.complianceRequest.findUniqueOrThrow({ where: { id: receipt.requestId } });
    expect(await payloadOf(request.webhookEventId)).toMatchObject({ redacted: true });
    expect(request.result).toMatchObject({ redactedRecords: 1 });
  });

  it("shop/redact erases the shop's stored payloads and sessions, not another shop's", async () => {
    const store = await createStore(t.db, { connection: "uninstalled" });
    const neighbour = await createStore(t.db);
    const mine = await storeWebhook(store.shopDomain, "orders/create", { id: 3001, line_items: [] });
    const theirs = await storeWebhook(neighbour.shopDomain, "orders/create", { id: 3002, line_items: [] });
    await t.db.session.create({ data: { id: "s1", shop: store.shopDomain, state: "", accessToken: "t" } });
    const receipt = await receive(store.shopDomain, "shop/redact", { shop_id: 1, shop_domain: store.shopDomain });
    if (!receipt.ok) throw new Error(receipt.message);
    await processComplianceRequest(t.db, receipt.requestId, now);
    expect((await t.db.webhookEvent.findUniqueOrThrow({ where: { id: mine.id } })).payload).toMatchObject({ redacted: true });
    expect((await t.db.webhookEvent.findUniqueOrThrow({ where: { id: theirs.id } })).payload).toMatchObject({ id: 3002 });
    expect(await t.db.session.count({ where: { shop: store.shopDomain } })).toBe(0);
  });

  it("keeps an unreadable request for a person, with what is wrong", async () => {
    const store = await createStore(t.db);
    const receipt = await receive(store.shopDomain, "customers/redact", { shop_domain: store.shopDomain });
    expect(receipt).toMatchObject({ ok: false, code: "PAYLOAD_INVALID" });
    const request = await t.db.complianceRequest.findUniqueOrThrow({ where: { id: receipt.requestId } });
    expect(request.status).toBe("needs_attention");
    expect(JSON.stringify(request.result)).toContain("customer");
  });
});

describe("webhook inbox", () => {
  it("stores one event once, whatever the number of deliveries", async () => {
    const store = await createStore(t.db);
    const webhook = {
      shopDomain: store.shopDomain,
      topic: "app/uninstalled",
      eventId: "same-event",
      webhookId: "w1",
      apiVersion: "2026-07",
      triggeredAt: now,
      payload: { id: 1 },
    };
    const first = await t.db.$transaction((tx) => recordWebhook(tx, webhook));
    const second = await t.db.$transaction((tx) => recordWebhook(tx, { ...webhook, webhookId: "w2" }));
    expect(first).toMatchObject({ duplicate: false, storeId: store.id });
    expect(second).toEqual({ duplicate: true });
    expect(await t.db.webhookEvent.count({ where: { eventId: "same-event" } })).toBe(1);
  });

  it("stores one event when its deliveries race, and the others find it stored instead of failing", async () => {
    const store = await createStore(t.db);
    const webhook = { shopDomain: store.shopDomain, topic: "orders/create", eventId: "racing-event", apiVersion: "2026-07", triggeredAt: now, payload: { id: 2 } };
    // Each in its own transaction; on PostgreSQL the later inserts wait for the first to commit.
    const results = await Promise.all(
      ["w1", "w2", "w3"].map((webhookId) =>
        t.db.$transaction(async (tx) => {
          const inbox = await recordWebhook(tx, { ...webhook, webhookId });
          // Hold the transaction open a little, as a handler's work would.
          await tx.store.findUnique({ where: { id: store.id }, select: { id: true } });
          return inbox;
        }),
      ),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(results.filter((r) => r.duplicate)).toHaveLength(2);
    expect(await t.db.webhookEvent.count({ where: { eventId: "racing-event" } })).toBe(1);
  });

  it("stores the event as Prisma reads it back: payload, times, the store; an unknown shop is kept with no store", async () => {
    const store = await createStore(t.db);
    const payload = { id: 3, name: "#1003", nested: { note: "ünïcode ✓", list: [1, null, "x"] } };
    const known = await t.db.$transaction((tx) =>
      recordWebhook(tx, { shopDomain: store.shopDomain, topic: "orders/updated", eventId: "stored-1", webhookId: "w", apiVersion: "2026-07", triggeredAt: now, payload }),
    );
    const unknown = await t.db.$transaction((tx) =>
      recordWebhook(tx, { shopDomain: "nobody.myshopify.com", topic: "orders/updated", eventId: "stored-2", webhookId: "w", apiVersion: "2026-07", triggeredAt: null, payload: {} }),
    );
    expect(known).toMatchObject({ duplicate: false, storeId: store.id, store: { id: store.id, connection: store.connection, syncActive: store.syncActive } });
    expect(unknown).toMatchObject({ duplicate: false, storeId: null, store: null });
    const rows = await t.db.webhookEvent.findMany({ where: { eventId: { in: ["stored-1", "stored-2"] } }, orderBy: { eventId: "asc" } });
    expect(rows.map((r) => ({ storeId: r.storeId, payload: r.payload, triggeredAt: r.triggeredAt }))).toEqual([
      { storeId: store.id, payload, triggeredAt: now },
      { storeId: null, payload: {}, triggeredAt: null },
    ]);
    // receivedAt is a real time, comparable with dates Prisma writes.
    expect(Math.abs(rows[0]!.receivedAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect(await t.db.webhookEvent.count({ where: { eventId: "stored-1", receivedAt: { gt: new Date(Date.now() - 60_000) } } })).toBe(1);
  });
});
