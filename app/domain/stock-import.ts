import type { IntegrationState, StateProblem } from "./integration-state";
import { addDecimal, isZeroDecimal, toDecimalString, type DecimalLike, type DecimalString } from "./quantity";

/**
 * The initial stock import (product.md, "Manual imports"): one stock adjustment per mapped Tenon
 * location; for each variant, Shopify *available* + the quantity already held by open imported
 * orders, summed over all Shopify locations mapped to that Tenon location. Pure: the service
 * reads Shopify and the database and writes the adjustments.
 */

export interface StockImportCheckInput {
  state: IntegrationState;
  /** Why the store is Disabled (integrationState's problems). */
  problems: readonly StateProblem[];
  /** How many Shopify variants of the store are in the SKU map. */
  mappedVariantCount: number;
  stockImportRunning: boolean;
  /** A product import is running: the SKU map is still changing. */
  productImportRunning: boolean;
}

export type StockImportCheck =
  | { ok: true }
  | { ok: false; code: "STORE_NOT_CONNECTED" | "SYNC_ACTIVE" | "LOCATIONS_NOT_MAPPED" | "PRODUCTS_NOT_IMPORTED" | "PRODUCT_IMPORT_RUNNING" | "IMPORT_RUNNING"; reason: string };

/** Whether "Import initial stock" may start, and if not the reason shown beside the button. */
export function canStartStockImport(input: StockImportCheckInput): StockImportCheck {
  switch (input.state) {
    case "not_connected":
      return { ok: false, code: "STORE_NOT_CONNECTED", reason: "Connect the store before importing its stock." };
    case "sync_active":
      return { ok: false, code: "SYNC_ACTIVE", reason: "Initial stock can only be imported while sync is not active. Pause sync first." };
    case "disabled": {
      const first = input.problems[0]?.message;
      return {
        ok: false,
        code: "LOCATIONS_NOT_MAPPED",
        reason: first ? `Map every Shopify location first. ${first}` : "Map every Shopify location to a Tenon location first.",
      };
    }
    case "sync_inactive":
      break;
  }
  if (input.productImportRunning) {
    return { ok: false, code: "PRODUCT_IMPORT_RUNNING", reason: "The product import is still running. Import the stock when it has finished." };
  }
  if (input.mappedVariantCount === 0) {
    return { ok: false, code: "PRODUCTS_NOT_IMPORTED", reason: "Import the products first: Tenon needs them to know which item each Shopify quantity belongs to." };
  }
  if (input.stockImportRunning) {
    return { ok: false, code: "IMPORT_RUNNING", reason: "An initial stock import is already running for this store. Wait for it to finish." };
  }
  return { ok: true };
}

export interface ShopifyAvailable {
  inventoryItemId: string;
  shopifyLocationId: string;
  available: number;
}

export interface HeldByOpenOrders {
  variantId: string;
  /** The Tenon location of the sales order row. */
  locationId: string;
  quantity: DecimalLike;
}

export interface StockImportInput {
  levels: readonly ShopifyAvailable[];
  /** inventory item → the Tenon variant it is mapped to (several items may share one variant). */
  variantByInventoryItem: ReadonlyMap<string, string>;
  /** Shopify location → the mapped Tenon location (only live, mapped locations). */
  locationByShopifyLocation: ReadonlyMap<string, string>;
  heldByOpenOrders: readonly HeldByOpenOrders[];
  /** Variants that are kept in stock; others (services, unmapped) get no line. */
  stockedVariantIds: ReadonlySet<string>;
}

export interface StockAdjustmentDraft {
  locationId: string;
  lines: { variantId: string; quantity: DecimalString }[];
}

/**
 * One adjustment per Tenon location that gets a non-zero quantity, lines sorted by variant.
 * Two Shopify variants with one SKU share a Tenon variant: their quantities add up (each is
 * stock Shopify counts separately). Levels at unmapped locations or of unmapped items are skipped.
 */
export function initialStockAdjustments(input: StockImportInput): StockAdjustmentDraft[] {
  const totals = new Map<string, Map<string, DecimalString>>();
  const add = (locationId: string, variantId: string, quantity: DecimalLike) => {
    if (!input.stockedVariantIds.has(variantId)) return;
    const perVariant = totals.get(locationId) ?? new Map<string, DecimalString>();
    perVariant.set(variantId, addDecimal(perVariant.get(variantId) ?? "0", quantity));
    totals.set(locationId, perVariant);
  };
  for (const level of input.levels) {
    const locationId = input.locationByShopifyLocation.get(level.shopifyLocationId);
    const variantId = input.variantByInventoryItem.get(level.inventoryItemId);
    if (locationId && variantId) add(locationId, variantId, level.available);
  }
  const mappedLocations = new Set(input.locationByShopifyLocation.values());
  for (const held of input.heldByOpenOrders) {
    if (mappedLocations.has(held.locationId)) add(held.locationId, held.variantId, held.quantity);
  }
  return [...totals.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([locationId, perVariant]) => ({
      locationId,
      lines: [...perVariant.entries()]
        .filter(([, quantity]) => !isZeroDecimal(quantity))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([variantId, quantity]) => ({ variantId, quantity: toDecimalString(quantity) })),
    }))
    .filter((adjustment) => adjustment.lines.length > 0);
}

/** The adjustment's reason, as the stock history shows it. */
export function stockImportReason(shopName: string): string {
  return `Initial stock import from ${shopName}`;
}
