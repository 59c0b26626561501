import type { Db } from "~/db/client";
import { defaultSettings, type Settings } from "~/domain/settings";
import { EmulatorClient } from "../emulator/client";
import type { AppHarness } from "./app-harness";

/**
 * A connected, active store for the fulfillment-sync tests: Tenon locations mapped to the demo
 * store's Shopify locations, Tenon variants mapped to Shopify variants (the SKU map), and the
 * Tenon sales order an imported Shopify order would have become (until the order import is used).
 */
export const SHOP = "tenon-demo.myshopify.com";

export interface SyncStore {
  storeId: string;
  accountId: string;
  /** Tenon location id by Shopify location name. */
  locations: Record<string, string>;
  /** Shopify location GID by name. */
  shopifyLocations: Record<string, string>;
  shopify: EmulatorClient;
}

export async function activeSyncStore(app: AppHarness, orders: Partial<Settings["orders"]> = {}): Promise<SyncStore> {
  const response = await app.request("/app/stores", { headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(SHOP)}` } });
  if (response.status !== 200) throw new Error(`install failed: ${response.status}`);
  const store = await app.db.store.findUniqueOrThrow({ where: { shopDomain: SHOP } });
  const shopify = await EmulatorClient.connect({ url: app.emulator.url, shop: SHOP });
  const locations: Record<string, string> = {};
  const shopifyLocations: Record<string, string> = {};
  for (const location of await shopify.locations()) {
    const tenon = await app.db.location.create({ data: { accountId: store.accountId, name: `${location.name} (Tenon)`, isDefaultForOrders: Object.keys(locations).length === 0 } });
    locations[location.name] = tenon.id;
    shopifyLocations[location.name] = location.id;
    await app.db.shopifyLocation.upsert({
      where: { storeId_shopifyLocationId: { storeId: store.id, shopifyLocationId: location.id } },
      create: { storeId: store.id, shopifyLocationId: location.id, name: location.name, locationId: tenon.id },
      update: { locationId: tenon.id },
    });
  }
  await setOrderSettings(app.db, store.id, orders);
  await app.db.store.update({ where: { id: store.id }, data: { syncActive: true, lastActivatedAt: new Date() } });
  return { storeId: store.id, accountId: store.accountId, locations, shopifyLocations, shopify };
}

export async function setOrderSettings(db: Db, storeId: string, orders: Partial<Settings["orders"]>) {
  await db.store.update({ where: { id: storeId }, data: { settings: { ...defaultSettings, orders: { ...defaultSettings.orders, ...orders } } } });
}

/** A Tenon variant for a Shopify SKU, mapped in the SKU map. */
export async function mappedVariant(app: AppHarness, s: SyncStore, sku: string, options: { batchTracked?: boolean } = {}) {
  const existing = await app.db.variant.findFirst({ where: { accountId: s.accountId, code: sku } });
  if (existing) return existing;
  const shopifyVariant = await s.shopify.variantBySku(sku);
  const product = await app.db.product.create({
    data: { accountId: s.accountId, name: sku, batchTracked: options.batchTracked ?? false, variants: { create: { accountId: s.accountId, code: sku, salesPrice: "10" } } },
    include: { variants: true },
  });
  const variant = product.variants[0]!;
  await app.db.variantMapping.create({
    data: { storeId: s.storeId, shopifyVariantId: shopifyVariant.id, shopifyProductId: `gid://shopify/Product/${sku}`, variantId: variant.id, sku },
  });
  return variant;
}

export interface ShopifyOrderLines {
  id: string;
  name: string;
  lineItems: { id: string; sku: string | null; quantity: number }[];
  fulfillmentOrders: { id: string; location: string; deliveryMethod: string }[];
}

/** Creates an order in the emulator (a shipping line with code "pickup" makes it a local pickup). */
export async function shopifyOrder(s: SyncStore, lines: { sku: string; quantity: number }[], options: { pickup?: boolean } = {}): Promise<ShopifyOrderLines> {
  const currency = "EUR";
  const lineItems = await Promise.all(lines.map(async (l) => ({ variantId: (await s.shopify.variantBySku(l.sku)).id, quantity: l.quantity })));
  const created = await s.shopify.graphql<{ orderCreate: { order: { id: string } | null; userErrors: { message: string }[] } }>(
    `mutation($order: OrderCreateOrderInput!) { orderCreate(order: $order) { order { id } userErrors { message } } }`,
    {
      order: {
        lineItems,
        financialStatus: "PAID",
        ...(options.pickup ? { shippingLines: [{ title: "Pick up in the workshop", code: "pickup", priceSet: { shopMoney: { amount: "0.00", currencyCode: currency } } }] } : {}),
      },
    },
  );
  if (!created.orderCreate.order) throw new Error(created.orderCreate.userErrors.map((e) => e.message).join("; "));
  return readShopifyOrder(s, created.orderCreate.order.id);
}

export async function readShopifyOrder(s: SyncStore, id: string): Promise<ShopifyOrderLines & { displayFulfillmentStatus: string; fulfillments: { id: string; status: string; quantity: number }[] }> {
  const data = await s.shopify.graphql<{
    order: {
      id: string;
      name: string;
      displayFulfillmentStatus: string;
      lineItems: { nodes: { id: string; sku: string | null; quantity: number }[] };
      fulfillmentOrders: { nodes: { id: string; deliveryMethod: { methodType: string }; assignedLocation: { location: { name: string } } }[] };
      fulfillments: { id: string; status: string; totalQuantity: number }[];
    };
  }>(
    `query($id: ID!) { order(id: $id) { id name displayFulfillmentStatus lineItems(first: 10) { nodes { id sku quantity } }
      fulfillmentOrders(first: 5) { nodes { id deliveryMethod { methodType } assignedLocation { location { name } } } }
      fulfillments(first: 10) { id status totalQuantity } } }`,
    { id },
  );
  const o = data.order;
  return {
    id: o.id,
    name: o.name,
    displayFulfillmentStatus: o.displayFulfillmentStatus,
    lineItems: o.lineItems.nodes,
    fulfillmentOrders: o.fulfillmentOrders.nodes.map((fo) => ({ id: fo.id, location: fo.assignedLocation.location.name, deliveryMethod: fo.deliveryMethod.methodType })),
    fulfillments: o.fulfillments.map((f) => ({ id: f.id, status: f.status, quantity: f.totalQuantity })),
  };
}

/**
 * The Tenon sales order the order import makes of a Shopify order: one row per line item with
 * its LineItem GID, at the Tenon location mapped to the line's fulfillment-order location.
 */
export async function importedSalesOrder(app: AppHarness, s: SyncStore, order: ShopifyOrderLines, options: { rowLocation?: (sku: string) => string } = {}) {
  const { createSalesOrder } = await import("~/services/sales-orders/sales-orders.server");
  const variants = await Promise.all(order.lineItems.map((l) => mappedVariant(app, s, l.sku!)));
  const foLocations = await s.shopify.graphql<{ order: { fulfillmentOrders: { nodes: { assignedLocation: { location: { name: string } }; lineItems: { nodes: { lineItem: { id: string } }[] } }[] } } }>(
    `query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 5) { nodes { assignedLocation { location { name } } lineItems(first: 10) { nodes { lineItem { id } } } } } } }`,
    { id: order.id },
  );
  const locationOf = (lineItemId: string) => foLocations.order.fulfillmentOrders.nodes.find((fo) => fo.lineItems.nodes.some((l) => l.lineItem.id === lineItemId))?.assignedLocation.location.name;
  const created = await createSalesOrder(app.db, s.accountId, {
    number: `S${order.name.replace("#", "")}-${Math.random().toString(36).slice(2, 7)}`,
    orderDate: new Date(),
    source: "shopify",
    storeId: s.storeId,
    externalOrderId: order.id,
    rows: order.lineItems.map((l, i) => ({
      variantId: variants[i]!.id,
      quantity: String(l.quantity),
      pricePerUnit: "10",
      locationId: options.rowLocation?.(l.sku!) ?? s.locations[locationOf(l.id) ?? ""] ?? undefined,
    })),
  });
  if (!created.ok) throw new Error(created.message);
  const rows = await app.db.salesOrderRow.findMany({ where: { salesOrderId: created.value.orderId }, orderBy: { position: "asc" } });
  for (const [i, row] of rows.entries()) {
    const line = order.lineItems[i];
    if (line) await app.db.salesOrderRow.update({ where: { id: row.id }, data: { externalLineId: line.id } });
  }
  return created.value.orderId;
}

/** Lets every webhook arrive, then runs the jobs they (and Tenon's actions) enqueued. */
export async function settle(app: AppHarness, rounds = 3) {
  const { jobs } = await import("~/jobs/index.server");
  for (let i = 0; i < rounds; i++) {
    await app.emulator.webhooksIdle();
    await jobs.start();
    await jobs.drain({ timeoutMs: 30_000 });
    await jobs.stop();
  }
  await app.emulator.webhooksIdle();
}

export async function rowsOf(db: Db, salesOrderId: string) {
  const rows = await db.salesOrderRow.findMany({ where: { salesOrderId }, include: { variant: true }, orderBy: [{ position: "asc" }, { id: "asc" }] });
  return rows.map((r) => ({ id: r.id, code: r.variant?.code ?? null, state: r.state, quantity: r.quantity.toString(), locationId: r.locationId, externalLineId: r.externalLineId }));
}

export async function inStock(db: Db, variantId: string, locationId: string) {
  const sum = await db.stockMovement.aggregate({ where: { variantId, locationId }, _sum: { quantity: true } });
  return sum._sum.quantity?.toString() ?? "0";
}
