import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTECTED_CUSTOMER_DATA } from "../emulator/index";
import { salesOrderOf, SHOP, startOrderSyncWorld, type OrderSyncWorld } from "./order-sync.support";

/**
 * Protected customer data (docs/decisions/023): against the local Shopify at the approval a new
 * app has — level 1, customer data without names, emails, phones or addresses — Tenon imports
 * what Shopify gives, never fails an order for what it withholds, and tells the merchant once per
 * store what is missing. Level 0: protected-customer-data-refused.test.ts.
 * https://shopify.dev/docs/apps/launch/protected-customer-data
 */

const address = { firstName: "Anna", lastName: "Becker", address1: "Holzweg 1", city: "Hamburg", zip: "20095", country: "Germany", countryCode: "DE", phone: "+4940123" };

async function importCustomers(w: OrderSyncWorld) {
  const { startCustomerImport } = await import("~/sync/imports/customer-import.server");
  const { enqueue } = await import("~/jobs/index.server");
  const started = await startCustomerImport(w.app.db, w.accountId, w.storeId, (tx, importId) => enqueue(tx, "import.customers", { importId }));
  if (!started.ok) throw new Error(started.message);
  await w.settle();
  return w.app.db.importRun.findUniqueOrThrow({ where: { id: started.value.importId } });
}

const notices = (w: OrderSyncWorld) => w.app.db.syncActivity.findMany({ where: { storeId: w.storeId, action: "customer_data.withheld" } });

describe("level 1 (the default): no names, emails, phones or addresses", () => {
  let w: OrderSyncWorld;
  beforeAll(async () => {
    w = await startOrderSyncWorld();
    await w.settle();
  }, 60_000);
  afterAll(async () => w.stop());

  it("imports orders with their customer named by the Shopify customer number, and tells the merchant once", async () => {
    expect(w.app.emulator.shop(SHOP).customers.find((c) => c.id === 88120001)?.email).toBe("anna.becker@example.com");
    const first = await w.createOrder({
      lines: [{ sku: "OAK-STOOL-45", quantity: 1 }],
      extra: { customer: { toAssociate: { id: "gid://shopify/Customer/88120001" } }, email: "anna.becker@example.com", billingAddress: address, shippingAddress: address },
    });
    const second = await w.createOrder({
      lines: [{ sku: "WAL-BOARD-S", quantity: 2 }],
      extra: { customer: { toAssociate: { id: "gid://shopify/Customer/88120001" } }, billingAddress: address },
    });
    // A guest order: no customer, and its email and address name withheld too.
    const guest = await w.createOrder({ lines: [{ sku: "OIL-HW-250", quantity: 1 }], extra: { email: "guest@example.com", billingAddress: address } });
    await w.settle();

    const one = await salesOrderOf(w, first.id);
    const two = await salesOrderOf(w, second.id);
    const three = await salesOrderOf(w, guest.id);
    expect(one?.rows.length).toBeGreaterThan(0);
    expect(two?.rows.length).toBeGreaterThan(0);
    expect(three?.rows.length).toBeGreaterThan(0);
    // What Shopify does give: city and country (not protected fields); no name, street, zip or phone.
    expect(one!.billTo).toEqual({ city: "Hamburg", country: "Germany" });
    expect(one!.customer).toMatchObject({ name: "Shopify customer 88120001", email: null });
    // The same Shopify customer is the same Tenon customer.
    expect(two!.customerId).toBe(one!.customerId);
    expect(three!.customerId).toBeNull();
    for (const order of [first, second, guest]) {
      expect(await w.app.db.shopifyOrderLink.findUnique({ where: { storeId_shopifyOrderId: { storeId: w.storeId, shopifyOrderId: order.id } } })).toMatchObject({ state: "imported" });
    }
    expect(await w.app.db.syncActivity.count({ where: { storeId: w.storeId, outcome: "failed" } })).toBe(0);

    const told = await notices(w);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ area: "connection", outcome: "skipped", subject: "Customer data" });
    expect(told[0]!.message).toContain("Shopify does not give Tenon your customers' names, email addresses, phone numbers and street addresses");
    expect(told[0]!.message).toContain('"Shopify customer 1042"');
    // The store header shows it (SyncHealth), once for the store.
    const { syncHealth } = await import("~/services/activity/activity.server");
    expect((await syncHealth(w.app.db, w.storeId, { jobStore: { runner: "embedded" } })).customerDataWithheld).toEqual({ since: told[0]!.at, message: told[0]!.message });
  });

  it("imports the store's customers without their names, linked to those the orders created, and says nothing again", async () => {
    const run = await importCustomers(w);
    expect(run).toMatchObject({ state: "succeeded", failures: null });
    const shopifyIds = w.app.emulator.shop(SHOP).customers.map((c) => `gid://shopify/Customer/${c.id}`);
    const linked = await w.app.db.customer.findMany({ where: { accountId: w.accountId, externalIds: { some: { storeId: w.storeId } } }, include: { externalIds: true } });
    expect(linked.flatMap((c) => c.externalIds.map((e) => e.externalId)).sort()).toEqual([...shopifyIds].sort());
    for (const customer of linked) {
      const number = customer.externalIds[0]!.externalId.split("/").pop();
      expect(customer).toMatchObject({ name: `Shopify customer ${number}`, email: null, phone: null });
    }
    expect(await notices(w)).toHaveLength(1);
  });

  it("with level 2 granted later, new orders come with the names", async () => {
    w.app.emulator.setProtectedCustomerData(PROTECTED_CUSTOMER_DATA.level2);
    try {
      const order = await w.createOrder({ lines: [{ sku: "OAK-STOOL-60", quantity: 1 }], extra: { email: "new.buyer@example.com", billingAddress: { ...address, firstName: "Nora", lastName: "Neu" } } });
      await w.settle();
      expect((await salesOrderOf(w, order.id))?.billTo).toMatchObject({ name: "Nora Neu", line1: "Holzweg 1", zip: "20095" });
      expect(await notices(w)).toHaveLength(1);
    } finally {
      w.app.emulator.setProtectedCustomerData(PROTECTED_CUSTOMER_DATA.level1);
    }
  });
});
