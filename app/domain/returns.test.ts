import { describe, expect, it } from "vitest";
import { planReturn, type ReturnableRow } from "./returns";

function soRow(overrides: Partial<ReturnableRow> = {}): ReturnableRow {
  return {
    id: "r1",
    variantId: "soap",
    isShippingFee: false,
    isService: false,
    state: "delivered",
    quantity: "5",
    locationId: "workshop",
    alreadyReturned: "0",
    ...overrides,
  };
}

const april = new Date("2026-04-10T10:00:00Z");
const context = { date: april, closingDate: null, locationIds: new Set(["workshop", "market"]) };

describe("planReturn", () => {
  it("restocks into the row's location with a positive return movement, state Returned", () => {
    expect(planReturn([{ salesOrderRowId: "r1", quantity: "2", restock: true }], [soRow()], context)).toEqual({
      ok: true,
      rows: [{ salesOrderRowId: "r1", variantId: "soap", quantity: "2", restock: true, locationId: "workshop", state: "returned" }],
      movements: [{ kind: "return", variantId: "soap", locationId: "workshop", quantity: "2", occurredAt: april, salesOrderRowId: "r1", line: 0 }],
    });
  });

  it("restocks into another chosen location", () => {
    const plan = planReturn([{ salesOrderRowId: "r1", quantity: "1", restock: true, locationId: "market" }], [soRow()], context);
    expect(plan.ok && plan.movements[0]!.locationId).toBe("market");
  });

  it("records a return without restock: no movement, state not_restocked, no location", () => {
    expect(planReturn([{ salesOrderRowId: "r1", quantity: "5", restock: false, locationId: "market" }], [soRow()], context)).toEqual({
      ok: true,
      rows: [{ salesOrderRowId: "r1", variantId: "soap", quantity: "5", restock: false, locationId: null, state: "not_restocked" }],
      movements: [],
    });
  });

  it("mixes restocked and not restocked lines, movements pointing at their line", () => {
    const plan = planReturn(
      [
        { salesOrderRowId: "r1", quantity: "1", restock: false },
        { salesOrderRowId: "r2", quantity: "0.5", restock: true },
      ],
      [soRow(), soRow({ id: "r2", variantId: "oil", quantity: "1.5" })],
      context,
    );
    expect(plan.ok && plan.movements).toEqual([
      { kind: "return", variantId: "oil", locationId: "workshop", quantity: "0.5", occurredAt: april, salesOrderRowId: "r2", line: 1 },
    ]);
  });

  it("allows returning exactly what is left after earlier returns", () => {
    expect(planReturn([{ salesOrderRowId: "r1", quantity: "1.5", restock: true }], [soRow({ alreadyReturned: "3.5" })], context).ok).toBe(true);
  });

  it("refuses more than delivered minus already returned, saying how much is left", () => {
    const plan = planReturn([{ salesOrderRowId: "r1", quantity: "2", restock: true }], [soRow({ alreadyReturned: "3.5" })], context);
    expect(plan).toMatchObject({ ok: false, code: "RETURN_INVALID", problems: [{ line: 0, code: "RETURN_QUANTITY_EXCEEDS" }] });
    if (!plan.ok && plan.code === "RETURN_INVALID") expect(plan.problems[0]!.message).toContain("At most 1.5 can still be returned");
  });

  it("counts earlier lines of the same return against the row", () => {
    const plan = planReturn(
      [
        { salesOrderRowId: "r1", quantity: "3", restock: true },
        { salesOrderRowId: "r1", quantity: "3", restock: false },
      ],
      [soRow()],
      context,
    );
    expect(plan).toMatchObject({ ok: false, problems: [{ line: 1, code: "RETURN_QUANTITY_EXCEEDS" }] });
  });

  it("says when everything was already returned", () => {
    const plan = planReturn([{ salesOrderRowId: "r1", quantity: "1", restock: true }], [soRow({ alreadyReturned: "5" })], context);
    if (!plan.ok && plan.code === "RETURN_INVALID") expect(plan.problems[0]!.message).toContain("already returned. Remove this line");
    else expect.fail("expected a refusal");
  });

  it.each([
    [{ quantity: "0" }, "QUANTITY_ZERO"],
    [{ quantity: "-1" }, "QUANTITY_NEGATIVE"],
    [{ quantity: "one" }, "QUANTITY_INVALID"],
    [{ quantity: "0.00001" }, "QUANTITY_TOO_PRECISE"],
    [{ salesOrderRowId: "nope" }, "RETURN_ROW_UNKNOWN"],
    [{ locationId: "deleted-location" }, "RETURN_UNKNOWN_LOCATION"],
  ])("refuses a line %j with %s", (overrides, code) => {
    const plan = planReturn([{ salesOrderRowId: "r1", quantity: "1", restock: true, ...overrides }], [soRow()], context);
    expect(plan).toMatchObject({ ok: false, code: "RETURN_INVALID", problems: [{ line: 0, code }] });
  });

  it.each([
    [{ state: "not_shipped" as const }, "RETURN_ROW_NOT_DELIVERED"],
    [{ state: "packed" as const }, "RETURN_ROW_NOT_DELIVERED"],
    [{ isService: true }, "RETURN_ROW_NOT_RETURNABLE"],
    [{ isShippingFee: true, variantId: null }, "RETURN_ROW_NOT_RETURNABLE"],
    [{ locationId: null }, "RETURN_NO_LOCATION"],
  ])("refuses a sales-order row %j with %s", (overrides, code) => {
    const plan = planReturn([{ salesOrderRowId: "r1", quantity: "1", restock: true }], [soRow(overrides)], context);
    expect(plan).toMatchObject({ ok: false, problems: [{ code }] });
  });

  it("needs no location when not restocking a row that has none", () => {
    expect(planReturn([{ salesOrderRowId: "r1", quantity: "1", restock: false }], [soRow({ locationId: null })], context).ok).toBe(true);
  });

  it("reports every bad line at once and returns nothing", () => {
    const plan = planReturn(
      [
        { salesOrderRowId: "r1", quantity: "1", restock: true },
        { salesOrderRowId: "nope", quantity: "1", restock: true },
        { salesOrderRowId: "r1", quantity: "-1", restock: true },
      ],
      [soRow()],
      context,
    );
    expect(plan).toMatchObject({ ok: false, code: "RETURN_INVALID" });
    if (!plan.ok && plan.code === "RETURN_INVALID") expect(plan.problems.map((p) => p.line)).toEqual([1, 2]);
  });

  it("refuses an empty return", () => {
    expect(planReturn([], [soRow()], context)).toMatchObject({ ok: false, code: "RETURN_EMPTY" });
  });

  it("refuses restocking in a locked period, but records a return without restock there", () => {
    const lockedContext = { ...context, date: new Date("2026-03-10T10:00:00Z"), closingDate: "2026-03-31" };
    const restock = planReturn([{ salesOrderRowId: "r1", quantity: "1", restock: true }], [soRow()], lockedContext);
    expect(restock).toMatchObject({ ok: false, code: "PERIOD_LOCKED" });
    if (!restock.ok) expect(restock.message).toContain("This return dated 2026-03-10 cannot be recorded");
    expect(planReturn([{ salesOrderRowId: "r1", quantity: "1", restock: false }], [soRow()], lockedContext).ok).toBe(true);
  });
});
