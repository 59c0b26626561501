import { toUnits, type DecimalLike } from "./quantity";
import { pairKey } from "./stock-levels";

/**
 * The stock events one transaction must record (issue 5, "Stock events"; architecture.md: every
 * change of In stock or Committed produces exactly one stock event in the same transaction).
 *
 * In: the ledger movements written (In stock changes) and the sales-order rows whose committed
 * quantity changed (created, deleted, quantity edited, moved location, packed, delivered…), each
 * as a variant × location, optionally with its signed quantity.
 * Out: one event per variant × location, however many changes touched it — a delivery both
 * moves stock out (In stock) and closes the row (Committed) and still gives one event — plus one
 * per kit × location whose potential may have moved because a component changed there
 * (kits of kits followed too).
 *
 * When every change of a pair in one dimension carries a quantity and they sum to zero (a row
 * edited from 5 to 5, +2 then −2), that dimension did not change. A change without a quantity
 * always counts.
 */

export interface StockChange {
  variantId: string;
  locationId: string;
  /** Signed change; omitted = "changed by an unknown amount". */
  quantity?: DecimalLike;
}

export interface StockEventsInput {
  ledgerChanges: Iterable<StockChange>;
  committedChanges: Iterable<StockChange>;
  /** Component variant id → the kits that contain it directly. */
  kitsByComponent: ReadonlyMap<string, readonly string[]>;
}

export interface StockEventToRecord {
  variantId: string;
  locationId: string;
  inStockChanged: boolean;
  committedChanged: boolean;
  /** A component (or a component of a component) of this kit changed at this location. */
  componentChanged: boolean;
}

interface Dimension {
  net: bigint;
  /** A change without a quantity was seen: changed whatever the net. */
  unknown: boolean;
  seen: boolean;
}

export function stockEventsFor(input: StockEventsInput): StockEventToRecord[] {
  const pairs = new Map<string, { variantId: string; locationId: string; inStock: Dimension; committed: Dimension }>();
  const record = (change: StockChange, dimension: "inStock" | "committed") => {
    const key = pairKey(change.variantId, change.locationId);
    let entry = pairs.get(key);
    if (!entry) {
      entry = {
        variantId: change.variantId,
        locationId: change.locationId,
        inStock: { net: 0n, unknown: false, seen: false },
        committed: { net: 0n, unknown: false, seen: false },
      };
      pairs.set(key, entry);
    }
    const d = entry[dimension];
    d.seen = true;
    if (change.quantity === undefined) d.unknown = true;
    else d.net += toUnits(change.quantity);
  };
  for (const change of input.ledgerChanges) record(change, "inStock");
  for (const change of input.committedChanges) record(change, "committed");

  const changed = (d: Dimension) => d.seen && (d.unknown || d.net !== 0n);
  const events = new Map<string, StockEventToRecord>();
  for (const [key, entry] of pairs) {
    const inStockChanged = changed(entry.inStock);
    const committedChanged = changed(entry.committed);
    if (!inStockChanged && !committedChanged) continue;
    events.set(key, {
      variantId: entry.variantId,
      locationId: entry.locationId,
      inStockChanged,
      committedChanged,
      componentChanged: false,
    });
  }

  // Kits whose components changed, transitively; each kit × location once.
  for (const direct of [...events.values()]) {
    const queue = [direct.variantId];
    const visited = new Set(queue);
    while (queue.length > 0) {
      const component = queue.shift()!;
      for (const kit of input.kitsByComponent.get(component) ?? []) {
        if (visited.has(kit)) continue;
        visited.add(kit);
        queue.push(kit);
        const key = pairKey(kit, direct.locationId);
        const existing = events.get(key);
        if (existing) existing.componentChanged = true;
        else {
          events.set(key, {
            variantId: kit,
            locationId: direct.locationId,
            inStockChanged: false,
            committedChanged: false,
            componentChanged: true,
          });
        }
      }
    }
  }
  return [...events.values()];
}

/** The reverse of the BOM table (kit → components), which is what the service reads. */
export function kitsByComponentFrom(
  bomLines: Iterable<{ kitVariantId: string; componentVariantId: string }>,
): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const line of bomLines) {
    const kits = index.get(line.componentVariantId);
    if (!kits) index.set(line.componentVariantId, [line.kitVariantId]);
    else if (!kits.includes(line.kitVariantId)) kits.push(line.kitVariantId);
  }
  return index;
}
