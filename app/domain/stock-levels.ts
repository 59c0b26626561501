import { fromUnits, toUnits, type DecimalLike, type DecimalString } from "./quantity";

/**
 * Stock levels per variant × location (issue 5, "Stock ledger"):
 * - In stock  = sum of the ledger's movements,
 * - Committed = open sales-order rows in a committed state at that location (rows of orders
 *   created manually in Tenon only when the store's "sales orders created in Tenon count against
 *   Shopify stock" setting is on),
 * - Available = In stock − Committed (may be negative: oversold).
 *
 * Built for bulk reads: the service runs two GROUP BY queries (movements by variant × location;
 * open rows by variant × location × origin) plus, if it wants zero rows shown, the pairs to list,
 * and hands the aggregates here. No per-variant query.
 */

/** A sales-order row's state (schema: SalesOrderRow.state). */
export type RowState = "not_shipped" | "packed" | "delivered";

/** Where the order came from (schema: SalesOrder.source). */
export type OrderOrigin = "manual" | "shopify";

/**
 * The row states that hold stock as Committed: every open row until its stock leaves In stock
 * at delivery. Packed goods are still on the shelf but no longer for sale, so they stay
 * Committed; otherwise Available (and Shopify's available) would rise between packing and
 * delivery and the same goods could be sold twice (docs/decisions/007-committed-includes-packed.md).
 */
export const committedRowStates: readonly RowState[] = ["not_shipped", "packed"];

export interface PairKey {
  variantId: string;
  locationId: string;
}

/** Sum of movement quantities of one pair (GROUP BY variantId, locationId). */
export interface LedgerSum extends PairKey {
  quantity: DecimalLike;
}

/**
 * Sum of open row quantities of one pair and origin. Filter in the query: rows with a variant,
 * not the shipping fee, not a service product, order not deleted. A `state` column, if grouped
 * by, is honoured (rows outside `committedRowStates` are skipped).
 */
export interface OpenRowSum extends PairKey {
  quantity: DecimalLike;
  origin: OrderOrigin;
  state?: RowState;
}

export interface StockLevel extends PairKey {
  inStock: DecimalString;
  committed: DecimalString;
  available: DecimalString;
}

export interface StockLevelsInput {
  ledger: Iterable<LedgerSum>;
  openRows: Iterable<OpenRowSum>;
  /** The store's "sales orders created in Tenon count against Shopify stock" setting. */
  includeManualOrders: boolean;
  /** Pairs to report even with no movement and no row (zeros), listed first and in this order. */
  pairs?: Iterable<PairKey>;
}

/** A map key for a pair; variant and location ids never contain NUL. */
export function pairKey(variantId: string, locationId: string): string {
  return `${variantId}\u0000${locationId}`;
}

/** Whether one open row counts as Committed. */
export function isCommitted(row: { state: RowState; origin: OrderOrigin }, includeManualOrders: boolean): boolean {
  if (!committedRowStates.includes(row.state)) return false;
  return row.origin !== "manual" || includeManualOrders;
}

/** Levels of one pair from its two sums. */
export function stockLevel(pair: PairKey, inStock: DecimalLike, committed: DecimalLike): StockLevel {
  const stock = toUnits(inStock);
  const held = toUnits(committed);
  return { ...pair, inStock: fromUnits(stock), committed: fromUnits(held), available: fromUnits(stock - held) };
}

/**
 * Levels for many pairs at once: one entry per pair seen in `pairs`, `ledger` or `openRows`
 * (in that order of first appearance). Several sums for one pair are added up.
 */
export function stockLevels(input: StockLevelsInput): StockLevel[] {
  const totals = new Map<string, { pair: PairKey; inStock: bigint; committed: bigint }>();
  const entry = (pair: PairKey) => {
    const key = pairKey(pair.variantId, pair.locationId);
    let found = totals.get(key);
    if (!found) {
      found = { pair: { variantId: pair.variantId, locationId: pair.locationId }, inStock: 0n, committed: 0n };
      totals.set(key, found);
    }
    return found;
  };
  for (const pair of input.pairs ?? []) entry(pair);
  for (const sum of input.ledger) entry(sum).inStock += toUnits(sum.quantity);
  for (const sum of input.openRows) {
    // A sum that does not count still lists its pair, with nothing committed by it.
    const found = entry(sum);
    if (sum.state !== undefined && !committedRowStates.includes(sum.state)) continue;
    if (sum.origin === "manual" && !input.includeManualOrders) continue;
    found.committed += toUnits(sum.quantity);
  }
  const levels: StockLevel[] = [];
  for (const { pair, inStock, committed } of totals.values()) {
    levels.push({
      variantId: pair.variantId,
      locationId: pair.locationId,
      inStock: fromUnits(inStock),
      committed: fromUnits(committed),
      available: fromUnits(inStock - committed),
    });
  }
  return levels;
}

/** Levels keyed by `pairKey`, for lookups. */
export function indexStockLevels(levels: Iterable<StockLevel>): Map<string, StockLevel> {
  const index = new Map<string, StockLevel>();
  for (const level of levels) index.set(pairKey(level.variantId, level.locationId), level);
  return index;
}

/** Available per variant at one location, the shape `kitPotential` takes. */
export function availableByVariantAt(levels: Iterable<StockLevel>, locationId: string): Map<string, DecimalString> {
  const available = new Map<string, DecimalString>();
  for (const level of levels) if (level.locationId === locationId) available.set(level.variantId, level.available);
  return available;
}
