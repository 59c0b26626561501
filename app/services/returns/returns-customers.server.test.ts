import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomer, linkCustomerToStore } from "../customers/customers.server";
import { createReturnOrder } from "./returns.server";
import { createSalesOrder, deliverOrder } from "../sales-orders/sales-orders.server";
import { adjustStock, readStockLevels } from "../stock/stock.server";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db";
import { makerWithCatalogue } from "../../../tests/support/catalog-factories";
import { createStore } from "../../../tests/support/factories";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

const day = (d: string) => new Date(`${d}T10:00:00Z`);

describe("return orders", () => {
  it("restocked rows come back into stock, refund-only rows record the return only, never more than delivered", async () => {
    const m = await makerWithCatalogue(t.db);
    await adjustStock(t.db, m.accountId, { locationId: m.workshop.id, reason: "Made", occurredAt: day("2026-11-01"), lines: [{ variantId: m.stool.id, quantity: "5" }] });
    const order = await createSalesOrder(t.db, m.accountId, { orderDate: day("2026-11-02"), rows: [{ variantId: m.stool.id, quantity: "3", pricePerUnit: "49" }] });
    if (!order.ok) throw new Error(order.message);
    await deliverOrder(t.db, m.accountId, order.value.orderId, day("2026-11-03"));
    const row = await t.db.salesOrderRow.findFirstOrThrow({ where: { salesOrderId: order.value.orderId } });

    const restocked = await createReturnOrder(t.db, m.accountId, order.value.orderId, [{ salesOrderRowId: row.id, quantity: "2", restock: true }], day("2026-11-04"));
    expect(restocked).toMatchObject({ ok: true, value: { number: "RO-0001" } });
    const refundOnly = await createReturnOrder(t.db, m.accountId, order.value.orderId, [{ salesOrderRowId: row.id, quantity: "1", restock: false }], day("2026-11-04"));
    expect(refundOnly.ok).toBe(true);
    const tooMany = await createReturnOrder(t.db, m.accountId, order.value.orderId, [{ salesOrderRowId: row.id, quantity: "1", restock: true }], day("2026-11-05"));
    expect(tooMany).toMatchObject({ ok: false, code: "RETURN_INVALID" });

    const { levels } = await readStockLevels(t.db, m.accountId, { variantIds: [m.stool.id], locationIds: [m.workshop.id] });
    expect(levels[0]).toMatchObject({ inStock: "4", committed: "0" });
    const rows = await t.db.returnRow.findMany({ where: { salesOrderRowId: row.id }, orderBy: { quantity: "desc" } });
    expect(rows.map((r) => [r.state, r.quantity.toString()])).toEqual([["returned", "2"], ["not_restocked", "1"]]);
  });
});

describe("customers", () => {
  it("keeps addresses (shipping falls back to billing), refuses bad email and an 11th extra address", async () => {
    const m = await makerWithCatalogue(t.db);
    const created = await createCustomer(t.db, m.accountId, {
      name: "Ada Lovelace",
      email: "ada@example.com",
      billingAddress: { line1: "1 Analytical St", city: "London", country: "GB" },
    });
    if (!created.ok) throw new Error(created.message);
    const saved = await t.db.customer.findUniqueOrThrow({ where: { id: created.value.customerId } });
    expect(saved.shippingAddress).toEqual(saved.billingAddress);
    expect(await createCustomer(t.db, m.accountId, { name: "X", email: "not-an-email" })).toMatchObject({
      fieldErrors: { email: "Enter an email address like name@example.com." },
    });
    expect(await createCustomer(t.db, m.accountId, { name: "X", extraAddresses: Array.from({ length: 11 }, () => ({ city: "Y" })) })).toMatchObject({
      fieldErrors: { extraAddresses: "A customer can have at most 10 more addresses." },
    });
  });

  it("links a customer to one store's id, once", async () => {
    const store = await createStore(t.db);
    const a = await createCustomer(t.db, store.accountId, { name: "A" });
    const b = await createCustomer(t.db, store.accountId, { name: "B" });
    if (!a.ok || !b.ok) throw new Error("create failed");
    expect(await linkCustomerToStore(t.db, store.accountId, a.value.customerId, store.id, "gid://shopify/Customer/1")).toMatchObject({ ok: true });
    expect(await linkCustomerToStore(t.db, store.accountId, a.value.customerId, store.id, "gid://shopify/Customer/1")).toMatchObject({ ok: true });
    expect(await linkCustomerToStore(t.db, store.accountId, b.value.customerId, store.id, "gid://shopify/Customer/1")).toMatchObject({ code: "EXTERNAL_ID_TAKEN" });
  });
});
