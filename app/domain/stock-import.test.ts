import { describe, expect, it } from "vitest";
import { canStartStockImport, initialStockAdjustments, stockImportReason, type StockImportInput } from "./stock-import";

describe("canStartStockImport", () => {
  const ready = { state: "sync_inactive" as const, problems: [], mappedVariantCount: 30, stockImportRunning: false, productImportRunning: false };

  it("allows it while Sync inactive, with products imported and nothing running", () => {
    expect(canStartStockImport(ready)).toEqual({ ok: true });
  });

  it("refuses while sync is active", () => {
    expect(canStartStockImport({ ...ready, state: "sync_active" })).toMatchObject({ ok: false, code: "SYNC_ACTIVE", reason: expect.stringContaining("Pause sync") });
  });

  it("refuses while a location is unmapped, saying which", () => {
    const problem = { code: "LOCATION_UNMAPPED" as const, shopifyLocationId: "l1", message: 'Shopify location "Market Stall" is not mapped.' };
    const check = canStartStockImport({ ...ready, state: "disabled", problems: [problem] });
    expect(check).toEqual({ ok: false, code: "LOCATIONS_NOT_MAPPED", reason: 'Map every Shopify location first. Shopify location "Market Stall" is not mapped.' });
    expect(canStartStockImport({ ...ready, state: "disabled" })).toMatchObject({ code: "LOCATIONS_NOT_MAPPED" });
  });

  it("refuses a store that is not connected", () => {
    expect(canStartStockImport({ ...ready, state: "not_connected" })).toMatchObject({ ok: false, code: "STORE_NOT_CONNECTED" });
  });

  it("refuses before products were imported, then while another stock import runs", () => {
    expect(canStartStockImport({ ...ready, mappedVariantCount: 0 })).toMatchObject({ ok: false, code: "PRODUCTS_NOT_IMPORTED", reason: expect.stringContaining("Import the products first") });
    expect(canStartStockImport({ ...ready, stockImportRunning: true })).toMatchObject({ ok: false, code: "IMPORT_RUNNING" });
  });

  it("refuses while a product import runs (the SKU map is still changing), also on a first import", () => {
    expect(canStartStockImport({ ...ready, productImportRunning: true })).toMatchObject({ ok: false, code: "PRODUCT_IMPORT_RUNNING", reason: expect.stringContaining("still running") });
    expect(canStartStockImport({ ...ready, productImportRunning: true, mappedVariantCount: 0 })).toMatchObject({ code: "PRODUCT_IMPORT_RUNNING" });
  });

  it("names the state problem before the missing products", () => {
    expect(canStartStockImport({ ...ready, state: "sync_active", mappedVariantCount: 0 })).toMatchObject({ code: "SYNC_ACTIVE" });
  });
});

describe("initialStockAdjustments", () => {
  const base: StockImportInput = {
    levels: [],
    variantByInventoryItem: new Map([
      ["item-stool", "v-stool"],
      ["item-leg-a", "v-leg"],
      ["item-leg-b", "v-leg"],
      ["item-course", "v-course"],
    ]),
    locationByShopifyLocation: new Map([
      ["sl-workshop", "t-berlin"],
      ["sl-stall", "t-berlin"],
      ["sl-leipzig", "t-leipzig"],
    ]),
    heldByOpenOrders: [],
    stockedVariantIds: new Set(["v-stool", "v-leg"]),
  };

  it("writes one adjustment per Tenon location, summing the Shopify locations mapped to it", () => {
    const result = initialStockAdjustments({
      ...base,
      levels: [
        { inventoryItemId: "item-stool", shopifyLocationId: "sl-workshop", available: 6 },
        { inventoryItemId: "item-stool", shopifyLocationId: "sl-stall", available: 3 },
        { inventoryItemId: "item-stool", shopifyLocationId: "sl-leipzig", available: 14 },
      ],
    });
    expect(result).toEqual([
      { locationId: "t-berlin", lines: [{ variantId: "v-stool", quantity: "9" }] },
      { locationId: "t-leipzig", lines: [{ variantId: "v-stool", quantity: "14" }] },
    ]);
  });

  it("adds the quantities held by open imported orders at the row's location", () => {
    const result = initialStockAdjustments({
      ...base,
      levels: [{ inventoryItemId: "item-stool", shopifyLocationId: "sl-workshop", available: 6 }],
      heldByOpenOrders: [
        { variantId: "v-stool", locationId: "t-berlin", quantity: "2" },
        { variantId: "v-stool", locationId: "t-leipzig", quantity: "1.5" },
        // A row at a Tenon location no Shopify location maps to gets no adjustment here.
        { variantId: "v-stool", locationId: "t-elsewhere", quantity: "4" },
      ],
    });
    expect(result).toEqual([
      { locationId: "t-berlin", lines: [{ variantId: "v-stool", quantity: "8" }] },
      { locationId: "t-leipzig", lines: [{ variantId: "v-stool", quantity: "1.5" }] },
    ]);
  });

  it("adds up two Shopify variants that share one Tenon variant (one SKU)", () => {
    const result = initialStockAdjustments({
      ...base,
      levels: [
        { inventoryItemId: "item-leg-a", shopifyLocationId: "sl-workshop", available: 16 },
        { inventoryItemId: "item-leg-b", shopifyLocationId: "sl-workshop", available: 4 },
      ],
    });
    expect(result).toEqual([{ locationId: "t-berlin", lines: [{ variantId: "v-leg", quantity: "20" }] }]);
  });

  it("skips unmapped items, unmapped locations, services and zero totals; keeps negative available", () => {
    const result = initialStockAdjustments({
      ...base,
      levels: [
        { inventoryItemId: "item-unknown", shopifyLocationId: "sl-workshop", available: 5 },
        { inventoryItemId: "item-stool", shopifyLocationId: "sl-unmapped", available: 5 },
        { inventoryItemId: "item-course", shopifyLocationId: "sl-workshop", available: 100 },
        { inventoryItemId: "item-stool", shopifyLocationId: "sl-leipzig", available: 0 },
        { inventoryItemId: "item-leg-a", shopifyLocationId: "sl-workshop", available: -2 },
      ],
    });
    expect(result).toEqual([{ locationId: "t-berlin", lines: [{ variantId: "v-leg", quantity: "-2" }] }]);
  });

  it("gives no adjustment at all when Shopify has no stock", () => {
    expect(initialStockAdjustments(base)).toEqual([]);
  });

  it("sorts locations and lines so the result does not depend on Shopify's order", () => {
    const levels = [
      { inventoryItemId: "item-stool", shopifyLocationId: "sl-leipzig", available: 1 },
      { inventoryItemId: "item-leg-a", shopifyLocationId: "sl-workshop", available: 1 },
      { inventoryItemId: "item-stool", shopifyLocationId: "sl-workshop", available: 1 },
    ];
    const forward = initialStockAdjustments({ ...base, levels });
    expect(initialStockAdjustments({ ...base, levels: [...levels].reverse() })).toEqual(forward);
    expect(forward.map((a) => [a.locationId, a.lines.map((l) => l.variantId)])).toEqual([
      ["t-berlin", ["v-leg", "v-stool"]],
      ["t-leipzig", ["v-stool"]],
    ]);
  });

  it("names the store in the reason", () => {
    expect(stockImportReason("Tenon Demo Workshop")).toBe("Initial stock import from Tenon Demo Workshop");
  });
});
