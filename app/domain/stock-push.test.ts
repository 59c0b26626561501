import { describe, expect, it } from "vitest";
import {
  classifyBatchErrors,
  keyRefusal,
  maxPushRate,
  planEntry,
  pushTargets,
  resolveSources,
  stockToPush,
  storePushGate,
  type ShopifyLocationInput,
  type VariantMappingInput,
} from "./stock-push";

describe("stockToPush", () => {
  it("pushes In stock − Committed in whole units, floored", () => {
    expect(stockToPush({ productKind: "physical", available: "7" })).toEqual({ push: true, quantity: 7, negative: false });
    expect(stockToPush({ productKind: "physical", available: "7.9999" })).toEqual({ push: true, quantity: 7, negative: false });
    expect(stockToPush({ productKind: "physical", available: "0.5" })).toEqual({ push: true, quantity: 0, negative: false });
    expect(stockToPush({ productKind: "physical", available: 12 })).toEqual({ push: true, quantity: 12, negative: false });
  });

  it("pushes 0 for a pair with no stock and no rows", () => {
    expect(stockToPush({ productKind: "physical", available: undefined })).toEqual({ push: true, quantity: 0, negative: false });
  });

  it("never pushes a negative number: 0 and flagged", () => {
    expect(stockToPush({ productKind: "physical", available: "-3" })).toEqual({ push: true, quantity: 0, negative: true });
    expect(stockToPush({ productKind: "physical", available: "-0.0001" })).toEqual({ push: true, quantity: 0, negative: true });
  });

  it("pushes a kit's potential, not its own stock", () => {
    expect(stockToPush({ productKind: "physical", available: "50", kitPotential: 4 })).toEqual({ push: true, quantity: 4, negative: false });
    expect(stockToPush({ productKind: "physical", available: "-2", kitPotential: 0 })).toEqual({ push: true, quantity: 0, negative: false });
  });

  it("never pushes services", () => {
    expect(stockToPush({ productKind: "service", available: "5" })).toEqual({ push: false, reason: "SERVICE" });
    expect(stockToPush({ productKind: "service", available: "5", kitPotential: 2 })).toEqual({ push: false, reason: "SERVICE" });
  });

  it("caps at Shopify's maximum", () => {
    expect(stockToPush({ productKind: "physical", available: "5000000000" })).toEqual({ push: true, quantity: 1_000_000_000, negative: false });
  });
});

describe("storePushGate", () => {
  const on = { inventory: { inventorySync: true } };
  it("pushes only when connected, Sync active and inventory sync on", () => {
    expect(storePushGate({ connection: "connected", syncActive: true, settings: on })).toEqual({ push: true });
    expect(storePushGate({ connection: "uninstalled", syncActive: true, settings: on })).toMatchObject({ push: false, reason: "DISCONNECTED" });
    expect(storePushGate({ connection: "connected", syncActive: false, settings: on })).toMatchObject({ push: false, reason: "PAUSED" });
    expect(storePushGate({ connection: "connected", syncActive: true, settings: {} })).toMatchObject({ push: false, reason: "SYNC_OFF", message: expect.stringContaining("Inventory tab") });
    expect(storePushGate({ connection: "connected", syncActive: true, settings: { inventory: { inventorySync: false } } })).toMatchObject({ push: false, reason: "SYNC_OFF" });
  });
});

const at = (iso: string) => new Date(iso);
const mapping = (over: Partial<VariantMappingInput> & { shopifyVariantId: string; variantId: string }): VariantMappingInput => ({
  storeId: "s1",
  inventoryItemId: `item-${over.shopifyVariantId}`,
  sku: null,
  ...over,
});

describe("resolveSources", () => {
  it("takes the newest Tenon variant with the SKU (ties: greater id), else the linked variant", () => {
    const variants = [
      { id: "old", code: "A", createdAt: at("2026-01-01") },
      { id: "new", code: "A", createdAt: at("2026-03-01") },
      { id: "b1", code: "B", createdAt: at("2026-02-01") },
      { id: "b2", code: "B", createdAt: at("2026-02-01") },
      { id: "nocode", code: null, createdAt: at("2026-04-01") },
    ];
    const resolved = resolveSources(
      [
        mapping({ shopifyVariantId: "1", variantId: "old", sku: "A" }),
        mapping({ shopifyVariantId: "2", variantId: "b1", sku: "B" }),
        mapping({ shopifyVariantId: "3", variantId: "nocode", sku: null }),
        mapping({ shopifyVariantId: "4", variantId: "old", sku: "GONE" }),
      ],
      variants,
    );
    expect(resolved.map((r) => [r.shopifyVariantId, r.sourceVariantId])).toEqual([
      ["1", "new"],
      ["2", "b2"],
      ["3", "nocode"],
      ["4", "old"],
    ]);
  });

  it("leaves out mappings without an inventory item", () => {
    expect(resolveSources([mapping({ shopifyVariantId: "1", variantId: "v", inventoryItemId: null })], [])).toEqual([]);
  });

  it("sends duplicate Shopify SKUs the same source", () => {
    const resolved = resolveSources(
      [mapping({ shopifyVariantId: "1", variantId: "v", sku: "A" }), mapping({ shopifyVariantId: "2", variantId: "w", sku: "A" })],
      [{ id: "v", code: "A", createdAt: at("2026-01-01") }, { id: "w", code: "A", createdAt: at("2026-01-02") }],
    );
    expect(resolved.map((r) => r.sourceVariantId)).toEqual(["w", "w"]);
  });
});

describe("pushTargets", () => {
  const loc = (over: Partial<ShopifyLocationInput> & { shopifyLocationId: string }): ShopifyLocationInput => ({
    storeId: "s1",
    locationId: "berlin",
    isActive: true,
    removed: false,
    ...over,
  });
  const sources = resolveSources(
    [mapping({ shopifyVariantId: "1", variantId: "v", sku: "A" }), mapping({ storeId: "s2", shopifyVariantId: "9", variantId: "v", sku: "A" })],
    [{ id: "v", code: "A", createdAt: at("2026-01-01") }],
  );

  it("fans out to every active mapped Shopify location of the store, several per Tenon location, and every store", () => {
    const targets = pushTargets(sources, [
      loc({ shopifyLocationId: "L1" }),
      loc({ shopifyLocationId: "L2" }),
      loc({ shopifyLocationId: "L3", locationId: "leipzig" }),
      loc({ shopifyLocationId: "L4", locationId: null }),
      loc({ shopifyLocationId: "L5", isActive: false }),
      loc({ shopifyLocationId: "L6", removed: true }),
      loc({ storeId: "s2", shopifyLocationId: "M1" }),
    ]);
    expect(targets.map((t) => `${t.storeId}:${t.inventoryItemId}@${t.shopifyLocationId}←${t.variantId}@${t.locationId}`)).toEqual([
      "s1:item-1@L1←v@berlin",
      "s1:item-1@L2←v@berlin",
      "s1:item-1@L3←v@leipzig",
      "s2:item-9@M1←v@berlin",
    ]);
  });

  it("collapses a repeated inventory item × location", () => {
    const twice = [...sources, ...sources];
    expect(pushTargets(twice, [loc({ shopifyLocationId: "L1" })])).toHaveLength(1);
  });
});

describe("planEntry (no double count, no oversell window)", () => {
  it("refuses to plan without knowing Shopify's quantity", () => {
    expect(planEntry({ wanted: 5, confirmed: null, unimported: 0, importedBase: 0 }, 0)).toBeNull();
  });

  it("sends wanted against the last confirmed quantity; a no-op when Shopify already shows it", () => {
    expect(planEntry({ wanted: 15, confirmed: 10, unimported: 0, importedBase: 0 }, 0)).toEqual({ quantity: 15, changeFromQuantity: 10, unimported: 0, noop: false });
    expect(planEntry({ wanted: 10, confirmed: 10, unimported: 0, importedBase: 0 }, 0)).toMatchObject({ noop: true });
  });

  it("worked example: a sale in Shopify not yet imported stays subtracted until the order arrives, then counts once", () => {
    // Shopify 10 = Tenon 10. A customer buys 2 in Shopify (Shopify 8). Tenon adjusts +5 (wanted 15).
    let state = { wanted: 15, confirmed: 10, unimported: 0, importedBase: "0" };
    const first = planEntry(state, "0")!;
    expect(first).toMatchObject({ quantity: 15, changeFromQuantity: 10 }); // stale: Shopify shows 8
    const reread = planEntry(state, "0", 8)!;
    expect(reread).toEqual({ quantity: 13, changeFromQuantity: 8, unimported: 2, noop: false });
    state = { ...state, confirmed: 13, unimported: 2, importedBase: "0" };
    // The order is imported: Committed +2, wanted 13. Nothing to change in Shopify.
    expect(planEntry({ ...state, wanted: 13 }, "2")).toEqual({ quantity: 13, changeFromQuantity: 13, unimported: 0, noop: true });
    // Had we subtracted the import too, Shopify would show 11: the double count.
  });

  it("an order imported before the push: Shopify's decrease is explained, nothing subtracted twice", () => {
    const state = { wanted: 8, confirmed: 10, unimported: 0, importedBase: "0" };
    expect(planEntry(state, "2")).toMatchObject({ quantity: 8, changeFromQuantity: 10 }); // stale: Shopify shows 8
    expect(planEntry(state, "2", 8)).toEqual({ quantity: 8, changeFromQuantity: 8, unimported: 0, noop: true });
  });

  it("a restock in Shopify lowers the estimate of unimported sales, never below 0", () => {
    const state = { wanted: 10, confirmed: 8, unimported: 2, importedBase: "0" };
    expect(planEntry(state, "0", 10)).toEqual({ quantity: 10, changeFromQuantity: 10, unimported: 0, noop: true });
    expect(planEntry({ ...state, unimported: 0 }, "0", 12)).toEqual({ quantity: 10, changeFromQuantity: 12, unimported: 0, noop: false });
  });

  it("never pushes below 0", () => {
    expect(planEntry({ wanted: 1, confirmed: 5, unimported: 0, importedBase: 0 }, 0, 0)).toEqual({ quantity: 0, changeFromQuantity: 0, unimported: 5, noop: true });
  });
});

describe("classifyBatchErrors", () => {
  it("splits stale entries, target failures with a reason, and general errors", () => {
    const result = classifyBatchErrors([
      { field: ["input", "quantities", "0", "changeFromQuantity"], message: "stale", code: "CHANGE_FROM_QUANTITY_STALE" },
      { field: ["input", "quantities", "3", "inventoryItemId"], message: "The specified inventory item could not be found.", code: "INVALID_INVENTORY_ITEM" },
      { field: ["input", "quantities", "4", "locationId"], message: "The specified inventory item is not stocked at the location.", code: "ITEM_NOT_STOCKED_AT_LOCATION" },
      { field: ["input", "quantities", "5", "locationId"], message: "Something new", code: "SOMETHING_NEW" },
      { field: ["input", "reason"], message: "The specified reason is invalid.", code: "INVALID_REASON" },
      { field: null, message: "The same idempotency key cannot be used with different operation parameters.", code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" },
    ]);
    expect(result.entries.get(0)).toEqual({ kind: "stale" });
    expect(result.entries.get(3)).toMatchObject({ kind: "failed", code: "INVALID_INVENTORY_ITEM", message: expect.stringContaining("Import the products again") });
    expect(result.entries.get(4)).toMatchObject({ kind: "failed", code: "ITEM_NOT_STOCKED_AT_LOCATION", message: expect.stringContaining("not stocked") });
    expect(result.entries.get(5)).toMatchObject({ kind: "failed", code: "SOMETHING_NEW", message: "Shopify refused this quantity: Something new" });
    expect(result.general.map((g) => g.code)).toEqual(["INVALID_REASON", "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"]);
  });

  it("reads the entry from either field path Shopify answers, with or without the argument name", () => {
    const result = classifyBatchErrors([
      { field: ["quantities", "2"], message: "The compareQuantity value does not match persisted value.", code: "COMPARE_QUANTITY_STALE" },
      { field: ["quantities", "0", "compareQuantity"], message: "stale", code: "COMPARE_QUANTITY_STALE" },
      { field: ["input", "quantities", "1", "compareQuantity"], message: "stale", code: "COMPARE_QUANTITY_STALE" },
      { field: ["quantities", "3", "locationId"], message: "The specified location could not be found.", code: "INVALID_LOCATION" },
      { field: ["quantities"], message: "Too many", code: "TOO_MANY" },
      { field: ["quantities", "x"], message: "odd", code: "ODD" },
    ]);
    expect([...result.entries.keys()].sort()).toEqual([0, 1, 2, 3]);
    expect(result.entries.get(2)).toEqual({ kind: "stale" });
    expect(result.entries.get(3)).toMatchObject({ kind: "failed", code: "INVALID_LOCATION" });
    expect(result.general.map((g) => g.code)).toEqual(["TOO_MANY", "ODD"]);
  });

  it("a failure wins over a stale answer for the same entry", () => {
    const result = classifyBatchErrors([
      { field: ["input", "quantities", "1", "changeFromQuantity"], message: "stale", code: "COMPARE_QUANTITY_STALE" },
      { field: ["input", "quantities", "1", "locationId"], message: "x", code: "INVALID_LOCATION" },
    ]);
    expect(result.entries.get(1)).toMatchObject({ kind: "failed", code: "INVALID_LOCATION" });
  });
});

describe("maxPushRate", () => {
  it("is the calls per second the restore rate allows × 250 quantities", () => {
    expect(maxPushRate(100, 10)).toBe(2500);
    expect(maxPushRate(100, 10, 1)).toBe(10);
  });
});

describe("keyRefusal", () => {
  it("reads what each idempotency refusal asks for; anything else is not about the key", () => {
    expect(keyRefusal([{ code: "IDEMPOTENCY_CONCURRENT_REQUEST" }])).toBe("wait");
    expect(keyRefusal([{ code: "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED" }])).toBe("new_key");
    expect(keyRefusal([{ code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" }])).toBe("replan");
    // Other arguments win: waiting or a bare new key would send the same wrong call again.
    expect(keyRefusal([{ code: "IDEMPOTENCY_CONCURRENT_REQUEST" }, { code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" }])).toBe("replan");
    expect(keyRefusal([{ code: "INVALID_REASON" }, { code: null }])).toBeNull();
    expect(keyRefusal([])).toBeNull();
  });
});
