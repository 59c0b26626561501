import { describe, expect, it } from "vitest";
import { loadShopSeedFile, parseShopSeed } from "./seed";
import { DEMO_STORE_SEED } from "./index";
import { createShopState, IdSequence, quantityOf } from "./state";

describe("demo store seed", () => {
  const seed = loadShopSeedFile(DEMO_STORE_SEED);
  const variants = seed.products.flatMap((p) => p.variants.map((v) => ({ product: p, variant: v })));

  it("describes the Tenon demo workshop, installed", () => {
    expect(seed).toMatchObject({
      handle: "tenon-demo",
      name: "Tenon Demo Workshop",
      currencyCode: "EUR",
      taxesIncluded: true,
      ianaTimezone: "Europe/Berlin",
      installed: true,
    });
  });

  it("has a workshop, a warehouse and a retail market stall that takes no online orders", () => {
    expect(seed.locations.map((l) => l.name)).toEqual(["Workshop", "Warehouse Leipzig", "Market Stall"]);
    const stall = seed.locations.find((l) => l.name === "Market Stall");
    expect(stall).toMatchObject({ kind: "retail", fulfillsOnlineOrders: false });
  });

  it("has about twenty products with the awkward cases Tenon must handle", () => {
    expect(seed.products.length).toBeGreaterThanOrEqual(18);
    expect(variants.some(({ variant }) => variant.sku === null)).toBe(true);

    const bySku = new Map<string, Set<string>>();
    for (const { product, variant } of variants) {
      if (variant.sku) bySku.set(variant.sku, (bySku.get(variant.sku) ?? new Set()).add(product.handle));
    }
    expect([...bySku.values()].some((handles) => handles.size >= 2)).toBe(true);

    const kit = seed.products.find((p) => p.title === "Starter Joinery Kit");
    expect(kit?.variants[0]?.components.length).toBeGreaterThanOrEqual(2);
    expect(variants.some(({ variant }) => variant.unitCost !== null)).toBe(true);
    expect(variants.some(({ variant }) => Object.values(variant.inventory).some((q) => q.committed > 0))).toBe(true);
  });

  it("becomes a shop state with derived on_hand quantities", () => {
    const shop = createShopState(seed, new IdSequence());
    expect(shop.domain).toBe("tenon-demo.myshopify.com");
    const kitVariant = shop.variants.find((v) => v.sku === "KIT-STARTER");
    expect(kitVariant?.components).toHaveLength(4);
    const level = shop.inventoryLevels.find((l) => l.quantities.committed > 0);
    expect(level && quantityOf(level, "on_hand")).toBe(level && level.quantities.available + level.quantities.committed);
  });

  it("rejects seeds that refer to unknown locations or inconsistent quantities", () => {
    const broken = structuredClone(seed);
    const firstVariant = broken.products[0]?.variants[0];
    if (!firstVariant) throw new Error("demo seed has no variants");
    firstVariant.inventory = { nowhere: { available: 1, committed: 0, reserved: 0, damaged: 0, quality_control: 0, safety_stock: 0, incoming: 0 } };
    expect(() => parseShopSeed(broken)).toThrow(/unknown location key nowhere/);

    const inconsistent = structuredClone(seed);
    const variant = inconsistent.products[0]?.variants[0];
    if (!variant) throw new Error("demo seed has no variants");
    variant.inventory = { workshop: { available: 5, committed: 1, reserved: 0, damaged: 0, quality_control: 0, safety_stock: 0, incoming: 0, on_hand: 5 } };
    expect(() => parseShopSeed(inconsistent)).toThrow(/on_hand 5/);
  });
});
