import { describe, expect, it } from "vitest";
import {
  availableByVariantAt,
  committedRowStates,
  indexStockLevels,
  isCommitted,
  pairKey,
  stockLevel,
  stockLevels,
  type OpenRowSum,
} from "./stock-levels";

const decimal = (text: string) => ({ toString: () => text });

describe("isCommitted", () => {
  it("counts open rows until delivery (packed goods are no longer for sale); delivered rows hold none", () => {
    expect(committedRowStates).toEqual(["not_shipped", "packed"]);
    expect(isCommitted({ state: "not_shipped", origin: "shopify" }, false)).toBe(true);
    expect(isCommitted({ state: "packed", origin: "shopify" }, true)).toBe(true);
    expect(isCommitted({ state: "delivered", origin: "shopify" }, true)).toBe(false);
  });

  it("counts rows of manual Tenon orders only when the setting says so", () => {
    expect(isCommitted({ state: "not_shipped", origin: "manual" }, true)).toBe(true);
    expect(isCommitted({ state: "not_shipped", origin: "manual" }, false)).toBe(false);
  });
});

describe("stockLevel", () => {
  it("is In stock − Committed, exact, and may go negative", () => {
    const pair = { variantId: "v1", locationId: "l1" };
    expect(stockLevel(pair, "10", "2.5")).toEqual({ ...pair, inStock: "10", committed: "2.5", available: "7.5" });
    expect(stockLevel(pair, decimal("0.3"), 0.1 + 0.2)).toMatchObject({ available: "0" });
    expect(stockLevel(pair, "1", "3")).toMatchObject({ available: "-2" });
  });
});

describe("stockLevels", () => {
  const ledger = [
    { variantId: "oil", locationId: "workshop", quantity: "12.5" },
    { variantId: "oil", locationId: "market", quantity: decimal("3") },
    { variantId: "soap", locationId: "workshop", quantity: 40 },
  ];
  const openRows: OpenRowSum[] = [
    { variantId: "oil", locationId: "workshop", quantity: "2.25", origin: "shopify" },
    { variantId: "oil", locationId: "workshop", quantity: "1", origin: "manual" },
    { variantId: "soap", locationId: "market", quantity: "5", origin: "shopify" },
  ];

  it("computes every pair from aggregated sums, manual orders included", () => {
    const levels = stockLevels({ ledger, openRows, includeManualOrders: true });
    expect(levels).toEqual([
      { variantId: "oil", locationId: "workshop", inStock: "12.5", committed: "3.25", available: "9.25" },
      { variantId: "oil", locationId: "market", inStock: "3", committed: "0", available: "3" },
      { variantId: "soap", locationId: "workshop", inStock: "40", committed: "0", available: "40" },
      // Ordered but never stocked there: oversold.
      { variantId: "soap", locationId: "market", inStock: "0", committed: "5", available: "-5" },
    ]);
  });

  it("leaves manual orders out of Committed when the setting is off, still listing the pair", () => {
    const index = indexStockLevels(stockLevels({ ledger, openRows, includeManualOrders: false }));
    expect(index.get(pairKey("oil", "workshop"))).toMatchObject({ committed: "2.25", available: "10.25" });
    const onlyManual = stockLevels({
      ledger: [],
      openRows: [{ variantId: "x", locationId: "l", quantity: "4", origin: "manual" }],
      includeManualOrders: false,
    });
    expect(onlyManual).toEqual([{ variantId: "x", locationId: "l", inStock: "0", committed: "0", available: "0" }]);
  });

  it("adds several sums of one pair (e.g. grouped by movement kind or by state)", () => {
    const levels = stockLevels({
      ledger: [
        { variantId: "v", locationId: "l", quantity: "10" },
        { variantId: "v", locationId: "l", quantity: "-3.5" },
      ],
      openRows: [
        { variantId: "v", locationId: "l", quantity: "1", origin: "shopify", state: "not_shipped" },
        { variantId: "v", locationId: "l", quantity: "2", origin: "shopify", state: "packed" },
        { variantId: "v", locationId: "l", quantity: "4", origin: "shopify", state: "delivered" },
      ],
      includeManualOrders: true,
    });
    expect(levels).toEqual([{ variantId: "v", locationId: "l", inStock: "6.5", committed: "3", available: "3.5" }]);
  });

  it("lists requested pairs first, with zeros when nothing happened there", () => {
    const levels = stockLevels({
      pairs: [
        { variantId: "new", locationId: "workshop" },
        { variantId: "soap", locationId: "workshop" },
      ],
      ledger,
      openRows: [],
      includeManualOrders: true,
    });
    expect(levels[0]).toEqual({ variantId: "new", locationId: "workshop", inStock: "0", committed: "0", available: "0" });
    expect(levels[1]).toMatchObject({ variantId: "soap", inStock: "40" });
    expect(levels).toHaveLength(4);
  });

  it("returns nothing for nothing", () => {
    expect(stockLevels({ ledger: [], openRows: [], includeManualOrders: true })).toEqual([]);
  });

  it("handles 500,000 pairs in one pass", () => {
    const variants = 100_000;
    const locations = ["a", "b", "c", "d", "e"];
    const bigLedger = function* () {
      for (let v = 0; v < variants; v++) for (const l of locations) yield { variantId: `v${v}`, locationId: l, quantity: "10.5" };
    };
    const bigRows = function* () {
      for (let v = 0; v < variants; v += 2) yield { variantId: `v${v}`, locationId: "a", quantity: "0.5", origin: "shopify" as const };
    };
    const started = performance.now();
    const levels = stockLevels({ ledger: bigLedger(), openRows: bigRows(), includeManualOrders: true });
    const elapsed = performance.now() - started;
    expect(levels).toHaveLength(500_000);
    expect(levels[0]).toMatchObject({ available: "10" });
    expect(levels[1]).toMatchObject({ available: "10.5" });
    expect(elapsed).toBeLessThan(10_000);
  });
});

describe("availableByVariantAt", () => {
  it("picks one location's available per variant", () => {
    const levels = stockLevels({
      ledger: [
        { variantId: "a", locationId: "l1", quantity: "3" },
        { variantId: "b", locationId: "l1", quantity: "4" },
        { variantId: "a", locationId: "l2", quantity: "9" },
      ],
      openRows: [{ variantId: "a", locationId: "l1", quantity: "1", origin: "shopify" }],
      includeManualOrders: true,
    });
    expect(availableByVariantAt(levels, "l1")).toEqual(
      new Map([
        ["a", "2"],
        ["b", "4"],
      ]),
    );
  });
});
