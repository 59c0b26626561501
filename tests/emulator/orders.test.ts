import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { DEMO_STORE_SEED, ManualClock, RETRY_SCHEDULE_MS, startEmulator, webhookHmac, type Emulator } from "./index";
import { adminGraphql, offlineAccessToken, startWebhookReceiver, TEST_APP, type WebhookReceiver } from "./testing";

const SHOP = "tenon-demo.myshopify.com";
const ALL_TOPICS_TOML = fileURLToPath(new URL("./fixtures/all-topics.app.toml", import.meta.url));
const require = createRequire(import.meta.url);
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// The schemas are derived from Shopify's sample payloads, where every order has an email and a
// tracking URL; Shopify sends "" when there is none, so "" is accepted for these two formats.
ajv.addFormat("email", /^$|^[^\s@]+@[^\s@]+$/);
ajv.addFormat("uri", { validate: (value: string) => value === "" || URL.canParse(value) });
function payloadErrors(topic: string, payload: unknown): string[] {
  const validate = ajv.compile(JSON.parse(readFileSync(require.resolve(`shopify-webhook-schemas/schemas/2026-07/${topic}.json`), "utf8")) as object);
  return validate(payload) ? [] : (validate.errors ?? []).map((e) => `${topic}${e.instancePath} ${e.message ?? ""}`);
}

const ORDER_CREATE = `mutation Create($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order {
      id name poNumber displayFinancialStatus displayFulfillmentStatus taxesIncluded presentmentCurrencyCode updatedAt
      totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
      totalTaxSet { shopMoney { amount } } totalDiscountsSet { shopMoney { amount } } totalShippingPriceSet { shopMoney { amount } }
      lineItems(first: 10) { nodes { sku quantity unfulfilledQuantity variant { id } originalUnitPriceSet { shopMoney { amount } } } }
      fulfillmentOrders(first: 5) { nodes { status assignedLocation { name } lineItems(first: 10) { nodes { remainingQuantity sku } } } }
    }
    userErrors { field message code }
  }
}`;

interface Order {
  id: string;
  name: string;
  poNumber: string | null;
  displayFinancialStatus: string;
  displayFulfillmentStatus: string;
  updatedAt: string;
  totalPriceSet: { shopMoney: { amount: string; currencyCode: string }; presentmentMoney: { amount: string; currencyCode: string } };
  totalTaxSet: { shopMoney: { amount: string } };
  totalDiscountsSet: { shopMoney: { amount: string } };
  totalShippingPriceSet: { shopMoney: { amount: string } };
  lineItems: { nodes: { sku: string | null; quantity: number; unfulfilledQuantity: number }[] };
  fulfillmentOrders: { nodes: { status: string; assignedLocation: { name: string }; lineItems: { nodes: { remainingQuantity: number; sku: string | null }[] } }[] };
}

describe("orders, fulfillment orders and their webhooks", () => {
  let emulator: Emulator;
  let receiver: WebhookReceiver;
  let token: string;
  const clock = new ManualClock("2026-07-01T09:00:00Z");
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const response = await adminGraphql(emulator, SHOP, token, query, variables);
    expect(response.status).toBe(200);
    return response.body as { data?: T; errors?: { message: string }[] };
  };
  const variantBySku = async (sku: string) => {
    const { data } = await gql<{ productVariants: { nodes: { id: string; inventoryItem: { id: string } }[] } }>(
      `query($q: String!) { productVariants(first: 1, query: $q) { nodes { id inventoryItem { id } } } }`,
      { q: `sku:${sku}` },
    );
    const node = data?.productVariants.nodes[0];
    if (!node) throw new Error(`no variant ${sku}`);
    return node;
  };
  const stockAt = async (itemId: string, location: string) => {
    const { data } = await gql<{ inventoryItem: { inventoryLevels: { nodes: { location: { name: string }; quantities: { name: string; quantity: number }[] }[] } } }>(
      `query($id: ID!) { inventoryItem(id: $id) { inventoryLevels(first: 5) { nodes { location { name } quantities(names: ["available", "committed", "on_hand"]) { name quantity } } } } }`,
      { id: itemId },
    );
    const level = data?.inventoryItem.inventoryLevels.nodes.find((n) => n.location.name === location);
    return Object.fromEntries((level?.quantities ?? []).map((q) => [q.name, q.quantity]));
  };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    emulator = await startEmulator({ app: { ...TEST_APP, appUrl: receiver.url, tomlPath: ALL_TOPICS_TOML }, seedFiles: [DEMO_STORE_SEED], clock, webhookTimeoutMs: 300 });
    token = await offlineAccessToken(emulator, SHOP);
  });
  afterAll(async () => {
    await emulator.stop();
    await receiver.close();
  });
  beforeEach(async () => {
    await emulator.webhooksIdle();
    emulator.setWebhookFaults({});
    receiver.received.length = 0;
    receiver.status = 200;
    receiver.delayMs = 0;
  });

  it("creates a paid order with discount, shipping, tax-inclusive prices, a PO number, presentment currency and a custom item, claiming stock", async () => {
    const stool = await variantBySku("OAK-STOOL-45");
    const before = await stockAt(stool.inventoryItem.id, "Workshop");
    const { data, errors } = await gql<{ orderCreate: { order: Order; userErrors: unknown[] } }>(ORDER_CREATE, {
      options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
      order: {
        email: "buyer@example.com",
        poNumber: "PO-4711",
        financialStatus: "PAID",
        taxesIncluded: true, // orderCreate's schema default is false, whatever the shop's setting
        presentmentCurrency: "USD",
        lineItems: [
          { variantId: stool.id, quantity: 2, taxLines: [{ title: "MwSt", rate: 0.19 }] },
          { title: "Engraving", quantity: 1, priceSet: { shopMoney: { amount: "10.00", currencyCode: "EUR" } }, requiresShipping: false },
        ],
        shippingLines: [{ title: "DHL", priceSet: { shopMoney: { amount: "5.90", currencyCode: "EUR" } } }],
        discountCode: { itemPercentageDiscountCode: { code: "TEN", percentage: 10 } },
      },
    });
    expect(errors).toBeUndefined();
    expect(data?.orderCreate.userErrors).toEqual([]);
    const order = data?.orderCreate.order as Order;
    expect(order).toMatchObject({ name: "#1001", poNumber: "PO-4711", displayFinancialStatus: "PAID", displayFulfillmentStatus: "UNFULFILLED" });
    expect(order.lineItems.nodes.map((l) => [l.sku, l.quantity, l.unfulfilledQuantity])).toEqual([["OAK-STOOL-45", 2, 2], [null, 1, 1]]);
    // Stool price × 2 + 10 − 10 % + shipping; taxes are included in the prices.
    const unit = Number((await gql<{ productVariant: { price: string } }>(`query($id: ID!) { productVariant(id: $id) { price } }`, { id: stool.id })).data?.productVariant.price);
    const lines = unit * 2 + 10;
    expect(Number(order.totalDiscountsSet.shopMoney.amount)).toBeCloseTo(lines * 0.1, 2);
    expect(Number(order.totalPriceSet.shopMoney.amount)).toBeCloseTo(lines * 0.9 + 5.9, 2);
    expect(Number(order.totalTaxSet.shopMoney.amount)).toBeCloseTo(unit * 2 - (unit * 2) / 1.19, 2);
    expect(order.totalPriceSet.presentmentMoney.currencyCode).toBe("USD");
    expect(order.fulfillmentOrders.nodes[0]).toMatchObject({ status: "OPEN", assignedLocation: { name: "Workshop" } });

    // Selling moved units from available to committed at the fulfillment order's location.
    expect(await stockAt(stool.inventoryItem.id, "Workshop")).toEqual({ ...before, available: (before.available ?? 0) - 2, committed: (before.committed ?? 0) + 2 });

    await emulator.webhooksIdle();
    const topics = receiver.received.map((w) => w.headers["x-shopify-topic"]);
    expect(topics).toContain("orders/create");
    expect(topics).toContain("inventory_levels/update");
  });

  it("refuses an order DECREMENT_OBEYING_POLICY cannot claim, and unknown variants, without creating anything", async () => {
    const bench = await variantBySku("OAK-BENCH-160");
    const before = emulator.shop(SHOP).orders.length;
    const { data } = await gql<{ orderCreate: { order: Order | null; userErrors: { code: string }[] } }>(ORDER_CREATE, {
      options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY" },
      order: { lineItems: [{ variantId: bench.id, quantity: 50 }, { variantId: "gid://shopify/ProductVariant/1", quantity: 1 }] },
    });
    expect(data?.orderCreate.order).toBeNull();
    expect(data?.orderCreate.userErrors.map((e) => e.code).sort()).toEqual(["INVALID", "INVENTORY_CLAIM_FAILED"]);
    expect(emulator.shop(SHOP).orders.length).toBe(before);
  });

  it("lists orders by search query and updated_at with cursor pagination", async () => {
    const board = await variantBySku("WAL-BOARD-S");
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      await clock.advance(60_000);
      const { data } = await gql<{ orderCreate: { order: Order } }>(ORDER_CREATE, { order: { lineItems: [{ variantId: board.id, quantity: 1 }], tags: ["batch"] } });
      created.push(data?.orderCreate.order.name ?? "");
    }
    const since = new Date(clock.now().getTime() - 90_000).toISOString();
    const PAGE = `query($q: String, $after: String) { orders(first: 1, after: $after, query: $q, sortKey: UPDATED_AT) { nodes { name } pageInfo { hasNextPage endCursor } } }`;
    const names: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { data?: { orders: { nodes: { name: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } = await gql(PAGE, { q: `updated_at:>'${since}' tag:batch`, after });
      names.push(...(page.data?.orders.nodes.map((n) => n.name) ?? []));
      if (!page.data?.orders.pageInfo.hasNextPage) break;
      after = page.data.orders.pageInfo.endCursor;
    }
    expect(names).toEqual(created.slice(1));
    const bySku = await gql<{ orders: { nodes: { name: string }[] } }>(`{ orders(first: 10, query: "sku:WAL-BOARD-S") { nodes { name } } }`);
    expect(bySku.data?.orders.nodes.map((n) => n.name)).toEqual(created);
  });

  it("cancels with restock (committed back to available), closes orders, and records a POS sale as fulfilled at its location", async () => {
    const stool = await variantBySku("OAK-STOOL-60");
    const before = await stockAt(stool.inventoryItem.id, "Workshop");
    const created = await gql<{ orderCreate: { order: Order } }>(ORDER_CREATE, {
      options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" },
      order: { lineItems: [{ variantId: stool.id, quantity: 1 }] },
    });
    const id = created.data?.orderCreate.order.id;
    expect((await stockAt(stool.inventoryItem.id, "Workshop")).available).toBe((before.available ?? 0) - 1);
    const cancel = await gql<{ orderCancel: { job: { id: string; done: boolean }; orderCancelUserErrors: unknown[] } }>(
      `mutation($id: ID!) { orderCancel(orderId: $id, reason: CUSTOMER, restock: true, refund: false) { job { id done } orderCancelUserErrors { code message } } }`,
      { id },
    );
    expect(cancel.data?.orderCancel.orderCancelUserErrors).toEqual([]);
    // Asynchronous: the answer's job is not done and the order is not cancelled until it runs.
    const job = cancel.data!.orderCancel.job;
    expect(job.done).toBe(false);
    const JOB = `query($id: ID!, $order: ID!) { job(id: $id) { done query { order(id: $order) { cancelledAt } } } }`;
    expect((await gql<{ job: { done: boolean; query: unknown } }>(JOB, { id: job.id, order: id })).data?.job).toEqual({ done: false, query: null });
    expect((await stockAt(stool.inventoryItem.id, "Workshop")).available).toBe((before.available ?? 0) - 1);
    await emulator.advanceClock(emulator.jobTiming.orderCancel);
    expect((await gql<{ job: { done: boolean; query: { order: { cancelledAt: string | null } } } }>(JOB, { id: job.id, order: id })).data?.job).toEqual({
      done: true,
      query: { order: { cancelledAt: expect.any(String) } },
    });
    expect(await stockAt(stool.inventoryItem.id, "Workshop")).toEqual(before);
    const again = await gql<{ orderCancel: { orderCancelUserErrors: { code: string }[] } }>(
      `mutation($id: ID!) { orderCancel(orderId: $id, reason: CUSTOMER, restock: true) { orderCancelUserErrors { code } } }`,
      { id },
    );
    expect(again.data?.orderCancel.orderCancelUserErrors[0]?.code).toBe("INVALID");

    const stall = (await gql<{ locations: { nodes: { id: string; name: string }[] } }>(`{ locations(first: 5) { nodes { id name } } }`)).data?.locations.nodes.find((l) => l.name === "Market Stall");
    const stallBefore = await stockAt(stool.inventoryItem.id, "Market Stall");
    const pos = await gql<{ orderCreate: { order: Order & { closed: boolean } } }>(ORDER_CREATE.replace("displayFulfillmentStatus", "displayFulfillmentStatus closed"), {
      order: { sourceName: "pos", financialStatus: "PAID", fulfillment: { locationId: stall?.id }, lineItems: [{ variantId: stool.id, quantity: 1 }] },
    });
    // Fulfilled and paid: archived at once by the store's "Automatically archive the order" setting.
    expect(pos.data?.orderCreate.order).toMatchObject({ displayFulfillmentStatus: "FULFILLED", closed: true });
    const shop = emulator.shop(SHOP);
    shop.autoArchiveOrders = false;
    const kept = await gql<{ orderCreate: { order: Order & { closed: boolean } } }>(ORDER_CREATE.replace("displayFulfillmentStatus", "displayFulfillmentStatus closed"), {
      order: { sourceName: "pos", financialStatus: "PAID", fulfillment: { locationId: stall?.id }, lineItems: [{ variantId: stool.id, quantity: 1 }] },
    });
    shop.autoArchiveOrders = true;
    expect(kept.data?.orderCreate.order).toMatchObject({ displayFulfillmentStatus: "FULFILLED", closed: false });
    expect(await stockAt(stool.inventoryItem.id, "Market Stall")).toEqual({ ...stallBefore, available: (stallBefore.available ?? 0) - 2, on_hand: (stallBefore.on_hand ?? 0) - 2 });
    const closed = await gql<{ orderClose: { order: { closed: boolean; closedAt: string } } }>(
      `mutation($id: ID!) { orderClose(input: { id: $id }) { order { closed closedAt } userErrors { message } } }`,
      { id: kept.data?.orderCreate.order.id },
    );
    expect(closed.data?.orderClose.order.closed).toBe(true);

    await emulator.webhooksIdle();
    const topics = new Set(receiver.received.map((w) => w.headers["x-shopify-topic"]));
    expect([...topics].sort()).toEqual(["fulfillments/create", "inventory_levels/update", "orders/cancelled", "orders/create", "orders/updated"]);
  });

  it("sends payloads that validate against shopify-webhook-schemas 2026-07 for every topic it emitted", async () => {
    const stool = await variantBySku("OAK-STOOL-75");
    const created = await gql<{ orderCreate: { order: Order } }>(ORDER_CREATE, {
      options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" },
      order: { email: "a@example.com", financialStatus: "PENDING", lineItems: [{ variantId: stool.id, quantity: 1, taxLines: [{ title: "VAT", rate: 0.19 }] }], shippingAddress: { address1: "Hauptstr. 1", city: "Leipzig", countryCode: "DE", zip: "04109", firstName: "Ada", lastName: "L" } },
    });
    await gql(`mutation($id: ID!) { orderCancel(orderId: $id, reason: OTHER, restock: false) { orderCancelUserErrors { code } } }`, { id: created.data?.orderCreate.order.id });
    await emulator.advanceClock(emulator.jobTiming.orderCancel);
    await emulator.webhooksIdle();
    const errors = emulator.deliveries.flatMap((d) => payloadErrors(d.topic, JSON.parse(d.body)));
    expect(errors).toEqual([]);
    const topics = new Set(emulator.deliveries.map((d) => d.topic));
    for (const topic of ["orders/create", "orders/updated", "orders/cancelled", "fulfillments/create", "inventory_levels/update"]) expect(topics).toContain(topic);
  });

  it("delivers every webhook at least once, some twice, out of order and signed, with duplicate + reorder on", async () => {
    emulator.setWebhookFaults({ duplicate: 0.5, reorderWindowMs: 10_000, seed: 3 });
    const oil = await variantBySku("OIL-HW-250");
    const before = emulator.webhookEvents.length;
    for (let i = 0; i < 8; i++) await gql(ORDER_CREATE, { order: { lineItems: [{ variantId: oil.id, quantity: 1 }], note: `n${i}` } });
    const events = emulator.webhookEvents.slice(before);
    expect(receiver.received).toHaveLength(0); // held back by the reorder window
    await emulator.advanceClock(10_000);
    const ids = receiver.received.map((w) => String(w.headers["x-shopify-event-id"]));
    for (const event of events) expect(ids).toContain(event.eventId);
    expect(ids.length).toBeGreaterThan(new Set(ids).size); // some twice
    const notes = receiver.received.filter((w) => w.headers["x-shopify-topic"] === "orders/create").map((w) => (JSON.parse(w.body) as { note: string }).note);
    const firstSeen = [...new Set(notes)];
    expect(firstSeen).not.toEqual([...firstSeen].sort()); // out of order
    for (const w of receiver.received) expect(w.headers["x-shopify-hmac-sha256"]).toBe(webhookHmac(TEST_APP.apiSecret, w.body));
  });

  it("retries a failing endpoint 8 times over about 4 hours of the emulator's clock, and can drop events", async () => {
    receiver.status = 500;
    const oil = await variantBySku("OIL-HW-750");
    await gql(ORDER_CREATE, { order: { lineItems: [{ variantId: oil.id, quantity: 1 }] } });
    await emulator.webhooksIdle();
    const event = emulator.webhookEvents.find((e) => e.topic === "orders/create" && e.attempts === 1 && e.state === "retrying");
    expect(event).toBeDefined();
    const start = clock.now().getTime();
    await emulator.advanceClock(RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0));
    const attempts = emulator.deliveries.filter((d) => d.eventId === event?.eventId);
    expect(attempts.map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const offsets = attempts.slice(1).map((d) => Date.parse(d.at) - start);
    expect(offsets.at(-1)).toBeGreaterThan(3.5 * 3600_000);
    expect(event?.state).toBe("failed");
    expect(new Set(attempts.map((d) => d.webhookId)).size).toBe(1);

    // Four hours on, the app's expiring offline token (60 minutes) has run out: a new one.
    expect((await adminGraphql(emulator, SHOP, token, "{ shop { name } }")).status).toBe(401);
    token = await offlineAccessToken(emulator, SHOP);
    receiver.status = 200;
    emulator.setWebhookFaults({ drop: 1 });
    await gql(ORDER_CREATE, { order: { lineItems: [{ variantId: oil.id, quantity: 1 }] } });
    await emulator.advanceClock(60_000);
    expect(receiver.received.filter((w) => w.headers["x-shopify-topic"] === "orders/create" && Date.parse(String(w.headers["x-shopify-triggered-at"])) >= clock.now().getTime() - 60_000)).toHaveLength(0);
    expect(emulator.webhookEvents.at(-1)?.state).toBe("dropped");
  });
});
