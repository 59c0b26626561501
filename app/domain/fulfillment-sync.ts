import { fromUnits, toUnits, type DecimalLike, type DecimalString } from "./quantity";
import type { RowState } from "./stock-levels";

/**
 * Fulfillment sync (product.md "Fulfillment sync", ADR 015), the pure part:
 *
 * - Shopify → Tenon: `matchFulfillment` turns a Shopify fulfillment's lines into deliveries of
 *   Tenon rows, all or nothing (one unmatched line rejects the whole fulfillment, with the reason);
 *   partial quantities deliver part of a row (the rest stays on a new row, as deliverRow does).
 * - Echo safety: `classifyFulfillment` recognises fulfillments Tenon created (recorded by id, or
 *   a pending request with exactly these fulfillment-order lines) and ones already handled.
 * - Tenon → Shopify: `shippedByLine` / `pushDelta` say which units of which Shopify lines became
 *   packed or delivered; `planFulfillmentRequests` turns them into fulfillmentCreate requests,
 *   one per Shopify location, over the fulfillment orders that still have those units open,
 *   leaving pickup (and POS) fulfillment orders alone.
 * - Returns: `planReturnFromShopify` turns a Shopify return's processed lines into return-order
 *   rows (restocked or not) — a return with nothing restocked creates nothing.
 */

// ───────────────────────────── shared shapes ─────────────────────────────

/** A Tenon sales-order row as the sync sees it. */
export interface SyncRow {
  id: string;
  /** The Shopify LineItem GID the row came from (copied onto the rest of a split row). */
  externalLineId: string | null;
  variantId: string | null;
  isShippingFee: boolean;
  state: RowState;
  quantity: DecimalLike;
  locationId: string | null;
  position: number;
}

/** One line of a Shopify fulfillment. */
export interface FulfillmentLine {
  /** LineItem GID. */
  lineItemId: string;
  quantity: number;
  /** For messages and the fallback match (rows added by hand, without a Shopify line id). */
  sku?: string | null;
  title?: string | null;
  /** The Tenon variant the line's Shopify variant is mapped to (SKU map), if any. */
  mappedVariantId?: string | null;
}

const units = (q: DecimalLike) => toUnits(q);
const SHOPIFY_UNIT = toUnits(1);

function lineLabel(line: Pick<FulfillmentLine, "sku" | "title" | "lineItemId">): string {
  if (line.sku && line.title) return `${line.title} (${line.sku})`;
  return line.sku ?? line.title ?? line.lineItemId;
}

// ───────────────────────────── Shopify → Tenon ─────────────────────────────

export interface RowDelivery {
  rowId: string;
  /** Delivered on this row; less than the row's quantity delivers part of it (the rest is split off). */
  quantity: DecimalString;
  partial: boolean;
}

export interface UnmatchedLine {
  lineItemId: string;
  label: string;
  quantity: number;
}

export type FulfillmentMatch =
  | {
      ok: true;
      deliveries: RowDelivery[];
      /** Units Shopify fulfilled that Tenon had already delivered (never changed again). */
      alreadyDelivered: { lineItemId: string; label: string; quantity: DecimalString }[];
      /** Per Shopify line: the units applied to Tenon rows now. */
      applied: { lineItemId: string; quantity: DecimalString }[];
    }
  | { ok: false; code: "FULFILLMENT_LINES_UNMATCHED"; message: string; unmatched: UnmatchedLine[] };

export interface MatchOptions {
  /** Tenon locations mapped to the fulfillment's Shopify location: their rows are delivered first. */
  preferredLocationIds?: ReadonlySet<string>;
}

/**
 * Which Tenon rows a Shopify fulfillment delivers. A line matches the rows carrying its LineItem
 * id; a line no row carries matches rows added in Tenon without a Shopify id whose item is the
 * one the SKU map gives for the line. Any line left without rows rejects the whole fulfillment.
 *
 * Of a line's rows, open ones take the units (packed before not shipped, rows at the
 * fulfillment's location first, then in order); the last row taken may be delivered in part.
 * Units beyond what is still open were already delivered in Tenon and change nothing.
 */
export function matchFulfillment(lines: readonly FulfillmentLine[], rows: readonly SyncRow[], options: MatchOptions = {}): FulfillmentMatch {
  // One fulfillment may name a line twice (two fulfillment orders): add them up.
  const byLine = new Map<string, FulfillmentLine>();
  for (const line of lines) {
    const seen = byLine.get(line.lineItemId);
    byLine.set(line.lineItemId, seen ? { ...seen, quantity: seen.quantity + line.quantity } : { ...line });
  }
  const goods = rows.filter((r) => !r.isShippingFee);
  const taken = new Set<string>();
  const unmatched: UnmatchedLine[] = [];
  const deliveries: RowDelivery[] = [];
  const alreadyDelivered: { lineItemId: string; label: string; quantity: DecimalString }[] = [];
  const applied: { lineItemId: string; quantity: DecimalString }[] = [];
  const preferred = options.preferredLocationIds ?? new Set<string>();

  for (const line of byLine.values()) {
    if (line.quantity <= 0) continue;
    let candidates = goods.filter((r) => r.externalLineId === line.lineItemId);
    if (candidates.length === 0 && line.mappedVariantId) {
      candidates = goods.filter((r) => r.externalLineId === null && r.variantId === line.mappedVariantId && !taken.has(r.id));
    }
    if (candidates.length === 0) {
      unmatched.push({ lineItemId: line.lineItemId, label: lineLabel(line), quantity: line.quantity });
      continue;
    }
    const open = candidates
      .filter((r) => r.state !== "delivered" && !taken.has(r.id))
      .sort(
        (a, b) =>
          Number(b.state === "packed") - Number(a.state === "packed") ||
          Number(preferred.has(b.locationId ?? "")) - Number(preferred.has(a.locationId ?? "")) ||
          a.position - b.position ||
          a.id.localeCompare(b.id),
      );
    let left = BigInt(line.quantity) * SHOPIFY_UNIT;
    let appliedUnits = 0n;
    for (const row of open) {
      if (left <= 0n) break;
      const rowUnits = units(row.quantity);
      if (rowUnits <= 0n) continue;
      const take = rowUnits < left ? rowUnits : left;
      deliveries.push({ rowId: row.id, quantity: fromUnits(take), partial: take < rowUnits });
      taken.add(row.id);
      left -= take;
      appliedUnits += take;
    }
    if (appliedUnits > 0n) applied.push({ lineItemId: line.lineItemId, quantity: fromUnits(appliedUnits) });
    if (left > 0n) alreadyDelivered.push({ lineItemId: line.lineItemId, label: lineLabel(line), quantity: fromUnits(left) });
  }

  if (unmatched.length > 0) {
    const names = unmatched.map((u) => `${u.label} × ${u.quantity}`).join(", ");
    return {
      ok: false,
      code: "FULFILLMENT_LINES_UNMATCHED",
      message:
        `${unmatched.length === 1 ? "One line" : `${unmatched.length} lines`} of this Shopify fulfillment ` +
        `${unmatched.length === 1 ? "has" : "have"} no row on the sales order (${names}), so nothing was delivered in Tenon. ` +
        "Add a row for the item to the sales order (or map its SKU on the Products tab), then Retry.",
      unmatched,
    };
  }
  return { ok: true, deliveries, alreadyDelivered, applied };
}

// ───────────────────────────── echo safety ─────────────────────────────

/** A fulfillment's units of one order line (Shopify's Fulfillment names lines, not fulfillment-order lines). */
export interface FulfillmentLineRef {
  lineItemId: string;
  quantity: number;
}

/** What Tenon has recorded about fulfillments of one order. */
export interface KnownFulfillment {
  recordId: string;
  fulfillmentId: string | null;
  origin: "tenon" | "shopify";
  state: "pending" | "created" | "applied" | "rejected" | "ignored";
  /** For Tenon's pending requests: the fulfillment-order lines it asked for. */
  lines: readonly FulfillmentLineRef[];
  createdAt?: Date;
}

export interface SeenFulfillment {
  fulfillmentId: string;
  status: "SUCCESS" | "CANCELLED" | "ERROR" | "FAILURE" | "OPEN" | "PENDING";
  lines: readonly FulfillmentLineRef[];
  createdAt?: Date;
}

export type FulfillmentClass =
  /** Tenon made it (known by id): never applied. */
  | { kind: "echo"; recordId: string }
  /** Tenon's request whose answer was lost (crash, timeout): adopt it as Tenon's, never apply it. */
  | { kind: "adopt"; recordId: string }
  /** Applied (or deliberately ignored) before: nothing to do. */
  | { kind: "done"; recordId: string }
  /** Rejected before: try again (the merchant may have fixed the mapping). */
  | { kind: "retry"; recordId: string }
  /** Not successful in Shopify (cancelled …) and never applied: Tenon stays as it is. */
  | { kind: "ignore" }
  /** A new fulfillment made in Shopify: apply it. */
  | { kind: "apply" };

function sameLines(a: readonly FulfillmentLineRef[], b: readonly FulfillmentLineRef[]): boolean {
  const key = (lines: readonly FulfillmentLineRef[]) => {
    const sums = new Map<string, number>();
    for (const l of lines) sums.set(l.lineItemId, (sums.get(l.lineItemId) ?? 0) + l.quantity);
    return [...sums].map(([id, q]) => `${id}×${q}`).sort().join(",");
  };
  return a.length > 0 && key(a) === key(b);
}

/**
 * What to do with a fulfillment read from Shopify. A fulfillment Tenon recorded by id is an echo
 * (Tenon's) or done; one Tenon does not know yet but that asks for exactly the lines of a
 * pending Tenon request (the same units of the same lines, created at or after it) is that request's lost answer.
 * `claimed` lists pending records already adopted in this pass (one request, one fulfillment).
 */
export function classifyFulfillment(
  fulfillment: SeenFulfillment,
  known: readonly KnownFulfillment[],
  claimed: ReadonlySet<string> = new Set(),
): FulfillmentClass {
  const record = known.find((k) => k.fulfillmentId === fulfillment.fulfillmentId);
  if (record) {
    if (record.origin === "tenon") return { kind: "echo", recordId: record.recordId };
    if (record.state === "rejected" && fulfillment.status === "SUCCESS") return { kind: "retry", recordId: record.recordId };
    return { kind: "done", recordId: record.recordId };
  }
  const pending = known.find(
    (k) =>
      k.origin === "tenon" &&
      k.state === "pending" &&
      k.fulfillmentId === null &&
      !claimed.has(k.recordId) &&
      sameLines(k.lines, fulfillment.lines) &&
      (!k.createdAt || !fulfillment.createdAt || fulfillment.createdAt.getTime() >= k.createdAt.getTime() - 1000),
  );
  if (pending) return { kind: "adopt", recordId: pending.recordId };
  if (fulfillment.status !== "SUCCESS") return { kind: "ignore" };
  return { kind: "apply" };
}

// ───────────────────────────── Tenon → Shopify ─────────────────────────────

const shippedStates: readonly RowState[] = ["packed", "delivered"];

/** Units per Shopify line that are packed or delivered in Tenon (rows without a Shopify line are not counted). */
export function shippedByLine(rows: readonly Pick<SyncRow, "externalLineId" | "isShippingFee" | "state" | "quantity">[]): Map<string, bigint> {
  const shipped = new Map<string, bigint>();
  for (const row of rows) {
    if (row.isShippingFee || !row.externalLineId || !shippedStates.includes(row.state)) continue;
    shipped.set(row.externalLineId, (shipped.get(row.externalLineId) ?? 0n) + units(row.quantity));
  }
  return shipped;
}

export interface PushLine {
  lineItemId: string;
  /** Whole Shopify units. */
  quantity: number;
  /** Where the rows are in Tenon: fulfillment orders at Shopify locations mapped here come first. */
  locationIds?: string[];
}

/**
 * The units of each Shopify line that became packed or delivered between two views of an
 * order's rows (before and after a Tenon action). Splitting a row, or delivering a packed one,
 * adds nothing: those units were already on their way. Fractions of a unit are not sent
 * (Shopify counts whole units).
 */
export function pushDelta(before: readonly SyncRow[], after: readonly SyncRow[]): PushLine[] {
  const was = shippedByLine(before);
  const now = shippedByLine(after);
  const lines: PushLine[] = [];
  for (const [lineItemId, quantity] of now) {
    const delta = (quantity - (was.get(lineItemId) ?? 0n)) / SHOPIFY_UNIT;
    if (delta <= 0n) continue;
    const locationIds = [
      ...new Set(after.filter((r) => r.externalLineId === lineItemId && shippedStates.includes(r.state) && r.locationId).map((r) => r.locationId!)),
    ];
    lines.push({ lineItemId, quantity: Number(delta), locationIds });
  }
  return lines.sort((a, b) => a.lineItemId.localeCompare(b.lineItemId));
}

/** Whether every goods row of the order (not the shipping fee) is delivered. */
export function wholeOrderDelivered(rows: readonly Pick<SyncRow, "isShippingFee" | "state">[]): boolean {
  const goods = rows.filter((r) => !r.isShippingFee);
  return goods.length > 0 && goods.every((r) => r.state === "delivered");
}

export type DeliveryMethod = "SHIPPING" | "PICK_UP" | "RETAIL" | "LOCAL" | "NONE" | "PICKUP_POINT";

/** A Shopify fulfillment order as the push reads it. */
export interface OpenFulfillmentOrder {
  id: string;
  status: string;
  deliveryMethod: DeliveryMethod | string | null;
  /** Shopify Location GID. */
  locationId: string;
  lineItems: { id: string; lineItemId: string; remainingQuantity: number }[];
}

export interface FulfillmentRequest {
  /** Shopify location of every fulfillment order in the request (one call per location). */
  locationId: string;
  fulfillmentOrders: { fulfillmentOrderId: string; lineItems: { id: string; quantity: number }[] }[];
  /** The same units by LineItem (for records and messages). */
  lines: { lineItemId: string; fulfillmentOrderLineItemId: string; quantity: number }[];
}

export interface PushPlan {
  requests: FulfillmentRequest[];
  /** Units on pickup / POS fulfillment orders: never fulfilled from Tenon. */
  pickup: { lineItemId: string; quantity: number }[];
  /** Units Shopify no longer has open (fulfilled there already, removed …): nothing to send. */
  notOpen: { lineItemId: string; quantity: number }[];
}

const fulfillable = (fo: OpenFulfillmentOrder) => fo.status === "OPEN" || fo.status === "IN_PROGRESS";
const isPickup = (fo: OpenFulfillmentOrder) => fo.deliveryMethod === "PICK_UP" || fo.deliveryMethod === "RETAIL";

/**
 * fulfillmentCreate requests for the wanted units: each line's units are taken from its open
 * fulfillment-order lines (those at Shopify locations mapped to the rows' Tenon location first),
 * then grouped per Shopify location — one request per location, as Shopify asks. With
 * `wholeOrder` every open unit of the order is wanted (the whole order was delivered in Tenon).
 * `alreadyFulfilled` caps each line by what Shopify has fulfilled beyond what Tenon shipped
 * before (see the push service); lines are capped by the units still open.
 */
export function planFulfillmentRequests(input: {
  wanted: readonly PushLine[];
  fulfillmentOrders: readonly OpenFulfillmentOrder[];
  wholeOrder?: boolean;
  /** Shopify location GIDs mapped to a Tenon location id. */
  shopifyLocationsOf?: (tenonLocationId: string) => readonly string[];
}): PushPlan {
  const pickup: PushPlan["pickup"] = [];
  const notOpen: PushPlan["notOpen"] = [];
  const remaining = new Map<string, number>();
  const foLines = new Map<string, { fo: OpenFulfillmentOrder; line: OpenFulfillmentOrder["lineItems"][number] }[]>();
  for (const fo of input.fulfillmentOrders) {
    for (const line of fo.lineItems) {
      if (line.remainingQuantity <= 0) continue;
      const list = foLines.get(line.lineItemId) ?? [];
      list.push({ fo, line });
      foLines.set(line.lineItemId, list);
      remaining.set(line.id, line.remainingQuantity);
    }
  }
  let wanted: PushLine[] = [...input.wanted];
  if (input.wholeOrder) {
    const open = new Map<string, number>();
    for (const [lineItemId, list] of foLines) {
      open.set(lineItemId, list.filter(({ fo }) => fulfillable(fo) || isPickup(fo)).reduce((n, { line }) => n + line.remainingQuantity, 0));
    }
    wanted = [...open].filter(([, q]) => q > 0).map(([lineItemId, quantity]) => ({ lineItemId, quantity, locationIds: input.wanted.find((w) => w.lineItemId === lineItemId)?.locationIds }));
  }

  const taken: { fo: OpenFulfillmentOrder; lineItemId: string; foLineId: string; quantity: number }[] = [];
  for (const want of wanted) {
    const preferred = new Set((want.locationIds ?? []).flatMap((id) => input.shopifyLocationsOf?.(id) ?? []));
    const options = (foLines.get(want.lineItemId) ?? []).slice().sort((a, b) => Number(preferred.has(b.fo.locationId)) - Number(preferred.has(a.fo.locationId)));
    let left = want.quantity;
    let onPickup = 0;
    for (const { fo, line } of options) {
      if (left <= 0) break;
      const available = remaining.get(line.id) ?? 0;
      if (available <= 0) continue;
      const take = Math.min(left, available);
      if (isPickup(fo)) {
        onPickup += take;
        left -= take;
        continue;
      }
      if (!fulfillable(fo)) continue;
      remaining.set(line.id, available - take);
      taken.push({ fo, lineItemId: want.lineItemId, foLineId: line.id, quantity: take });
      left -= take;
    }
    if (onPickup > 0) pickup.push({ lineItemId: want.lineItemId, quantity: onPickup });
    if (left > 0) notOpen.push({ lineItemId: want.lineItemId, quantity: left });
  }

  const byLocation = new Map<string, FulfillmentRequest>();
  for (const part of taken) {
    const request = byLocation.get(part.fo.locationId) ?? { locationId: part.fo.locationId, fulfillmentOrders: [], lines: [] };
    byLocation.set(part.fo.locationId, request);
    let group = request.fulfillmentOrders.find((g) => g.fulfillmentOrderId === part.fo.id);
    if (!group) {
      group = { fulfillmentOrderId: part.fo.id, lineItems: [] };
      request.fulfillmentOrders.push(group);
    }
    const existing = group.lineItems.find((l) => l.id === part.foLineId);
    if (existing) existing.quantity += part.quantity;
    else group.lineItems.push({ id: part.foLineId, quantity: part.quantity });
    const line = request.lines.find((l) => l.fulfillmentOrderLineItemId === part.foLineId);
    if (line) line.quantity += part.quantity;
    else request.lines.push({ lineItemId: part.lineItemId, fulfillmentOrderLineItemId: part.foLineId, quantity: part.quantity });
  }
  return { requests: [...byLocation.values()], pickup, notOpen };
}

/**
 * What Tenon may still send per line: what it shipped minus what Shopify has ever fulfilled of
 * the line (cancelled fulfillments included, so a fulfillment cancelled in Shopify is never
 * re-created by a later push), and at most what the pending pushes asked for.
 */
export function capWanted(
  pending: readonly PushLine[],
  shipped: ReadonlyMap<string, bigint>,
  everFulfilled: ReadonlyMap<string, number>,
): PushLine[] {
  const merged = new Map<string, PushLine>();
  for (const line of pending) {
    const seen = merged.get(line.lineItemId);
    merged.set(
      line.lineItemId,
      seen
        ? { ...seen, quantity: seen.quantity + line.quantity, locationIds: [...new Set([...(seen.locationIds ?? []), ...(line.locationIds ?? [])])] }
        : { ...line },
    );
  }
  const out: PushLine[] = [];
  for (const line of merged.values()) {
    const shippedUnits = Number((shipped.get(line.lineItemId) ?? 0n) / SHOPIFY_UNIT);
    const room = shippedUnits - (everFulfilled.get(line.lineItemId) ?? 0);
    const quantity = Math.min(line.quantity, room);
    if (quantity > 0) out.push({ ...line, quantity });
  }
  return out;
}

// ───────────────────────────── returns from Shopify ─────────────────────────────

export interface ShopifyReturnLine {
  /** ReturnLineItem GID. */
  id: string;
  /** The order's LineItem GID. */
  lineItemId: string;
  quantity: number;
  /** Units processed (restocked or not). */
  processedQuantity: number;
  /** Of those, units put back into stock, and where (Shopify location GID). */
  restocked: { quantity: number; locationId: string | null }[];
}

export interface RecordedReturnRow {
  externalLineId: string | null;
  quantity: DecimalLike;
  restock: boolean;
}

export interface PlannedShopifyReturnRow {
  returnLineId: string;
  lineItemId: string;
  quantity: number;
  restock: boolean;
  /** Shopify location the goods went back to (restocked rows). */
  shopifyLocationId: string | null;
}

/**
 * The rows a Shopify return adds to its Tenon return order now: for each return line, the units
 * processed in Shopify that no Tenon row records yet — restocked units first (at their location),
 * then the rest as not restocked. `createsReturnOrder` is false while nothing of the return was
 * restocked: a refund-only return creates nothing in Tenon.
 */
export function planReturnFromShopify(
  lines: readonly ShopifyReturnLine[],
  recorded: readonly RecordedReturnRow[],
  options: { returnOrderExists: boolean },
): { rows: PlannedShopifyReturnRow[]; createsReturnOrder: boolean } {
  const rows: PlannedShopifyReturnRow[] = [];
  for (const line of lines) {
    const mine = recorded.filter((r) => r.externalLineId === line.id);
    const restockedDone = Number(mine.filter((r) => r.restock).reduce((n, r) => n + units(r.quantity), 0n) / SHOPIFY_UNIT);
    const otherDone = Number(mine.filter((r) => !r.restock).reduce((n, r) => n + units(r.quantity), 0n) / SHOPIFY_UNIT);
    // Restocked units already recorded are the first ones; the rest are new, at their location.
    let skip = restockedDone;
    for (const restock of line.restocked) {
      const seen = Math.min(restock.quantity, skip);
      skip -= seen;
      const take = restock.quantity - seen;
      if (take > 0) rows.push({ returnLineId: line.id, lineItemId: line.lineItemId, quantity: take, restock: true, shopifyLocationId: restock.locationId });
    }
    const restockedTotal = line.restocked.reduce((n, r) => n + r.quantity, 0);
    const notRestocked = Math.max(0, Math.min(line.processedQuantity, line.quantity) - restockedTotal);
    const newOther = notRestocked - otherDone;
    if (newOther > 0) rows.push({ returnLineId: line.id, lineItemId: line.lineItemId, quantity: newOther, restock: false, shopifyLocationId: null });
  }
  const anyRestock = rows.some((r) => r.restock) || recorded.some((r) => r.restock);
  if (!options.returnOrderExists && !anyRestock) return { rows: [], createsReturnOrder: false };
  return { rows, createsReturnOrder: !options.returnOrderExists && rows.length > 0 };
}
