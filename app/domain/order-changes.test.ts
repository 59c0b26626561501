import { describe, expect, it } from "vitest";
import { planOrderChanges, type ChangeContext, type TenonOrderRow } from "./order-changes";
import { line, order } from "./order-fixtures.test-support";
import { defaultSettings } from "./settings";

const LINE = "gid://shopify/LineItem/1";
const row = (over: Partial<TenonOrderRow> = {}): TenonOrderRow => ({
  id: "r1",
  externalLineId: LINE,
  isShippingFee: false,
  isStock: true,
  state: "not_shipped",
  invoiced: false,
  quantity: "2",
  locationId: "loc-workshop",
  mo: null,
  ...over,
});
const context = (over: Partial<ChangeContext> = {}): ChangeContext => ({
  settings: defaultSettings,
  orderNumber: "#1001",
  orderDate: new Date("2026-07-01T10:00:00Z"),
  closingDate: null,
  locationFor: new Map([
    ["gid://shopify/Location/1", "loc-workshop"],
    ["gid://shopify/Location/2", "loc-shop"],
  ]),
  ...over,
});
const withQuantity = (n: number) => order({ lines: [line({ currentQuantity: n, unfulfilledQuantity: n })] });
const mo = (state: "not_started" | "work_in_progress" | "done", quantity = "2") => ({ id: "mo1", state, quantity });

describe("planOrderChanges: quantities", () => {
  it("nothing changed → nothing to do", () => {
    expect(planOrderChanges(withQuantity(2), [row()], context())).toEqual({ actions: [], flags: [] });
  });

  it("more units → the not-shipped row takes them; a Not started MO is resized", () => {
    expect(planOrderChanges(withQuantity(5), [row({ mo: mo("not_started") })], context()).actions).toEqual([
      { type: "set_quantity", rowId: "r1", quantity: "5" },
      { type: "resize_mo", moId: "mo1", quantity: "5" },
    ]);
  });

  it.each(["work_in_progress", "done"] as const)("a %s MO is unlinked and flagged when the quantity changes", (state) => {
    const { actions } = planOrderChanges(withQuantity(1), [row({ mo: mo(state) })], context());
    expect(actions).toEqual([
      { type: "set_quantity", rowId: "r1", quantity: "1" },
      { type: "unlink_mo", moId: "mo1", note: expect.stringContaining("unlinked") },
    ]);
  });

  it("more units while every row is packed → a new row for the difference", () => {
    const plan = planOrderChanges(withQuantity(3), [row({ state: "packed" })], context());
    expect(plan.actions).toEqual([{ type: "add_row", line: expect.objectContaining({ id: LINE }), quantity: "1" }]);
  });

  it("fewer units come off not-shipped rows only; packed, delivered and invoiced rows are never changed", () => {
    const rows = [row({ id: "delivered", state: "delivered", quantity: "1" }), row({ id: "open", quantity: "2" })];
    expect(planOrderChanges(withQuantity(2), rows, context()).actions).toEqual([{ type: "set_quantity", rowId: "open", quantity: "1" }]);
    const plan = planOrderChanges(withQuantity(0), [row({ state: "packed" }), row({ id: "inv", invoiced: true })], context());
    expect(plan.actions).toEqual([]);
    expect(plan.flags).toEqual([expect.stringContaining("packed, delivered or invoiced")]);
  });

  it("a row brought to 0 is deleted, with its Not started MO", () => {
    const plan = planOrderChanges(withQuantity(0), [row({ mo: mo("not_started") })], context());
    expect(plan.actions).toEqual([
      { type: "delete_row", rowId: "r1" },
      { type: "delete_mo", moId: "mo1" },
    ]);
  });

  it("a removed line with a WIP MO: the row goes, the MO is unlinked and flagged", () => {
    const plan = planOrderChanges(withQuantity(0), [row({ mo: mo("work_in_progress") })], context());
    expect(plan.actions).toEqual([
      { type: "delete_row", rowId: "r1" },
      { type: "unlink_mo", moId: "mo1", note: expect.stringContaining("removed in Shopify") },
    ]);
  });

  it("a line added in Shopify → a new row", () => {
    const o = order({ lines: [line(), line({ id: "gid://shopify/LineItem/2", currentQuantity: 1, unfulfilledQuantity: 1 })] });
    expect(planOrderChanges(o, [row()], context()).actions).toEqual([{ type: "add_row", line: expect.objectContaining({ id: "gid://shopify/LineItem/2" }), quantity: "1" }]);
  });

  it("the shipping-fee row is never matched to a line", () => {
    expect(planOrderChanges(withQuantity(2), [row(), row({ id: "fee", isShippingFee: true, externalLineId: null, quantity: "1" })], context()).actions).toEqual([]);
  });

  it("with 'bring order changes' off nothing changes", () => {
    const off = { ...defaultSettings, orders: { ...defaultSettings.orders, bringOrderChanges: false } };
    expect(planOrderChanges(withQuantity(9), [row()], context({ settings: off })).actions).toEqual([]);
    expect(planOrderChanges(order({ cancelledAt: new Date() }), [row()], context({ settings: off })).actions).toEqual([]);
  });
});

describe("planOrderChanges: the order ends in Shopify", () => {
  const cancelled = () => order({ cancelledAt: new Date("2026-07-02T00:00:00Z"), closed: true, lines: [line({ currentQuantity: 2, unfulfilledQuantity: 0 })] });

  it.each([
    ["cancelled", () => cancelled()],
    ["refunded", () => order({ financialStatus: "REFUNDED" })],
    ["archived", () => order({ closed: true })],
  ])("%s while unfulfilled → the sales order is deleted (Not started MOs with it, others unlinked)", (_name, make) => {
    const plan = planOrderChanges(make(), [row({ mo: mo("not_started") }), row({ id: "r2", mo: { ...mo("done"), id: "mo2" } })], context());
    expect(plan.actions).toEqual([
      { type: "delete_mo", moId: "mo1" },
      { type: "unlink_mo", moId: "mo2", note: expect.any(String) },
      { type: "delete_order" },
    ]);
  });

  it("invoiced, packed or in a locked period → flagged instead of deleted", () => {
    expect(planOrderChanges(cancelled(), [row({ invoiced: true })], context())).toEqual({ actions: [], flags: [expect.stringContaining("invoiced")] });
    expect(planOrderChanges(cancelled(), [row({ state: "packed" })], context())).toEqual({ actions: [], flags: [expect.stringContaining("packed")] });
    expect(planOrderChanges(cancelled(), [row()], context({ closingDate: "2026-07-31" }))).toEqual({ actions: [], flags: [expect.stringContaining("locked")] });
  });

  it("archived after fulfilment is the normal end, not a deletion", () => {
    const done = order({ closed: true, fulfillmentStatus: "FULFILLED", lines: [line({ unfulfilledQuantity: 0 })] });
    expect(planOrderChanges(done, [row({ state: "delivered" })], context())).toEqual({ actions: [], flags: [] });
    // Cancelled after a partial fulfilment: only the line changes apply.
    const partial = order({ cancelledAt: new Date(), fulfillmentStatus: "PARTIALLY_FULFILLED", lines: [line({ currentQuantity: 1, unfulfilledQuantity: 0 })] });
    expect(planOrderChanges(partial, [row({ id: "d", state: "delivered", quantity: "1" }), row({ quantity: "1" })], context()).actions).toEqual([{ type: "delete_row", rowId: "r1" }]);
    expect(planOrderChanges(done, [row({ state: "delivered" })], context())).toEqual({ actions: [], flags: [] });
  });

  it("an order Shopify fulfilled and archived by itself never deletes its sales order, whatever its status says", () => {
    // Fulfilled in Shopify before Tenon delivered its rows (they are still not shipped).
    const rows = [row()];
    for (const fulfilled of [
      order({ closed: true, fulfillmentStatus: "FULFILLED", lines: [line({ unfulfilledQuantity: 0 })] }),
      order({ closed: true, fulfillmentStatus: "RESTOCKED", lines: [line({ unfulfilledQuantity: 0 })] }),
      // A status that does not say "fulfilled" (fulfillment service, legacy): the lines do.
      order({ closed: true, fulfillmentStatus: "IN_PROGRESS", lines: [line({ currentQuantity: 2, unfulfilledQuantity: 0 })] }),
      order({ closed: true, fulfillmentStatus: "UNFULFILLED", lines: [line({ currentQuantity: 2, unfulfilledQuantity: 1 })] }),
    ]) {
      expect(planOrderChanges(fulfilled, rows, context()).actions).not.toContainEqual({ type: "delete_order" });
    }
    // Archived with every unit still open: the archived rule applies.
    expect(planOrderChanges(order({ closed: true }), rows, context()).actions).toContainEqual({ type: "delete_order" });
  });
});

describe("planOrderChanges: fulfillment location", () => {
  const moved = () => {
    const o = withQuantity(2);
    o.fulfillmentOrders[0]!.locationId = "gid://shopify/Location/2";
    return o;
  };

  it("a not-shipped stock row follows its line to the mapped location (setting on)", () => {
    expect(planOrderChanges(moved(), [row()], context()).actions).toEqual([{ type: "set_location", rowId: "r1", locationId: "loc-shop" }]);
    const off = { ...defaultSettings, orders: { ...defaultSettings.orders, bringFulfillmentLocationUpdates: false } };
    expect(planOrderChanges(moved(), [row()], context({ settings: off })).actions).toEqual([]);
  });

  it("packed rows and service rows keep their location", () => {
    expect(planOrderChanges(moved(), [row({ state: "packed" })], context()).actions).toEqual([]);
    expect(planOrderChanges(moved(), [row({ isStock: false, locationId: null })], context()).actions).toEqual([]);
  });
});
