import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateShopSeed } from "../emulator/index";
import { startAppHarness, type AppHarness } from "../support/app-harness";

/**
 * No store's request can read or change another account's data by id (the architecture's
 * invariant; docs/decisions/006: an account owns its stores and everything Tenon keeps).
 * Account A is the demo store with one of everything a route takes an id of; account B is
 * another shop that installed Tenon. B's own embedded session then tries every loader and
 * action that takes an id — in the path or in a form field — with A's ids. Each attempt must
 * be refused (an error status, or an action result with ok: false), no answer may carry A's
 * data, and A's records must be exactly as before. The figures are printed.
 */
const SHOP_A = "tenon-demo.myshopify.com";
const HANDLE_B = "other-maker";
const SHOP_B = `${HANDLE_B}.myshopify.com`;
// Every name of A's records carries it, so an answer that leaks any of them is caught.
const MARK = "ZZSECRETA";

let app: AppHarness;

interface World {
  storeId: string;
  accountId: string;
  locationId: string;
  productId: string;
  variantId: string;
  kitVariantId: string;
  customerId: string;
  salesOrderId: string;
  rowId: string;
  deliveredRowId: string;
  moId: string;
  returnOrderId: string;
  activityId: string;
  targetId: string;
  driftRunId: string;
  shopifyLocationId: string;
  dataRequestId: string;
}

let a: World;
let b: Pick<World, "storeId" | "accountId" | "locationId" | "variantId" | "salesOrderId" | "rowId" | "shopifyLocationId">;

function unwrap<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

async function install(shop: string) {
  const response = await app.request("/app/stores", { headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(shop)}` } });
  expect(response.status).toBe(200);
  return app.db.store.findUniqueOrThrow({ where: { shopDomain: shop } });
}

async function buildAccountA(): Promise<World> {
  const store = await install(SHOP_A);
  const { accountId } = store;
  const { createLocation } = await import("~/services/locations/locations.server");
  const { mapAllUnmappedToDefault } = await import("~/services/locations/location-mapping.server");
  const { createProduct, setKitComponents } = await import("~/services/products/products.server");
  const { createCustomer } = await import("~/services/customers/customers.server");
  const { adjustStock } = await import("~/services/stock/stock.server");
  const { createSalesOrder, deliverRow } = await import("~/services/sales-orders/sales-orders.server");
  const { createManufacturingOrder } = await import("~/services/manufacturing/manufacturing.server");
  const { createReturnOrder } = await import("~/services/returns/returns.server");
  const { recordActivity } = await import("~/services/activity/activity-log.server");

  const location = unwrap(await createLocation(app.db, accountId, { name: `Workshop ${MARK}` }));
  unwrap(await createLocation(app.db, accountId, { name: `Annex ${MARK}` }));
  unwrap(await mapAllUnmappedToDefault(app.db, accountId, store.id));
  const product = unwrap(
    await createProduct(app.db, accountId, { name: `Oak stool ${MARK}`, variants: [{ name: "45 cm", code: `STOOL-${MARK}`, salesPrice: "120" }] }),
  );
  const kit = unwrap(await createProduct(app.db, accountId, { name: `Stool kit ${MARK}`, variants: [{ name: "Kit", code: `KIT-${MARK}` }] }));
  unwrap(await setKitComponents(app.db, accountId, kit.variantIds[0]!, [{ variantId: product.variantIds[0]!, quantityPerKit: "1" }]));
  const variantId = product.variantIds[0]!;
  const customer = unwrap(await createCustomer(app.db, accountId, { name: `Customer ${MARK}`, email: "a@example.com" }));
  unwrap(await adjustStock(app.db, accountId, { locationId: location.id, reason: "stocktake", occurredAt: new Date(), lines: [{ variantId, quantity: "10" }] }));
  const order = unwrap(
    await createSalesOrder(app.db, accountId, {
      customerId: customer.customerId,
      customerReference: `PO ${MARK}`,
      orderDate: new Date(),
      rows: [
        { variantId, quantity: "2", pricePerUnit: "120", locationId: location.id },
        { variantId, quantity: "1", pricePerUnit: "120", locationId: location.id },
      ],
    }),
  );
  const rows = await app.db.salesOrderRow.findMany({ where: { salesOrderId: order.orderId }, orderBy: { position: "asc" } });
  unwrap(await deliverRow(app.db, accountId, order.orderId, rows[1]!.id));
  const returned = unwrap(await createReturnOrder(app.db, accountId, order.orderId, [{ salesOrderRowId: rows[1]!.id, quantity: "1", restock: true }]));
  const mo = unwrap(await createManufacturingOrder(app.db, accountId, { variantId, locationId: location.id, quantity: "3" }));

  // What the sync records as it runs (written here as its fixtures): a failed order with a
  // Retry, a stock quantity Shopify refused and a finished drift report.
  await app.db.$transaction((tx) =>
    recordActivity(tx, {
      storeId: store.id,
      area: "orders",
      action: "order.failed",
      outcome: "failed",
      subject: `#1001 ${MARK}`,
      subjectRef: "gid://shopify/Order/1001",
      message: `Not imported ${MARK}`,
      retry: { kind: "order.sync", payload: { storeId: store.id, orderId: "gid://shopify/Order/1001" } },
    }),
  );
  const activity = await app.db.syncActivity.findFirstOrThrow({ where: { storeId: store.id, outcome: "failed" } });
  const shopifyLocation = await app.db.shopifyLocation.findFirstOrThrow({ where: { storeId: store.id } });
  const target = await app.db.stockPushTarget.create({
    data: {
      storeId: store.id,
      inventoryItemId: "gid://shopify/InventoryItem/1",
      shopifyLocationId: shopifyLocation.shopifyLocationId,
      sku: `STOOL-${MARK}`,
      variantId,
      locationId: location.id,
      wanted: 8,
      state: "failed",
      failureCode: "REFUSED",
      failureMessage: `Refused ${MARK}`,
      failedAt: new Date(),
    },
  });
  const drift = await app.db.importRun.create({
    data: {
      storeId: store.id,
      kind: "stock_drift",
      state: "succeeded",
      finishedAt: new Date(),
      failures: {
        notStocked: 0,
        rows: [{ sku: `STOOL-${MARK}`, variantId, locationId: location.id, inventoryItemId: "gid://shopify/InventoryItem/1", shopifyLocationId: shopifyLocation.shopifyLocationId, wanted: 8, shopify: 5 }],
      },
    },
  });
  // An answered customers/data_request: the export a merchant downloads holds a customer's data.
  const requestEvent = await app.db.webhookEvent.create({
    data: { storeId: store.id, shopDomain: SHOP_A, topic: "customers/data_request", eventId: `data-request-${MARK}`, webhookId: `data-request-${MARK}`, apiVersion: "2026-07", payload: {} },
  });
  const dataRequest = await app.db.complianceRequest.create({
    data: { storeId: store.id, shopDomain: SHOP_A, topic: "customers/data_request", webhookEventId: requestEvent.id, status: "completed", completedAt: new Date(), result: { customer: { id: 1, email: `${MARK}@example.com` }, dataRequestId: 1 } },
  });
  return {
    dataRequestId: dataRequest.id,
    storeId: store.id,
    accountId,
    locationId: location.id,
    productId: product.productId,
    variantId,
    kitVariantId: kit.variantIds[0]!,
    customerId: customer.customerId,
    salesOrderId: order.orderId,
    rowId: rows[0]!.id,
    deliveredRowId: rows[1]!.id,
    moId: mo.moId,
    returnOrderId: returned.returnOrderId,
    activityId: activity.id,
    targetId: target.id,
    driftRunId: drift.id,
    shopifyLocationId: shopifyLocation.shopifyLocationId,
  };
}

async function buildAccountB(): Promise<typeof b> {
  app.emulator.createShop(generateShopSeed({ variants: 3, locations: 1, seed: 17, handle: HANDLE_B }));
  const store = await install(SHOP_B);
  const { accountId } = store;
  expect(accountId).not.toBe(a.accountId);
  const { createLocation } = await import("~/services/locations/locations.server");
  const { createProduct } = await import("~/services/products/products.server");
  const { createSalesOrder } = await import("~/services/sales-orders/sales-orders.server");
  const location = unwrap(await createLocation(app.db, accountId, { name: "B workshop" }));
  const product = unwrap(await createProduct(app.db, accountId, { name: "B board", variants: [{ name: "", code: "B-BOARD" }] }));
  const order = unwrap(
    await createSalesOrder(app.db, accountId, { orderDate: new Date(), rows: [{ variantId: product.variantIds[0]!, quantity: "1", pricePerUnit: "5", locationId: location.id }] }),
  );
  const row = await app.db.salesOrderRow.findFirstOrThrow({ where: { salesOrderId: order.orderId } });
  const shopifyLocation = await app.db.shopifyLocation.findFirstOrThrow({ where: { storeId: store.id } });
  return {
    storeId: store.id,
    accountId,
    locationId: location.id,
    variantId: product.variantIds[0]!,
    salesOrderId: order.orderId,
    rowId: row.id,
    shopifyLocationId: shopifyLocation.shopifyLocationId,
  };
}

/** Everything of account A a cross-account write could change, in a comparable form. */
async function snapshotOfA() {
  const { accountId, storeId } = a;
  const db = app.db;
  const [stores, locations, shopifyLocations, products, variants, bomLines, customers, salesOrders, rows, movements, mos, returns, activity, targets, runs, jobs] =
    await Promise.all([
      db.store.findMany({ where: { accountId }, orderBy: { id: "asc" } }),
      db.location.findMany({ where: { accountId }, orderBy: { id: "asc" } }),
      db.shopifyLocation.findMany({ where: { storeId }, orderBy: { id: "asc" } }),
      db.product.findMany({ where: { accountId }, orderBy: { id: "asc" } }),
      db.variant.findMany({ where: { accountId }, orderBy: { id: "asc" } }),
      db.bomLine.findMany({ where: { kitVariant: { accountId } }, orderBy: { id: "asc" } }),
      db.customer.findMany({ where: { accountId }, orderBy: { id: "asc" } }),
      db.salesOrder.findMany({ where: { accountId }, orderBy: { id: "asc" } }),
      db.salesOrderRow.findMany({ where: { salesOrder: { accountId } }, orderBy: { id: "asc" } }),
      db.stockMovement.findMany({ where: { accountId }, orderBy: { id: "asc" } }),
      db.manufacturingOrder.findMany({ where: { accountId }, orderBy: { id: "asc" } }),
      db.returnOrder.findMany({ where: { accountId }, orderBy: { id: "asc" }, include: { rows: true } }),
      db.syncActivity.findMany({ where: { storeId }, orderBy: { id: "asc" } }),
      db.stockPushTarget.findMany({ where: { storeId }, orderBy: { id: "asc" } }),
      db.importRun.findMany({ where: { storeId }, orderBy: { id: "asc" } }),
      db.job.count(),
    ]);
  // updatedAt moves on a lock (lockSalesOrder) without changing anything; compare the rest.
  const salesOrdersWithoutClock = salesOrders.map(({ updatedAt: _updatedAt, ...rest }) => rest);
  return JSON.stringify({ stores, locations, shopifyLocations, products, variants, bomLines, customers, salesOrdersWithoutClock, rows, movements, mos, returns, activity, targets, runs, jobs });
}

type Attempt = { name: string; path: string; form?: Record<string, string>; json?: unknown; search?: Record<string, string> };

function attempts(): Attempt[] {
  const storeA = `/app/stores/${a.storeId}`;
  const storeB = `/app/stores/${b.storeId}`;
  const soA = `/app/sales-orders/${a.salesOrderId}`;
  const soB = `/app/sales-orders/${b.salesOrderId}`;
  const storeIntents = ["activate", "pause", "disconnect", "map_all", "apply", "discard", "import_products", "import_customers", "import_stock"];
  return [
    // Reads by id.
    { name: "store page", path: storeA },
    { name: "activity log", path: `${storeA}/activity` },
    { name: "stock push page", path: `${storeA}/stock` },
    { name: "drift report CSV", path: `${storeA}/stock-drift` },
    { name: "answered data request", path: `${storeA}/data-requests/${a.dataRequestId}` },
    { name: "A's data request through B's store", path: `${storeB}/data-requests/${a.dataRequestId}` },
    { name: "orders created while paused", path: `${storeA}/paused-orders` },
    { name: "sales order", path: soA },
    { name: "product", path: `/app/products/${a.productId}` },
    { name: "manufacturing order", path: `/app/manufacturing-orders/${a.moId}` },
    { name: "inventory filtered by A's location", path: "/app/inventory", search: { locationId: a.locationId } },
    { name: "inventory export filtered by A's location", path: "/app/inventory/export", search: { locationId: a.locationId } },
    // (Searched for words A's records hold: the answers echo the search itself.)
    { name: "sales-order export", path: "/app/sales-orders/export", search: { search: "PO" } },
    { name: "customer search", path: "/app/customers", search: { q: "Customer" } },
    // The store page's actions on A's store.
    ...storeIntents.map((intent) => ({ name: `store ${intent}`, path: storeA, form: { intent } })),
    { name: "store map (A's location, B's choice)", path: storeA, form: { intent: "map", shopifyLocationId: a.shopifyLocationId, locationId: b.locationId } },
    { name: "store map (A's location, new)", path: storeA, form: { intent: "map", shopifyLocationId: a.shopifyLocationId, createName: "Taken over" } },
    { name: "store map (B's location to A's Tenon location)", path: storeB, form: { intent: "map", shopifyLocationId: b.shopifyLocationId, locationId: a.locationId } },
    { name: "store settings", path: storeA, form: { intent: "settings", section: "inventory", field: "inventorySync", value: "true" } },
    // Activity: Retry and Dismiss of A's entry, through either store's page.
    { name: "activity retry", path: `${storeA}/activity`, form: { intent: "retry", activityId: a.activityId } },
    { name: "activity dismiss", path: `${storeA}/activity`, form: { intent: "dismiss", activityId: a.activityId } },
    { name: "activity retry via B's store", path: `${storeB}/activity`, form: { intent: "retry", activityId: a.activityId } },
    { name: "activity dismiss via B's store", path: `${storeB}/activity`, form: { intent: "dismiss", activityId: a.activityId } },
    // Stock push and drift.
    { name: "push all stock", path: `${storeA}/stock`, form: { intent: "push_all" } },
    { name: "drift report", path: `${storeA}/stock`, form: { intent: "drift" } },
    { name: "fix all drift", path: `${storeA}/stock`, form: { intent: "fix_all", runId: a.driftRunId } },
    { name: "retry refused quantities", path: `${storeA}/stock`, form: { intent: "retry_failed" } },
    { name: "retry A's refused quantity", path: `${storeA}/stock`, form: { intent: "retry_failed", targetId: a.targetId } },
    { name: "retry A's refused quantity via B's store", path: `${storeB}/stock`, form: { intent: "retry_failed", targetId: a.targetId } },
    { name: "import orders created while paused", path: `${storeA}/paused-orders`, form: {} },
    // A's sales order.
    { name: "pack A's row", path: soA, form: { intent: "pack", rowId: a.rowId } },
    { name: "deliver A's row", path: soA, form: { intent: "deliverRow", rowId: a.rowId } },
    { name: "make A's row to order", path: soA, form: { intent: "makeToOrder", rowId: a.rowId } },
    { name: "delete A's row", path: soA, form: { intent: "deleteRow", rowId: a.rowId } },
    { name: "deliver A's order", path: soA, form: { intent: "deliverAll" } },
    { name: "invoice A's order", path: soA, form: { intent: "invoice" } },
    { name: "delete A's order", path: soA, form: { intent: "deleteOrder" } },
    { name: "return A's row", path: soA, form: { intent: "returnRow", rowId: a.deliveredRowId, quantity: "1", restock: "true" } },
    { name: "sync A's order", path: soA, form: { intent: "retrySync" } },
    { name: "close A's return", path: soA, form: { intent: "closeReturn", returnOrderId: a.returnOrderId } },
    // A's row ids on B's own sales order.
    { name: "pack A's row via B's order", path: soB, form: { intent: "pack", rowId: a.rowId } },
    { name: "deliver A's row via B's order", path: soB, form: { intent: "deliverRow", rowId: a.rowId } },
    { name: "make A's row to order via B's order", path: soB, form: { intent: "makeToOrder", rowId: a.rowId } },
    { name: "delete A's row via B's order", path: soB, form: { intent: "deleteRow", rowId: a.rowId } },
    { name: "return A's row via B's order", path: soB, form: { intent: "returnRow", rowId: a.deliveredRowId, quantity: "1", restock: "true" } },
    { name: "close A's return via B's order", path: soB, form: { intent: "closeReturn", returnOrderId: a.returnOrderId } },
    // New sales order with A's customer, item or location.
    ...(
      [
        ["A's customer", { customerId: a.customerId, variantId: b.variantId, locationId: b.locationId }],
        ["A's item", { customerId: "", variantId: a.variantId, locationId: b.locationId }],
        ["A's location", { customerId: "", variantId: b.variantId, locationId: a.locationId }],
      ] as const
    ).map(([what, ids]) => ({
      name: `new sales order with ${what}`,
      path: "/app/sales-orders/new",
      json: {
        customerId: ids.customerId,
        customerReference: "",
        currency: "EUR",
        orderDate: "2026-12-01",
        deliveryDate: "",
        shippingFee: "",
        rows: [{ variantId: ids.variantId, quantity: "1", pricePerUnit: "1", discountPercent: "", locationId: ids.locationId }],
      },
    })),
    // A's manufacturing order, and new ones from A's item or location.
    ...["work_in_progress", "done", "not_started"].map((intent) => ({ name: `manufacturing order ${intent}`, path: `/app/manufacturing-orders/${a.moId}`, form: { intent } })),
    { name: "new manufacturing order of A's item", path: "/app/manufacturing-orders", form: { variantId: a.variantId, locationId: b.locationId, quantity: "1" } },
    { name: "new manufacturing order at A's location", path: "/app/manufacturing-orders", form: { variantId: b.variantId, locationId: a.locationId, quantity: "1" } },
    // Kits.
    { name: "set A's kit", path: `/app/products/${a.productId}`, json: { intent: "setKit", variantId: a.kitVariantId, components: [] } },
    { name: "A's item as a component", path: "/app/products/x", json: { intent: "setKit", variantId: b.variantId, components: [{ variantId: a.variantId, quantityPerKit: "1" }] } },
    // Stock.
    ...(["adjust", "receive"] as const).flatMap((intent) => {
      const fields = intent === "adjust" ? { quantity: "5", reason: "stocktake", occurredAt: "2026-12-01" } : { quantity: "5", unitCost: "", receivedAt: "2026-12-01" };
      return [
        { name: `${intent} A's item`, path: "/app/inventory", form: { intent, variantId: a.variantId, locationId: b.locationId, ...fields } },
        { name: `${intent} at A's location`, path: "/app/inventory", form: { intent, variantId: b.variantId, locationId: a.locationId, ...fields } },
      ];
    }),
    // Locations.
    { name: "rename A's location", path: "/app/locations", form: { intent: "rename", id: a.locationId, name: "Taken" } },
    { name: "make A's location the default", path: "/app/locations", form: { intent: "default", id: a.locationId } },
    { name: "delete A's location", path: "/app/locations", form: { intent: "delete", id: a.locationId, confirmMapped: "yes" } },
  ];
}

interface Outcome {
  name: string;
  status: number;
  refused: boolean;
  leaked: boolean;
}

async function attempt(token: string, item: Attempt): Promise<Outcome> {
  const url = item.search ? `${item.path}?${new URLSearchParams(item.search)}` : item.path;
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  let body: string | undefined;
  if (item.form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(item.form).toString();
  } else if (item.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(item.json);
  }
  const write = body !== undefined;
  const response = await app.request(url, { method: write ? "POST" : "GET", headers, body, redirect: "manual" });
  const text = await response.text();
  let ok: unknown;
  try {
    ok = (JSON.parse(text) as { ok?: unknown }).ok;
  } catch {
    ok = undefined;
  }
  const leaked = text.includes(MARK) || text.includes(a.storeId) || text.includes(a.accountId);
  // A read is refused by an error status or by answering nothing of A's (a list filtered by an id
  // of A's shows B's own, empty, list); a write by an error status or an ok: false result.
  const refused = response.status >= 400 || (write ? ok === false : !leaked);
  return { name: item.name, status: response.status, refused, leaked };
}

beforeAll(async () => {
  app = await startAppHarness();
  a = await buildAccountA();
  b = await buildAccountB();
}, 120_000);
afterAll(async () => app.stop());

describe("cross-account access by id", () => {
  it("account B's session is refused every read and write of account A's records, and A's data stays as it was", async () => {
    const before = await snapshotOfA();
    const token = app.emulator.mintSessionToken(SHOP_B);
    const list = attempts();
    const outcomes: Outcome[] = [];
    for (const item of list) outcomes.push(await attempt(token, item));
    const after = await snapshotOfA();

    const refused = outcomes.filter((o) => o.refused && !o.leaked).length;
    const notFound = outcomes.filter((o) => o.status === 404).length;
    console.log(`cross-account attempts: ${refused} of ${outcomes.length} refused (${notFound} not found, ${outcomes.length - notFound} answered without A's data or ok: false)`);
    for (const o of outcomes.filter((o) => !o.refused || o.leaked)) console.log(`  not refused: ${o.name} (HTTP ${o.status}${o.leaked ? ", answer holds A's data" : ""})`);
    expect(outcomes.filter((o) => !o.refused || o.leaked).map((o) => `${o.name}: HTTP ${o.status}`)).toEqual([]);
    expect(after).toEqual(before);
    // Refused as the app refuses a record that is not the account's (not found, or the action's
    // ok: false) — not by a failed session or a crash, which would prove nothing.
    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 404).map((o) => `${o.name}: HTTP ${o.status}`)).toEqual([]);

    // The same session reaches its own records: the refusals above are about the account, not the session.
    const own = await app.request(`/app/sales-orders/${b.salesOrderId}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(own.status).toBe(200);
  }, 120_000);
});
