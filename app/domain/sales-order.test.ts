import { describe, expect, it } from "vitest";
import {
  canAddShippingFee,
  canDeleteOrder,
  canDeleteRow,
  canDeliver,
  canDeliverOrder,
  canInvoice,
  canInvoiceOrder,
  canPack,
  canUnpack,
  checkRowTransition,
  checkShippingFeeRows,
  isStockRow,
  orderDeliveryStatus,
  orderTotals,
  parseDiscountPercent,
  rowTotals,
  type RowState,
  type SalesRow,
} from "./sales-order";

function row(overrides: Partial<SalesRow> = {}): SalesRow {
  return {
    id: "r1",
    variantId: "soap",
    isShippingFee: false,
    isService: false,
    quantity: "10",
    pricePerUnit: "4.5",
    discountPercent: "0",
    locationId: "workshop",
    state: "not_shipped",
    invoiced: false,
    deliveredAt: null,
    manufacturingOrderId: null,
    ...overrides,
  };
}

const shippingFee = (overrides: Partial<SalesRow> = {}) =>
  row({ id: "fee", variantId: null, isShippingFee: true, isService: true, quantity: "1", pricePerUnit: "5.9", locationId: null, ...overrides });

const open = { closingDate: null };
const locked = { closingDate: "2026-03-31" };
const april = new Date("2026-04-10T10:00:00Z");
const march = new Date("2026-03-10T10:00:00Z");

describe("isStockRow", () => {
  it("is true only for a physical variant that is not the shipping fee", () => {
    expect(isStockRow(row())).toBe(true);
    expect(isStockRow(row({ isService: true }))).toBe(false);
    expect(isStockRow(row({ variantId: null }))).toBe(false);
    expect(isStockRow(shippingFee())).toBe(false);
  });
});

describe("row state transitions", () => {
  const states: RowState[] = ["not_shipped", "packed", "delivered"];
  const allowed: Record<RowState, RowState[]> = {
    not_shipped: ["packed", "delivered"],
    packed: ["not_shipped", "delivered"],
    delivered: [],
  };

  it.each(states)("from %s allows exactly the expected targets", (from) => {
    for (const to of states) {
      expect(checkRowTransition({ state: from }, to).ok, `${from} → ${to}`).toBe(allowed[from].includes(to));
    }
  });

  it("refuses a move to the same state, and any move from Delivered, saying what to do", () => {
    expect(checkRowTransition({ state: "packed" }, "packed")).toMatchObject({ ok: false, code: "ROW_ALREADY_IN_STATE" });
    expect(checkRowTransition({ state: "delivered" }, "delivered")).toMatchObject({ ok: false, code: "ROW_DELIVERED_FINAL" });
    const final = checkRowTransition({ state: "delivered" }, "not_shipped");
    expect(final).toMatchObject({ ok: false, code: "ROW_DELIVERED_FINAL" });
    if (!final.ok) expect(final.message).toContain("return order");
  });

  it("canPack: only rows not packed and not delivered", () => {
    expect(canPack({ state: "not_shipped" })).toEqual({ ok: true });
    expect(canPack({ state: "packed" })).toMatchObject({ ok: false, code: "ROW_ALREADY_IN_STATE" });
    expect(canPack({ state: "delivered" })).toMatchObject({ ok: false, code: "ROW_DELIVERED_FINAL" });
  });

  it("canUnpack: only packed rows", () => {
    expect(canUnpack({ state: "packed" })).toEqual({ ok: true });
    expect(canUnpack({ state: "not_shipped" })).toMatchObject({ ok: false, code: "ROW_NOT_PACKED" });
    expect(canUnpack({ state: "delivered" })).toMatchObject({ ok: false, code: "ROW_DELIVERED_FINAL" });
  });
});

describe("canDeliver", () => {
  it("delivers a whole row with one negative movement at its location", () => {
    expect(canDeliver(row(), undefined, { date: april, ...open })).toEqual({
      ok: true,
      plan: {
        rowId: "r1",
        deliveredQuantity: "10",
        split: null,
        movement: {
          kind: "sales_delivery",
          variantId: "soap",
          locationId: "workshop",
          quantity: "-10",
          occurredAt: april,
          salesOrderRowId: "r1",
        },
      },
    });
  });

  it("delivers a packed row too", () => {
    expect(canDeliver(row({ state: "packed" }), "", { date: april, ...open }).ok).toBe(true);
  });

  it("splits a row on partial delivery, the remainder keeping the previous state", () => {
    const check = canDeliver(row({ state: "packed", quantity: "10" }), "3.5", { date: april, ...open });
    expect(check).toMatchObject({
      ok: true,
      plan: { deliveredQuantity: "3.5", split: { remainingQuantity: "6.5", state: "packed" }, movement: { quantity: "-3.5" } },
    });
  });

  it("treats delivering exactly the row's quantity as a whole delivery", () => {
    const check = canDeliver(row({ quantity: "2.5" }), "2.50", { date: april, ...open });
    expect(check).toMatchObject({ ok: true, plan: { deliveredQuantity: "2.5", split: null } });
  });

  it("refuses more than the row holds", () => {
    const check = canDeliver(row({ quantity: "2" }), "3", { date: april, ...open });
    expect(check).toMatchObject({ ok: false, code: "DELIVERY_EXCEEDS_ROW" });
    if (!check.ok) expect(check.message).toContain("at most 2");
  });

  it.each([
    ["0", "QUANTITY_ZERO"],
    ["-1", "QUANTITY_NEGATIVE"],
    ["two", "QUANTITY_INVALID"],
    ["0.00001", "QUANTITY_TOO_PRECISE"],
  ])("refuses a quantity of %j with %s", (quantity, code) => {
    expect(canDeliver(row(), quantity, { date: april, ...open })).toMatchObject({ ok: false, code });
  });

  it("refuses a delivered row", () => {
    expect(canDeliver(row({ state: "delivered" }), undefined, { date: april, ...open })).toMatchObject({ code: "ROW_DELIVERED_FINAL" });
  });

  it("refuses a stock row without a location", () => {
    expect(canDeliver(row({ locationId: null }), undefined, { date: april, ...open })).toMatchObject({ code: "ROW_NO_LOCATION" });
  });

  it("refuses a delivery dated in a locked period", () => {
    const check = canDeliver(row(), undefined, { date: march, ...locked });
    expect(check).toMatchObject({ ok: false, code: "PERIOD_LOCKED", closingDate: "2026-03-31" });
    if (!check.ok) expect(check.message).toContain("This delivery dated 2026-03-10 cannot be recorded");
  });

  it("delivers service and shipping-fee rows without a movement, even in a locked period and without location", () => {
    expect(canDeliver(row({ isService: true, locationId: null }), undefined, { date: march, ...locked })).toMatchObject({
      ok: true,
      plan: { movement: null },
    });
    expect(canDeliver(shippingFee(), undefined, { date: april, ...open })).toMatchObject({ ok: true, plan: { movement: null } });
  });
});

describe("canDeliverOrder", () => {
  it("plans every row not yet delivered", () => {
    const rows = [row({ id: "a" }), row({ id: "b", state: "delivered" }), row({ id: "c", state: "packed" }), shippingFee()];
    const check = canDeliverOrder(rows, { date: april, ...open });
    expect(check.ok && check.plans.map((p) => p.rowId)).toEqual(["a", "c", "fee"]);
  });

  it("is all or nothing, listing each refused row", () => {
    const rows = [row({ id: "a" }), row({ id: "b", locationId: null })];
    const check = canDeliverOrder(rows, { date: april, ...open });
    expect(check).toMatchObject({ ok: false, code: "ROWS_REFUSED", refusals: [{ rowId: "b", code: "ROW_NO_LOCATION" }] });
    if (!check.ok) expect(check.message).toContain("One row cannot be delivered, so nothing was delivered");
  });

  it("refuses an empty or fully delivered order", () => {
    expect(canDeliverOrder([], { date: april, ...open })).toMatchObject({ code: "ORDER_EMPTY" });
    expect(canDeliverOrder([row({ state: "delivered" })], { date: april, ...open })).toMatchObject({ code: "ORDER_ALREADY_DELIVERED" });
  });
});

describe("invoicing", () => {
  it("canInvoice: once per row, in any state", () => {
    expect(canInvoice({ invoiced: false })).toEqual({ ok: true });
    expect(canInvoice({ invoiced: true })).toMatchObject({ ok: false, code: "ROW_ALREADY_INVOICED" });
  });

  it("canInvoiceOrder: the rows not yet invoiced", () => {
    expect(canInvoiceOrder([row({ id: "a", invoiced: true }), row({ id: "b" })])).toEqual({ ok: true, rowIds: ["b"] });
    expect(canInvoiceOrder([row({ invoiced: true })])).toMatchObject({ ok: false, code: "ORDER_ALREADY_INVOICED" });
    expect(canInvoiceOrder([])).toMatchObject({ ok: false, code: "ORDER_EMPTY" });
  });
});

describe("canDeleteRow", () => {
  it("allows deleting an open row, unlinking its manufacturing order", () => {
    expect(canDeleteRow(row({ manufacturingOrderId: "mo1" }), { orderDate: april, ...open })).toEqual({
      ok: true,
      removesDeliveryMovements: false,
      unlinkManufacturingOrderId: "mo1",
    });
  });

  it("refuses an invoiced row, whatever its state, saying what to do", () => {
    for (const state of ["not_shipped", "packed", "delivered"] as const) {
      const check = canDeleteRow(row({ invoiced: true, state }), { orderDate: april, ...open });
      expect(check).toMatchObject({ ok: false, code: "ROW_INVOICED" });
      if (!check.ok) expect(check.message).toContain("Credit the invoice");
    }
  });

  it("refuses when the order date is in a locked period", () => {
    expect(canDeleteRow(row(), { orderDate: march, ...locked })).toMatchObject({ ok: false, code: "PERIOD_LOCKED" });
  });

  it("refuses a delivered row whose delivery is in a locked period", () => {
    const delivered = row({ state: "delivered", deliveredAt: march });
    const check = canDeleteRow(delivered, { orderDate: new Date("2026-03-09T12:00:00Z"), closingDate: "2026-03-05" });
    expect(check).toMatchObject({ ok: true, removesDeliveryMovements: true });
    const refused = canDeleteRow(row({ state: "delivered", deliveredAt: march }), {
      orderDate: new Date("2026-04-01T00:00:00Z"),
      closingDate: "2026-03-31",
    });
    expect(refused).toMatchObject({ ok: false, code: "PERIOD_LOCKED" });
    if (!refused.ok) expect(refused.message).toContain("The delivery of this row dated 2026-03-10 cannot be deleted");
  });

  it("deleting a delivered stock row removes its delivery movements; a delivered service row has none", () => {
    expect(canDeleteRow(row({ state: "delivered", deliveredAt: april }), { orderDate: april, ...open })).toMatchObject({
      removesDeliveryMovements: true,
    });
    expect(canDeleteRow(row({ state: "delivered", isService: true, deliveredAt: april }), { orderDate: april, ...open })).toMatchObject({
      removesDeliveryMovements: false,
    });
  });
});

describe("canDeleteOrder", () => {
  it("allows deleting an order with no invoiced rows outside locked periods", () => {
    const rows = [row({ id: "a", manufacturingOrderId: "mo1" }), row({ id: "b", state: "delivered", deliveredAt: april }), shippingFee()];
    expect(canDeleteOrder(rows, { orderDate: april, ...open })).toEqual({
      ok: true,
      rowIdsWithDeliveryMovements: ["b"],
      unlinkManufacturingOrderIds: ["mo1"],
    });
  });

  it("refuses when any row is invoiced, naming the rows", () => {
    const check = canDeleteOrder([row({ id: "a" }), row({ id: "b", invoiced: true }), row({ id: "c", invoiced: true })], {
      orderDate: april,
      ...open,
    });
    expect(check).toMatchObject({ ok: false, code: "ROW_INVOICED", rowIds: ["b", "c"] });
    if (!check.ok) expect(check.message).toContain("2 invoiced rows");
  });

  it("refuses when the order date is locked", () => {
    expect(canDeleteOrder([row()], { orderDate: march, ...locked })).toMatchObject({ ok: false, code: "PERIOD_LOCKED", rowIds: [] });
  });

  it("refuses when a delivery is locked, naming the row", () => {
    const rows = [row({ id: "a" }), row({ id: "b", state: "delivered", deliveredAt: march })];
    const check = canDeleteOrder(rows, { orderDate: new Date("2026-04-01T00:00:00Z"), closingDate: "2026-03-31" });
    expect(check).toMatchObject({ ok: false, code: "PERIOD_LOCKED", rowIds: ["b"] });
  });

  it("allows deleting an empty order", () => {
    expect(canDeleteOrder([], { orderDate: april, ...open })).toMatchObject({ ok: true });
  });
});

describe("shipping fee", () => {
  it("accepts one service shipping-fee row", () => {
    expect(checkShippingFeeRows([row(), shippingFee()])).toEqual([]);
    expect(canAddShippingFee([row()])).toEqual({ ok: true });
  });

  it("refuses a second one", () => {
    expect(canAddShippingFee([row(), shippingFee()])).toMatchObject({ ok: false, code: "SHIPPING_FEE_DUPLICATE" });
    expect(checkShippingFeeRows([shippingFee({ id: "f1" }), shippingFee({ id: "f2" }), shippingFee({ id: "f3" })])).toEqual([
      expect.objectContaining({ code: "SHIPPING_FEE_DUPLICATE", rowIds: ["f2", "f3"] }),
    ]);
  });

  it("refuses a stocked variant or a manufacturing order on it", () => {
    const problems = checkShippingFeeRows([shippingFee({ variantId: "soap", isService: false, manufacturingOrderId: "mo1" })]);
    expect(problems.map((p) => p.code)).toEqual(["SHIPPING_FEE_HAS_STOCK_VARIANT", "SHIPPING_FEE_LINKED_TO_MO"]);
  });

  it("allows a service variant as the shipping fee", () => {
    expect(checkShippingFeeRows([shippingFee({ variantId: "shipping-service", isService: true })])).toEqual([]);
  });

  it("is never a stock row", () => {
    expect(isStockRow(shippingFee({ variantId: "soap", isService: false }))).toBe(false);
  });
});

describe("parseDiscountPercent", () => {
  it.each([
    ["", "0"],
    [null, "0"],
    ["0", "0"],
    ["12.5", "12.5"],
    [100, "100"],
    ["33.3333", "33.3333"],
  ])("reads %j as %s", (input, value) => {
    expect(parseDiscountPercent(input)).toEqual({ ok: true, value });
  });

  it.each([
    ["-1", "DISCOUNT_OUT_OF_RANGE"],
    ["100.0001", "DISCOUNT_OUT_OF_RANGE"],
    ["1000000000000000", "DISCOUNT_OUT_OF_RANGE"],
    ["10%", "DISCOUNT_INVALID"],
    ["ten", "DISCOUNT_INVALID"],
    ["1.00001", "DISCOUNT_TOO_PRECISE"],
  ])("refuses %j with %s", (input, code) => {
    expect(parseDiscountPercent(input)).toMatchObject({ ok: false, code });
  });
});

describe("totals", () => {
  it("row totals apply the discount % with one rounding", () => {
    expect(rowTotals({ quantity: "3", pricePerUnit: "9.99", discountPercent: "0" })).toEqual({ gross: "29.97", discount: "0", net: "29.97" });
    expect(rowTotals({ quantity: "3", pricePerUnit: "9.99", discountPercent: "10" })).toEqual({
      gross: "29.97",
      discount: "2.997",
      net: "26.973",
    });
    // 1 × 0.0001 × 50 % = 0.00005 → rounds half away from zero to 0.0001.
    expect(rowTotals({ quantity: "1", pricePerUnit: "0.0001", discountPercent: "50" })).toEqual({ gross: "0.0001", discount: "0", net: "0.0001" });
    expect(rowTotals({ quantity: "0.3333", pricePerUnit: "3", discountPercent: "33.3333" })).toEqual({
      gross: "0.9999",
      discount: "0.3333",
      net: "0.6666",
    });
    expect(rowTotals({ quantity: "2", pricePerUnit: "5", discountPercent: "100" })).toEqual({ gross: "10", discount: "10", net: "0" });
  });

  it("order totals add the rounded rows, shipping included and shown apart, with the exchange rate applied", () => {
    const rows = [
      row({ quantity: "2", pricePerUnit: "10", discountPercent: "10" }),
      row({ quantity: "1", pricePerUnit: "4.5", discountPercent: "0" }),
      shippingFee({ pricePerUnit: "5.9" }),
    ];
    expect(orderTotals(rows, "1.0837")).toEqual({
      subtotal: "30.4",
      discount: "2",
      total: "28.4",
      shipping: "5.9",
      totalInAccountCurrency: "30.7771", // 28.4 × 1.0837 = 30.77708
    });
  });

  it("an order without rows totals zero", () => {
    expect(orderTotals([])).toEqual({ subtotal: "0", discount: "0", total: "0", shipping: "0", totalInAccountCurrency: "0" });
  });
});

describe("orderDeliveryStatus", () => {
  const r = (state: RowState) => ({ state, isShippingFee: false });
  it.each([
    [[], "not_shipped"],
    [[r("not_shipped"), r("not_shipped")], "not_shipped"],
    [[r("packed"), r("not_shipped")], "partially_packed"],
    [[r("packed"), r("packed")], "packed"],
    [[r("delivered"), r("packed")], "partially_delivered"],
    [[r("delivered"), r("not_shipped")], "partially_delivered"],
    [[r("delivered"), r("delivered")], "delivered"],
    [[r("delivered"), { state: "not_shipped" as const, isShippingFee: true }], "delivered"],
  ] as const)("%j is %s", (rows, status) => {
    expect(orderDeliveryStatus(rows)).toBe(status);
  });
});
