import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTECTED_CUSTOMER_DATA } from "../emulator/index";
import { BROWSER_USER_AGENT } from "../support/app-harness";
import { editOrder, salesOrderOf, SHOP, startOrderSyncWorld, type CreatedOrder, type OrderSyncWorld } from "./order-sync.support";

/**
 * The compliance webhooks end to end (ADR 020): orders placed in the local Shopify are imported by
 * the order sync (webhook → job → sales order, its customer created from the Shopify customer and
 * linked to it); then Shopify's signed customers/data_request and customers/redact reach
 * /webhooks/compliance, and the job hands over, then erases, that customer's data in Tenon.
 */
let w: OrderSyncWorld;

beforeAll(async () => {
  // The customer's personal data reaches Tenon only with Shopify's level 2 approval (docs/decisions/023).
  w = await startOrderSyncWorld({ harness: { protectedCustomerData: PROTECTED_CUSTOMER_DATA.level2 } });
  await w.settle();
}, 60_000);
afterAll(async () => w.stop());

const numericId = (gid: string) => Number(gid.split("/").pop());
const anna = { id: 88120001, email: "anna.becker@example.com", phone: "+4915112345678" };
const tom = { id: 88120002, email: "tom.richter@example.com", phone: "+4917698765432" };

async function orderFor(customerId: number, address: Record<string, string>, poNumber: string): Promise<CreatedOrder> {
  return w.createOrder({
    lines: [{ sku: "OAK-STOOL-45", quantity: 2 }],
    extra: {
      customer: { toAssociate: { id: `gid://shopify/Customer/${customerId}` } },
      billingAddress: address,
      shippingAddress: { ...address, address1: "Lager 2" },
      poNumber,
    },
  });
}

async function complianceRequest(topic: string, eventId: string) {
  return w.app.db.complianceRequest.findFirstOrThrow({ where: { shopDomain: SHOP, topic, webhookEvent: { eventId } } });
}

describe("compliance webhooks against Tenon's own records", () => {
  let annaOrder: CreatedOrder;
  let tomOrder: CreatedOrder;

  beforeAll(async () => {
    annaOrder = await orderFor(anna.id, { firstName: "Anna", lastName: "Becker", address1: "Holzweg 1", city: "Hamburg", zip: "20095", country: "Germany" }, "PO-ANNA");
    tomOrder = await orderFor(tom.id, { firstName: "Tom", lastName: "Richter", address1: "Am Markt 3", city: "Dresden", zip: "01067", country: "Germany" }, "PO-TOM");
    await w.settle();
  });

  it("customers/data_request: the job stores the imported customer, its addresses and its sales order with rows", async () => {
    const delivery = await w.app.emulator.sendComplianceWebhook(SHOP, "customers/data_request", { customer: anna, orders_requested: [numericId(annaOrder.id)] });
    expect(delivery.status).toBe(200);
    await w.settle();
    const request = await complianceRequest("customers/data_request", delivery.eventId);
    expect(request.status).toBe("completed");
    const result = request.result as { customers: Record<string, unknown>[]; salesOrders: Record<string, unknown>[] };
    expect(result.customers).toEqual([
      expect.objectContaining({
        name: "Anna Becker",
        email: anna.email,
        billingAddress: { name: "Anna Becker", line1: "Holzweg 1", city: "Hamburg", zip: "20095", country: "Germany" },
        shippingAddress: { name: "Anna Becker", line1: "Lager 2", city: "Hamburg", zip: "20095", country: "Germany" },
        shopifyCustomerIds: [`gid://shopify/Customer/${anna.id}`],
      }),
    ]);
    expect(result.salesOrders).toEqual([
      expect.objectContaining({
        number: annaOrder.name,
        shopifyOrderId: annaOrder.id,
        customerReference: "PO-ANNA",
        billTo: { name: "Anna Becker", line1: "Holzweg 1", city: "Hamburg", zip: "20095", country: "Germany" },
        rows: [expect.objectContaining({ sku: "OAK-STOOL-45", quantity: "2", state: "not_shipped" })],
      }),
    ]);
    expect(JSON.stringify(result)).not.toContain("Richter");

    // The merchant finds it in the store's activity log and downloads it from the embedded app.
    const entry = await w.app.db.syncActivity.findFirstOrThrow({ where: { storeId: w.storeId, action: "compliance.data_request", subjectRef: request.id } });
    const path = `/app/stores/${w.storeId}/data-requests/${request.id}`;
    expect(entry.message).toContain(path);
    const { loader } = await import("~/routes/app.stores.$storeId_.data-requests.$requestId");
    const download = (requestId: string) =>
      loader({
        request: new Request(new URL(path, w.app.appUrl), { headers: { Authorization: `Bearer ${w.app.emulator.mintSessionToken(SHOP)}`, "User-Agent": BROWSER_USER_AGENT } }),
        params: { storeId: w.storeId, requestId },
        context: {},
      }).catch((thrown: unknown) => thrown as Response);
    const response = await download(request.id);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="customer-data-request-\d+\.json"$/);
    expect(await response.json()).toEqual(request.result);
    const unknown = await download("not-a-request");
    expect([unknown.status, await unknown.text()]).toEqual([404, "This data request is not one of this store's. Open it from the store's activity log."]);
  });

  it("customers/redact: the job erases the customer's fields on the customer, the order, the log and the stored webhooks; Tom's stay", async () => {
    const annaBefore = await salesOrderOf(w, annaOrder.id);
    const tomBefore = await salesOrderOf(w, tomOrder.id);
    expect(annaBefore!.billTo).not.toBeNull();

    const delivery = await w.app.emulator.sendComplianceWebhook(SHOP, "customers/redact", { customer: anna, orders_to_redact: [numericId(annaOrder.id)] });
    expect(delivery.status).toBe(200);
    await w.settle();
    expect((await complianceRequest("customers/redact", delivery.eventId)).status).toBe("completed");

    const after = await salesOrderOf(w, annaOrder.id);
    expect(after!.customer).toMatchObject({ name: "Redacted customer", email: null, phone: null, billingAddress: null, shippingAddress: null, extraAddresses: null });
    expect(await w.app.db.customerExternalId.count({ where: { customerId: after!.customerId!, storeId: w.storeId } })).toBe(0);
    expect([after!.billTo, after!.shipTo, after!.customerReference]).toEqual([null, null, null]);
    // The business record as it was: number, dates, currency, rows with quantities and prices.
    const business = (o: typeof after) => ({
      number: o!.number,
      orderDate: o!.orderDate,
      deliveryDate: o!.deliveryDate,
      currency: o!.currency,
      exchangeRate: o!.exchangeRate.toString(),
      rows: o!.rows.map((r) => [r.variantId, r.description, r.quantity.toString(), r.pricePerUnit.toString(), r.discountPercent.toString(), r.state, r.locationId]),
    });
    expect(business(after)).toEqual(business(annaBefore));

    const annaLog = await w.app.db.syncActivity.findMany({ where: { storeId: w.storeId, subjectRef: annaOrder.id } });
    expect(annaLog.length).toBeGreaterThan(0);
    for (const entry of annaLog) expect([entry.subject, entry.message]).toEqual([annaOrder.name, "Details removed (customers/redact)."]);
    const annaWebhooks = await w.app.db.webhookEvent.findMany({ where: { shopDomain: SHOP, topic: "orders/create" } });
    const payloadIds = annaWebhooks.map((e) => (e.payload as { id?: number; redacted?: boolean }));
    expect(payloadIds).toContainEqual(expect.objectContaining({ redacted: true, by: "customers/redact" }));
    expect(payloadIds).toContainEqual(expect.objectContaining({ id: numericId(tomOrder.id) }));
    expect(payloadIds).not.toContainEqual(expect.objectContaining({ id: numericId(annaOrder.id) }));

    // Tom: his customer and order exactly as they were.
    const tomAfter = await salesOrderOf(w, tomOrder.id);
    expect({ ...tomAfter, updatedAt: undefined, customer: { ...tomAfter!.customer, updatedAt: undefined } }).toEqual({
      ...tomBefore,
      updatedAt: undefined,
      customer: { ...tomBefore!.customer, updatedAt: undefined },
    });
  });

  it("a later edit of the redacted order in Shopify changes its rows and does not bring the personal data back", async () => {
    await editOrder(w, annaOrder.id, { setQuantity: [{ lineItemId: annaOrder.lineItems.nodes[0]!.id, quantity: 3 }] });
    await w.settle();
    const after = await salesOrderOf(w, annaOrder.id);
    expect(after!.rows.find((r) => !r.isShippingFee)!.quantity.toString()).toBe("3");
    expect([after!.billTo, after!.shipTo, after!.customerReference]).toEqual([null, null, null]);
    expect(after!.customer).toMatchObject({ name: "Redacted customer", email: null, billingAddress: null });
  });
});
