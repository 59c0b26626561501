import { expect } from "vitest";
import { EmulatorClient } from "../emulator/client";
import { startAppHarness, type AppHarness, type HarnessOptions } from "../support/app-harness";

/**
 * The order sync's integration setup: Tenon installed in the demo store, its three Shopify
 * locations mapped (Workshop and Market Stall → Berlin, the default for orders; Warehouse Leipzig
 * → Leipzig), a small catalogue whose codes match some of the store's SKUs, and sync activated
 * with the order sync (window, backfill sweep). The job runner runs throughout.
 */
export const SHOP = "tenon-demo.myshopify.com";

export interface OrderSyncWorld {
  app: AppHarness;
  shopify: EmulatorClient;
  storeId: string;
  accountId: string;
  berlin: string;
  leipzig: string;
  variant: (code: string) => Promise<string>;
  /** Waits for the webhooks in flight and every due job. */
  settle: () => Promise<void>;
  createOrder: (input: OrderInput) => Promise<CreatedOrder>;
  graphql: <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;
  stop: () => Promise<void>;
}

export interface OrderInput {
  lines: ({ sku: string; quantity: number } | { title: string; price: string; quantity: number; requiresShipping?: boolean })[];
  financialStatus?: string;
  extra?: Record<string, unknown>;
  taxRate?: number;
}

export interface CreatedOrder {
  id: string;
  name: string;
  lineItems: { nodes: { id: string; sku: string | null }[] };
  fulfillmentOrders: { nodes: { id: string; lineItems: { nodes: { id: string; remainingQuantity: number }[] } }[] };
}

const ORDER_CREATE = `#graphql
  mutation($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
    orderCreate(order: $order, options: $options) {
      order {
        id
        name
        lineItems(first: 50) { nodes { id sku } }
        fulfillmentOrders(first: 10) { nodes { id lineItems(first: 50) { nodes { id remainingQuantity } } } }
      }
      userErrors { field message }
    }
  }
`;

/**
 * `runJobs: false`: this process runs no jobs (a worker process of the test's runs them);
 * `harness`: e.g. `{ webProcess: true }`, the app served from a web process of its own.
 */
export async function startOrderSyncWorld(options: { activate?: boolean; runJobs?: boolean; harness?: HarnessOptions } = {}): Promise<OrderSyncWorld> {
  const app = await startAppHarness(options.harness);
  const response = await app.request("/app/stores", { headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(SHOP)}` } });
  expect(response.status).toBe(200);
  const store = await app.db.store.findUniqueOrThrow({ where: { shopDomain: SHOP } });
  const { mapShopifyLocation } = await import("~/services/locations/location-mapping.server");
  const locations = await app.db.shopifyLocation.findMany({ where: { storeId: store.id } });
  const byName = (name: string) => locations.find((l) => l.name === name)!.shopifyLocationId;
  const berlin = await mapShopifyLocation(app.db, store.accountId, store.id, byName("Workshop"), { createName: "Berlin" });
  if (!berlin.ok) throw new Error(berlin.message);
  await mapShopifyLocation(app.db, store.accountId, store.id, byName("Market Stall"), { locationId: berlin.value.locationId });
  const leipzig = await mapShopifyLocation(app.db, store.accountId, store.id, byName("Warehouse Leipzig"), { createName: "Leipzig" });
  if (!leipzig.ok) throw new Error(leipzig.message);
  await app.db.location.update({ where: { id: berlin.value.locationId }, data: { isDefaultForOrders: true } });

  // Tenon's catalogue: stools take 5 days to deliver, boards 2; WAL-TRAY-01 is unknown to Tenon.
  const catalogue: [string, string, number, string][] = [
    ["Oak stool", "OAK-STOOL-45", 5, "physical"],
    ["Oak stool", "OAK-STOOL-60", 5, "physical"],
    ["Walnut board", "WAL-BOARD-S", 2, "physical"],
    ["Walnut board", "WAL-BOARD-M", 2, "physical"],
    ["Hardwax oil", "OIL-HW-250", 0, "physical"],
    ["Joinery course", "COURSE-JOIN-1", 0, "service"],
  ];
  for (const [name, code, days, kind] of catalogue) {
    await app.db.product.create({
      data: { accountId: store.accountId, name, kind, defaultDeliveryDays: days, variants: { create: { accountId: store.accountId, code, name: code } } },
    });
  }

  const shopify = await EmulatorClient.connect({ url: app.emulator.url, shop: SHOP });
  const { jobs } = await import("~/jobs/index.server");
  if (options.activate !== false) {
    const { activateSync } = await import("~/services/stores/connections.server");
    const { startOrderSyncOnActivation } = await import("~/jobs/order-kinds.server");
    const activated = await activateSync(app.db, store.accountId, store.id, new Date(), startOrderSyncOnActivation);
    expect(activated).toEqual({ ok: true });
  }
  if (options.runJobs !== false) await jobs.start();

  const settle = async () => {
    for (let round = 0; round < 2; round++) {
      await app.emulator.webhooksIdle();
      for (let i = 0; ; i++) {
        const pending = await app.db.job.count({
          where: { OR: [{ state: "running" }, { state: "queued", OR: [{ runAt: { lte: new Date() } }, { attempts: { gt: 0 }, kind: { not: "orders.sweep" } }] }] },
        });
        if (pending === 0) break;
        if (i > 600) throw new Error(`Jobs still pending: ${JSON.stringify(await app.db.job.findMany({ where: { state: { in: ["queued", "running"] } }, take: 5 }))}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };

  const variantIds = new Map<string, string>();
  const createOrder = async (input: OrderInput): Promise<CreatedOrder> => {
    const taxLines = [{ title: "VAT", rate: input.taxRate ?? 0.19 }];
    const lineItems = await Promise.all(
      input.lines.map(async (line) => {
        if ("sku" in line) {
          let id = variantIds.get(line.sku);
          if (!id) variantIds.set(line.sku, (id = (await shopify.variantBySku(line.sku)).id));
          return { variantId: id, quantity: line.quantity, taxLines };
        }
        return { title: line.title, quantity: line.quantity, requiresShipping: line.requiresShipping ?? false, priceSet: { shopMoney: { amount: line.price, currencyCode: "EUR" } }, taxLines };
      }),
    );
    const data = await shopify.graphql<{ orderCreate: { order: CreatedOrder | null; userErrors: { message: string }[] } }>(ORDER_CREATE, {
      order: { lineItems, financialStatus: input.financialStatus ?? "PAID", ...input.extra },
    });
    if (!data.orderCreate.order) throw new Error(data.orderCreate.userErrors.map((e) => e.message).join("; "));
    return data.orderCreate.order;
  };

  return {
    app,
    shopify,
    storeId: store.id,
    accountId: store.accountId,
    berlin: berlin.value.locationId,
    leipzig: leipzig.value.locationId,
    variant: async (code) => (await app.db.variant.findFirstOrThrow({ where: { accountId: store.accountId, code }, orderBy: { createdAt: "desc" } })).id,
    settle,
    createOrder,
    graphql: (query, variables) => shopify.graphql(query, variables),
    stop: async () => {
      await jobs.stop();
      await app.stop();
    },
  };
}

/** An order edit in Shopify: set quantities (0 removes) and add variants, then commit. */
export async function editOrder(world: OrderSyncWorld, orderId: string, changes: { setQuantity?: { lineItemId: string; quantity: number }[]; add?: { sku: string; quantity: number }[] }) {
  const begin = await world.graphql<{ orderEditBegin: { calculatedOrder: { id: string; lineItems: { nodes: { id: string }[] } } } }>(
    `mutation($id: ID!) { orderEditBegin(id: $id) { calculatedOrder { id lineItems(first: 50) { nodes { id } } } userErrors { message } } }`,
    { id: orderId },
  );
  const calc = begin.orderEditBegin.calculatedOrder;
  for (const set of changes.setQuantity ?? []) {
    const calcLine = `gid://shopify/CalculatedLineItem/${set.lineItemId.split("/").pop()}`;
    const r = await world.graphql<{ orderEditSetQuantity: { userErrors: { message: string }[] } }>(
      `mutation($id: ID!, $line: ID!, $q: Int!) { orderEditSetQuantity(id: $id, lineItemId: $line, quantity: $q, restock: true) { userErrors { message } } }`,
      { id: calc.id, line: calcLine, q: set.quantity },
    );
    expect(r.orderEditSetQuantity.userErrors).toEqual([]);
  }
  for (const add of changes.add ?? []) {
    const variantId = (await world.shopify.variantBySku(add.sku)).id;
    const r = await world.graphql<{ orderEditAddVariant: { userErrors: { message: string }[] } }>(
      `mutation($id: ID!, $v: ID!, $q: Int!) { orderEditAddVariant(id: $id, variantId: $v, quantity: $q) { userErrors { message } } }`,
      { id: calc.id, v: variantId, q: add.quantity },
    );
    expect(r.orderEditAddVariant.userErrors).toEqual([]);
  }
  const commit = await world.graphql<{ orderEditCommit: { userErrors: { message: string }[] } }>(
    `mutation($id: ID!) { orderEditCommit(id: $id) { userErrors { message } } }`,
    { id: calc.id },
  );
  expect(commit.orderEditCommit.userErrors).toEqual([]);
}

export async function salesOrderOf(world: OrderSyncWorld, orderId: string) {
  return world.app.db.salesOrder.findUnique({
    where: { storeId_externalOrderId: { storeId: world.storeId, externalOrderId: orderId } },
    include: { rows: { orderBy: { position: "asc" }, include: { manufacturingOrder: true } }, customer: true },
  });
}
