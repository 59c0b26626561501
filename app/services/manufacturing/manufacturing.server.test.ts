import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createManufacturingOrder, makeToOrder, setManufacturingOrderState } from "./manufacturing.server";
import { createSalesOrder } from "../sales-orders/sales-orders.server";
import { adjustStock, readStockLevels } from "../stock/stock.server";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db";
import { makerWithCatalogue } from "../../../tests/support/catalog-factories";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

const day = (d: string) => new Date(`${d}T10:00:00Z`);

describe("manufacturing orders", () => {
  it("make to order, start, complete: components consumed, item produced, row linked", async () => {
    const m = await makerWithCatalogue(t.db);
    await adjustStock(t.db, m.accountId, {
      locationId: m.workshop.id, reason: "Opening", occurredAt: day("2026-11-01"),
      lines: [{ variantId: m.stool.id, quantity: "3" }, { variantId: m.oil.id, quantity: "2" }],
    });
    const order = await createSalesOrder(t.db, m.accountId, { orderDate: day("2026-11-02"), rows: [{ variantId: m.kit.id, quantity: "2", pricePerUnit: "80" }] });
    if (!order.ok) throw new Error(order.message);
    const row = await t.db.salesOrderRow.findFirstOrThrow({ where: { salesOrderId: order.value.orderId } });
    const mo = await makeToOrder(t.db, m.accountId, row.id);
    if (!mo.ok) throw new Error(mo.message);
    expect(await makeToOrder(t.db, m.accountId, row.id)).toMatchObject({ ok: false, code: "ROW_ALREADY_LINKED" });
    expect(await setManufacturingOrderState(t.db, m.accountId, mo.value.moId, "work_in_progress", day("2026-11-03"))).toEqual({ ok: true, value: { state: "work_in_progress" } });
    expect(await setManufacturingOrderState(t.db, m.accountId, mo.value.moId, "done", day("2026-11-04"))).toEqual({ ok: true, value: { state: "done" } });
    expect(await setManufacturingOrderState(t.db, m.accountId, mo.value.moId, "work_in_progress")).toMatchObject({ ok: false, code: "MO_DONE_FINAL" });

    const { levels } = await readStockLevels(t.db, m.accountId, { variantIds: [m.stool.id, m.oil.id, m.kit.id], locationIds: [m.workshop.id] });
    const of = (id: string) => levels.find((l) => l.variantId === id);
    expect(of(m.stool.id)?.inStock).toBe("1");
    expect(of(m.oil.id)?.inStock).toBe("1");
    expect(of(m.kit.id)).toMatchObject({ inStock: "2", committed: "2", available: "0" });
    const saved = await t.db.manufacturingOrder.findUniqueOrThrow({ where: { id: mo.value.moId } });
    expect(saved.salesOrderRowId).toBe(row.id);
  });

  it("refuses a zero or negative quantity and a service, beside the field", async () => {
    const m = await makerWithCatalogue(t.db);
    expect(await createManufacturingOrder(t.db, m.accountId, { variantId: m.stool.id, locationId: m.workshop.id, quantity: "0" })).toMatchObject({
      ok: false, fieldErrors: { quantity: expect.any(String) },
    });
    expect(await createManufacturingOrder(t.db, m.accountId, { variantId: m.service.id, locationId: m.workshop.id, quantity: "1" })).toMatchObject({
      ok: false, fieldErrors: { variantId: "Services are not made into stock." },
    });
    expect(await t.db.manufacturingOrder.count({ where: { accountId: m.accountId } })).toBe(0);
  });

  it("refuses completion in a locked period and changes nothing", async () => {
    const m = await makerWithCatalogue(t.db);
    const mo = await createManufacturingOrder(t.db, m.accountId, { variantId: m.stool.id, locationId: m.workshop.id, quantity: "2" });
    if (!mo.ok) throw new Error(mo.message);
    await t.db.account.update({ where: { id: m.accountId }, data: { stockClosingDate: day("2026-11-30") } });
    expect(await setManufacturingOrderState(t.db, m.accountId, mo.value.moId, "done", day("2026-11-15"))).toMatchObject({ ok: false, code: "PERIOD_LOCKED" });
    expect((await t.db.manufacturingOrder.findUniqueOrThrow({ where: { id: mo.value.moId } })).state).toBe("not_started");
    expect(await t.db.stockMovement.count({ where: { accountId: m.accountId } })).toBe(0);
  });
});
