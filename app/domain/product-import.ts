import { fromUnits, parseMoney, toUnits, type DecimalString } from "./quantity";

/**
 * How a Shopify product from the import becomes Tenon data (product.md, "Manual imports").
 * Pure: the service does the matching against the database and the writing.
 */

export interface ShopifyProductLine {
  id: string;
  title: string;
  variants: ShopifyVariantLine[];
}

export interface ShopifyVariantLine {
  id: string;
  title: string;
  sku: string | null;
  price: string | null;
  inventoryItem: { id: string; requiresShipping: boolean; unitCost: { amount: string } | null } | null;
}

export interface ImportOptions {
  taxesIncluded: boolean;
  defaultTaxRatePercent: number;
  importCostPerItem: boolean;
  nonPhysicalProducts: "service" | "product";
}

export interface TenonProductDraft {
  name: string;
  kind: "physical" | "service";
  variants: {
    shopifyVariantId: string;
    inventoryItemId: string | null;
    /** Trimmed, case kept; null when Shopify has none (matched by the hidden Shopify id). */
    code: string | null;
    name: string;
    salesPrice: DecimalString | null;
    cost: DecimalString | null;
  }[];
}

/** A SKU as Tenon compares it: trimmed, case-sensitive; blank = none. */
export function normaliseSku(sku: string | null | undefined): string | null {
  const trimmed = sku?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
}

/** Price without tax when the store's prices include it: price / (1 + rate), to 4 places. */
export function netOfTax(price: DecimalString, ratePercent: number): DecimalString {
  const priceUnits = toUnits(price);
  const rateHundredths = BigInt(Math.round(ratePercent * 100));
  const denominator = 10_000n + rateHundredths;
  const scaled = priceUnits * 10_000n;
  const quotient = (scaled + denominator / 2n) / denominator;
  return fromUnits(quotient);
}

function money(value: string | null | undefined): DecimalString | null {
  if (value === null || value === undefined || value === "") return null;
  const parsed = parseMoney(value);
  return parsed.ok ? parsed.value : null;
}

/** Shopify's default variant title carries no information. */
function variantName(title: string): string {
  return title === "Default Title" ? "" : title;
}

export function draftFromShopify(product: ShopifyProductLine, options: ImportOptions): TenonProductDraft {
  const physical = product.variants.some((v) => v.inventoryItem?.requiresShipping !== false);
  return {
    name: product.title.trim() || "Untitled Shopify product",
    kind: physical ? "physical" : options.nonPhysicalProducts === "service" ? "service" : "physical",
    variants: product.variants.map((variant) => {
      const price = money(variant.price);
      return {
        shopifyVariantId: variant.id,
        inventoryItemId: variant.inventoryItem?.id ?? null,
        code: normaliseSku(variant.sku),
        name: variantName(variant.title),
        salesPrice: price === null ? null : options.taxesIncluded ? netOfTax(price, options.defaultTaxRatePercent) : price,
        cost: options.importCostPerItem ? money(variant.inventoryItem?.unitCost?.amount) : null,
      };
    }),
  };
}

/**
 * Groups the lines of a bulk operation's JSONL (products, then their variants with `__parentId`)
 * into products. Lines it cannot read are reported, not fatal.
 */
export function groupBulkLines(lines: Iterable<string>): { products: ShopifyProductLine[]; unreadable: { line: number; message: string }[] } {
  const products = new Map<string, ShopifyProductLine>();
  const orphans: { parent: string; variant: ShopifyVariantLine }[] = [];
  const unreadable: { line: number; message: string }[] = [];
  let n = 0;
  for (const raw of lines) {
    n += 1;
    if (raw.trim() === "") continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      unreadable.push({ line: n, message: "Not valid JSON." });
      continue;
    }
    const id = typeof record.id === "string" ? record.id : null;
    if (!id) {
      unreadable.push({ line: n, message: "A line without an id." });
      continue;
    }
    if (typeof record.__parentId === "string") {
      const variant: ShopifyVariantLine = {
        id,
        title: typeof record.title === "string" ? record.title : "",
        sku: typeof record.sku === "string" ? record.sku : null,
        price: typeof record.price === "string" ? record.price : null,
        inventoryItem: (record.inventoryItem as ShopifyVariantLine["inventoryItem"]) ?? null,
      };
      const parent = products.get(record.__parentId);
      if (parent) parent.variants.push(variant);
      else orphans.push({ parent: record.__parentId, variant });
      continue;
    }
    products.set(id, { id, title: typeof record.title === "string" ? record.title : "", variants: [] });
  }
  for (const orphan of orphans) {
    const parent = products.get(orphan.parent);
    if (parent) parent.variants.push(orphan.variant);
    else unreadable.push({ line: 0, message: `Variant ${orphan.variant.id} belongs to a product that is not in the file.` });
  }
  return { products: [...products.values()], unreadable };
}
