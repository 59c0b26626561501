import { describe, expect, it } from "vitest";
import {
  capWanted,
  classifyFulfillment,
  matchFulfillment,
  planFulfillmentRequests,
  planReturnFromShopify,
  pushDelta,
  shippedByLine,
  wholeOrderDelivered,
  type KnownFulfillment,
  type OpenFulfillmentOrder,
  type SyncRow,
} from "./fulfillment-sync";

const L1 = "gid://shopify/LineItem/1";
const L2 = "gid://shopify/LineItem/2";
const L3 = "gid://shopify/LineItem/3";

let position = 0;
function row(overrides: Partial<SyncRow> & { id: string }): SyncRow {
  return {
    externalLineId: L1,
    variantId: "v1",
    isShippingFee: false,
    state: "not_shipped",
    quantity: "5",
    locationId: "loc-a",
    position: position++,
    ...overrides,
  };
}

describe("matchFulfillment (Shopify → Tenon, all or nothing)", () => {
  it("delivers the rows of each line wholly", () => {
    const rows = [row({ id: "r1" }), row({ id: "r2", externalLineId: L2, quantity: "1" })];
    const match = matchFulfillment(
      [
        { lineItemId: L1, quantity: 5 },
        { lineItemId: L2, quantity: 1 },
      ],
      rows,
    );
    expect(match).toEqual({
      ok: true,
      deliveries: [
        { rowId: "r1", quantity: "5", partial: false },
        { rowId: "r2", quantity: "1", partial: false },
      ],
      alreadyDelivered: [],
      applied: [
        { lineItemId: L1, quantity: "5" },
        { lineItemId: L2, quantity: "1" },
      ],
    });
  });

  it("delivers part of a row when Shopify fulfilled part of the line", () => {
    const match = matchFulfillment([{ lineItemId: L1, quantity: 2 }], [row({ id: "r1" })]);
    expect(match).toMatchObject({ ok: true, deliveries: [{ rowId: "r1", quantity: "2", partial: true }] });
  });

  it("rejects the whole fulfillment when one line has no row, naming it", () => {
    const match = matchFulfillment(
      [
        { lineItemId: L1, quantity: 1 },
        { lineItemId: L3, quantity: 2, sku: "OAK-9", title: "Oak box" },
      ],
      [row({ id: "r1" })],
    );
    expect(match.ok).toBe(false);
    if (match.ok) return;
    expect(match.code).toBe("FULFILLMENT_LINES_UNMATCHED");
    expect(match.unmatched).toEqual([{ lineItemId: L3, label: "Oak box (OAK-9)", quantity: 2 }]);
    expect(match.message).toContain("Oak box (OAK-9) × 2");
    expect(match.message).toContain("Retry");
  });

  it("falls back to a row added in Tenon without a Shopify line, by the SKU map", () => {
    const rows = [row({ id: "r1" }), row({ id: "manual", externalLineId: null, variantId: "v9", quantity: "2" })];
    const match = matchFulfillment(
      [
        { lineItemId: L1, quantity: 5 },
        { lineItemId: L3, quantity: 2, mappedVariantId: "v9" },
      ],
      rows,
    );
    expect(match).toMatchObject({ ok: true, deliveries: [{ rowId: "r1" }, { rowId: "manual", quantity: "2", partial: false }] });
  });

  it("never takes a row of another Shopify line in the fallback", () => {
    const match = matchFulfillment([{ lineItemId: L3, quantity: 1, mappedVariantId: "v1" }], [row({ id: "r1" })]);
    expect(match.ok).toBe(false);
  });

  it("takes packed rows first, then rows at the fulfillment's location, then in order; spreads over split rows", () => {
    const rows = [
      row({ id: "a", quantity: "2", locationId: "loc-b" }),
      row({ id: "b", quantity: "2", locationId: "loc-a" }),
      row({ id: "c", quantity: "2", state: "packed", locationId: "loc-b" }),
      row({ id: "d", quantity: "3", state: "delivered" }),
    ];
    const match = matchFulfillment([{ lineItemId: L1, quantity: 5 }], rows, { preferredLocationIds: new Set(["loc-a"]) });
    expect(match).toMatchObject({
      ok: true,
      deliveries: [
        { rowId: "c", quantity: "2", partial: false },
        { rowId: "b", quantity: "2", partial: false },
        { rowId: "a", quantity: "1", partial: true },
      ],
    });
  });

  it("changes nothing for units already delivered in Tenon (delivered rows never change)", () => {
    const rows = [row({ id: "r1", state: "delivered", quantity: "3" }), row({ id: "r2", quantity: "2" })];
    const match = matchFulfillment([{ lineItemId: L1, quantity: 5 }], rows);
    expect(match).toMatchObject({
      ok: true,
      deliveries: [{ rowId: "r2", quantity: "2", partial: false }],
      alreadyDelivered: [{ lineItemId: L1, quantity: "3" }],
      applied: [{ lineItemId: L1, quantity: "2" }],
    });
    const all = matchFulfillment([{ lineItemId: L1, quantity: 3 }], [row({ id: "r1", state: "delivered", quantity: "3" })]);
    expect(all).toMatchObject({ ok: true, deliveries: [], applied: [] });
  });

  it("adds up a line named twice (two fulfillment orders) and ignores the shipping fee row", () => {
    const rows = [row({ id: "fee", isShippingFee: true, externalLineId: L1 }), row({ id: "r1", quantity: "4" })];
    const match = matchFulfillment(
      [
        { lineItemId: L1, quantity: 1 },
        { lineItemId: L1, quantity: 2 },
      ],
      rows,
    );
    expect(match).toMatchObject({ ok: true, deliveries: [{ rowId: "r1", quantity: "3", partial: true }] });
  });
});

describe("classifyFulfillment (echo safety)", () => {
  const lines = [{ lineItemId: L1, quantity: 2 }];
  const base = { fulfillmentId: "gid://shopify/Fulfillment/1", status: "SUCCESS" as const, lines };

  it("recognises Tenon's own fulfillment by id", () => {
    const known: KnownFulfillment[] = [{ recordId: "k", fulfillmentId: base.fulfillmentId, origin: "tenon", state: "created", lines }];
    expect(classifyFulfillment(base, known)).toEqual({ kind: "echo", recordId: "k" });
  });

  it("adopts a fulfillment matching a pending Tenon request exactly (lost answer), once", () => {
    const known: KnownFulfillment[] = [{ recordId: "p", fulfillmentId: null, origin: "tenon", state: "pending", lines }];
    expect(classifyFulfillment(base, known)).toEqual({ kind: "adopt", recordId: "p" });
    expect(classifyFulfillment(base, known, new Set(["p"]))).toEqual({ kind: "apply" });
    // Other quantities are not Tenon's request.
    expect(classifyFulfillment({ ...base, lines: [{ ...lines[0]!, quantity: 3 }] }, known)).toEqual({ kind: "apply" });
  });

  it("does not adopt a fulfillment older than the request", () => {
    const known: KnownFulfillment[] = [{ recordId: "p", fulfillmentId: null, origin: "tenon", state: "pending", lines, createdAt: new Date("2026-07-01T10:00:00Z") }];
    expect(classifyFulfillment({ ...base, createdAt: new Date("2026-07-01T09:00:00Z") }, known)).toEqual({ kind: "apply" });
  });

  it("applies a Shopify fulfillment once; retries a rejected one; ignores cancelled ones never applied", () => {
    expect(classifyFulfillment(base, [])).toEqual({ kind: "apply" });
    expect(classifyFulfillment(base, [{ recordId: "a", fulfillmentId: base.fulfillmentId, origin: "shopify", state: "applied", lines: [] }])).toEqual({ kind: "done", recordId: "a" });
    expect(classifyFulfillment(base, [{ recordId: "r", fulfillmentId: base.fulfillmentId, origin: "shopify", state: "rejected", lines: [] }])).toEqual({ kind: "retry", recordId: "r" });
    expect(classifyFulfillment({ ...base, status: "CANCELLED" }, [])).toEqual({ kind: "ignore" });
    // Cancelled after being applied: Tenon stays as it is.
    expect(classifyFulfillment({ ...base, status: "CANCELLED" }, [{ recordId: "a", fulfillmentId: base.fulfillmentId, origin: "shopify", state: "applied", lines: [] }])).toEqual({ kind: "done", recordId: "a" });
  });
});

describe("pushDelta and shippedByLine (Tenon → Shopify)", () => {
  it("counts units newly packed or delivered per Shopify line", () => {
    const before = [row({ id: "r1" }), row({ id: "r2", externalLineId: L2, quantity: "1" })];
    const after = [row({ id: "r1", state: "packed" }), row({ id: "r2", externalLineId: L2, quantity: "1" })];
    expect(pushDelta(before, after)).toEqual([{ lineItemId: L1, quantity: 5, locationIds: ["loc-a"] }]);
  });

  it("a partial delivery pushes the delivered part; delivering packed rows pushes nothing", () => {
    const before = [row({ id: "r1" })];
    const after = [row({ id: "r1", state: "delivered", quantity: "2" }), row({ id: "r1b", quantity: "3" })];
    expect(pushDelta(before, after)).toEqual([{ lineItemId: L1, quantity: 2, locationIds: ["loc-a"] }]);
    const packed = [row({ id: "r1", state: "packed" })];
    const delivered = [row({ id: "r1", state: "delivered", quantity: "2" }), row({ id: "r1b", state: "packed", quantity: "3" })];
    expect(pushDelta(packed, delivered)).toEqual([]);
  });

  it("ignores rows without a Shopify line, the shipping fee and fractions of a unit", () => {
    const before = [row({ id: "m", externalLineId: null }), row({ id: "f", isShippingFee: true }), row({ id: "r", quantity: "1.5" })];
    const after = before.map((r) => ({ ...r, state: "delivered" as const }));
    expect(pushDelta(before, after)).toEqual([{ lineItemId: L1, quantity: 1, locationIds: ["loc-a"] }]);
    expect(shippedByLine(after).get(L1)).toBe(15_000n);
  });

  it("wholeOrderDelivered ignores the shipping fee", () => {
    expect(wholeOrderDelivered([row({ id: "a", state: "delivered" }), row({ id: "f", isShippingFee: true })])).toBe(true);
    expect(wholeOrderDelivered([row({ id: "a", state: "delivered" }), row({ id: "b", state: "packed" })])).toBe(false);
    expect(wholeOrderDelivered([row({ id: "f", isShippingFee: true, state: "delivered" })])).toBe(false);
  });
});

describe("capWanted", () => {
  it("sends at most what Tenon shipped minus what Shopify ever fulfilled, and what the pushes asked", () => {
    const shipped = new Map([
      [L1, 50_000n],
      [L2, 20_000n],
    ]);
    const pending = [
      { lineItemId: L1, quantity: 2 },
      { lineItemId: L1, quantity: 3, locationIds: ["x"] },
      { lineItemId: L2, quantity: 2 },
    ];
    expect(capWanted(pending, shipped, new Map([[L2, 2]]))).toEqual([{ lineItemId: L1, quantity: 5, locationIds: ["x"] }]);
    // A retry after Shopify created the fulfillment sends nothing.
    expect(capWanted(pending, shipped, new Map([[L1, 5], [L2, 2]]))).toEqual([]);
    expect(capWanted(pending, shipped, new Map([[L1, 4]]))).toEqual([
      { lineItemId: L1, quantity: 1, locationIds: ["x"] },
      { lineItemId: L2, quantity: 2 },
    ]);
  });
});

describe("planFulfillmentRequests", () => {
  const fo = (id: string, locationId: string, lines: [string, string, number][], extra: Partial<OpenFulfillmentOrder> = {}): OpenFulfillmentOrder => ({
    id,
    status: "OPEN",
    deliveryMethod: "SHIPPING",
    locationId,
    lineItems: lines.map(([foLine, lineItemId, remainingQuantity]) => ({ id: foLine, lineItemId, remainingQuantity })),
    ...extra,
  });

  it("one request per Shopify location over the fulfillment orders holding the units", () => {
    const plan = planFulfillmentRequests({
      wanted: [
        { lineItemId: L1, quantity: 2 },
        { lineItemId: L2, quantity: 1 },
      ],
      fulfillmentOrders: [fo("FO1", "S1", [["a", L1, 5]]), fo("FO2", "S2", [["b", L2, 1]])],
    });
    expect(plan).toEqual({
      requests: [
        { locationId: "S1", fulfillmentOrders: [{ fulfillmentOrderId: "FO1", lineItems: [{ id: "a", quantity: 2 }] }], lines: [{ lineItemId: L1, fulfillmentOrderLineItemId: "a", quantity: 2 }] },
        { locationId: "S2", fulfillmentOrders: [{ fulfillmentOrderId: "FO2", lineItems: [{ id: "b", quantity: 1 }] }], lines: [{ lineItemId: L2, fulfillmentOrderLineItemId: "b", quantity: 1 }] },
      ],
      pickup: [],
      notOpen: [],
    });
  });

  it("prefers the fulfillment order at the Shopify location mapped to the row's Tenon location", () => {
    const plan = planFulfillmentRequests({
      wanted: [{ lineItemId: L1, quantity: 2, locationIds: ["tenon-b"] }],
      fulfillmentOrders: [fo("FO1", "S1", [["a", L1, 2]]), fo("FO2", "S2", [["b", L1, 2]])],
      shopifyLocationsOf: (id) => (id === "tenon-b" ? ["S2"] : []),
    });
    expect(plan.requests).toHaveLength(1);
    expect(plan.requests[0]).toMatchObject({ locationId: "S2", fulfillmentOrders: [{ fulfillmentOrderId: "FO2" }] });
  });

  it("spreads over two fulfillment orders when one does not hold enough", () => {
    const plan = planFulfillmentRequests({ wanted: [{ lineItemId: L1, quantity: 3 }], fulfillmentOrders: [fo("FO1", "S1", [["a", L1, 2]]), fo("FO2", "S2", [["b", L1, 2]])] });
    expect(plan.requests.map((r) => [r.locationId, r.lines[0]!.quantity])).toEqual([
      ["S1", 2],
      ["S2", 1],
    ]);
  });

  it("leaves pickup and POS fulfillment orders alone and says so; reports units no longer open", () => {
    const plan = planFulfillmentRequests({
      wanted: [
        { lineItemId: L1, quantity: 2 },
        { lineItemId: L2, quantity: 4 },
      ],
      fulfillmentOrders: [fo("FO1", "S1", [["a", L1, 2]], { deliveryMethod: "PICK_UP" }), fo("FO2", "S1", [["b", L2, 1]]), fo("FO3", "S1", [["c", L2, 3]], { status: "CLOSED" })],
    });
    expect(plan.pickup).toEqual([{ lineItemId: L1, quantity: 2 }]);
    expect(plan.notOpen).toEqual([{ lineItemId: L2, quantity: 3 }]);
    expect(plan.requests).toEqual([{ locationId: "S1", fulfillmentOrders: [{ fulfillmentOrderId: "FO2", lineItems: [{ id: "b", quantity: 1 }] }], lines: [{ lineItemId: L2, fulfillmentOrderLineItemId: "b", quantity: 1 }] }]);
  });

  it("whole order: every open unit, several fulfillment orders at one location in one request", () => {
    const plan = planFulfillmentRequests({
      wanted: [{ lineItemId: L1, quantity: 1 }],
      wholeOrder: true,
      fulfillmentOrders: [fo("FO1", "S1", [["a", L1, 2]]), fo("FO2", "S1", [["b", L2, 1], ["z", L3, 0]])],
    });
    expect(plan.requests).toEqual([
      {
        locationId: "S1",
        fulfillmentOrders: [
          { fulfillmentOrderId: "FO1", lineItems: [{ id: "a", quantity: 2 }] },
          { fulfillmentOrderId: "FO2", lineItems: [{ id: "b", quantity: 1 }] },
        ],
        lines: [
          { lineItemId: L1, fulfillmentOrderLineItemId: "a", quantity: 2 },
          { lineItemId: L2, fulfillmentOrderLineItemId: "b", quantity: 1 },
        ],
      },
    ]);
  });
});

describe("planReturnFromShopify", () => {
  const R1 = "gid://shopify/ReturnLineItem/1";
  const R2 = "gid://shopify/ReturnLineItem/2";

  it("a return with nothing processed or nothing restocked creates nothing (refund only)", () => {
    expect(planReturnFromShopify([{ id: R1, lineItemId: L1, quantity: 2, processedQuantity: 0, restocked: [] }], [], { returnOrderExists: false })).toEqual({ rows: [], createsReturnOrder: false });
    expect(planReturnFromShopify([{ id: R1, lineItemId: L1, quantity: 2, processedQuantity: 2, restocked: [] }], [], { returnOrderExists: false })).toEqual({ rows: [], createsReturnOrder: false });
  });

  it("restocked units become returned rows at their location, the rest not restocked", () => {
    const plan = planReturnFromShopify(
      [
        { id: R1, lineItemId: L1, quantity: 3, processedQuantity: 3, restocked: [{ quantity: 2, locationId: "S1" }] },
        { id: R2, lineItemId: L2, quantity: 1, processedQuantity: 1, restocked: [] },
      ],
      [],
      { returnOrderExists: false },
    );
    expect(plan).toEqual({
      createsReturnOrder: true,
      rows: [
        { returnLineId: R1, lineItemId: L1, quantity: 2, restock: true, shopifyLocationId: "S1" },
        { returnLineId: R1, lineItemId: L1, quantity: 1, restock: false, shopifyLocationId: null },
        { returnLineId: R2, lineItemId: L2, quantity: 1, restock: false, shopifyLocationId: null },
      ],
    });
  });

  it("adds only what no row records yet (processed in steps, webhooks repeated)", () => {
    const lines = [{ id: R1, lineItemId: L1, quantity: 4, processedQuantity: 3, restocked: [{ quantity: 1, locationId: "S1" }, { quantity: 1, locationId: "S2" }] }];
    const recorded = [{ externalLineId: R1, quantity: "1", restock: true }];
    expect(planReturnFromShopify(lines, recorded, { returnOrderExists: true })).toEqual({
      createsReturnOrder: false,
      rows: [
        { returnLineId: R1, lineItemId: L1, quantity: 1, restock: true, shopifyLocationId: "S2" },
        { returnLineId: R1, lineItemId: L1, quantity: 1, restock: false, shopifyLocationId: null },
      ],
    });
    const all = [...recorded, { externalLineId: R1, quantity: "1", restock: true }, { externalLineId: R1, quantity: "1", restock: false }];
    expect(planReturnFromShopify(lines, all, { returnOrderExists: true }).rows).toEqual([]);
  });
});
