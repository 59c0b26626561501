/**
 * Webhook conformance (issue 4): one merchant scenario, driven only through the Admin GraphQL
 * mutations (EmulatorClient) and the script API, makes the emulator emit every topic Tenon
 * subscribes to (shared/docs/shopify.md, "Topics Tenon needs") plus the compliance topics. Every
 * delivery the app receives must validate against npm `shopify-webhook-schemas` for the pinned
 * version, verify with the app secret and carry Shopify's headers.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmulatorClient, EmulatorClientError, EmulatorScriptApi } from "./client";
import { ADMIN_API_VERSION, DEMO_STORE_SEED, ManualClock, startEmulator, type Emulator } from "./index";
import { startWebhookReceiver, TEST_APP, type WebhookReceiver } from "./testing";
import { payloadErrors } from "./webhook-schemas";

const SHOP = "tenon-demo.myshopify.com";
const ALL_TOPICS_TOML = fileURLToPath(new URL("./fixtures/all-topics.app.toml", import.meta.url));

/** The topics Tenon subscribes to (shared/docs/shopify.md), then the mandatory compliance topics. */
const TENON_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/edited",
  "orders/delete",
  "fulfillments/create",
  "fulfillments/update",
  "fulfillment_orders/moved",
  "returns/request",
  "returns/approve",
  "returns/close",
  "refunds/create",
  "locations/create",
  "locations/update",
  "locations/delete",
  "locations/activate",
  "locations/deactivate",
  "products/update",
  "app/uninstalled",
  "bulk_operations/finish",
] as const;
const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface OrderView {
  id: string;
  transactions: { id: string }[];
  lineItems: { nodes: { id: string; sku: string | null; currentQuantity: number }[] };
  fulfillmentOrders: { nodes: { id: string; status: string; lineItems: { nodes: { id: string; remainingQuantity: number }[] } }[] };
}
const ORDER = `query($id: ID!) { order(id: $id) {
  id transactions { id }
  lineItems(first: 10) { nodes { id sku currentQuantity } }
  fulfillmentOrders(first: 10) { nodes { id status lineItems(first: 10) { nodes { id remainingQuantity } } } }
} }`;

describe("webhook conformance: every topic Tenon needs, valid against shopify-webhook-schemas", () => {
  let emulator: Emulator;
  let receiver: WebhookReceiver;
  let shopify: EmulatorClient;
  let script: EmulatorScriptApi;
  const clock = new ManualClock("2026-07-01T09:00:00Z");

  /** A mutation through the client's GraphQL call; throws on userErrors (any `…UserErrors` key). */
  const mutate = async <T>(field: string, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const data = await shopify.graphql<Record<string, Record<string, unknown>>>(query, variables);
    const payload = data[field];
    if (!payload) throw new EmulatorClientError(`${field} returned nothing`);
    const errors = Object.entries(payload)
      .filter(([key]) => key === "userErrors" || key.endsWith("UserErrors"))
      .flatMap(([, value]) => (Array.isArray(value) ? value : []));
    expect(errors, field).toEqual([]);
    return payload as T;
  };
  const order = async (id: string) => (await shopify.graphql<{ order: OrderView }>(ORDER, { id })).order;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    emulator = await startEmulator({
      app: { ...TEST_APP, appUrl: receiver.url, tomlPath: ALL_TOPICS_TOML },
      seedFiles: [DEMO_STORE_SEED],
      clock,
      webhookTimeoutMs: 1_000,
    });
    shopify = await EmulatorClient.connect({ url: emulator.url, shop: SHOP });
    script = new EmulatorScriptApi(emulator.url);
  });
  afterAll(async () => {
    await emulator.stop();
    await receiver.close();
  });

  it("emits every topic from merchant actions (mutations) and the script API", async () => {
    const currency = (await shopify.graphql<{ shop: { currencyCode: string } }>(`{ shop { currencyCode } }`)).shop.currencyCode;
    const workshop = await shopify.location("Workshop");

    // orders/create
    const created = await shopify.createOrder({ lines: [{ sku: "OAK-STOOL-45", quantity: 3 }, { sku: "WAL-BOARD-M", quantity: 1 }], inventoryBehaviour: "DECREMENT_IGNORING_POLICY", email: "ada@example.com" });
    let view = await order(created.id);
    const stoolLine = view.lineItems.nodes.find((l) => l.sku === "OAK-STOOL-45")!.id;
    const boardLine = view.lineItems.nodes.find((l) => l.sku === "WAL-BOARD-M")!.id;

    // orders/edited + orders/updated: one stool fewer, restocked.
    const begin = await mutate<{ calculatedOrder: { id: string; lineItems: { nodes: { id: string }[] } } }>(
      "orderEditBegin",
      `mutation($id: ID!) { orderEditBegin(id: $id) { calculatedOrder { id lineItems(first: 10) { nodes { id } } } userErrors { field message } } }`,
      { id: created.id },
    );
    const calculatedStool = stoolLine.replace("LineItem", "CalculatedLineItem");
    await mutate("orderEditSetQuantity", `mutation($id: ID!, $line: ID!) { orderEditSetQuantity(id: $id, lineItemId: $line, quantity: 2, restock: true) { calculatedLineItem { quantity } userErrors { field message } } }`, {
      id: begin.calculatedOrder.id,
      line: calculatedStool,
    });
    await mutate("orderEditCommit", `mutation($id: ID!) { orderEditCommit(id: $id, staffNote: "one stool fewer") { order { id } userErrors { field message } } }`, { id: begin.calculatedOrder.id });

    // refunds/create (refundCreate): the board is refunded before it ships, restocked.
    view = await order(created.id);
    await mutate(
      "refundCreate",
      `mutation($input: RefundInput!, $key: String!) { refundCreate(input: $input) @idempotent(key: $key) { refund { id } userErrors { field message } } }`,
      {
        key: "conformance-refund-1",
        input: {
          orderId: created.id,
          note: "board out of stock",
          refundLineItems: [{ lineItemId: boardLine, quantity: 1, restockType: "CANCEL" }],
          transactions: [{ orderId: created.id, amount: "5.00", gateway: "manual", kind: "REFUND", parentId: view.transactions[0]?.id }],
        },
      },
    );

    // fulfillments/create with tracking, then fulfillments/update (cancelled), then the whole order shipped.
    view = await order(created.id);
    const fo = view.fulfillmentOrders.nodes.find((f) => f.status === "OPEN")!;
    const partial = await mutate<{ fulfillment: { id: string } }>(
      "fulfillmentCreate",
      `mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { id } userErrors { field message } } }`,
      {
        f: {
          lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: fo.lineItems.nodes.find((l) => l.remainingQuantity > 0)!.id, quantity: 1 }] }],
          trackingInfo: { company: "DHL", number: "00340434", url: "https://www.dhl.de/track?n=00340434" },
        },
      },
    );
    await mutate("fulfillmentCancel", `mutation($id: ID!) { fulfillmentCancel(id: $id) { fulfillment { id } userErrors { field message } } }`, { id: partial.fulfillment.id });
    const [shipment] = await shopify.fulfillOrder(created.id, { number: "00340435", company: "DHL", url: "https://www.dhl.de/track?n=00340435" });
    const lines = await shopify.graphql<{ node: { fulfillmentLineItems: { nodes: { id: string; quantity: number }[] } } }>(
      `query($id: ID!) { node(id: $id) { ... on Fulfillment { fulfillmentLineItems(first: 10) { nodes { id quantity } } } } }`,
      { id: shipment },
    );
    const fulfilledStool = lines.node.fulfillmentLineItems.nodes[0]!.id;

    // returns/request → returns/approve → refunds/create (returnProcess) → returns/close.
    const requested = await mutate<{ return: { id: string } }>(
      "returnRequest",
      `mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { return { id } userErrors { code field message } } }`,
      { input: { orderId: created.id, returnLineItems: [{ fulfillmentLineItemId: fulfilledStool, quantity: 1, customerNote: "wobbles" }] } },
    );
    const approved = await mutate<{ return: { returnLineItems: { nodes: { id: string }[] }; reverseFulfillmentOrders: { nodes: { lineItems: { nodes: { id: string }[] } }[] } } }>(
      "returnApproveRequest",
      `mutation($id: ID!) { returnApproveRequest(input: { id: $id }) { return { returnLineItems(first: 5) { nodes { id } } reverseFulfillmentOrders(first: 1) { nodes { lineItems(first: 5) { nodes { id } } } } } userErrors { code field message } } }`,
      { id: requested.return.id },
    );
    await mutate("returnProcess", `mutation($input: ReturnProcessInput!) { returnProcess(input: $input) { return { id } userErrors { code field message } } }`, {
      input: {
        returnId: requested.return.id,
        returnLineItems: [
          {
            id: approved.return.returnLineItems.nodes[0]!.id,
            quantity: 1,
            dispositions: [{ reverseFulfillmentOrderLineItemId: approved.return.reverseFulfillmentOrders.nodes[0]!.lineItems.nodes[0]!.id, quantity: 1, dispositionType: "RESTOCKED", locationId: workshop.id }],
          },
        ],
        financialTransfer: { issueRefund: { orderTransactions: [{ parentId: view.transactions[0]?.id, transactionAmount: { amount: "10.00", currencyCode: currency } }] } },
      },
    });
    await mutate("returnClose", `mutation($id: ID!) { returnClose(id: $id) { return { id } userErrors { code field message } } }`, { id: requested.return.id });

    // orders/cancelled, then orders/delete.
    const second = await shopify.createOrder({ lines: [{ sku: "WAX-BEE-200", quantity: 1 }], inventoryBehaviour: "DECREMENT_IGNORING_POLICY" });
    await shopify.cancelOrder(second.id, { restock: true, reason: "CUSTOMER", wait: async () => {
        await script.advanceClock(emulator.jobTiming.orderCancel);
      },
    });
    await mutate("orderDelete", `mutation($id: ID!) { orderDelete(orderId: $id) { deletedId userErrors { code field message } } }`, { id: second.id });

    // fulfillment_orders/moved: one unit of a third order goes to the warehouse (a split).
    const third = await shopify.createOrder({ lines: [{ sku: "OIL-HW-250", quantity: 2 }], inventoryBehaviour: "DECREMENT_IGNORING_POLICY" });
    const thirdFo = (await order(third.id)).fulfillmentOrders.nodes[0]!;
    const leipzig = await shopify.location("Warehouse Leipzig");
    const moved = await mutate<{ movedFulfillmentOrder: { id: string } }>(
      "fulfillmentOrderMove",
      `mutation($id: ID!, $to: ID!, $items: [FulfillmentOrderLineItemInput!]) { fulfillmentOrderMove(id: $id, newLocationId: $to, fulfillmentOrderLineItems: $items) { movedFulfillmentOrder { id } userErrors { code field message } } }`,
      { id: thirdFo.id, to: leipzig.id, items: [{ id: thirdFo.lineItems.nodes[0]!.id, quantity: 1 }] },
    );
    expect(moved.movedFulfillmentOrder.id).not.toBe(thirdFo.id);

    // locations/create, locations/update (edit), locations/deactivate, locations/activate, locations/delete.
    const popUp = await shopify.addLocation({ name: "Pop-up Dresden", address: { countryCode: "DE", address1: "Prager Str. 1", city: "Dresden", zip: "01069" }, fulfillsOnlineOrders: false });
    await mutate("locationEdit", `mutation($id: ID!) { locationEdit(id: $id, input: { name: "Pop-up Leipzig", address: { city: "Leipzig", zip: "04109" } }) { location { id } userErrors { code field message } } }`, { id: popUp.id });
    await shopify.deactivateLocation(popUp.id);
    await mutate("locationActivate", `mutation($id: ID!, $key: String!) { locationActivate(locationId: $id) @idempotent(key: $key) { location { isActive } locationActivateUserErrors { code field message } } }`, {
      id: popUp.id,
      key: "conformance-activate-1",
    });
    await shopify.deactivateLocation(popUp.id);
    await mutate("locationDelete", `mutation($id: ID!) { locationDelete(locationId: $id) { deletedLocationId locationDeleteUserErrors { code field message } } }`, { id: popUp.id });

    // products/create, then products/update (productSet by handle).
    const boxVariants = (price: string) => [
      { optionValues: [{ optionName: "Size", name: "S" }], sku: "CONF-BOX-S", price, inventoryQuantities: [{ locationId: workshop.id, name: "available", quantity: 4 }] },
      { optionValues: [{ optionName: "Size", name: "M" }], sku: "CONF-BOX-M", price },
    ];
    const productOptions = [{ name: "Size", values: [{ name: "S" }, { name: "M" }] }];
    await shopify.productSet({ title: "Conformance Box", productOptions, variants: boxVariants("20.00") });
    await shopify.productSet({ title: "Conformance Box (oiled)", productOptions, variants: boxVariants("22.00") }, { handle: "conformance-box" });

    // bulk_operations/finish: the operation completes on the emulator's (manual) clock.
    const bulk = await shopify.runBulkQuery(`{ products { edges { node { id title variants { edges { node { id sku } } } } } } }`);
    await script.advanceClock(emulator.bulkTiming.completeAfterMs);
    expect((await shopify.bulkOperation(bulk.id)).status).toBe("COMPLETED");

    // app/uninstalled, then the compliance topics (sent whether or not the app is installed).
    await emulator.webhooksIdle();
    await script.post(`/_emulator/shops/${SHOP}/uninstall`, {});
    for (const topic of COMPLIANCE_TOPICS) await script.post(`/_emulator/shops/${SHOP}/webhooks/${topic}`, {});
    await emulator.webhooksIdle();
  });

  it("delivered every topic Tenon needs and every compliance topic, each delivery answered 200", () => {
    const delivered = new Set(receiver.received.map((w) => w.headers["x-shopify-topic"]));
    for (const topic of [...TENON_TOPICS, ...COMPLIANCE_TOPICS]) expect(delivered, topic).toContain(topic);
    expect(receiver.received).toHaveLength(emulator.deliveries.length);
    expect(emulator.deliveries.filter((d) => !d.ok)).toEqual([]);
  });

  it("sent only payloads that validate against shopify-webhook-schemas for the pinned version", () => {
    expect(ADMIN_API_VERSION).toBe("2026-07");
    const errors = receiver.received.flatMap((w) => payloadErrors(String(w.headers["x-shopify-topic"]), JSON.parse(w.body)));
    expect(errors).toEqual([]);
  });

  it("signed every delivery with the app secret and sent Shopify's headers", () => {
    expect(receiver.received.length).toBeGreaterThan(0);
    for (const webhook of receiver.received) {
      const topic = String(webhook.headers["x-shopify-topic"]);
      const expected = createHmac("sha256", TEST_APP.apiSecret).update(Buffer.from(webhook.body, "utf8")).digest();
      const signature = Buffer.from(String(webhook.headers["x-shopify-hmac-sha256"] ?? ""), "base64");
      expect(signature.length === expected.length && timingSafeEqual(signature, expected), `HMAC of ${topic}`).toBe(true);
      expect(webhook.headers, topic).toMatchObject({
        "content-type": "application/json",
        "x-shopify-topic": expect.stringMatching(/^[a-z_]+\/[a-z_]+$/),
        "x-shopify-shop-domain": SHOP,
        "x-shopify-api-version": ADMIN_API_VERSION,
        "x-shopify-webhook-id": expect.stringMatching(UUID),
        "x-shopify-event-id": expect.stringMatching(UUID),
        "x-shopify-triggered-at": expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      });
      expect(Number.isNaN(Date.parse(String(webhook.headers["x-shopify-triggered-at"]))), topic).toBe(false);
    }
    // Compliance topics go to the compliance subscription, the others to the app-specific one.
    const compliance = receiver.received.filter((w) => (COMPLIANCE_TOPICS as readonly string[]).includes(String(w.headers["x-shopify-topic"])));
    expect(new Set(compliance.map((w) => w.path))).toEqual(new Set(["/webhooks/compliance"]));
    // A retry or a duplicate keeps its webhook id; distinct events, or one event's topics, never share one.
    const idsByEvent = new Map<string, Set<string>>();
    const topicsByEvent = new Map<string, Set<string>>();
    for (const w of receiver.received) {
      const key = `${String(w.headers["x-shopify-topic"])} ${String(w.headers["x-shopify-event-id"])}`;
      idsByEvent.set(key, (idsByEvent.get(key) ?? new Set()).add(String(w.headers["x-shopify-webhook-id"])));
      const eventId = String(w.headers["x-shopify-event-id"]);
      topicsByEvent.set(eventId, (topicsByEvent.get(eventId) ?? new Set()).add(String(w.headers["x-shopify-topic"])));
    }
    expect([...idsByEvent.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(new Set([...idsByEvent.values()].flatMap((ids) => [...ids])).size).toBe(idsByEvent.size);
    // One change sent under several topics carries one Event-Id (ADR 027).
    const shared = [...topicsByEvent.values()].filter((topics) => topics.size > 1).map((topics) => [...topics].sort().join(" + "));
    expect(shared).toEqual(expect.arrayContaining(["orders/edited + orders/updated", "orders/updated + refunds/create", "orders/cancelled + orders/updated", "locations/deactivate + locations/update", "locations/activate + locations/update"]));
  });

  it("delivered at least once and out of order by default: some deliveries twice, some events after later ones", () => {
    const duplicates = emulator.deliveries.filter((d) => d.duplicate);
    expect(duplicates.length).toBeGreaterThan(0);
    // Each duplicate repeats a delivery's webhook id, Event-Id and body.
    for (const d of duplicates) expect(emulator.deliveries.some((o) => !o.duplicate && o.webhookId === d.webhookId && o.body === d.body && o.eventId === d.eventId)).toBe(true);
    // Arrival order differs from the order the events happened in (the emulator's record of them).
    const happened = emulator.webhookEvents.filter((e) => e.state === "delivered").map((e) => e.webhookId);
    const arrived = [...new Set(receiver.received.map((w) => String(w.headers["x-shopify-webhook-id"])))].filter((id) => happened.includes(id));
    expect(arrived).not.toEqual(happened);
  });

  it("sent payload timestamps in the shop's time zone with its UTC offset (Europe/Berlin in July: +02:00)", () => {
    const created = receiver.received.find((w) => w.headers["x-shopify-topic"] === "orders/create")!;
    const payload = JSON.parse(created.body) as { created_at: string; updated_at: string; processed_at: string };
    expect(payload.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+02:00$/);
    expect(new Date(payload.created_at).toISOString()).toBe("2026-07-01T09:00:00.000Z");
    expect(payload.created_at).toBe("2026-07-01T11:00:00+02:00");
    const level = receiver.received.find((w) => w.headers["x-shopify-topic"] === "locations/create")!;
    expect((JSON.parse(level.body) as { updated_at: string }).updated_at).toMatch(/\+02:00$/);
  });
});
