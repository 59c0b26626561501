import { isNegativeDecimal, toUnits, type DecimalLike } from "./quantity";
import { parseSettings } from "./settings";

/**
 * The stock push, pure (issue 8, product.md "Stock out", docs/decisions/012):
 * - what number a target gets (`stockToPush`),
 * - which Shopify targets a Tenon variant × location reaches (`resolveSources`, `pushTargets`),
 * - whether a store pushes at all (`storePushGate`),
 * - what one compare-and-set entry says, without double counting Shopify's own sales (`planEntry`),
 * - how Shopify's answer to a batch is split per entry (`classifyBatchErrors`), and what a refusal
 *   of its idempotency key asks for (`keyRefusal`).
 */

// ───────────────────────────── the quantity ─────────────────────────────

export type StockToPush =
  | { push: true; quantity: number; negative: boolean }
  | { push: false; reason: "SERVICE" | "NOT_MAPPED" };

/** Shopify takes whole units between these. */
export const MAX_SHOPIFY_QUANTITY = 1_000_000_000;

/**
 * The number for Shopify's *available* at a target:
 * - a physical variant: In stock − Committed at the mapped Tenon location (`available`, with
 *   manual-order commitments already in or out per the store's setting), whole units, floored;
 * - a kit: its potential stock there (`kitPotential`), not its own stock;
 * - never negative: below 0 pushes 0 and flags the target (`negative`);
 * - services and variants without a source never push.
 */
export function stockToPush(input: {
  productKind: "physical" | "service" | string;
  /** In stock − Committed at the Tenon location (decimal); undefined = no stock and no rows there. */
  available: DecimalLike | undefined;
  /** The kit's potential there, when the variant is a kit (has BOM lines). */
  kitPotential?: number | null;
}): StockToPush {
  if (input.productKind === "service") return { push: false, reason: "SERVICE" };
  if (input.kitPotential !== undefined && input.kitPotential !== null) {
    return { push: true, quantity: Math.min(MAX_SHOPIFY_QUANTITY, Math.max(0, Math.floor(input.kitPotential))), negative: input.kitPotential < 0 };
  }
  const available = input.available ?? "0";
  if (isNegativeDecimal(available)) return { push: true, quantity: 0, negative: true };
  const units = toUnits(available) / 10_000n; // whole units, floored (4 decimal places)
  const quantity = units > BigInt(MAX_SHOPIFY_QUANTITY) ? MAX_SHOPIFY_QUANTITY : Number(units);
  return { push: true, quantity, negative: false };
}

// ───────────────────────────── who pushes ─────────────────────────────

export type PushGate = { push: true } | { push: false; reason: "DISCONNECTED" | "PAUSED" | "SYNC_OFF"; message: string };

/** A store pushes only while connected, Sync active and with inventory sync on. */
export function storePushGate(store: { connection: string; syncActive: boolean; settings: unknown }): PushGate {
  if (store.connection !== "connected") {
    return { push: false, reason: "DISCONNECTED", message: "The store is disconnected: stock changes wait until it is connected again." };
  }
  if (!store.syncActive) {
    return { push: false, reason: "PAUSED", message: "Sync is not active: stock changes wait and are pushed when it is activated." };
  }
  if (!parseSettings(store.settings).inventory.inventorySync) {
    return { push: false, reason: "SYNC_OFF", message: "Inventory sync is off for this store: turn it on in the Inventory tab to push stock." };
  }
  return { push: true };
}

// ───────────────────────────── targets ─────────────────────────────

export interface VariantMappingInput {
  storeId: string;
  shopifyVariantId: string;
  inventoryItemId: string | null;
  /** Shopify's SKU (trimmed) when imported; null when it has none. */
  sku: string | null;
  /** The Tenon variant the import linked. */
  variantId: string;
}

export interface TenonVariantInput {
  id: string;
  code: string | null;
  createdAt: Date;
}

/**
 * The Tenon variant each Shopify variant takes its number from: the newest Tenon variant whose
 * code is the Shopify SKU (several Tenon variants with one code → the newest wins; ties → the
 * greater id, so the choice is stable), else the variant the import linked (a Shopify variant
 * without SKU, mapped by its id). Mappings without inventory item are left out.
 */
export function resolveSources<M extends VariantMappingInput>(
  mappings: readonly M[],
  variants: readonly TenonVariantInput[],
): (M & { inventoryItemId: string; sourceVariantId: string })[] {
  const newestByCode = new Map<string, TenonVariantInput>();
  for (const v of variants) {
    if (v.code === null) continue;
    const current = newestByCode.get(v.code);
    if (!current || v.createdAt.getTime() > current.createdAt.getTime() || (v.createdAt.getTime() === current.createdAt.getTime() && v.id > current.id)) {
      newestByCode.set(v.code, v);
    }
  }
  const out: (M & { inventoryItemId: string; sourceVariantId: string })[] = [];
  for (const m of mappings) {
    if (!m.inventoryItemId) continue;
    const byCode = m.sku !== null ? newestByCode.get(m.sku) : undefined;
    out.push({ ...m, inventoryItemId: m.inventoryItemId, sourceVariantId: byCode?.id ?? m.variantId });
  }
  return out;
}

export interface ShopifyLocationInput {
  storeId: string;
  shopifyLocationId: string;
  /** The Tenon location it is mapped to; null = unmapped (never pushed). */
  locationId: string | null;
  isActive: boolean;
  removed: boolean;
}

export interface PushTarget {
  storeId: string;
  inventoryItemId: string;
  shopifyLocationId: string;
  shopifyVariantId: string;
  sku: string | null;
  variantId: string;
  locationId: string;
}

/**
 * Every target the sources reach: each Shopify variant × each active Shopify location of its
 * store mapped to a Tenon location (several Shopify locations mapped to one Tenon location each
 * get the same number). Duplicate inventory item × location pairs collapse to one target.
 */
export function pushTargets(
  sources: readonly (VariantMappingInput & { inventoryItemId: string; sourceVariantId: string })[],
  locations: readonly ShopifyLocationInput[],
): PushTarget[] {
  const byStore = new Map<string, ShopifyLocationInput[]>();
  for (const l of locations) {
    if (l.locationId === null || !l.isActive || l.removed) continue;
    const list = byStore.get(l.storeId) ?? [];
    list.push(l);
    byStore.set(l.storeId, list);
  }
  const seen = new Set<string>();
  const targets: PushTarget[] = [];
  for (const s of sources) {
    for (const l of byStore.get(s.storeId) ?? []) {
      const key = `${s.storeId}|${s.inventoryItemId}|${l.shopifyLocationId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      targets.push({
        storeId: s.storeId,
        inventoryItemId: s.inventoryItemId,
        shopifyLocationId: l.shopifyLocationId,
        shopifyVariantId: s.shopifyVariantId,
        sku: s.sku,
        variantId: s.sourceVariantId,
        locationId: l.locationId!,
      });
    }
  }
  return targets;
}

// ───────────────────────────── one compare-and-set entry ─────────────────────────────

export interface TargetPushState {
  wanted: number;
  /** What Shopify last confirmed; null = never seen (read it first: never overwrite blind). */
  confirmed: number | null;
  /** Shopify sales Tenon had not imported when `confirmed` was set (≥ 0). */
  unimported: number;
  /** The store's imported Shopify-order quantity at the pair when `confirmed` was set. */
  importedBase: DecimalLike;
}

export interface EntryPlan {
  /** What to set Shopify's available to. */
  quantity: number;
  /** The compare-and-set value: what Shopify must still show. */
  changeFromQuantity: number;
  /** To store with `confirmed = quantity` once Shopify accepts. */
  unimported: number;
  /** True when Shopify already shows `quantity`: nothing to send. */
  noop: boolean;
}

/**
 * One entry of a push (docs/decisions/012, with a worked example).
 *
 * Tenon counts a Shopify sale once: as Committed, when the order is imported. Shopify counts it
 * at once in its available. Between the two, Shopify's available is lower than the last number
 * we set by the units sold but not yet imported. Overwriting that with Tenon's number (which
 * does not know the sale yet) would put the units back on sale — an oversell window we created.
 * Subtracting Shopify's decrease *and* Tenon's Committed after the import would count the sale
 * twice. So a target remembers, with the last confirmed quantity, how many sold units Tenon had
 * not imported then (`unimported`) and how many it had imported (`importedBase`):
 *
 *   sold since    = confirmed − current          (Shopify's own movement; current = what it shows)
 *   imported since = importedNow − importedBase  (the same sales arriving in Tenon)
 *   unimported'   = max(0, unimported + sold since − imported since)
 *   push          = max(0, wanted − unimported')  compare-and-set against current
 *
 * `current` is `confirmed` on the first try; when Shopify answers "stale" the caller re-reads
 * it and plans again. Restocks and cancellations in Shopify (current > confirmed) lower the
 * estimate the same way; it never goes below 0, and Tenon's number wins once the orders are in.
 */
export function planEntry(state: TargetPushState, importedNow: DecimalLike, current: number | null = state.confirmed): EntryPlan | null {
  if (current === null) return null;
  const confirmed = state.confirmed ?? current;
  const soldSince = confirmed - current;
  const importedSince = Number((toUnits(importedNow) - toUnits(state.importedBase)) / 10_000n);
  const unimported = Math.max(0, state.unimported + soldSince - importedSince);
  const quantity = Math.max(0, state.wanted - unimported);
  return { quantity, changeFromQuantity: current, unimported, noop: quantity === current };
}

// ───────────────────────────── batches and answers ─────────────────────────────

/** Shopify's input list limit for inventorySetQuantities. */
export const MAX_QUANTITIES_PER_CALL = 250;

/** Target-specific refusals: the target fails alone with the reason. */
const TARGET_ERROR_MESSAGES: Record<string, string> = {
  INVALID_INVENTORY_ITEM: "Shopify no longer has this inventory item (the variant was deleted). Import the products again to refresh the SKU map.",
  INVALID_LOCATION: "Shopify no longer has this location active. Map the store's locations again on the Inventory tab.",
  ITEM_NOT_STOCKED_AT_LOCATION: "This item is not stocked at this Shopify location. Stock it there in Shopify admin, then retry.",
  NON_MUTABLE_INVENTORY_ITEM: "Shopify does not let apps change this item's inventory (it is not tracked). Turn on tracking in Shopify admin, then retry.",
  INVALID_QUANTITY_TOO_HIGH: "The quantity is higher than Shopify accepts (1,000,000,000).",
  INVALID_QUANTITY_TOO_LOW: "The quantity is lower than Shopify accepts.",
  INVALID_QUANTITY_NEGATIVE: "Shopify does not accept a negative quantity here.",
};

export type EntryOutcome =
  | { kind: "stale" }
  | { kind: "failed"; code: string; message: string };

export interface BatchErrors {
  /** Entries (by index in the batch) Shopify refused, each with why. */
  entries: Map<number, EntryOutcome>;
  /** Errors not tied to one entry (the whole call is wrong): the job should fail and retry. */
  general: { code: string | null; message: string }[];
}

/**
 * The index of the batch entry a userError names. Shopify's field paths start at the mutation's
 * argument (`["input", "quantities", "0", "changeFromQuantity"]`), but answers have been seen
 * without it (`["quantities", "0"]`); the docs do not say which a given error uses
 * (https://shopify.dev/docs/api/admin-graphql/latest/objects/InventorySetQuantitiesUserError),
 * so both name the entry. Anything else is not an entry's error.
 */
export function entryIndexOfField(field: readonly string[] | null | undefined): number | null {
  const path = field?.[0] === "input" ? field.slice(1) : (field ?? []);
  if (path[0] !== "quantities" || path[1] === undefined || !/^\d+$/.test(path[1])) return null;
  return Number(path[1]);
}

/**
 * inventorySetQuantities is all or nothing: one refused entry refuses the call. Its userErrors
 * name the entry (`entryIndexOfField`): stale ones are re-read and planned again,
 * target-specific ones fail alone, and the rest of the batch is sent again without them.
 */
export function classifyBatchErrors(userErrors: readonly { field?: readonly string[] | null; message: string; code?: string | null }[]): BatchErrors {
  const entries = new Map<number, EntryOutcome>();
  const general: BatchErrors["general"] = [];
  for (const error of userErrors) {
    const index = entryIndexOfField(error.field);
    if (index === null) {
      general.push({ code: error.code ?? null, message: error.message });
      continue;
    }
    const code = error.code ?? "UNKNOWN";
    if (code === "CHANGE_FROM_QUANTITY_STALE" || code === "COMPARE_QUANTITY_STALE") {
      if (!entries.has(index)) entries.set(index, { kind: "stale" });
      continue;
    }
    entries.set(index, { kind: "failed", code, message: TARGET_ERROR_MESSAGES[code] ?? `Shopify refused this quantity: ${error.message}` });
  }
  return { entries, general };
}

/**
 * What Shopify's refusal of a call's idempotency key asks for (codes of the 2026-07 schema;
 * https://shopify.dev/docs/api/usage/implementing-idempotency; docs/decisions/025):
 * - `wait`: IDEMPOTENCY_CONCURRENT_REQUEST — an earlier attempt with this key is still running;
 *   send the same key again later (it then answers that attempt's result);
 * - `new_key`: IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED ("Retry with a new idempotency key") — the
 *   key will never be accepted again;
 * - `replan`: IDEMPOTENCY_KEY_PARAMETER_MISMATCH — the key was used with other arguments; read
 *   Shopify again, plan again and send under a new key.
 * Null when the errors are not about the key.
 */
export type KeyRefusal = "wait" | "new_key" | "replan";

export function keyRefusal(general: readonly { code: string | null }[]): KeyRefusal | null {
  const codes = new Set(general.map((g) => g.code));
  if (codes.has("IDEMPOTENCY_KEY_PARAMETER_MISMATCH")) return "replan";
  if (codes.has("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED")) return "new_key";
  if (codes.has("IDEMPOTENCY_CONCURRENT_REQUEST")) return "wait";
  return null;
}

/** The throttle-imposed ceiling of quantities per second: calls/s the restore rate allows × 250. */
export function maxPushRate(restoreRate: number, costPerCall: number, perCall = MAX_QUANTITIES_PER_CALL): number {
  return (restoreRate / costPerCall) * perCall;
}
