import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adjustStock, readStockLevels, receivePurchase } from "./stock.server";
import { createSalesOrder, deliverOrder, deliverRow, packRows } from "../sales-orders/sales-orders.server";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db";
import { makerWithCatalogue } from "../../../tests/support/catalog-factories";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

const day = (d: string) => new Date(`${d}T10:00:00Z`);

async function level(accountId: string, variantId: string, locationId: string) {
  const { levels } = await readStockLevels(t.db, accountId, { variantIds: [variantId] });
  const found = levels.find((l) => l.locationId === locationId);
  return found ? { inStock: found.inStock, committed: found.committed, available: found.available } : null;
}

describe("stock ledger", () => {
  it("adjusts stock with a reason and records one stock event per pair, kits through components", async () => {
    const m = await makerWithCatalogue(t.db);
    const result = await adjustStock(t.db, m.accountId, {
      locationId: m.workshop.id,
      reason: "Stocktake",
      occurredAt: day("2026-11-01"),
      lines: [
        { variantId: m.stool.id, quantity: "5" },
        { variantId: m.oil.id, quantity: "2.5" },
      ],
    });
    expect(result).toEqual({ ok: true, value: { movementCount: 2 } });
    expect(await level(m.accountId, m.stool.id, m.workshop.id)).toEqual({ inStock: "5", committed: "0", available: "5" });
    const events = await t.db.stockEvent.findMany({ where: { accountId: m.accountId } });
    const pairs = events.map((e) => `${e.variantId === m.kit.id ? "kit" : e.variantId === m.stool.id ? "stool" : "oil"}`).sort();
    expect(pairs).toEqual(["kit", "oil", "stool"]);
    const { kits } = await readStockLevels(t.db, m.accountId, { variantIds: [m.kit.id] });
    expect(kits.find((k) => k.locationId === m.workshop.id)?.potential).toBe(5);
  });

  it.each([
    [{ quantity: "-x" }, "lines.0.quantity"],
    [{ quantity: "0" }, "lines.0.quantity"],
    [{ quantity: "1.23456" }, "lines.0.quantity"],
  ])("refuses a bad quantity %j beside the field and writes nothing", async (line, field) => {
    const m = await makerWithCatalogue(t.db);
    const result = await adjustStock(t.db, m.accountId, {
      locationId: m.workshop.id,
      reason: "Count",
      occurredAt: day("2026-11-01"),
      lines: [{ variantId: m.stool.id, ...line }],
    });
    expect(result).toMatchObject({ ok: false, code: "INPUT_INVALID" });
    if (!result.ok) expect(Object.keys(result.fieldErrors ?? {})).toContain(field);
    expect(await t.db.stockMovement.count({ where: { accountId: m.accountId } })).toBe(0);
  });

  it("refuses an unknown location and a movement in a locked period, changing nothing", async () => {
    const m = await makerWithCatalogue(t.db);
    const unknown = await adjustStock(t.db, m.accountId, {
      locationId: "nowhere",
      reason: "Count",
      occurredAt: day("2026-11-01"),
      lines: [{ variantId: m.stool.id, quantity: "1" }],
    });
    expect(unknown).toMatchObject({ ok: false, fieldErrors: { locationId: expect.stringContaining("does not exist") } });
    await t.db.account.update({ where: { id: m.accountId }, data: { stockClosingDate: day("2026-10-31") } });
    const locked = await adjustStock(t.db, m.accountId, {
      locationId: m.workshop.id,
      reason: "Late count",
      occurredAt: day("2026-10-15"),
      lines: [{ variantId: m.stool.id, quantity: "1" }],
    });
    expect(locked).toMatchObject({ ok: false, code: "PERIOD_LOCKED" });
    expect(await t.db.stockMovement.count({ where: { accountId: m.accountId } })).toBe(0);
    expect(await t.db.stockEvent.count({ where: { accountId: m.accountId } })).toBe(0);
  });

  it("receives batch-tracked stock into batches and delivers it FIFO, refusing more than there is", async () => {
    const m = await makerWithCatalogue(t.db, { batchTrackedOil: true });
    expect(
      await receivePurchase(t.db, m.accountId, { variantId: m.oil.id, locationId: m.workshop.id, quantity: "3", receivedAt: day("2026-11-01") }),
    ).toMatchObject({ ok: false, fieldErrors: { batchNumber: expect.any(String) } });
    const first = await receivePurchase(t.db, m.accountId, {
      variantId: m.oil.id, locationId: m.workshop.id, quantity: "3", unitCost: "4.20", receivedAt: day("2026-11-01"), batchNumber: "B-1",
    });
    const second = await receivePurchase(t.db, m.accountId, {
      variantId: m.oil.id, locationId: m.workshop.id, quantity: "5", receivedAt: day("2026-11-05"), batchNumber: "B-2",
    });
    if (!first.ok || !second.ok) throw new Error("receipt failed");
    const order = await createSalesOrder(t.db, m.accountId, {
      orderDate: day("2026-11-10"),
      rows: [{ variantId: m.oil.id, quantity: "4", pricePerUnit: "12" }],
    });
    if (!order.ok) throw new Error(order.message);
    expect(await level(m.accountId, m.oil.id, m.workshop.id)).toEqual({ inStock: "8", committed: "4", available: "4" });
    const delivered = await deliverOrder(t.db, m.accountId, order.value.orderId, day("2026-11-11"));
    expect(delivered).toEqual({ ok: true, value: { delivered: 1 } });
    const byBatch = await t.db.stockMovement.groupBy({ by: ["batchId"], where: { variantId: m.oil.id }, _sum: { quantity: true } });
    const balance = Object.fromEntries(byBatch.map((b) => [b.batchId, b._sum.quantity?.toString()]));
    expect(balance[first.value.batchId!]).toBe("0");
    expect(balance[second.value.batchId!]).toBe("4");
    expect(await level(m.accountId, m.oil.id, m.workshop.id)).toEqual({ inStock: "4", committed: "0", available: "4" });

    const tooMuch = await createSalesOrder(t.db, m.accountId, { orderDate: day("2026-11-12"), rows: [{ variantId: m.oil.id, quantity: "5", pricePerUnit: "12" }] });
    if (!tooMuch.ok) throw new Error(tooMuch.message);
    const refused = await deliverOrder(t.db, m.accountId, tooMuch.value.orderId, day("2026-11-12"));
    expect(refused).toMatchObject({ ok: false, code: "NOT_ENOUGH_STOCK" });
    const row = await t.db.salesOrderRow.findFirstOrThrow({ where: { salesOrderId: tooMuch.value.orderId } });
    expect(row.state).toBe("not_shipped");
  });

  it("keeps packed rows Committed until delivery, then takes them out of In stock; partial delivery splits the row", async () => {
    const m = await makerWithCatalogue(t.db);
    await adjustStock(t.db, m.accountId, { locationId: m.workshop.id, reason: "Made", occurredAt: day("2026-11-01"), lines: [{ variantId: m.stool.id, quantity: "10" }] });
    const order = await createSalesOrder(t.db, m.accountId, {
      orderDate: day("2026-11-02"),
      rows: [{ variantId: m.stool.id, quantity: "6", pricePerUnit: "49" }, { variantId: m.service.id, quantity: "1", pricePerUnit: "15" }],
      shippingFee: "4.90",
    });
    if (!order.ok) throw new Error(order.message);
    const rows = await t.db.salesOrderRow.findMany({ where: { salesOrderId: order.value.orderId }, orderBy: { position: "asc" } });
    expect(rows.map((r) => [r.isShippingFee, r.locationId === null])).toEqual([[false, false], [false, true], [true, true]]);
    expect(await level(m.accountId, m.stool.id, m.workshop.id)).toEqual({ inStock: "10", committed: "6", available: "4" });
    await packRows(t.db, m.accountId, order.value.orderId, [rows[0]!.id]);
    expect(await level(m.accountId, m.stool.id, m.workshop.id)).toEqual({ inStock: "10", committed: "6", available: "4" });
    expect(await deliverRow(t.db, m.accountId, order.value.orderId, rows[0]!.id, "7")).toMatchObject({ ok: false, code: "DELIVERY_EXCEEDS_ROW" });
    expect(await deliverRow(t.db, m.accountId, order.value.orderId, rows[0]!.id, "2", day("2026-11-03"))).toMatchObject({ ok: true });
    expect(await level(m.accountId, m.stool.id, m.workshop.id)).toEqual({ inStock: "8", committed: "4", available: "4" });
    const after = await t.db.salesOrderRow.findMany({ where: { salesOrderId: order.value.orderId, variantId: m.stool.id } });
    expect(after.map((r) => [r.state, r.quantity.toString()]).sort()).toEqual([["delivered", "2"], ["packed", "4"]]);
  });
});

describe("stock levels", () => {
  it("lists every pair with stock, components included, when no filter is given", async () => {
    const m = await makerWithCatalogue(t.db);
    await adjustStock(t.db, m.accountId, {
      locationId: m.warehouse.id, reason: "Count", occurredAt: day("2026-11-01"),
      lines: [{ variantId: m.stool.id, quantity: "4" }, { variantId: m.oil.id, quantity: "1" }],
    });
    const { levels, kits } = await readStockLevels(t.db, m.accountId);
    expect(levels.map((l) => l.variantId).sort()).toEqual([m.oil.id, m.stool.id].sort());
    expect(kits.find((k) => k.locationId === m.warehouse.id)).toMatchObject({ kitVariantId: m.kit.id, potential: 2 });
    expect(kits.find((k) => k.locationId === m.workshop.id)?.potential).toBe(0);
  });
});

describe("deleting sales orders", () => {
  it("refuses an invoiced row or an order dated in a locked period, with the reason, and changes nothing", async () => {
    const { deleteRow, deleteSalesOrder, invoiceOrder } = await import("../sales-orders/sales-orders.server");
    const m = await makerWithCatalogue(t.db);
    const order = await createSalesOrder(t.db, m.accountId, { orderDate: day("2026-11-05"), rows: [{ variantId: m.stool.id, quantity: "1", pricePerUnit: "49" }] });
    if (!order.ok) throw new Error(order.message);
    const row = await t.db.salesOrderRow.findFirstOrThrow({ where: { salesOrderId: order.value.orderId } });
    await invoiceOrder(t.db, m.accountId, order.value.orderId);
    const refused = await deleteRow(t.db, m.accountId, order.value.orderId, row.id);
    expect(refused).toMatchObject({ ok: false, code: "ROW_INVOICED" });
    if (!refused.ok) expect(refused.message).toContain("Credit the invoice");
    expect(await deleteSalesOrder(t.db, m.accountId, order.value.orderId)).toMatchObject({ ok: false, code: "ROW_INVOICED" });

    const old = await createSalesOrder(t.db, m.accountId, { orderDate: day("2026-10-01"), rows: [{ variantId: m.stool.id, quantity: "1", pricePerUnit: "49" }] });
    if (!old.ok) throw new Error(old.message);
    await t.db.account.update({ where: { id: m.accountId }, data: { stockClosingDate: day("2026-10-31") } });
    expect(await deleteSalesOrder(t.db, m.accountId, old.value.orderId)).toMatchObject({ ok: false, code: "PERIOD_LOCKED" });
    expect(await t.db.salesOrder.count({ where: { accountId: m.accountId } })).toBe(2);
  });

  it("deleting an open order releases its Committed and records the stock event", async () => {
    const { deleteSalesOrder } = await import("../sales-orders/sales-orders.server");
    const m = await makerWithCatalogue(t.db);
    const order = await createSalesOrder(t.db, m.accountId, { orderDate: day("2026-11-05"), rows: [{ variantId: m.stool.id, quantity: "2", pricePerUnit: "49" }] });
    if (!order.ok) throw new Error(order.message);
    expect((await level(m.accountId, m.stool.id, m.workshop.id))?.committed).toBe("2");
    const before = await t.db.stockEvent.count({ where: { accountId: m.accountId, variantId: m.stool.id } });
    expect(await deleteSalesOrder(t.db, m.accountId, order.value.orderId)).toEqual({ ok: true, value: { deleted: true } });
    expect(await level(m.accountId, m.stool.id, m.workshop.id)).toBeNull();
    expect(await t.db.stockEvent.count({ where: { accountId: m.accountId, variantId: m.stool.id } })).toBe(before + 1);
  });
});
