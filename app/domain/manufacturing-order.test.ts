import { describe, expect, it } from "vitest";
import {
  canDeleteMo,
  canLinkToRow,
  canResize,
  canUnlink,
  checkMoTransition,
  parseMoQuantity,
  planCompletion,
  planLinkedMoOnRowChange,
  planMakeToOrder,
  type ManufacturingOrder,
  type MoState,
} from "./manufacturing-order";
import type { SalesRow } from "./sales-order";

function mo(overrides: Partial<ManufacturingOrder> = {}): ManufacturingOrder {
  return { id: "mo1", variantId: "gift", quantity: "4", locationId: "workshop", state: "not_started", salesOrderRowId: null, ...overrides };
}

function row(overrides: Partial<SalesRow> = {}): SalesRow {
  return {
    id: "r1",
    variantId: "gift",
    isShippingFee: false,
    isService: false,
    quantity: "3",
    pricePerUnit: "20",
    discountPercent: "0",
    locationId: "workshop",
    state: "not_shipped",
    invoiced: false,
    manufacturingOrderId: null,
    ...overrides,
  };
}

const bom = [
  { variantId: "soap", quantityPerKit: "2" },
  { variantId: "oil", quantityPerKit: "0.25" },
];
const april = new Date("2026-04-10T10:00:00Z");
const open = { date: april, closingDate: null };

describe("MO state transitions", () => {
  const states: MoState[] = ["not_started", "work_in_progress", "done"];
  const allowed: Record<MoState, MoState[]> = {
    not_started: ["work_in_progress", "done"],
    work_in_progress: ["not_started", "done"],
    done: [],
  };

  it.each(states)("from %s allows exactly the expected targets", (from) => {
    for (const to of states) expect(checkMoTransition({ state: from }, to).ok, `${from} → ${to}`).toBe(allowed[from].includes(to));
  });

  it("refuses any change of a Done MO, saying what to do instead", () => {
    for (const to of states) {
      const check = checkMoTransition({ state: "done" }, to);
      expect(check).toMatchObject({ ok: false, code: "MO_DONE_FINAL" });
      if (!check.ok) expect(check.message).toContain("Create a new manufacturing order");
    }
  });

  it("refuses a move to the same state", () => {
    expect(checkMoTransition({ state: "work_in_progress" }, "work_in_progress")).toMatchObject({ code: "MO_ALREADY_IN_STATE" });
  });
});

describe("parseMoQuantity", () => {
  it("needs a quantity greater than 0", () => {
    expect(parseMoQuantity("2.5")).toEqual({ ok: true, value: "2.5" });
    expect(parseMoQuantity("0")).toMatchObject({ ok: false, code: "QUANTITY_ZERO", message: "Enter a quantity to make greater than 0." });
    expect(parseMoQuantity("-1")).toMatchObject({ ok: false, code: "QUANTITY_NEGATIVE" });
    expect(parseMoQuantity("x")).toMatchObject({ ok: false, code: "QUANTITY_INVALID" });
  });
});

describe("planCompletion", () => {
  it("consumes BOM × quantity of each component and produces the item, at the MO's location and date", () => {
    expect(planCompletion(mo(), bom, open)).toEqual({
      ok: true,
      movements: [
        { kind: "mo_consumption", variantId: "soap", quantity: "-8", locationId: "workshop", occurredAt: april, manufacturingOrderId: "mo1" },
        { kind: "mo_consumption", variantId: "oil", quantity: "-1", locationId: "workshop", occurredAt: april, manufacturingOrderId: "mo1" },
        { kind: "mo_output", variantId: "gift", quantity: "4", locationId: "workshop", occurredAt: april, manufacturingOrderId: "mo1" },
      ],
    });
  });

  it("completes from Work in progress too", () => {
    expect(planCompletion(mo({ state: "work_in_progress" }), bom, open).ok).toBe(true);
  });

  it("rounds fractional consumption to 4 places and skips a consumption that rounds to 0", () => {
    const check = planCompletion(mo({ quantity: "0.5" }), [
      { variantId: "oil", quantityPerKit: "0.3333" },
      { variantId: "dust", quantityPerKit: "0.0001" },
    ], open);
    expect(check.ok && check.movements.map((m) => [m.variantId, m.quantity])).toEqual([
      ["oil", "-0.1667"],
      ["dust", "-0.0001"],
      ["gift", "0.5"],
    ]);
    const tiny = planCompletion(mo({ quantity: "0.4" }), [{ variantId: "dust", quantityPerKit: "0.0001" }], open);
    expect(tiny.ok && tiny.movements.map((m) => m.kind)).toEqual(["mo_output"]);
  });

  it("consumes a component listed twice once, with both quantities", () => {
    const check = planCompletion(mo({ quantity: "2" }), [
      { variantId: "soap", quantityPerKit: "1" },
      { variantId: "soap", quantityPerKit: "0.5" },
    ], open);
    expect(check.ok && check.movements.map((m) => [m.variantId, m.quantity])).toEqual([
      ["soap", "-3"],
      ["gift", "2"],
    ]);
  });

  it("only produces when the item has no BOM", () => {
    const check = planCompletion(mo(), [], open);
    expect(check.ok && check.movements.map((m) => m.kind)).toEqual(["mo_output"]);
  });

  it("refuses a Done MO", () => {
    expect(planCompletion(mo({ state: "done" }), bom, open)).toMatchObject({ ok: false, code: "MO_DONE_FINAL" });
  });

  it("refuses a quantity of 0 or less", () => {
    expect(planCompletion(mo({ quantity: "0" }), bom, open)).toMatchObject({ ok: false, code: "MO_QUANTITY_INVALID" });
    expect(planCompletion(mo({ quantity: "-1" }), bom, open)).toMatchObject({ ok: false, code: "MO_QUANTITY_INVALID" });
  });

  it("refuses a BOM containing the item or a line without quantity", () => {
    expect(planCompletion(mo(), [{ variantId: "gift", quantityPerKit: "1" }], open)).toMatchObject({ code: "MO_BOM_INVALID" });
    expect(planCompletion(mo(), [{ variantId: "soap", quantityPerKit: "0" }], open)).toMatchObject({ code: "MO_BOM_INVALID" });
  });

  it("refuses a completion dated in a locked period", () => {
    const check = planCompletion(mo(), bom, { date: new Date("2026-03-10T10:00:00Z"), closingDate: "2026-03-31" });
    expect(check).toMatchObject({ ok: false, code: "PERIOD_LOCKED" });
    if (!check.ok) expect(check.message).toContain("Completing this manufacturing order dated 2026-03-10 cannot be recorded");
  });
});

describe("canResize", () => {
  it("resizes a Not started MO to a valid quantity", () => {
    expect(canResize({ state: "not_started" }, "6.5")).toEqual({ ok: true, quantity: "6.5" });
  });

  it("refuses Work in progress and Done", () => {
    expect(canResize({ state: "work_in_progress" }, "6")).toMatchObject({ ok: false, code: "MO_NOT_RESIZABLE" });
    expect(canResize({ state: "done" }, "6")).toMatchObject({ ok: false, code: "MO_DONE_FINAL" });
  });

  it("refuses a quantity of 0 or less, or not a number", () => {
    expect(canResize({ state: "not_started" }, "0")).toMatchObject({ code: "QUANTITY_ZERO" });
    expect(canResize({ state: "not_started" }, "-2")).toMatchObject({ code: "QUANTITY_NEGATIVE" });
    expect(canResize({ state: "not_started" }, "lots")).toMatchObject({ code: "QUANTITY_INVALID" });
  });
});

describe("make to order", () => {
  it("drafts a Not started MO for the row's variant, quantity and location, linked to it", () => {
    expect(planMakeToOrder(row({ quantity: "3.50" }))).toEqual({
      ok: true,
      draft: { variantId: "gift", quantity: "3.5", locationId: "workshop", state: "not_started", salesOrderRowId: "r1" },
    });
  });

  it("also works on a packed row", () => {
    expect(planMakeToOrder(row({ state: "packed" })).ok).toBe(true);
  });

  it.each([
    [{ isService: true }, "ROW_NOT_STOCK"],
    [{ isShippingFee: true, variantId: null }, "ROW_NOT_STOCK"],
    [{ variantId: null }, "ROW_NOT_STOCK"],
    [{ state: "delivered" as const }, "ROW_DELIVERED"],
    [{ manufacturingOrderId: "mo0" }, "ROW_ALREADY_LINKED"],
    [{ locationId: null }, "ROW_NO_LOCATION"],
  ])("refuses a row %j with %s", (overrides, code) => {
    expect(planMakeToOrder(row(overrides))).toMatchObject({ ok: false, code });
  });
});

describe("canLinkToRow / canUnlink", () => {
  it("links an unlinked MO of the same variant to an open row", () => {
    expect(canLinkToRow(mo(), row())).toEqual({ ok: true });
    expect(canLinkToRow(mo({ state: "work_in_progress" }), row())).toEqual({ ok: true });
  });

  it.each([
    [mo({ state: "done" }), row(), "MO_DONE_FINAL"],
    [mo({ salesOrderRowId: "other" }), row(), "MO_ALREADY_LINKED"],
    [mo({ salesOrderRowId: "r1" }), row(), "ROW_ALREADY_LINKED"],
    [mo(), row({ manufacturingOrderId: "mo0" }), "ROW_ALREADY_LINKED"],
    [mo(), row({ state: "delivered" }), "ROW_DELIVERED"],
    [mo(), row({ isService: true }), "ROW_NOT_STOCK"],
    [mo(), row({ variantId: "soap" }), "VARIANT_MISMATCH"],
  ])("refuses %#: %s", (order, target, code) => {
    expect(canLinkToRow(order, target)).toMatchObject({ ok: false, code });
  });

  it("unlinks a linked MO in any state, refuses an unlinked one", () => {
    for (const state of ["not_started", "work_in_progress", "done"] as const) {
      expect(canUnlink(mo({ state, salesOrderRowId: "r1" }))).toEqual({ ok: true });
    }
    expect(canUnlink(mo())).toMatchObject({ ok: false, code: "MO_NOT_LINKED" });
  });
});

describe("planLinkedMoOnRowChange (order changes from Shopify)", () => {
  it("resizes a Not started MO when the quantity changes, and does nothing when it did not", () => {
    expect(planLinkedMoOnRowChange(mo(), { kind: "quantity_changed", quantity: "6" })).toEqual({ action: "resize", quantity: "6" });
    expect(planLinkedMoOnRowChange(mo(), { kind: "quantity_changed", quantity: "4.0" })).toEqual({ action: "none" });
  });

  it("deletes a Not started MO when the line is removed", () => {
    expect(planLinkedMoOnRowChange(mo(), { kind: "row_removed" })).toEqual({ action: "delete" });
  });

  it.each(["work_in_progress", "done"] as const)("unlinks and flags a %s MO on either change", (state) => {
    const resized = planLinkedMoOnRowChange(mo({ state }), { kind: "quantity_changed", quantity: "6" });
    expect(resized).toMatchObject({ action: "unlink" });
    if (resized.action === "unlink") expect(resized.flagNote).toContain("changed in Shopify to 6");
    const removed = planLinkedMoOnRowChange(mo({ state }), { kind: "row_removed" });
    expect(removed).toMatchObject({ action: "unlink" });
    if (removed.action === "unlink") expect(removed.flagNote).toContain("removed in Shopify");
    expect(planLinkedMoOnRowChange(mo({ state }), { kind: "quantity_changed", quantity: "4" })).toEqual({ action: "none" });
  });
});

describe("canDeleteMo", () => {
  it("deletes an MO that is not Done without touching stock", () => {
    expect(canDeleteMo(mo(), { closingDate: "2026-03-31" })).toEqual({ ok: true, removesMovements: false });
    expect(canDeleteMo(mo({ state: "work_in_progress" }), { closingDate: null })).toEqual({ ok: true, removesMovements: false });
  });

  it("deletes a Done MO with its movements outside locked periods, refuses inside", () => {
    expect(canDeleteMo(mo({ state: "done", doneAt: april }), { closingDate: "2026-03-31" })).toEqual({ ok: true, removesMovements: true });
    expect(canDeleteMo(mo({ state: "done", doneAt: new Date("2026-03-02T00:00:00Z") }), { closingDate: "2026-03-31" })).toMatchObject({
      ok: false,
      code: "PERIOD_LOCKED",
    });
  });
});
