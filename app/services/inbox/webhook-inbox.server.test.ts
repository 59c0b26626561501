import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordWebhook, type IncomingWebhook } from "./webhook-inbox.server";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db";
import { createStore } from "../../../tests/support/factories";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

const now = new Date("2026-12-04T09:00:00Z");

/** The inbox's key (docs/decisions/027-webhook-delivery.md): a topic and an Event-Id, not the Event-Id alone. */
describe("webhook inbox dedupe key", () => {
  it("stores one change sent under two topics with one Event-Id twice, once per topic", async () => {
    const store = await createStore(t.db);
    const base = { shopDomain: store.shopDomain, apiVersion: "2026-07", triggeredAt: now };
    const edited: IncomingWebhook = { ...base, topic: "orders/edited", eventId: "edit-1", webhookId: "wh-edited", payload: { order_edit: { order_id: 7 } } };
    const updated: IncomingWebhook = { ...base, topic: "orders/updated", eventId: "edit-1", webhookId: "wh-updated", payload: { id: 7 } };

    const first = await t.db.$transaction((tx) => recordWebhook(tx, edited));
    const second = await t.db.$transaction((tx) => recordWebhook(tx, updated));
    expect(first).toMatchObject({ duplicate: false, storeId: store.id });
    expect(second).toMatchObject({ duplicate: false, storeId: store.id });
    const rows = await t.db.webhookEvent.findMany({ where: { eventId: "edit-1" }, select: { topic: true, webhookId: true }, orderBy: { topic: "asc" } });
    expect(rows).toEqual([
      { topic: "orders/edited", webhookId: "wh-edited" },
      { topic: "orders/updated", webhookId: "wh-updated" },
    ]);
  });

  it("still takes a second delivery of the same topic and Event-Id for a duplicate, whatever its webhook id", async () => {
    const store = await createStore(t.db);
    const webhook: IncomingWebhook = { shopDomain: store.shopDomain, topic: "locations/deactivate", eventId: "loc-1", webhookId: "wh-1", apiVersion: "2026-07", triggeredAt: now, payload: { id: 3 } };
    expect(await t.db.$transaction((tx) => recordWebhook(tx, webhook))).toMatchObject({ duplicate: false });
    // Shopify's own duplicates may come with another webhook id; the Event-Id is what repeats.
    expect(await t.db.$transaction((tx) => recordWebhook(tx, { ...webhook, webhookId: "wh-2" }))).toEqual({ duplicate: true });
    expect(await t.db.webhookEvent.count({ where: { eventId: "loc-1" } })).toBe(1);
  });
});
