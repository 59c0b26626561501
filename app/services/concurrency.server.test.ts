import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receivePurchase } from "./stock/stock.server";
import { createSalesOrder, deliverOrder } from "./sales-orders/sales-orders.server";
import { createTestDatabase, type TestDatabase } from "../../tests/support/db";
import { makerWithCatalogue } from "../../tests/support/catalog-factories";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

describe("concurrent deliveries of batch-tracked stock", () => {
  it("20 parallel deliveries never drive a batch below zero and never lose a movement", async () => {
    const m = await makerWithCatalogue(t.db, { batchTrackedOil: true });
    for (const [batchNumber, quantity, date] of [["B-1", "4", "2026-11-01"], ["B-2", "6", "2026-11-02"]] as const) {
      const received = await receivePurchase(t.db, m.accountId, {
        variantId: m.oil.id, locationId: m.workshop.id, quantity, receivedAt: new Date(`${date}T08:00:00Z`), batchNumber,
      });
      if (!received.ok) throw new Error(received.message);
    }
    const orders: string[] = [];
    for (let i = 0; i < 20; i++) {
      const order = await createSalesOrder(t.db, m.accountId, {
        orderDate: new Date("2026-11-10T09:00:00Z"),
        rows: [{ variantId: m.oil.id, quantity: "1", pricePerUnit: "9" }],
      });
      if (!order.ok) throw new Error(order.message);
      orders.push(order.value.orderId);
    }

    const results = await Promise.all(orders.map((id) => deliverOrder(t.db, m.accountId, id, new Date("2026-11-11T09:00:00Z"))));

    const delivered = results.filter((r) => r.ok).length;
    const refused = results.filter((r) => !r.ok);
    expect(delivered).toBe(10);
    expect(refused.every((r) => !r.ok && r.code === "NOT_ENOUGH_STOCK")).toBe(true);
    const perBatch = await t.db.stockMovement.groupBy({ by: ["batchId"], where: { variantId: m.oil.id }, _sum: { quantity: true } });
    for (const batch of perBatch) expect(Number(batch._sum.quantity)).toBeGreaterThanOrEqual(0);
    const deliveries = await t.db.stockMovement.count({ where: { variantId: m.oil.id, kind: "sales_delivery" } });
    expect(deliveries).toBe(10);
    const deliveredRows = await t.db.salesOrderRow.count({ where: { variantId: m.oil.id, state: "delivered" } });
    expect(deliveredRows).toBe(10);
    const total = await t.db.stockMovement.aggregate({ where: { variantId: m.oil.id }, _sum: { quantity: true } });
    expect(total._sum.quantity?.toString()).toBe("0");
  }, 60_000);
});
