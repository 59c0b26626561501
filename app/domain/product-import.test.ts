import { describe, expect, it } from "vitest";
import { draftFromShopify, groupBulkLines, netOfTax, normaliseSku, type ImportOptions } from "./product-import";

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
