import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/support/db";
import { makerWithCatalogue } from "../../tests/support/catalog-factories";
import { getProduct, listVariantOptions, setKitComponents } from "./products/products.server";
import { getManufacturingOrder, listManufacturingOrders, makeToOrder } from "./manufacturing/manufacturing.server";
import { createSalesOrder, deliverRow, listSalesOrders, packRows, salesOrdersForExport } from "./sales-orders/sales-orders.server";
import { adjustStock } from "./stock/stock.server";

/** The reads behind the merchant's lists and detail pages. */

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

const day = (d: string) => new Date(`${d}T10:00:00Z`);

async function order(accountId: string, input: Record<string, unknown>) {
  const created = await createSalesOrder(t.db, accountId, { orderDate: day("2026-11-02"), ...input });
  if (!created.ok) throw new Error(created.message);
  return created.value;
}

describe("sales order list", () => {
  it("filters by delivery status, searches number, reference and customer, and totals each order", async () => {
    const m = await makerWithCatalogue(t.db);
    await adjustStock(t.db, m.accountId, { locationId: m.workshop.id, reason: "Opening", occurredAt: day("2026-11-01"), lines: [{ variantId: m.stool.id, quantity: "10" }] });
    const customer = await t.db.customer.create({ data: { accountId: m.accountId, name: "Birch Café" } });
    const row = (quantity: string) => ({ variantId: m.stool.id, quantity, pricePerUnit: "10" });
    const open = await order(m.accountId, { rows: [row("1")], customerReference: "PO-77", shippingFee: "5" });
    const packed = await order(m.accountId, { rows: [row("1"), row("2")], customerId: customer.id });
    const partial = await order(m.accountId, { rows: [row("1"), row("1")] });
    const delivered = await order(m.accountId, { rows: [row("2")], shippingFee: "4.50" });
    const rowsOf = (orderId: string) => t.db.salesOrderRow.findMany({ where: { salesOrderId: orderId, isShippingFee: false }, orderBy: { position: "asc" } });
    await packRows(t.db, m.accountId, packed.orderId, (await rowsOf(packed.orderId)).map((r) => r.id));
    await deliverRow(t.db, m.accountId, partial.orderId, (await rowsOf(partial.orderId))[0]!.id, undefined, day("2026-11-03"));
    await deliverRow(t.db, m.accountId, delivered.orderId, (await rowsOf(delivered.orderId))[0]!.id, undefined, day("2026-11-03"));

    const numbers = async (query: Parameters<typeof listSalesOrders>[2]) =>
      (await listSalesOrders(t.db, m.accountId, query)).items.map((o) => o.number).sort();
    expect(await numbers({ status: "not_shipped" })).toEqual([open.number]);
    expect(await numbers({ status: "packed" })).toEqual([packed.number]);
    expect(await numbers({ status: "partially_delivered" })).toEqual([partial.number]);
    expect(await numbers({ status: "delivered" })).toEqual([delivered.number]);
    expect(await numbers({ status: "partially_packed" })).toEqual([]);
    expect(await numbers({ search: "PO-77" })).toEqual([open.number]);
    expect(await numbers({ search: "Birch" })).toEqual([packed.number]);
    expect(await numbers({ search: delivered.number })).toEqual([delivered.number]);

    const all = await listSalesOrders(t.db, m.accountId);
    expect(all.total).toBe(4);
    expect(all.items.find((o) => o.id === delivered.orderId)).toMatchObject({ total: "24.5", status: "delivered", customerName: null });
    expect(all.items.find((o) => o.id === packed.orderId)).toMatchObject({ customerName: "Birch Café", status: "packed" });

    const exported = [];
    for await (const item of salesOrdersForExport(t.db, m.accountId, { status: "delivered" })) exported.push(item.number);
    expect(exported).toEqual([delivered.number]);
  });
});

describe("manufacturing order list and detail", () => {
  it("shows the item, the state and the linked sales-order row", async () => {
    const m = await makerWithCatalogue(t.db);
    const so = await order(m.accountId, { rows: [{ variantId: m.kit.id, quantity: "2", pricePerUnit: "80" }] });
    const row = await t.db.salesOrderRow.findFirstOrThrow({ where: { salesOrderId: so.orderId } });
    const mo = await makeToOrder(t.db, m.accountId, row.id);
    if (!mo.ok) throw new Error(mo.message);
    const view = await getManufacturingOrder(t.db, m.accountId, mo.value.moId);
    expect(view).toMatchObject({
      number: mo.value.number,
      state: "not_started",
      quantity: "2",
      itemLabel: "Starter kit (KIT)",
      locationName: "Workshop",
      salesOrderRow: { id: row.id, orderId: so.orderId, orderNumber: so.number },
    });
    expect((await listManufacturingOrders(t.db, m.accountId, { state: "not_started" })).items.map((i) => i.id)).toEqual([mo.value.moId]);
    expect((await listManufacturingOrders(t.db, m.accountId, { state: "done" })).total).toBe(0);
    expect((await listManufacturingOrders(t.db, m.accountId, { search: "Starter" })).total).toBe(1);
    expect(await getManufacturingOrder(t.db, "another-account", mo.value.moId)).toBeNull();
  });
});

describe("product detail and pickers", () => {
  it("reads a product with its variants' bills of materials, and offers variants to choose by kind", async () => {
    const m = await makerWithCatalogue(t.db);
    await setKitComponents(t.db, m.accountId, m.kit.id, [
      { variantId: m.stool.id, quantityPerKit: "2" },
      { variantId: m.seat.id, quantityPerKit: "1" },
    ]);
    const kit = await getProduct(t.db, m.accountId, m.kit.productId);
    expect(kit?.variants[0]?.components.map((c) => [c.label, c.quantityPerKit]).sort()).toEqual([
      ["Oak stool (STOOL)", "2"],
      ["Stool seat (SEAT)", "1"],
    ]);
    expect(await getProduct(t.db, "another-account", m.kit.productId)).toBeNull();
    const physical = await listVariantOptions(t.db, m.accountId, { kind: "physical" });
    expect(physical.map((v) => v.label)).not.toContain("Engraving (ENGRAVE)");
    expect(physical).toHaveLength(5);
    expect((await listVariantOptions(t.db, m.accountId, { search: "OIL" })).map((v) => v.label)).toEqual(["Linseed oil (OIL)"]);
  });
});
