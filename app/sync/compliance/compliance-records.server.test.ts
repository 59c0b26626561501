import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ComplianceTopic } from "~/domain/compliance";
import { recordActivity } from "../../services/activity/activity-log.server";
import { dataRequestDownload, processComplianceRequest, receiveComplianceRequest } from "./compliance.server";
import { createCustomer, linkCustomerToStore } from "../../services/customers/customers.server";
import { createReturnOrder } from "../../services/returns/returns.server";
import { createSalesOrder, deliverOrder } from "../../services/sales-orders/sales-orders.server";
import { adjustStock } from "../../services/stock/stock.server";
import { recordWebhook } from "../../services/inbox/webhook-inbox.server";
import { makerWithCatalogue } from "../../../tests/support/catalog-factories";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db";
import { createStore } from "../../../tests/support/factories";

/**
 * The compliance webhooks against Tenon's own records (ADR 020): every personal field of every
 * row, field by field, after a redaction; the business fields as they were; other customers,
 * stores and accounts untouched; and what a data request hands over.
 */

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

const now = new Date("2026-11-23T10:00:00Z");
const day = (d: string) => new Date(`${d}T10:00:00Z`);
const customerGid = (id: number) => `gid://shopify/Customer/${id}`;
const orderGid = (id: number) => `gid://shopify/Order/${id}`;
let eventNo = 0;

async function storeWebhook(shopDomain: string, topic: string, payload: unknown) {
  const result = await t.db.$transaction((tx) =>
    recordWebhook(tx, { shopDomain, topic, eventId: `rec-evt-${++eventNo}`, webhookId: `rec-wh-${eventNo}`, apiVersion: "2026-07", triggeredAt: now, payload }),
  );
  if (result.duplicate) throw new Error("unexpected duplicate");
  return result;
}

/** Receives a compliance webhook and runs its job, as the route and the runner do. */
async function comply(shopDomain: string, topic: ComplianceTopic, payload: Record<string, unknown>) {
  const event = await storeWebhook(shopDomain, topic, { shop_id: 1, shop_domain: shopDomain, ...payload });
  const receipt = await t.db.$transaction((tx) =>
    receiveComplianceRequest(tx, { shopDomain, storeId: event.storeId, webhookEventId: event.id, topic, payload: { shop_id: 1, shop_domain: shopDomain, ...payload } }),
  );
  if (!receipt.ok) throw new Error(receipt.message);
  await processComplianceRequest(t.db, receipt.requestId, now);
  return t.db.complianceRequest.findUniqueOrThrow({ where: { id: receipt.requestId } });
}

const adaAddress = { name: "Ada Lovelace", line1: "1 Analytical St", city: "London", zip: "N1 1AA", country: "GB", phone: "+44 20 7946 0000" };
const adaShipping = { name: "Ada Lovelace", company: "Engines Ltd", line1: "2 Difference Rd", city: "Cambridge", country: "GB" };

async function customer(accountId: string, input: Record<string, unknown>) {
  const created = await createCustomer(t.db, accountId, input);
  if (!created.ok) throw new Error(created.message);
  return created.value.customerId;
}

async function link(accountId: string, customerId: string, storeId: string, shopifyId: number) {
  const linked = await linkCustomerToStore(t.db, accountId, customerId, storeId, customerGid(shopifyId));
  if (!linked.ok) throw new Error(linked.message);
}

/** A sales order as the order sync imports it (source shopify, the store, the Shopify order GID), or a manual one. */
async function salesOrder(
  accountId: string,
  input: { customerId: string; variantId: string; storeId?: string; shopifyOrderId?: number; reference?: string; quantity?: string },
) {
  const created = await createSalesOrder(t.db, accountId, {
    customerId: input.customerId,
    customerReference: input.reference,
    orderDate: day("2026-11-02"),
    deliveryDate: day("2026-11-09"),
    rows: [{ variantId: input.variantId, quantity: input.quantity ?? "2", pricePerUnit: "49.5", discountPercent: "10" }],
    shippingFee: "4.9",
    ...(input.shopifyOrderId ? { source: "shopify", storeId: input.storeId, externalOrderId: orderGid(input.shopifyOrderId) } : {}),
  });
  if (!created.ok) throw new Error(created.message);
  return created.value.orderId;
}

async function activity(storeId: string, subjectRef: string, message: string) {
  await t.db.$transaction((tx) =>
    recordActivity(tx, { storeId, area: "orders", action: "order.imported", outcome: "ok", subject: `#${subjectRef.split("/").pop()}`, subjectRef, message, at: now }),
  );
}

/** Everything of a sales order but the fields a redaction may change (and updatedAt). */
async function businessFields(orderId: string) {
  const order = await t.db.salesOrder.findUniqueOrThrow({ where: { id: orderId }, include: { rows: { orderBy: { position: "asc" } }, returnOrders: { include: { rows: true } } } });
  const { billTo: _billTo, shipTo: _shipTo, customerReference: _reference, customerId: _customer, updatedAt: _updated, ...rest } = order;
  return {
    ...rest,
    exchangeRate: order.exchangeRate.toString(),
    rows: order.rows.map((r) => ({ ...r, quantity: r.quantity.toString(), pricePerUnit: r.pricePerUnit.toString(), discountPercent: r.discountPercent.toString() })),
    returnOrders: order.returnOrders.map((ro) => ({ ...ro, rows: ro.rows.map((row) => ({ ...row, quantity: row.quantity.toString() })) })),
  };
}

const fullRow = (table: "customer", id: string) => t.db[table].findUniqueOrThrow({ where: { id }, include: { externalIds: true } });
const orderRow = (id: string) => t.db.salesOrder.findUniqueOrThrow({ where: { id }, include: { rows: true } });

/** A maker with a store and Ada: linked to Shopify customer 42, two Shopify orders (one delivered and partly returned) and a manual one. */
async function adaAtAMaker() {
  const m = await makerWithCatalogue(t.db);
  const store = await createStore(t.db, { accountId: m.accountId });
  await adjustStock(t.db, m.accountId, { locationId: m.workshop.id, reason: "Made", occurredAt: day("2026-11-01"), lines: [{ variantId: m.stool.id, quantity: "20" }] });
  const ada = await customer(m.accountId, {
    name: "Ada Lovelace",
    email: "ada@example.com",
    phone: "+44 20 7946 0001",
    billingAddress: adaAddress,
    shippingAddress: adaShipping,
    extraAddresses: [{ name: "Ada at work", line1: "3 Engine Way", city: "Leeds" }],
  });
  await link(m.accountId, ada, store.id, 42);
  const delivered = await salesOrder(m.accountId, { customerId: ada, variantId: m.stool.id, storeId: store.id, shopifyOrderId: 5001, reference: "PO Ada 77" });
  const delivery = await deliverOrder(t.db, m.accountId, delivered, day("2026-11-03"));
  if (!delivery.ok) throw new Error(delivery.message);
  const stoolRow = await t.db.salesOrderRow.findFirstOrThrow({ where: { salesOrderId: delivered, isShippingFee: false } });
  const returned = await createReturnOrder(t.db, m.accountId, delivered, [{ salesOrderRowId: stoolRow.id, quantity: "1", restock: true }], day("2026-11-05"));
  if (!returned.ok) throw new Error(returned.message);
  const open = await salesOrder(m.accountId, { customerId: ada, variantId: m.oil.id, storeId: store.id, shopifyOrderId: 5002 });
  const manual = await salesOrder(m.accountId, { customerId: ada, variantId: m.seat.id, reference: "Phoned in" });
  // Grace: another customer of the same store, with an order of her own.
  const grace = await customer(m.accountId, { name: "Grace Hopper", email: "grace@example.com", phone: "+1 555 0100", billingAddress: { name: "Grace Hopper", line1: "9 Cobol Ave", city: "Arlington" } });
  await link(m.accountId, grace, store.id, 43);
  const graceOrder = await salesOrder(m.accountId, { customerId: grace, variantId: m.stool.id, storeId: store.id, shopifyOrderId: 5003, reference: "Grace PO" });
  return { m, store, ada, delivered, returnOrderId: returned.value.returnOrderId, open, manual, grace, graceOrder };
}

describe("customers/redact erases the customer from Tenon's own records", () => {
  it("the Tenon customer, its sales orders from the store, the activity log, import failures, webhooks and earlier exports, field by field", async () => {
    const s = await adaAtAMaker();
    const { store } = s;
    // A guest checkout (no Shopify customer) that became a Tenon customer of its own.
    const guest = await customer(s.m.accountId, { name: "A. Lovelace", email: "ada.guest@example.com", billingAddress: adaAddress });
    const guestOrder = await salesOrder(s.m.accountId, { customerId: guest, variantId: s.m.legs.id, storeId: store.id, shopifyOrderId: 5004 });
    // Another account whose store has a Shopify customer with the same id.
    const elsewhere = await makerWithCatalogue(t.db);
    const elsewhereStore = await createStore(t.db, { accountId: elsewhere.accountId });
    const namesake = await customer(elsewhere.accountId, { name: "Ada Lovelace", email: "ada@example.com", billingAddress: adaAddress });
    await link(elsewhere.accountId, namesake, elsewhereStore.id, 42);
    const namesakeOrder = await salesOrder(elsewhere.accountId, { customerId: namesake, variantId: elsewhere.stool.id, storeId: elsewhereStore.id, shopifyOrderId: 5001 });

    await activity(store.id, orderGid(5001), "Imported as sales order SO-0001 for Ada Lovelace.");
    await activity(store.id, orderGid(5003), "Imported as sales order SO-0004.");
    const run = await t.db.importRun.create({
      data: {
        storeId: store.id,
        kind: "customers",
        state: "succeeded",
        failures: [
          { ref: `Ada Lovelace (${customerGid(42)})`, message: "Could not be saved." },
          { ref: `Grace Hopper (${customerGid(43)})`, message: "Could not be saved." },
        ],
      },
    });
    const tracking = { trackingCompany: "DHL", trackingNumber: "00340434161234567890", trackingUrl: "https://www.dhl.de/track?piececode=00340434161234567890" };
    const adaFulfillment = await t.db.shopifyFulfillment.create({
      data: { storeId: store.id, shopifyOrderId: orderGid(5001), salesOrderId: s.delivered, fulfillmentId: "gid://shopify/Fulfillment/1", origin: "shopify", state: "applied", lines: [{ lineItemId: "gid://shopify/LineItem/1", quantity: 2 }], ...tracking },
    });
    const adaPush = await t.db.fulfillmentPush.create({
      data: { storeId: store.id, salesOrderId: s.open, shopifyOrderId: orderGid(5002), lines: [{ lineItemId: "gid://shopify/LineItem/2", quantity: 2 }], ...tracking },
    });
    const graceFulfillment = await t.db.shopifyFulfillment.create({
      data: { storeId: store.id, shopifyOrderId: orderGid(5003), salesOrderId: s.graceOrder, fulfillmentId: "gid://shopify/Fulfillment/3", origin: "shopify", state: "applied", lines: [], ...tracking },
    });
    const adaWebhook = await storeWebhook(store.shopDomain, "orders/create", { id: 5002, line_items: [], email: "ada@example.com" });
    const adaFulfillmentWebhook = await storeWebhook(store.shopDomain, "fulfillments/create", { id: 71, order_id: 5001, tracking_number: "00340434161234567890" });
    const adaReturnWebhook = await storeWebhook(store.shopDomain, "returns/approve", { id: 81, order: { id: 5001, admin_graphql_api_id: orderGid(5001) } });
    const graceFulfillmentWebhook = await storeWebhook(store.shopDomain, "fulfillments/create", { id: 73, order_id: 5003, tracking_number: "1Z999" });
    const earlierExport = await comply(store.shopDomain, "customers/data_request", { customer: { id: 42, email: "ada@example.com", phone: null }, orders_requested: [], data_request: { id: 1 } });
    const graceExport = await comply(store.shopDomain, "customers/data_request", { customer: { id: 43, email: "grace@example.com", phone: null }, orders_requested: [], data_request: { id: 2 } });

    const before = {
      delivered: await businessFields(s.delivered),
      open: await businessFields(s.open),
      guestOrder: await businessFields(guestOrder),
      manual: await orderRow(s.manual),
      grace: await fullRow("customer", s.grace),
      graceOrder: await orderRow(s.graceOrder),
      namesake: await fullRow("customer", namesake),
      namesakeOrder: await orderRow(namesakeOrder),
    };

    const request = await comply(store.shopDomain, "customers/redact", { customer: { id: 42, email: "ada@example.com", phone: "+44 20 7946 0001" }, orders_to_redact: [5004] });
    expect(request.status).toBe("completed");

    // The Tenon customer: every personal field, and its link to the Shopify customer.
    const ada = await fullRow("customer", s.ada);
    expect(ada.name).toBe("Redacted customer");
    expect(ada.email).toBeNull();
    expect(ada.phone).toBeNull();
    expect(ada.billingAddress).toBeNull();
    expect(ada.shippingAddress).toBeNull();
    expect(ada.extraAddresses).toBeNull();
    expect(ada.externalIds).toEqual([]);
    const guestRow = await fullRow("customer", guest);
    expect([guestRow.name, guestRow.email, guestRow.phone, guestRow.billingAddress, guestRow.shippingAddress, guestRow.extraAddresses]).toEqual(["Redacted customer", null, null, null, null, null]);

    // Her sales orders from the store: bill-to, ship-to and reference gone; the customer stays the (redacted) one.
    for (const [id, customerId] of [[s.delivered, s.ada], [s.open, s.ada], [guestOrder, guest]] as const) {
      const order = await orderRow(id);
      expect(order.billTo).toBeNull();
      expect(order.shipTo).toBeNull();
      expect(order.customerReference).toBeNull();
      expect(order.customerId).toBe(customerId);
    }
    // Numbers, dates, currency, rows (quantities, prices, discounts, states) and returns as they were.
    expect(await businessFields(s.delivered)).toEqual(before.delivered);
    expect(await businessFields(s.open)).toEqual(before.open);
    expect(await businessFields(guestOrder)).toEqual(before.guestOrder);
    expect(before.delivered.rows.map((r) => [r.quantity, r.pricePerUnit, r.discountPercent, r.state])).toEqual([
      ["2", "49.5", "10", "delivered"],
      ["1", "4.9", "0", "delivered"],
    ]);
    expect(before.delivered.returnOrders.map((ro) => ro.rows.map((r) => [r.quantity, r.restock, r.state]))).toEqual([[["1", true, "returned"]]]);
    // The order she placed with the merchant directly is the merchant's own document (ADR 020).
    expect(await orderRow(s.manual)).toEqual(before.manual);

    // Tracking of her shipments: a tracking number leads to her address. What was shipped stays.
    for (const row of [await t.db.shopifyFulfillment.findUniqueOrThrow({ where: { id: adaFulfillment.id } }), await t.db.fulfillmentPush.findUniqueOrThrow({ where: { id: adaPush.id } })]) {
      expect([row.trackingCompany, row.trackingNumber, row.trackingUrl]).toEqual([null, null, null]);
      expect(row.lines).toEqual(row.id === adaPush.id ? adaPush.lines : adaFulfillment.lines);
    }
    expect(await t.db.shopifyFulfillment.findUniqueOrThrow({ where: { id: graceFulfillment.id } })).toEqual(graceFulfillment);

    // The activity log: the entries about her orders (by Shopify GID, or by sales-order id as the
    // fulfillment sync writes them) lose their message; Grace's entry is untouched.
    const entries = await t.db.syncActivity.findMany({ where: { storeId: store.id, area: { not: "webhooks" } }, orderBy: { subjectRef: "asc" } });
    const soNumber = (await orderRow(s.delivered)).number;
    expect(entries.map((e) => [e.subject, e.subjectRef, e.message, e.searchText])).toEqual([
      [`SO ${soNumber}`, s.delivered, "Details removed (customers/redact).", `SO ${soNumber} \u2022 ${s.delivered} \u2022 details removed (customers/redact).`.toLowerCase()],
      ["#5001", orderGid(5001), "Details removed (customers/redact).", `#5001 \u2022 ${orderGid(5001)} \u2022 details removed (customers/redact).`.toLowerCase()],
      ["#5003", orderGid(5003), "Imported as sales order SO-0004.", `#5003 \u2022 ${orderGid(5003)} \u2022 imported as sales order so-0004.`.toLowerCase()],
    ]);
    // The customer import's failure names her no more; why it failed stays.
    expect((await t.db.importRun.findUniqueOrThrow({ where: { id: run.id } })).failures).toEqual([
      { ref: "Redacted customer", message: "Could not be saved." },
      { ref: `Grace Hopper (${customerGid(43)})`, message: "Could not be saved." },
    ]);
    // Stored webhooks about her, and the export made for her earlier.
    for (const event of [adaWebhook, adaFulfillmentWebhook, adaReturnWebhook]) {
      expect((await t.db.webhookEvent.findUniqueOrThrow({ where: { id: event.id } })).payload).toMatchObject({ redacted: true, by: "customers/redact" });
    }
    expect((await t.db.webhookEvent.findUniqueOrThrow({ where: { id: graceFulfillmentWebhook.id } })).payload).toEqual({ id: 73, order_id: 5003, tracking_number: "1Z999" });
    expect((await t.db.complianceRequest.findUniqueOrThrow({ where: { id: earlierExport.id } })).result).toMatchObject({ redacted: true, by: "customers/redact" });
    expect((await t.db.complianceRequest.findUniqueOrThrow({ where: { id: graceExport.id } })).result).toEqual(graceExport.result);

    // Another customer of the store, and the same Shopify id in another account: untouched.
    expect(await fullRow("customer", s.grace)).toEqual(before.grace);
    expect(await orderRow(s.graceOrder)).toEqual(before.graceOrder);
    expect(await fullRow("customer", namesake)).toEqual(before.namesake);
    expect(await orderRow(namesakeOrder)).toEqual(before.namesakeOrder);
    // Tracking rows: her fulfillment, her push, and the push Tenon recorded when SO 5001 was delivered.
    expect(request.result).toMatchObject({ customers: 2, salesOrders: 3, keptCustomers: [], importFailures: 1, fulfillmentTracking: 3, activityEntries: 2, dataRequests: 1 });
  });

  it("keeps a customer of another store too, and one the merchant uses for other orders, detaching only the redacted orders", async () => {
    const s = await adaAtAMaker();
    const otherStore = await createStore(t.db, { accountId: s.m.accountId });
    await link(s.m.accountId, s.ada, otherStore.id, 9042);
    // A customer found only through the redacted order, which the merchant also sells to directly.
    const regular = await customer(s.m.accountId, { name: "Ada L.", email: "ada.l@example.com", billingAddress: adaAddress });
    const regularShopifyOrder = await salesOrder(s.m.accountId, { customerId: regular, variantId: s.m.legs.id, storeId: s.store.id, shopifyOrderId: 5005 });
    const regularManual = await salesOrder(s.m.accountId, { customerId: regular, variantId: s.m.legs.id });
    const adaBefore = await fullRow("customer", s.ada);
    const regularBefore = await fullRow("customer", regular);

    const request = await comply(s.store.shopDomain, "customers/redact", { customer: { id: 42, email: null, phone: null }, orders_to_redact: [5005] });

    const ada = await fullRow("customer", s.ada);
    expect({ ...ada, externalIds: undefined, updatedAt: undefined }).toEqual({ ...adaBefore, externalIds: undefined, updatedAt: undefined });
    expect(ada.externalIds.map((e) => [e.storeId, e.externalId])).toEqual([[otherStore.id, customerGid(9042)]]);
    expect(await fullRow("customer", regular)).toEqual(regularBefore);
    for (const id of [s.delivered, s.open, regularShopifyOrder]) {
      const order = await orderRow(id);
      expect([order.billTo, order.shipTo, order.customerReference, order.customerId]).toEqual([null, null, null, null]);
    }
    expect((await orderRow(regularManual)).customerId).toBe(regular);
    expect((await orderRow(regularManual)).billTo).toEqual(adaAddress);
    expect(request.result).toMatchObject({
      customers: 0,
      salesOrders: 3,
      keptCustomers: expect.arrayContaining([
        { customerId: s.ada, reason: expect.stringContaining("another connected store") },
        { customerId: regular, reason: expect.stringContaining("other sales orders") },
      ]),
    });
  });
});

describe("customers/data_request hands over what Tenon holds about the customer", () => {
  it("the Tenon customer with its addresses, its sales orders with rows, its returns, and nobody else's", async () => {
    const s = await adaAtAMaker();
    const request = await comply(s.store.shopDomain, "customers/data_request", {
      customer: { id: 42, email: "ada@example.com", phone: null },
      orders_requested: [5001],
      data_request: { id: 77 },
    });
    expect(request.status).toBe("completed");
    const result = request.result as {
      dataRequestId: number;
      customers: Record<string, unknown>[];
      salesOrders: { number: string; source: string; shopifyOrderId: string | null; billTo: unknown; shipTo: unknown; customerReference: string | null; rows: Record<string, unknown>[] }[];
      returnOrders: { salesOrderId: string; rows: Record<string, unknown>[] }[];
    };
    expect(result.dataRequestId).toBe(77);
    expect(result.customers).toEqual([
      {
        id: s.ada,
        name: "Ada Lovelace",
        email: "ada@example.com",
        phone: "+44 20 7946 0001",
        billingAddress: adaAddress,
        shippingAddress: adaShipping,
        extraAddresses: [{ name: "Ada at work", line1: "3 Engine Way", city: "Leeds" }],
        shopifyCustomerIds: [customerGid(42)],
        createdAt: expect.any(String),
      },
    ]);
    // Her two orders from the store and the one she placed with the merchant; not Grace's.
    expect(result.salesOrders.map((o) => [o.source, o.shopifyOrderId, o.customerReference, o.billTo, o.shipTo])).toEqual([
      ["shopify", orderGid(5001), "PO Ada 77", adaAddress, adaShipping],
      ["shopify", orderGid(5002), null, adaAddress, adaShipping],
      ["manual", null, "Phoned in", adaAddress, adaShipping],
    ]);
    expect(result.salesOrders[0]!.rows).toEqual([
      { description: "Oak stool", sku: "STOOL", isShippingFee: false, quantity: "2", pricePerUnit: "49.5", discountPercent: "10", state: "delivered", deliveredAt: day("2026-11-03").toISOString() },
      { description: "Shipping", sku: null, isShippingFee: true, quantity: "1", pricePerUnit: "4.9", discountPercent: "0", state: "delivered", deliveredAt: day("2026-11-03").toISOString() },
    ]);
    expect(result.salesOrders.map((o) => o.rows[0]!.sku)).toEqual(["STOOL", "OIL", "SEAT"]);
    expect(result.returnOrders).toHaveLength(1);
    expect(result.returnOrders[0]).toMatchObject({ id: s.returnOrderId, salesOrderId: s.delivered, rows: [{ quantity: "1", restock: true, state: "returned" }] });
    expect(JSON.stringify(result)).not.toContain("Grace");
  });

  it("the merchant downloads the answer, found through the activity log; only from its own store, and not once erased", async () => {
    const s = await adaAtAMaker();
    const unanswered = await storeWebhook(s.store.shopDomain, "customers/data_request", { shop_id: 1, shop_domain: s.store.shopDomain, customer: { id: 42 }, data_request: { id: 78 } });
    const pending = await t.db.$transaction((tx) =>
      receiveComplianceRequest(tx, { shopDomain: s.store.shopDomain, storeId: s.store.id, webhookEventId: unanswered.id, topic: "customers/data_request", payload: { shop_id: 1, shop_domain: s.store.shopDomain, customer: { id: 42 }, data_request: { id: 78 } } }),
    );
    if (!pending.ok) throw new Error(pending.message);
    expect(await dataRequestDownload(t.db, s.m.accountId, s.store.id, pending.requestId)).toMatchObject({ ok: false, code: "DATA_REQUEST_NOT_READY" });

    const request = await comply(s.store.shopDomain, "customers/data_request", { customer: { id: 42, email: "ada@example.com", phone: null }, orders_requested: [], data_request: { id: 79 } });
    const entry = await t.db.syncActivity.findFirstOrThrow({ where: { storeId: s.store.id, action: "compliance.data_request" } });
    expect(entry).toMatchObject({ area: "webhooks", outcome: "ok", subject: "Data request 79", subjectRef: request.id });
    expect(entry.message).toContain(`/app/stores/${s.store.id}/data-requests/${request.id}`);
    expect(entry.message).not.toMatch(/ada|lovelace/i);

    const download = await dataRequestDownload(t.db, s.m.accountId, s.store.id, request.id);
    if (!download.ok) throw new Error(download.message);
    expect(download.value.filename).toBe("customer-data-request-79.json");
    expect(JSON.parse(download.value.body)).toEqual(request.result);
    const stranger = await createStore(t.db);
    expect(await dataRequestDownload(t.db, stranger.accountId, s.store.id, request.id)).toMatchObject({ ok: false, code: "DATA_REQUEST_NOT_FOUND" });
    expect(await dataRequestDownload(t.db, stranger.accountId, stranger.id, request.id)).toMatchObject({ ok: false, code: "DATA_REQUEST_NOT_FOUND" });

    await comply(s.store.shopDomain, "customers/redact", { customer: { id: 42, email: "ada@example.com", phone: null }, orders_to_redact: [] });
    expect(await dataRequestDownload(t.db, s.m.accountId, s.store.id, request.id)).toMatchObject({ ok: false, code: "DATA_REQUEST_ERASED" });
  });
});

describe("shop/redact erases the shop's personal data from Tenon's records", () => {
  it("its customers, their fields on its orders, its activity log, sessions, webhooks and exports; not another store's", async () => {
    const s = await adaAtAMaker();
    const { store } = s;
    // A customer of this store and another store of the account: stays, loses this store's link.
    const otherStore = await createStore(t.db, { accountId: s.m.accountId });
    const shared = await customer(s.m.accountId, { name: "Charles Babbage", email: "charles@example.com", billingAddress: { name: "Charles Babbage", city: "London" } });
    await link(s.m.accountId, shared, store.id, 44);
    await link(s.m.accountId, shared, otherStore.id, 8044);
    const sharedHere = await salesOrder(s.m.accountId, { customerId: shared, variantId: s.m.stool.id, storeId: store.id, shopifyOrderId: 5006 });
    const sharedThere = await salesOrder(s.m.accountId, { customerId: shared, variantId: s.m.stool.id, storeId: otherStore.id, shopifyOrderId: 6006 });
    await activity(store.id, orderGid(5001), "Imported as sales order SO-0001.");
    await activity(otherStore.id, orderGid(6006), "Imported as sales order SO-0007.");
    await t.db.session.create({ data: { id: `offline_${store.shopDomain}`, shop: store.shopDomain, state: "", accessToken: "t", firstName: "Ada", email: "owner@example.com" } });
    await t.db.session.create({ data: { id: `offline_${otherStore.shopDomain}`, shop: otherStore.shopDomain, state: "", accessToken: "u" } });
    const run = await t.db.importRun.create({ data: { storeId: store.id, kind: "customers", state: "succeeded", failures: [{ ref: `Grace Hopper (${customerGid(43)})`, message: "Could not be saved." }] } });
    const answered = await comply(store.shopDomain, "customers/data_request", { customer: { id: 43, email: null, phone: null }, orders_requested: [], data_request: { id: 3 } });
    const shipped = await t.db.shopifyFulfillment.create({
      data: { storeId: store.id, shopifyOrderId: orderGid(5003), fulfillmentId: "gid://shopify/Fulfillment/3", origin: "shopify", state: "applied", lines: [], trackingNumber: "1Z999", trackingUrl: "https://ups.example/1Z999" },
    });
    const shippedThere = await t.db.shopifyFulfillment.create({
      data: { storeId: otherStore.id, shopifyOrderId: orderGid(6006), fulfillmentId: "gid://shopify/Fulfillment/6", origin: "shopify", state: "applied", lines: [], trackingNumber: "1Z998" },
    });
    const mine = await storeWebhook(store.shopDomain, "orders/create", { id: 5001, line_items: [] });
    const theirs = await storeWebhook(otherStore.shopDomain, "orders/create", { id: 6006, line_items: [] });
    const before = {
      orders: await Promise.all([s.delivered, s.open, s.graceOrder, sharedHere].map(businessFields)),
      manual: await orderRow(s.manual),
      sharedThere: await orderRow(sharedThere),
      shared: await fullRow("customer", shared),
    };

    const request = await comply(store.shopDomain, "shop/redact", {});
    expect(request.status).toBe("completed");

    for (const id of [s.ada, s.grace]) {
      const c = await fullRow("customer", id);
      expect([c.name, c.email, c.phone, c.billingAddress, c.shippingAddress, c.extraAddresses, c.externalIds]).toEqual(["Redacted customer", null, null, null, null, null, []]);
    }
    const sharedAfter = await fullRow("customer", shared);
    expect({ ...sharedAfter, externalIds: undefined, updatedAt: undefined }).toEqual({ ...before.shared, externalIds: undefined, updatedAt: undefined });
    expect(sharedAfter.externalIds.map((e) => e.storeId)).toEqual([otherStore.id]);
    for (const id of [s.delivered, s.open, s.graceOrder, sharedHere]) {
      const order = await orderRow(id);
      expect([order.billTo, order.shipTo, order.customerReference]).toEqual([null, null, null]);
    }
    expect((await orderRow(sharedHere)).customerId).toBeNull();
    expect((await orderRow(s.delivered)).customerId).toBe(s.ada);
    expect(await Promise.all([s.delivered, s.open, s.graceOrder, sharedHere].map(businessFields))).toEqual(before.orders);
    expect(await orderRow(s.manual)).toEqual(before.manual);
    expect(await orderRow(sharedThere)).toEqual(before.sharedThere);

    expect(await t.db.shopifyFulfillment.findUniqueOrThrow({ where: { id: shipped.id } })).toMatchObject({ trackingNumber: null, trackingUrl: null, state: "applied" });
    expect(await t.db.shopifyFulfillment.findUniqueOrThrow({ where: { id: shippedThere.id } })).toEqual(shippedThere);
    expect(await t.db.syncActivity.count({ where: { storeId: store.id } })).toBe(0);
    expect(await t.db.syncActivity.count({ where: { storeId: otherStore.id } })).toBe(1);
    expect(await t.db.session.findMany({ where: { shop: { in: [store.shopDomain, otherStore.shopDomain] } }, select: { shop: true } })).toEqual([{ shop: otherStore.shopDomain }]);
    expect((await t.db.importRun.findUniqueOrThrow({ where: { id: run.id } })).failures).toEqual([{ ref: "Redacted customer", message: "Could not be saved." }]);
    expect((await t.db.complianceRequest.findUniqueOrThrow({ where: { id: answered.id } })).result).toMatchObject({ redacted: true, by: "shop/redact" });
    expect((await t.db.webhookEvent.findUniqueOrThrow({ where: { id: mine.id } })).payload).toMatchObject({ redacted: true, by: "shop/redact" });
    expect((await t.db.webhookEvent.findUniqueOrThrow({ where: { id: theirs.id } })).payload).toEqual({ id: 6006, line_items: [] });
    expect(request.result).toMatchObject({ customers: 2, salesOrders: 4, keptCustomers: [{ customerId: shared, reason: expect.any(String) }] });
  });
});
