import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as documents from "~/shopify/documents";
import { allDocuments } from "~/shopify/documents";
import { loadAppConfig } from "../emulator/app-config";
import { EmulatorClient } from "../emulator/client";
import { topicAllowed } from "../emulator/graphql/access";
import { DEFAULT_TOML_PATH, DEMO_STORE_SEED, ManualClock, PROTECTED_CUSTOMER_DATA, startEmulator, type Emulator } from "../emulator/index";
import { adminGraphql, offlineAccessToken, startWebhookReceiver, TEST_APP, type WebhookReceiver } from "../emulator/testing";

/**
 * Tenon asks for exactly the access scopes it uses (shopify.app.toml, docs/decisions/024): every
 * document it sends works with those scopes, and each scope taken away makes some document fail
 * as Shopify fails it — ACCESS_DENIED, or for read_all_orders an order older than 60 days that is
 * not there. The local Shopify derives what each field needs from the schema's `requiredAccess`.
 */
const SHOP = "tenon-demo";
const TOML = loadAppConfig({ ...TEST_APP, appUrl: "http://127.0.0.1" }, DEFAULT_TOML_PATH);
const TOML_SCOPES = TOML.scopes;
const TOML_TOPICS = [...new Set(TOML.subscriptions.filter((s) => !s.compliance).map((s) => s.topic))];
const DAY = 24 * 3600_000;

let receiver: WebhookReceiver;
let emulator: Emulator;
let shopify: EmulatorClient;

interface Fixture {
  orderId: string;
  openFulfillmentOrderId: string;
  returnId: string;
  oldOrderId: string;
  oldOrderCreated: string;
  customerIds: string[];
  locationId: string;
  inventoryItemId: string;
  bulkOperationId: string;
}
let fixture: Fixture;

/** What Tenon sends, by document name, with variables for the fixture's records. */
function requests(f: Fixture): Record<keyof typeof allDocuments, Record<string, unknown>> {
  return {
    SHOP_AND_LOCATIONS_QUERY: {},
    APP_UNINSTALL_MUTATION: {},
    BULK_PRODUCTS_QUERY: {},
    BULK_INVENTORY_LEVELS_QUERY: {},
    BULK_OPERATION_RUN_QUERY_MUTATION: { query: documents.BULK_PRODUCTS_QUERY },
    BULK_OPERATION_STATUS_QUERY: { id: f.bulkOperationId },
    SHOP_TAXES_QUERY: {},
    CUSTOMERS_PAGE_QUERY: {},
    CUSTOMERS_COUNT_QUERY: {},
    CUSTOMER_DETAILS_QUERY: { ids: f.customerIds },
    LOCATION_AVAILABLE_QUERY: { locationId: f.locationId },
    ORDER_QUERY: { id: f.orderId },
    ORDER_NAME_QUERY: { id: f.orderId },
    ORDER_LINE_ITEMS_PAGE_QUERY: { id: f.orderId, after: null },
    ORDER_SHIPPING_LINES_PAGE_QUERY: { id: f.orderId, after: null },
    ORDER_FULFILLMENT_ORDERS_PAGE_QUERY: { id: f.orderId, after: null },
    FULFILLMENT_ORDER_LINE_ITEMS_PAGE_QUERY: { id: f.openFulfillmentOrderId, after: null },
    FULFILLMENT_ORDER_ORDER_QUERY: { id: f.openFulfillmentOrderId },
    ORDERS_UPDATED_SINCE_QUERY: { query: `updated_at:>='${new Date(emulator.now().getTime() - DAY).toISOString()}'` },
    ORDERS_CREATED_BETWEEN_QUERY: { query: `created_at:>='${new Date(emulator.now().getTime() - DAY).toISOString()}'` },
    ORDER_FULFILLMENTS_QUERY: { id: f.orderId },
    ORDER_FULFILLMENT_ORDERS_QUERY: { id: f.orderId },
    FULFILLMENT_CREATE_MUTATION: { fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: f.openFulfillmentOrderId }], notifyCustomer: false } },
    ORDER_RETURNS_QUERY: { id: f.orderId },
    RETURN_CLOSE_MUTATION: { id: f.returnId },
    STOCK_SET_QUANTITIES_MUTATION: {
      input: {
        name: "available",
        reason: "correction",
        referenceDocumentUri: "tenon://access-scopes-test",
        quantities: [{ inventoryItemId: f.inventoryItemId, locationId: f.locationId, quantity: 7, changeFromQuantity: null }],
      },
      idempotencyKey: randomUUID(),
    },
    STOCK_AVAILABLE_AT_LOCATION_QUERY: { ids: [f.inventoryItemId], locationId: f.locationId },
  };
}

type Outcome = "works" | "denied" | "failed";

interface Answer {
  outcome: Outcome;
  detail: string;
}

const BULK_DOCUMENTS = new Set<string>(["BULK_PRODUCTS_QUERY", "BULK_INVENTORY_LEVELS_QUERY"]);

/** Sends one document as Tenon does (a bulk query through bulkOperationRunQuery, polled to its end). */
async function send(token: string, name: string, document: string, variables: Record<string, unknown>): Promise<Answer> {
  if (BULK_DOCUMENTS.has(name)) {
    const run = await send(token, "BULK_OPERATION_RUN_QUERY_MUTATION", documents.BULK_OPERATION_RUN_QUERY_MUTATION, { query: document });
    if (run.outcome !== "works") return run;
    const id = JSON.parse(run.detail) as string;
    await emulator.advanceClock(emulator.bulkTiming.completeAfterMs);
    const status = await adminGraphql(emulator, SHOP, token, documents.BULK_OPERATION_STATUS_QUERY, { id });
    const node = (status.body.data as documents.BulkOperationStatusData).node;
    if (node?.status === "COMPLETED") return { outcome: "works", detail: "COMPLETED" };
    return { outcome: node?.errorCode === "ACCESS_DENIED" ? "denied" : "failed", detail: JSON.stringify(node) };
  }
  const { status, body } = await adminGraphql(emulator, SHOP, token, document, variables);
  const errors = (body.errors ?? []) as { message: string; extensions?: { code?: string } }[];
  if (status !== 200) return { outcome: "failed", detail: `HTTP ${status}` };
  if (errors.some((e) => e.extensions?.code === "ACCESS_DENIED")) return { outcome: "denied", detail: errors.map((e) => e.message).join("; ") };
  if (errors.length > 0) return { outcome: "failed", detail: errors.map((e) => e.message).join("; ") };
  const payloads = Object.values((body.data ?? {}) as Record<string, { userErrors?: { message: string }[]; bulkOperation?: { id: string } } | null>);
  const userErrors = payloads.flatMap((p) => p?.userErrors ?? []);
  if (userErrors.length > 0) return { outcome: "failed", detail: userErrors.map((e) => e.message).join("; ") };
  const bulkOperation = payloads.find((p) => p?.bulkOperation)?.bulkOperation;
  return { outcome: "works", detail: bulkOperation ? JSON.stringify(bulkOperation.id) : JSON.stringify(body.data) };
}

/** Every document except appUninstall (which ends the installation), with a token holding `scopes`. */
async function sendAll(scopes: readonly string[]): Promise<Record<string, Answer>> {
  emulator.install(SHOP, { scopes });
  const token = await offlineAccessToken(emulator, SHOP);
  const answers: Record<string, Answer> = {};
  for (const [name, variables] of Object.entries(requests(await freshFixture()))) {
    if (name === "APP_UNINSTALL_MUTATION") continue;
    answers[name] = await send(token, name, allDocuments[name as keyof typeof allDocuments], variables);
  }
  return answers;
}

/**
 * The order older than 60 days, read as the order sync reads orders (by id, and in a created-at
 * span). Answered without errors, it is simply not there without read_all_orders.
 */
async function oldOrderSeen(scopes: readonly string[]): Promise<{ byId: boolean; inList: boolean }> {
  emulator.install(SHOP, { scopes });
  const token = await offlineAccessToken(emulator, SHOP);
  const byId = await adminGraphql(emulator, SHOP, token, documents.ORDER_NAME_QUERY, { id: fixture.oldOrderId });
  const list = await adminGraphql(emulator, SHOP, token, documents.ORDERS_CREATED_BETWEEN_QUERY, { query: `created_at:<='${fixture.oldOrderCreated}'` });
  const order = byId.body.errors ? null : (byId.body.data as documents.OrderNameData).order;
  const nodes = list.body.errors ? [] : (list.body.data as documents.OrdersCreatedBetweenData).orders.nodes;
  return { byId: order !== null, inList: nodes.some((n) => n.id === fixture.oldOrderId) };
}

/** Fresh records for one round of documents: an open order to fulfil, a returned one to close. */
async function freshFixture(): Promise<Fixture> {
  const order = await shopify.createOrder({ lines: [{ sku: "WAL-BOARD-S", quantity: 2 }] });
  const openFulfillmentOrders = await shopify.graphql<{ order: { fulfillmentOrders: { nodes: { id: string }[] } } }>(
    `query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 5) { nodes { id } } } }`,
    { id: order.id },
  );
  const returned = await shopify.createOrder({ lines: [{ sku: "WAL-SERVE-01", quantity: 1 }] });
  await shopify.fulfillOrder(returned.id);
  const fulfilled = await shopify.graphql<{ order: { fulfillments: { fulfillmentLineItems: { nodes: { id: string }[] } }[] } }>(
    `query($id: ID!) { order(id: $id) { fulfillments(first: 5) { fulfillmentLineItems(first: 5) { nodes { id } } } } }`,
    { id: returned.id },
  );
  const created = await shopify.graphql<{ returnCreate: { return: { id: string } | null; userErrors: { message: string }[] } }>(
    `mutation($input: ReturnInput!) { returnCreate(returnInput: $input) { return { id } userErrors { message } } }`,
    { input: { orderId: returned.id, returnLineItems: [{ fulfillmentLineItemId: fulfilled.order.fulfillments[0]!.fulfillmentLineItems.nodes[0]!.id, quantity: 1, returnReasonNote: "Too big" }] } },
  );
  if (!created.returnCreate.return) throw new Error(created.returnCreate.userErrors.map((e) => e.message).join("; "));
  return {
    ...fixture,
    orderId: order.id,
    openFulfillmentOrderId: openFulfillmentOrders.order.fulfillmentOrders.nodes[0]!.id,
    returnId: created.returnCreate.return.id,
  };
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const clock = new ManualClock("2026-05-01T09:00:00Z");
  emulator = await startEmulator({ app: { ...TEST_APP, appUrl: receiver.url }, seedFiles: [DEMO_STORE_SEED], clock });
  // Some 300 requests in a row: the rate limit is not what this test is about.
  emulator.setThrottle(SHOP, { maximumAvailable: 1_000_000, restoreRate: 1_000_000 });
  // Scopes, not protected customer data (ADR 023: its redactions are ACCESS_DENIED too): approved in full.
  emulator.setProtectedCustomerData(PROTECTED_CUSTOMER_DATA.level2);
  shopify = await EmulatorClient.connect({ url: emulator.url, shop: SHOP });

  const old = await shopify.createOrder({ lines: [{ sku: "OAK-STOOL-45", quantity: 1 }] });
  const oldOrderCreated = emulator.now().toISOString();
  await emulator.advanceClock(61 * DAY);

  const customers = await shopify.graphql<{ customers: { nodes: { id: string }[] } }>(`{ customers(first: 5) { nodes { id } } }`);
  const location = await shopify.location("Workshop");
  const variant = await shopify.variantBySku("WAL-BOARD-M");
  const bulk = await shopify.runBulkQuery(`{ locations { edges { node { id } } } }`);
  fixture = {
    orderId: "",
    openFulfillmentOrderId: "",
    returnId: "",
    oldOrderId: old.id,
    oldOrderCreated,
    customerIds: customers.customers.nodes.map((c) => c.id),
    locationId: location.id,
    inventoryItemId: variant.inventoryItem.id,
    bulkOperationId: bulk.id,
  };
  expect(fixture.customerIds.length).toBeGreaterThan(0);
}, 60_000);

afterAll(async () => {
  await emulator?.stop();
  await receiver?.close();
});

describe("Tenon's access scopes (shopify.app.toml)", () => {
  it("names no scope twice and no read scope that its write scope already grants", () => {
    expect(new Set(TOML_SCOPES).size).toBe(TOML_SCOPES.length);
    const implied = TOML_SCOPES.filter((s) => s.startsWith("read_") && TOML_SCOPES.includes(`write_${s.slice("read_".length)}`));
    expect(implied).toEqual([]);
  });

  it("every document Tenon sends works with exactly the toml's scopes", async () => {
    const answers = await sendAll(TOML_SCOPES);
    const notWorking = Object.entries(answers).filter(([, a]) => a.outcome !== "works");
    expect(notWorking).toEqual([]);
    expect(await oldOrderSeen(TOML_SCOPES)).toEqual({ byId: true, inList: true });
  }, 60_000);

  it("each scope taken away makes the documents that need it fail as Shopify fails them", async () => {
    const deniedBy: Record<string, string[]> = {};
    for (const scope of TOML_SCOPES) {
      const answers = await sendAll(TOML_SCOPES.filter((s) => s !== scope));
      const failed = Object.entries(answers).filter(([, a]) => a.outcome === "failed");
      // Nothing else breaks: a missing scope is ACCESS_DENIED, not some other error.
      expect(failed, `without ${scope}`).toEqual([]);
      const without = TOML_SCOPES.filter((s) => s !== scope);
      const denied = Object.entries(answers)
        .filter(([, a]) => a.outcome === "denied")
        .map(([name]) => name)
        .sort();
      // Where the orders can be read at all, is the order older than 60 days among them?
      const oldOrder = denied.includes("ORDER_NAME_QUERY") ? { byId: true, inList: true } : await oldOrderSeen(without);
      deniedBy[scope] = [
        ...denied,
        ...(oldOrder.byId ? [] : ["ORDER_NAME_QUERY of an order older than 60 days (null)"]),
        ...(oldOrder.inList ? [] : ["ORDERS_CREATED_BETWEEN_QUERY of orders older than 60 days (none)"]),
        ...TOML_TOPICS.filter((topic) => !topicAllowed(topic, without)).map((topic) => `webhook ${topic}`),
      ];
    }
    // Every scope is needed by something Tenon sends or subscribes to, and by exactly these.
    expect(deniedBy).toEqual(EXPECTED_DENIED_WITHOUT);
  }, 120_000);

  it("without read_all_orders an order older than 60 days is not found, by id or in a list", async () => {
    expect(TOML_SCOPES).toContain("read_all_orders");
    expect(await oldOrderSeen(TOML_SCOPES.filter((s) => s !== "read_all_orders"))).toEqual({ byId: false, inList: false });
  });

  it("answers a denied field as Shopify does: ACCESS_DENIED naming the field and the scope, the field null", async () => {
    emulator.install(SHOP, { scopes: TOML_SCOPES.filter((s) => s !== "read_orders") });
    const token = await offlineAccessToken(emulator, SHOP);
    const { status, body } = await adminGraphql(emulator, SHOP, token, `{ shop { name } order(id: "${fixture.oldOrderId}") { id } }`);
    expect(status).toBe(200);
    expect(body.errors).toEqual([
      {
        message: "Access denied for order field. Required access: `read_orders` access scope, `read_marketplace_orders` access scope or `read_quick_sale` access scope.",
        locations: [{ line: 1, column: 17 }],
        path: ["order"],
        extensions: {
          code: "ACCESS_DENIED",
          documentation: "https://shopify.dev/api/usage/access-scopes",
          requiredAccess: "`read_orders` access scope, `read_marketplace_orders` access scope or `read_quick_sale` access scope.",
        },
      },
    ]);
    expect(body.data).toEqual({ shop: { name: "Tenon Demo Workshop" }, order: null });
    // A write scope grants its read scope: write_orders alone reads orders.
    emulator.install(SHOP, { scopes: ["write_orders", "read_all_orders"] });
    const read = await adminGraphql(emulator, SHOP, token, documents.ORDER_NAME_QUERY, { id: fixture.oldOrderId });
    expect(read.body).toMatchObject({ data: { order: { id: fixture.oldOrderId } } });
    expect(read.body.errors).toBeUndefined();
  });

  it("a topic whose scope the store has not granted is not delivered (fulfillments/create without read_fulfillments)", async () => {
    const fulfilled = async (scopes: readonly string[]) => {
      emulator.install(SHOP, { scopes });
      const order = await shopify.createOrder({ lines: [{ sku: "WAL-BOARD-S", quantity: 1 }] });
      const before = receiver.received.length;
      await shopify.fulfillOrder(order.id);
      await emulator.webhooksIdle();
      return receiver.received.slice(before).map((w) => w.headers["x-shopify-topic"]);
    };
    expect(await fulfilled(TOML_SCOPES)).toContain("fulfillments/create");
    const without = await fulfilled(TOML_SCOPES.filter((s) => s !== "read_fulfillments"));
    expect(without).not.toContain("fulfillments/create");
    expect(without).toContain("orders/updated");
  });

  it("appUninstall needs no scope (an app may always uninstall itself)", async () => {
    emulator.install(SHOP, { scopes: [] });
    const token = await offlineAccessToken(emulator, SHOP);
    const answer = await send(token, "APP_UNINSTALL_MUTATION", documents.APP_UNINSTALL_MUTATION, {});
    expect(answer.outcome).toBe("works");
  });
});

/**
 * What fails without each scope of the toml, as the schema's requiredAccess and the topics'
 * descriptions say (e.g. Location needs read_locations, read_inventory or read_markets_home,
 * but QueryRoot.location and the locations/* topics need read_locations itself).
 */
const EXPECTED_DENIED_WITHOUT: Record<string, string[]> = {
  read_products: ["BULK_PRODUCTS_QUERY", "ORDER_LINE_ITEMS_PAGE_QUERY", "ORDER_QUERY"],
  write_inventory: ["BULK_INVENTORY_LEVELS_QUERY", "LOCATION_AVAILABLE_QUERY", "STOCK_AVAILABLE_AT_LOCATION_QUERY", "STOCK_SET_QUANTITIES_MUTATION"],
  read_locations: [
    "LOCATION_AVAILABLE_QUERY",
    "SHOP_AND_LOCATIONS_QUERY",
    "webhook locations/create",
    "webhook locations/update",
    "webhook locations/delete",
    "webhook locations/activate",
    "webhook locations/deactivate",
  ],
  read_orders: [
    "FULFILLMENT_ORDER_LINE_ITEMS_PAGE_QUERY",
    "FULFILLMENT_ORDER_ORDER_QUERY",
    "ORDERS_CREATED_BETWEEN_QUERY",
    "ORDERS_UPDATED_SINCE_QUERY",
    "ORDER_FULFILLMENTS_QUERY",
    "ORDER_FULFILLMENT_ORDERS_PAGE_QUERY",
    "ORDER_FULFILLMENT_ORDERS_QUERY",
    "ORDER_LINE_ITEMS_PAGE_QUERY",
    "ORDER_NAME_QUERY",
    "ORDER_QUERY",
    "ORDER_RETURNS_QUERY",
    "ORDER_SHIPPING_LINES_PAGE_QUERY",
    "webhook orders/create",
    "webhook orders/updated",
    "webhook orders/edited",
    "webhook orders/cancelled",
    "webhook orders/delete",
    "webhook refunds/create",
  ],
  read_all_orders: ["ORDER_NAME_QUERY of an order older than 60 days (null)", "ORDERS_CREATED_BETWEEN_QUERY of orders older than 60 days (none)"],
  read_customers: ["CUSTOMERS_COUNT_QUERY", "CUSTOMERS_PAGE_QUERY", "CUSTOMER_DETAILS_QUERY", "ORDER_QUERY"],
  read_fulfillments: ["webhook fulfillments/create", "webhook fulfillments/update"],
  write_merchant_managed_fulfillment_orders: [
    "FULFILLMENT_CREATE_MUTATION",
    "FULFILLMENT_ORDER_LINE_ITEMS_PAGE_QUERY",
    "FULFILLMENT_ORDER_ORDER_QUERY",
    "ORDER_FULFILLMENT_ORDERS_PAGE_QUERY",
    "ORDER_FULFILLMENT_ORDERS_QUERY",
    "ORDER_QUERY",
    "webhook fulfillment_orders/moved",
    "webhook fulfillment_orders/placed_on_hold",
    "webhook fulfillment_orders/hold_released",
  ],
  write_returns: ["ORDER_RETURNS_QUERY", "RETURN_CLOSE_MUTATION", "webhook returns/approve"],
};
