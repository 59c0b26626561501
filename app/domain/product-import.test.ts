import { describe, expect, it } from "vitest";
import {
  batchesOf,
  draftFromShopify,
  groupBulkLines,
  netOfTax,
  normaliseSku,
  planImportBatch,
  resumePoint,
  type BatchKnowledge,
  type ImportOptions,
  type KnownMapping,
  type TenonProductDraft,
} from "./product-import";

const options: ImportOptions = { taxesIncluded: false, defaultTaxRatePercent: 19, importCostPerItem: true, nonPhysicalProducts: "service" };
const variant = (over: Partial<Parameters<typeof draftFromShopify>[0]["variants"][number]> = {}) => ({
  id: "gid://shopify/ProductVariant/1",
  title: "Default Title",
  sku: " OAK-1 ",
  price: "119.00",
  inventoryItem: { id: "gid://shopify/InventoryItem/1", requiresShipping: true, unitCost: { amount: "40.5" } },
  ...over,
});

describe("product import mapping", () => {
  it("trims SKUs, keeps their case, and treats blank as none", () => {
    expect(normaliseSku("  Oak-1 ")).toBe("Oak-1");
    expect(normaliseSku("   ")).toBeNull();
    expect(normaliseSku(null)).toBeNull();
  });

  it("takes prices net of tax for tax-inclusive stores, to 4 places", () => {
    expect(netOfTax("119", 19)).toBe("100");
    expect(netOfTax("10", 7.5)).toBe("9.3023");
    expect(netOfTax("0", 19)).toBe("0");
  });

  it("maps a physical product, dropping Shopify's 'Default Title' and using the unit cost when asked", () => {
    const draft = draftFromShopify({ id: "p1", title: " Oak stool ", variants: [variant()] }, options);
    expect(draft).toEqual({
      name: "Oak stool",
      kind: "physical",
      variants: [{ shopifyVariantId: "gid://shopify/ProductVariant/1", inventoryItemId: "gid://shopify/InventoryItem/1", code: "OAK-1", name: "", salesPrice: "119", cost: "40.5" }],
    });
    expect(draftFromShopify({ id: "p1", title: "x", variants: [variant()] }, { ...options, importCostPerItem: false }).variants[0]?.cost).toBeNull();
    expect(draftFromShopify({ id: "p1", title: "x", variants: [variant()] }, { ...options, taxesIncluded: true }).variants[0]?.salesPrice).toBe("100");
  });

  it("turns products that need no shipping into services or products, as the setting says", () => {
    const course = { id: "p2", title: "Course", variants: [variant({ inventoryItem: { id: "i", requiresShipping: false, unitCost: null } })] };
    expect(draftFromShopify(course, options).kind).toBe("service");
    expect(draftFromShopify(course, { ...options, nonPhysicalProducts: "product" }).kind).toBe("physical");
  });

  it("groups JSONL lines into products, also when a variant comes before its product, and reports bad lines", () => {
    const { products, unreadable } = groupBulkLines([
      JSON.stringify({ id: "v0", title: "early", sku: "E", price: "1", __parentId: "p2" }),
      JSON.stringify({ id: "p1", title: "One" }),
      JSON.stringify({ id: "v1", title: "A", sku: "A", price: "2", __parentId: "p1" }),
      "{not json",
      JSON.stringify({ id: "p2", title: "Two" }),
      JSON.stringify({ id: "v9", title: "lost", __parentId: "p404" }),
      "",
    ]);
    expect(products.map((p) => [p.id, p.variants.map((v) => v.id)])).toEqual([
      ["p1", ["v1"]],
      ["p2", ["v0"]],
    ]);
    expect(unreadable.map((u) => u.message)).toEqual(["Not valid JSON.", "Variant v9 belongs to a product that is not in the file."]);
  });
});

describe("batch planning", () => {
  const draft = (name: string, variants: [id: string, code: string | null][]): TenonProductDraft => ({
    name,
    kind: "physical",
    variants: variants.map(([id, code]) => ({ shopifyVariantId: id, inventoryItemId: `inv-${id}`, code, name: "", salesPrice: "10", cost: null })),
  });
  const ids = () => {
    let n = 0;
    return () => `new${++n}`;
  };
  const empty = (): BatchKnowledge => ({ mappings: new Map(), productOfShopifyProduct: new Map(), newestByCode: new Map() });
  const mapping = (over: Partial<KnownMapping> & { shopifyVariantId: string; variantId: string }): KnownMapping => ({
    shopifyProductId: "P1",
    inventoryItemId: `inv-${over.shopifyVariantId}`,
    sku: null,
    ...over,
  });

  it("creates one product per Shopify product, a variant per SKU, and maps every Shopify variant", () => {
    const plan = planImportBatch([{ shopifyProductId: "P1", draft: draft("Stool", [["v1", "A"], ["v2", null]]) }], empty(), ids());
    expect(plan.products).toEqual([{ id: "new1", name: "Stool", kind: "physical" }]);
    expect(plan.variants.map((v) => [v.id, v.productId, v.code])).toEqual([
      ["new2", "new1", "A"],
      ["new3", "new1", null],
    ]);
    expect(plan.createMappings.map((m) => [m.shopifyVariantId, m.shopifyProductId, m.variantId, m.sku, m.inventoryItemId])).toEqual([
      ["v1", "P1", "new2", "A", "inv-v1"],
      ["v2", "P1", "new3", null, "inv-v2"],
    ]);
    expect(plan.updateMappings).toEqual([]);
  });

  it("a SKU seen earlier in the batch, or twice in one product, is the same Tenon variant, and the later product joins its Tenon product", () => {
    const plan = planImportBatch(
      [
        { shopifyProductId: "P1", draft: draft("Stool", [["v1", "A"], ["v2", "A"]]) },
        { shopifyProductId: "P2", draft: draft("Bench", [["v3", "A"], ["v4", "B"]]) },
      ],
      empty(),
      ids(),
    );
    expect(plan.products.map((p) => p.name)).toEqual(["Stool"]);
    expect(plan.variants.map((v) => [v.code, v.productId])).toEqual([
      ["A", "new1"],
      ["B", "new1"],
    ]);
    expect(plan.createMappings.map((m) => m.variantId)).toEqual(["new2", "new2", "new2", "new3"]);
  });

  it("a product whose first variant is new keeps its own Tenon product for the variants after a shared one", () => {
    const known = empty();
    known.newestByCode.set("A", { id: "old", productId: "oldProduct" });
    const plan = planImportBatch([{ shopifyProductId: "P1", draft: draft("Stool", [["v1", "N"], ["v2", "A"], ["v3", "M"]]) }], known, ids());
    expect(plan.products.map((p) => p.id)).toEqual(["new1"]);
    expect(plan.createMappings.map((m) => m.variantId)).toEqual(["new2", "old", "new3"]);
    expect(plan.variants.map((v) => v.productId)).toEqual(["new1", "new1"]);
  });

  it("matches existing Tenon variants by SKU (the newest the caller found), and new variants then become the newest", () => {
    const known = empty();
    known.newestByCode.set("A", { id: "tenonA", productId: "tenonProduct" });
    const plan = planImportBatch(
      [
        { shopifyProductId: "P1", draft: draft("Stool", [["v1", "A"], ["v2", "Z"]]) },
        { shopifyProductId: "P2", draft: draft("Other", [["v3", "Z"]]) },
      ],
      known,
      ids(),
    );
    expect(plan.products).toEqual([]);
    expect(plan.variants.map((v) => [v.id, v.productId, v.code])).toEqual([["new1", "tenonProduct", "Z"]]);
    expect(plan.createMappings.map((m) => m.variantId)).toEqual(["tenonA", "new1", "new1"]);
    expect(known.newestByCode.get("Z")).toEqual({ id: "new1", productId: "tenonProduct" });
  });

  it("never matches variants without SKU by SKU: each is its own Tenon variant unless the map knows its Shopify id", () => {
    const known = empty();
    known.mappings.set("v1", mapping({ shopifyVariantId: "v1", variantId: "mapped" }));
    known.productOfShopifyProduct.set("P1", "mappedProduct");
    const plan = planImportBatch(
      [
        { shopifyProductId: "P1", draft: draft("Stool", [["v1", null], ["v2", null]]) },
        { shopifyProductId: "P2", draft: draft("Bench", [["v3", null]]) },
      ],
      known,
      ids(),
    );
    expect(plan.createMappings.map((m) => [m.shopifyVariantId, m.variantId])).toEqual([
      ["v2", "new1"],
      ["v3", "new3"],
    ]);
    expect(plan.variants.map((v) => [v.id, v.productId])).toEqual([
      ["new1", "mappedProduct"],
      ["new3", "new2"],
    ]);
    expect(plan.updateMappings).toEqual([]);
  });

  it("a mapped variant keeps its Tenon variant even when its SKU changed; only changed mappings are rewritten", () => {
    const known = empty();
    known.mappings.set("v1", mapping({ shopifyVariantId: "v1", variantId: "t1", sku: "A" }));
    known.mappings.set("v2", mapping({ shopifyVariantId: "v2", variantId: "t2", sku: "B" }));
    known.newestByCode.set("A2", { id: "other", productId: "x" });
    const plan = planImportBatch([{ shopifyProductId: "P1", draft: draft("Stool", [["v1", "A2"], ["v2", "B"]]) }], known, ids());
    expect(plan.variants).toEqual([]);
    expect(plan.createMappings).toEqual([]);
    expect(plan.updateMappings).toEqual([{ shopifyVariantId: "v1", shopifyProductId: "P1", inventoryItemId: "inv-v1", variantId: "t1", sku: "A2" }]);
  });

  it("a re-run of an imported batch plans no writes at all", () => {
    const items = [
      { shopifyProductId: "P1", draft: draft("Stool", [["v1", "A"], ["v2", null]]) },
      { shopifyProductId: "P2", draft: draft("Bench", [["v3", "A"], ["v4", "C"]]) },
    ];
    const first = planImportBatch(items, empty(), ids());
    const known = empty();
    for (const m of first.createMappings) known.mappings.set(m.shopifyVariantId, m);
    const again = planImportBatch(items, known, ids());
    expect(again).toEqual({ products: [], variants: [], createMappings: [], updateMappings: [] });
  });

  it("resumes after the products the committed progress covers", () => {
    expect(resumePoint([2, 3, 1], 0)).toEqual({ index: 0, done: 0 });
    expect(resumePoint([2, 3, 1], 5)).toEqual({ index: 2, done: 5 });
    expect(resumePoint([2, 3, 1], 6)).toEqual({ index: 3, done: 6 });
    // Not on a product boundary (another file): starts at the product it falls in.
    expect(resumePoint([2, 3, 1], 4)).toEqual({ index: 1, done: 2 });
    expect(resumePoint([2, 3, 1], 99)).toEqual({ index: 3, done: 6 });
  });

  it("cuts products into batches by variants, never splitting a product", () => {
    expect(batchesOf([3, 3, 3, 5, 1], (n) => n, 6)).toEqual([[3, 3], [3], [5, 1]]);
    expect(batchesOf([9, 1], (n) => n, 6)).toEqual([[9], [1]]);
    expect(batchesOf([], (n: number) => n, 6)).toEqual([]);
  });
});
