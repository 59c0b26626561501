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
  const grouper = bulkLineGrouper();
  for (const raw of lines) grouper.add(raw);
  return grouper.result();
}

/**
 * The same grouping one line at a time, for a file read as it downloads: `add` each line as it
 * arrives, `result` once the file has ended.
 */
export function bulkLineGrouper() {
  const products = new Map<string, ShopifyProductLine>();
  const orphans: { parent: string; variant: ShopifyVariantLine }[] = [];
  const unreadable: { line: number; message: string }[] = [];
  let n = 0;
  return {
    add(raw: string): void {
      n += 1;
      if (raw.trim() === "") return;
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        unreadable.push({ line: n, message: "Not valid JSON." });
        return;
      }
      const id = typeof record.id === "string" ? record.id : null;
      if (!id) {
        unreadable.push({ line: n, message: "A line without an id." });
        return;
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
        return;
      }
      products.set(id, { id, title: typeof record.title === "string" ? record.title : "", variants: [] });
    },
    result(): { products: ShopifyProductLine[]; unreadable: { line: number; message: string }[] } {
      for (const orphan of orphans) {
        const parent = products.get(orphan.parent);
        if (parent) parent.variants.push(orphan.variant);
        else unreadable.push({ line: 0, message: `Variant ${orphan.variant.id} belongs to a product that is not in the file.` });
      }
      return { products: [...products.values()], unreadable };
    },
  };
}

/** A row of the store's SKU map, as the batch planner needs it. */
export interface KnownMapping {
  shopifyVariantId: string;
  shopifyProductId: string;
  inventoryItemId: string | null;
  variantId: string;
  sku: string | null;
}

/** What the database already knows for one batch, read before planning it. */
export interface BatchKnowledge {
  /** The store's mappings of the batch's Shopify variants, by Shopify variant id. */
  mappings: Map<string, KnownMapping>;
  /** Shopify product id → the Tenon product one of its already mapped variants belongs to. */
  productOfShopifyProduct: Map<string, string>;
  /**
   * SKU → the newest Tenon variant of the account with that code. The planner adds the variants
   * it creates, so the next product (and the next batch, if the caller keeps the map) finds them.
   */
  newestByCode: Map<string, { id: string; productId: string }>;
}

export interface BatchPlan {
  products: { id: string; name: string; kind: TenonProductDraft["kind"] }[];
  variants: { id: string; productId: string; name: string; code: string | null; salesPrice: DecimalString | null; cost: DecimalString | null }[];
  createMappings: KnownMapping[];
  /** Existing mappings whose Shopify product, inventory item, Tenon variant or SKU changed. */
  updateMappings: KnownMapping[];
}

/**
 * Plans the writes for a batch of Shopify products, in order, exactly as writing them one by
 * one would: a variant the store already maps keeps its Tenon variant; else the newest Tenon
 * variant with its SKU (the product then joins that variant's Tenon product); else a new Tenon
 * variant, in the Tenon product of the Shopify product's other variants, or a new one. Variants
 * without SKU are only ever matched through the map (their Shopify id). Mappings that did not
 * change are not rewritten, so a re-run writes nothing.
 */
export function planImportBatch(
  items: readonly { shopifyProductId: string; draft: TenonProductDraft }[],
  known: BatchKnowledge,
  newId: () => string,
): BatchPlan {
  const plan: BatchPlan = { products: [], variants: [], createMappings: [], updateMappings: [] };
  for (const { shopifyProductId, draft } of items) {
    let productId = known.productOfShopifyProduct.get(shopifyProductId) ?? null;
    for (const variant of draft.variants) {
      const existing = known.mappings.get(variant.shopifyVariantId);
      let variantId = existing?.variantId ?? null;
      if (!variantId && variant.code) {
        const byCode = known.newestByCode.get(variant.code);
        if (byCode) {
          variantId = byCode.id;
          productId ??= byCode.productId;
        }
      }
      if (!variantId) {
        if (!productId) {
          productId = newId();
          plan.products.push({ id: productId, name: draft.name, kind: draft.kind });
        }
        variantId = newId();
        plan.variants.push({ id: variantId, productId, name: variant.name, code: variant.code, salesPrice: variant.salesPrice, cost: variant.cost });
        if (variant.code) known.newestByCode.set(variant.code, { id: variantId, productId });
      }
      const mapping: KnownMapping = {
        shopifyVariantId: variant.shopifyVariantId,
        shopifyProductId,
        inventoryItemId: variant.inventoryItemId,
        variantId,
        sku: variant.code,
      };
      if (!existing) plan.createMappings.push(mapping);
      else if (
        existing.shopifyProductId !== mapping.shopifyProductId ||
        existing.inventoryItemId !== mapping.inventoryItemId ||
        existing.variantId !== mapping.variantId ||
        existing.sku !== mapping.sku
      ) {
        plan.updateMappings.push(mapping);
      }
      known.mappings.set(variant.shopifyVariantId, mapping);
    }
    if (productId) known.productOfShopifyProduct.set(shopifyProductId, productId);
  }
  return plan;
}

/**
 * Where a resumed import starts: the products whose variants the committed progress (`done`
 * variants) covers are skipped. Products never split across batches, so `done` always falls
 * on a product boundary; if it does not (a different file), nothing is skipped past it.
 */
export function resumePoint(variantCounts: readonly number[], done: number): { index: number; done: number } {
  let index = 0;
  let covered = 0;
  while (index < variantCounts.length && covered + variantCounts[index]! <= done) {
    covered += variantCounts[index]!;
    index += 1;
  }
  return { index, done: covered };
}

/**
 * Cuts products into batches of about `maxVariants` variants each (a product is never split;
 * one larger than the limit is a batch of its own).
 */
export function batchesOf<T>(items: readonly T[], size: (item: T) => number, maxVariants: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let count = 0;
  for (const item of items) {
    const n = size(item);
    if (current.length > 0 && count + n > maxVariants) {
      batches.push(current);
      current = [];
      count = 0;
    }
    current.push(item);
    count += n;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
