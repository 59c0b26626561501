/**
 * Orders and what follows them — fulfillment orders, fulfillments, edits, cancellations,
 * refunds, returns — and their effect on inventory, as Shopify keeps it:
 *
 * - an order that claims inventory (orderCreate's `inventoryBehaviour: DECREMENT_*`, every order
 *   edit that adds items) moves units from `available` to `committed` at the fulfillment order's
 *   location; a fulfillment takes them out of `committed` (so `on_hand` drops); cancelling with
 *   restock or a refund with restockType CANCEL/RETURN puts them back into `available`;
 * - `inventoryBehaviour: BYPASS` (orderCreate's default) leaves inventory alone.
 *
 * The GraphQL layer (graphql/orders.ts) validates inputs and maps records; these functions change
 * state and report the webhooks to send. No HTTP here.
 */
import { randomUUID } from "node:crypto";
import { indexRecord, levelsOfItem, recordOf, type IdSequence, type InventoryLevelRecord, type LocationRecord, type ProductRecord, type ShopState, type VariantRecord } from "./state";

export interface MoneyPair {
  shop: number;
  presentment: number;
}

export interface TaxLineRecord {
  title: string;
  rate: number;
  price: MoneyPair;
}

export interface LineItemRecord {
  __typename: "LineItem";
  id: number;
  orderId: number;
  variantId: number | null;
  productId: number | null;
  sku: string | null;
  title: string;
  variantTitle: string | null;
  vendor: string | null;
  /** As ordered. */
  quantity: number;
  /** After edits that removed units (Shopify's `currentQuantity`). */
  currentQuantity: number;
  /** Unit price. */
  price: MoneyPair;
  /** Discount allocated to the whole line. */
  discount: MoneyPair;
  taxLines: TaxLineRecord[];
  taxable: boolean;
  requiresShipping: boolean;
  giftCard: boolean;
  properties: { name: string; value: string }[];
  /**
   * Whether the line's units were claimed from inventory (available → committed). Unset: as the
   * order (orderCreate's inventoryBehaviour); lines added by an order edit always claim.
   */
  claimed?: boolean;
}

export interface ShippingLineRecord {
  id: number;
  title: string;
  code: string | null;
  source: string | null;
  price: MoneyPair;
  taxLines: TaxLineRecord[];
}

export interface TransactionRecord {
  __typename: "OrderTransaction";
  id: number;
  orderId: number;
  kind: "SALE" | "AUTHORIZATION" | "CAPTURE" | "REFUND" | "VOID";
  status: "SUCCESS" | "PENDING" | "FAILURE";
  amount: MoneyPair;
  gateway: string;
  createdAt: Date;
  parentId: number | null;
}

export type FinancialStatus = "AUTHORIZED" | "EXPIRED" | "PAID" | "PARTIALLY_PAID" | "PARTIALLY_REFUNDED" | "PENDING" | "REFUNDED" | "VOIDED";

export interface AddressRecord {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  country: string | null;
  countryCode: string | null;
  phone: string | null;
}

export interface OrderRecord {
  __typename: "Order";
  id: number;
  number: number;
  name: string;
  email: string | null;
  phone: string | null;
  note: string | null;
  poNumber: string | null;
  tags: string[];
  sourceName: string;
  test: boolean;
  currency: string;
  presentmentCurrency: string;
  taxesIncluded: boolean;
  createdAt: Date;
  updatedAt: Date;
  processedAt: Date;
  closedAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  financialStatus: FinancialStatus;
  lineItems: LineItemRecord[];
  shippingLines: ShippingLineRecord[];
  discountCodes: { code: string; amount: MoneyPair; type: "fixed_amount" | "percentage" | "shipping" }[];
  transactions: TransactionRecord[];
  shippingAddress: AddressRecord | null;
  billingAddress: AddressRecord | null;
  customer: { id: number; email: string } | null;
  /** Whether the order claimed inventory (not BYPASS). */
  claimsInventory: boolean;
  /** Retail (POS) sale: the location it happened at. */
  retailLocationId: number | null;
  editCount: number;
}

export interface FulfillmentOrderRecord {
  __typename: "FulfillmentOrder";
  id: number;
  orderId: number;
  locationId: number;
  status: "OPEN" | "IN_PROGRESS" | "CLOSED" | "CANCELLED" | "ON_HOLD" | "SCHEDULED" | "INCOMPLETE";
  deliveryMethod: "SHIPPING" | "PICK_UP" | "RETAIL" | "NONE";
  lineItems: { __typename: "FulfillmentOrderLineItem"; id: number; fulfillmentOrderId: number; lineItemId: number; totalQuantity: number; remainingQuantity: number }[];
  holds: { __typename: "FulfillmentHold"; id: number; reason: string; reasonNotes: string | null; handle: string }[];
  preparedForPickup: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface FulfillmentRecord {
  __typename: "Fulfillment";
  id: number;
  orderId: number;
  locationId: number;
  name: string;
  status: "SUCCESS" | "CANCELLED";
  /** PICKED_UP for pickups, else FULFILLED (CANCELED once cancelled). */
  displayStatus: "FULFILLED" | "PICKED_UP" | "CANCELED";
  lineItems: { __typename: "FulfillmentLineItem"; id: number; lineItemId: number; fulfillmentOrderId: number; fulfillmentOrderLineItemId: number; quantity: number }[];
  tracking: { company: string | null; number: string | null; url: string | null }[];
  notifyCustomer: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface ReturnRecord {
  __typename: "Return";
  id: number;
  orderId: number;
  name: string;
  status: "REQUESTED" | "OPEN" | "CLOSED" | "DECLINED" | "CANCELED";
  lineItems: {
    __typename: "ReturnLineItem";
    id: number;
    returnId: number;
    fulfillmentLineItemId: number;
    lineItemId: number;
    quantity: number;
    /** Units processed by returnProcess (restocked or not). */
    processedQuantity: number;
    restockedQuantity: number;
    /** What returnProcess did with the units (ReverseFulfillmentOrderLineItem.dispositions). */
    dispositions?: { id: number; type: "RESTOCKED" | "NOT_RESTOCKED"; quantity: number; locationId: number | null; createdAt: Date }[];
    returnReasonNote: string;
    customerNote: string | null;
  }[];
  createdAt: Date;
  updatedAt: Date;
  requestApprovedAt: Date | null;
  closedAt: Date | null;
}

export interface RefundRecord {
  __typename: "Refund";
  id: number;
  orderId: number;
  returnId: number | null;
  note: string | null;
  createdAt: Date;
  lineItems: { id: number; lineItemId: number; quantity: number; restockType: "NO_RESTOCK" | "CANCEL" | "RETURN" | "LEGACY_RESTOCK"; locationId: number | null; subtotal: MoneyPair; tax: MoneyPair }[];
  transactions: TransactionRecord[];
}

/** An asynchronous mutation's job (orderCancel): `done` once its work ran. */
export interface JobRecord {
  __typename: "Job";
  id: number;
  done: boolean;
}

export interface BulkOperationRecord {
  __typename: "BulkOperation";
  id: number;
  type: "QUERY" | "MUTATION";
  query: string;
  groupObjects: boolean;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELED" | "CANCELING" | "EXPIRED";
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  createdAt: Date;
  completedAt: Date | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  /** The JSONL result (served at `url`, or at `partialDataUrl` after a failure). */
  result: string | null;
  url: string | null;
  partialDataUrl: string | null;
  /** Not a Shopify field: why a bulk operation failed (for the script API and test output). */
  failure: string | null;
  /** Not a Shopify field: the scopes of the token that started it (its run sees what that token may). */
  scopes?: ReadonlySet<string>;
}

/** A committed order edit (orders/edited). */
export interface OrderEditRecord {
  __typename: "OrderEdit";
  id: number;
  orderId: number;
  createdAt: Date;
  committedAt: Date;
  notifyCustomer: boolean;
  staffNote: string;
  additions: { lineItemId: number; delta: number }[];
  removals: { lineItemId: number; delta: number }[];
}

/** fulfillment_orders/* topics: the fulfillment order and what happened to it. */
export interface FulfillmentOrderEvent {
  __typename: "FulfillmentOrderEvent";
  fulfillmentOrder: FulfillmentOrderRecord;
  hold?: FulfillmentOrderRecord["holds"][number];
  heldLineItems?: { id: number; quantity: number }[];
  remaining?: FulfillmentOrderRecord | null;
  /** fulfillment_orders/moved: the fulfillment order at the destination (the original itself when it moved whole). */
  moved?: FulfillmentOrderRecord;
  /** fulfillment_orders/moved: where the line items were assigned before the move. */
  sourceLocationId?: number;
  /** fulfillment_orders/moved: the line items and quantities the request named ([] when it named none). */
  requestedLineItems?: { id: number; quantity: number }[];
}

/** What a state change asks the emulator to send. */
export interface Emitted {
  topic: string;
  subject:
    | OrderRecord
    | FulfillmentRecord
    | ReturnRecord
    | RefundRecord
    | LocationRecord
    | InventoryLevelRecord
    | ProductRecord
    | BulkOperationRecord
    | OrderEditRecord
    | FulfillmentOrderEvent
    | { deletedOrderId: number };
  /** X-Shopify-Event-Id shared with the other topics of the same change (`emitChange`); a new one when absent. */
  eventId?: string;
}

/**
 * One change sent under several topics (an order edit: orders/edited and orders/updated) carries
 * one X-Shopify-Event-Id for all of them, so an app that dedupes on the Event-Id alone loses all
 * but one. Shopify's documentation names the Event-Id as the event's and does not say whether
 * two topics share it; the emulator takes the case an app must survive (docs/decisions/027-webhook-delivery.md).
 */
export function emitChange(ctx: { emit(event: Emitted): void }, ...events: Emitted[]): void {
  const eventId = randomUUID();
  for (const event of events) ctx.emit({ ...event, eventId });
}

export interface CommerceContext {
  shop: ShopState;
  ids: IdSequence;
  now: Date;
  emit(event: Emitted): void;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;
/** A REST payload's money string, two decimals ("526.00"), as the webhook schemas show it. */
export const money = (n: number) => round2(n).toFixed(2);
/**
 * A GraphQL `Decimal` (MoneyV2.amount): no trailing zeros, at least one decimal ("526.0",
 * "12.5", "0.0"), the form Shopify's Admin API answers; the scalar's documentation
 * (https://shopify.dev/docs/api/admin-graphql/latest/scalars/Decimal) only shows "29.99".
 */
export const decimalAmount = (amount: number | string) => {
  const [whole, fraction = ""] = round2(Number(amount)).toFixed(2).split(".");
  return `${whole}.${fraction.replace(/0+$/, "") || "0"}`;
};
export const pair = (shop: number, presentment = shop): MoneyPair => ({ shop: round2(shop), presentment: round2(presentment) });
export const addPairs = (a: MoneyPair, b: MoneyPair): MoneyPair => pair(a.shop + b.shop, a.presentment + b.presentment);
export const scalePair = (a: MoneyPair, f: number): MoneyPair => pair(a.shop * f, a.presentment * f);
export const ZERO: MoneyPair = { shop: 0, presentment: 0 };
const sum = (pairs: MoneyPair[]) => pairs.reduce(addPairs, ZERO);

// --- Amounts Shopify derives ---------------------------------------------------------------

export function lineTax(line: LineItemRecord): MoneyPair {
  return sum(line.taxLines.map((t) => t.price));
}

export function orderAmounts(order: OrderRecord, current = false) {
  const qty = (l: LineItemRecord) => (current ? l.currentQuantity : l.quantity);
  const lines = order.lineItems.filter((l) => qty(l) > 0 || !current);
  const subtotalBeforeDiscount = sum(lines.map((l) => scalePair(l.price, qty(l))));
  const discounts = sum(lines.map((l) => (l.quantity === 0 ? ZERO : scalePair(l.discount, qty(l) / l.quantity))));
  const shipping = sum(order.shippingLines.map((s) => s.price));
  const tax = sum([...lines.map((l) => (l.quantity === 0 ? ZERO : scalePair(lineTax(l), qty(l) / l.quantity))), ...order.shippingLines.flatMap((s) => s.taxLines.map((t) => t.price))]);
  const subtotal = addPairs(subtotalBeforeDiscount, scalePair(discounts, -1));
  // Tax-inclusive prices already contain the tax.
  const total = order.taxesIncluded ? addPairs(subtotal, shipping) : addPairs(addPairs(subtotal, shipping), tax);
  return { subtotalBeforeDiscount, discounts, subtotal, shipping, tax, total };
}

export function refundedAmount(shop: ShopState, order: OrderRecord): MoneyPair {
  return sum(shop.refunds.filter((r) => r.orderId === order.id).flatMap((r) => r.transactions.filter((t) => t.status === "SUCCESS").map((t) => t.amount)));
}

export function fulfillmentOrdersOf(shop: ShopState, order: OrderRecord): FulfillmentOrderRecord[] {
  return shop.fulfillmentOrders.filter((fo) => fo.orderId === order.id);
}

export function fulfillmentsOf(shop: ShopState, order: OrderRecord): FulfillmentRecord[] {
  return shop.fulfillments.filter((f) => f.orderId === order.id);
}

export function fulfilledQuantity(shop: ShopState, line: LineItemRecord): number {
  return shop.fulfillments
    .filter((f) => f.orderId === line.orderId && f.status === "SUCCESS")
    .flatMap((f) => f.lineItems)
    .filter((l) => l.lineItemId === line.id)
    .reduce((n, l) => n + l.quantity, 0);
}

export function refundedQuantity(shop: ShopState, line: LineItemRecord): number {
  return shop.refunds
    .filter((r) => r.orderId === line.orderId)
    .flatMap((r) => r.lineItems)
    .filter((l) => l.lineItemId === line.id)
    .reduce((n, l) => n + l.quantity, 0);
}

export function unfulfilledQuantity(shop: ShopState, line: LineItemRecord): number {
  return shop.fulfillmentOrders
    .filter((fo) => fo.orderId === line.orderId && fo.status !== "CANCELLED" && fo.status !== "CLOSED")
    .flatMap((fo) => fo.lineItems)
    .filter((l) => l.lineItemId === line.id)
    .reduce((n, l) => n + l.remainingQuantity, 0);
}

export function displayFulfillmentStatus(shop: ShopState, order: OrderRecord): string {
  const fos = fulfillmentOrdersOf(shop, order);
  const ordered = order.lineItems.reduce((n, l) => n + l.currentQuantity, 0);
  const fulfilled = order.lineItems.reduce((n, l) => n + Math.min(l.currentQuantity, fulfilledQuantity(shop, l)), 0);
  if (ordered > 0 && fulfilled >= ordered) return "FULFILLED";
  if (fulfilled > 0) return "PARTIALLY_FULFILLED";
  if (fos.some((fo) => fo.status === "ON_HOLD")) return "ON_HOLD";
  if (fos.some((fo) => fo.status === "IN_PROGRESS")) return "IN_PROGRESS";
  return "UNFULFILLED";
}

/**
 * The store setting "Automatically archive the order" (Settings › Checkout › Order processing,
 * https://help.shopify.com/en/manual/checkout-settings/order-processing): an order that is
 * fulfilled and paid, or whose items are all refunded, is archived — `closed`, with `closedAt` —
 * by the same change, so its orders/updated already says so. Which merchants keep the setting on
 * is not documented; new stores have it on, and so does the emulator unless a seed turns it off.
 */
export function archiveIfDone(shop: ShopState, order: OrderRecord, now: Date): void {
  if (!shop.autoArchiveOrders || order.closedAt || order.cancelledAt) return;
  const paid = order.financialStatus === "PAID" || order.financialStatus === "PARTIALLY_REFUNDED";
  if ((paid && displayFulfillmentStatus(shop, order) === "FULFILLED") || order.financialStatus === "REFUNDED") order.closedAt = now;
}

export function touch(order: OrderRecord, now: Date): void {
  order.updatedAt = new Date(Math.max(now.getTime(), order.updatedAt.getTime() + 1));
}

// --- Inventory -----------------------------------------------------------------------------

export function levelAt(shop: ShopState, inventoryItemId: number, locationId: number): InventoryLevelRecord | null {
  return levelsOfItem(shop, inventoryItemId).find((l) => l.locationId === locationId && l.isActive) ?? null;
}

/** Moves units of a level's named quantities and records the change (Shopify's ledger). */
export function moveInventory(
  ctx: CommerceContext,
  variantId: number | null,
  locationId: number,
  deltas: Partial<Record<"available" | "committed", number>>,
  reason: string,
  referenceDocumentUri: string,
): void {
  const variant = recordOf<VariantRecord>(ctx.shop, "ProductVariant", variantId);
  if (!variant) return; // custom line items have no inventory
  const item = ctx.shop.index.byId.get(variant.inventoryItemId) as { tracked?: boolean } | undefined;
  if (!item?.tracked) return;
  let level = levelAt(ctx.shop, variant.inventoryItemId, locationId);
  if (!level) {
    // Selling from a location without a level stocks the item there, as Shopify does.
    level = {
      __typename: "InventoryLevel",
      id: ctx.ids.take(),
      inventoryItemId: variant.inventoryItemId,
      locationId,
      isActive: true,
      quantities: { available: 0, committed: 0, reserved: 0, damaged: 0, quality_control: 0, safety_stock: 0, incoming: 0 },
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
    ctx.shop.inventoryLevels.push(level);
    indexRecord(ctx.shop, level);
  }
  const changes = [];
  for (const [name, delta] of Object.entries(deltas) as ["available" | "committed", number][]) {
    if (!delta) continue;
    level.quantities[name] += delta;
    changes.push({ inventoryItemId: level.inventoryItemId, locationId, name, delta, quantityAfterChange: level.quantities[name], ledgerDocumentUri: null });
  }
  if (changes.length === 0) return;
  level.updatedAt = ctx.now;
  ctx.shop.adjustmentGroups.push({ __typename: "InventoryAdjustmentGroup", id: ctx.ids.take(), createdAt: ctx.now, reason, referenceDocumentUri, byApp: false, changes });
  if (deltas.available) ctx.emit({ topic: "inventory_levels/update", subject: level });
}

/**
 * Where Shopify's order routing sends a line: the first active location that fulfills online
 * orders and has the units available, else the first such location stocking the item, else the
 * primary location.
 */
export function routeLine(shop: ShopState, variant: VariantRecord | null, quantity: number): LocationRecord {
  const candidates = shop.locations.filter((l) => l.isActive && l.fulfillsOnlineOrders);
  if (variant) {
    const levels = levelsOfItem(shop, variant.inventoryItemId).filter((l) => l.isActive);
    const withStock = candidates.find((c) => levels.some((l) => l.locationId === c.id && l.quantities.available >= quantity));
    if (withStock) return withStock;
    const stocking = candidates.find((c) => levels.some((l) => l.locationId === c.id));
    if (stocking) return stocking;
  }
  const fallback = candidates[0] ?? shop.locations.find((l) => l.isActive) ?? shop.locations[0];
  if (!fallback) throw new Error(`${shop.domain} has no location`);
  return fallback;
}

/** Opens fulfillment orders for lines, one per location (added lines join an open one there). */
export function assignFulfillmentOrders(
  ctx: CommerceContext,
  order: OrderRecord,
  lines: { line: LineItemRecord; locationId: number; quantity: number }[],
  deliveryMethod: FulfillmentOrderRecord["deliveryMethod"],
): FulfillmentOrderRecord[] {
  const touched: FulfillmentOrderRecord[] = [];
  for (const { line, locationId, quantity } of lines) {
    if (!line.requiresShipping && deliveryMethod === "SHIPPING" && line.variantId === null) {
      // Digital custom items still get a fulfillment order in Shopify; keep them with the rest.
    }
    let fo = ctx.shop.fulfillmentOrders.find((f) => f.orderId === order.id && f.locationId === locationId && f.status === "OPEN");
    if (!fo) {
      fo = {
        __typename: "FulfillmentOrder",
        id: ctx.ids.take(),
        orderId: order.id,
        locationId,
        status: "OPEN",
        deliveryMethod,
        lineItems: [],
        holds: [],
        preparedForPickup: false,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      };
      ctx.shop.fulfillmentOrders.push(fo);
      indexRecord(ctx.shop, fo);
    }
    const existing = fo.lineItems.find((l) => l.lineItemId === line.id);
    if (existing) {
      existing.totalQuantity += quantity;
      existing.remainingQuantity += quantity;
    } else {
      const foLine = { __typename: "FulfillmentOrderLineItem" as const, id: ctx.ids.take(), fulfillmentOrderId: fo.id, lineItemId: line.id, totalQuantity: quantity, remainingQuantity: quantity };
      fo.lineItems.push(foLine);
      indexRecord(ctx.shop, foLine);
    }
    fo.updatedAt = ctx.now;
    if (!touched.includes(fo)) touched.push(fo);
  }
  return touched;
}

export function orderUri(order: OrderRecord): string {
  return `gid://shopify/Order/${order.id}`;
}

/** Settles a fulfillment order's status from its remaining quantities. */
export function settleFulfillmentOrder(fo: FulfillmentOrderRecord, now: Date): void {
  const remaining = fo.lineItems.reduce((n, l) => n + l.remainingQuantity, 0);
  const total = fo.lineItems.reduce((n, l) => n + l.totalQuantity, 0);
  if (fo.status === "CANCELLED") return;
  if (fo.holds.length > 0) fo.status = "ON_HOLD";
  else if (remaining === 0) fo.status = "CLOSED";
  else if (remaining < total) fo.status = "IN_PROGRESS";
  else fo.status = "OPEN";
  fo.updatedAt = now;
}

export function financialStatusAfterRefund(shop: ShopState, order: OrderRecord): FinancialStatus {
  const refunded = refundedAmount(shop, order).shop;
  const paid = order.transactions.filter((t) => (t.kind === "SALE" || t.kind === "CAPTURE") && t.status === "SUCCESS").reduce((n, t) => n + t.amount.shop, 0);
  if (refunded <= 0) return order.financialStatus;
  return refunded >= paid - 0.005 ? "REFUNDED" : "PARTIALLY_REFUNDED";
}

/** Whether a line's units sit in `committed` until fulfilled. */
export function lineClaims(order: OrderRecord, line: LineItemRecord): boolean {
  return line.claimed ?? order.claimsInventory;
}

export type FulfillmentOrderLineRecord = FulfillmentOrderRecord["lineItems"][number];

/**
 * Fulfils units of one order's fulfillment orders at one location: a claimed unit leaves
 * `committed`, an unclaimed one (BYPASS) leaves `available`; either way `on_hand` drops.
 */
export function createFulfillment(
  ctx: CommerceContext,
  order: OrderRecord,
  parts: { fo: FulfillmentOrderRecord; line: FulfillmentOrderLineRecord; quantity: number }[],
  options: { tracking: FulfillmentRecord["tracking"]; notifyCustomer: boolean },
): FulfillmentRecord {
  const { shop, now } = ctx;
  const first = parts[0];
  if (!first) throw new Error("a fulfillment needs at least one line");
  const pickup = first.fo.deliveryMethod === "PICK_UP";
  const fulfillment: FulfillmentRecord = {
    __typename: "Fulfillment",
    id: ctx.ids.take(),
    orderId: order.id,
    locationId: first.fo.locationId,
    name: `${order.name}.${shop.fulfillments.filter((f) => f.orderId === order.id).length + 1}`,
    status: "SUCCESS",
    displayStatus: pickup ? "PICKED_UP" : "FULFILLED",
    lineItems: [],
    tracking: options.tracking,
    notifyCustomer: options.notifyCustomer,
    createdAt: now,
    updatedAt: now,
  };
  for (const { fo, line: foLine, quantity } of parts) {
    const line = recordOf<LineItemRecord>(shop, "LineItem", foLine.lineItemId);
    if (line) moveInventory(ctx, line.variantId, fo.locationId, lineClaims(order, line) ? { committed: -quantity } : { available: -quantity }, "fulfillment_created", orderUri(order));
    foLine.remainingQuantity -= quantity;
    const fulfillmentLine = { __typename: "FulfillmentLineItem" as const, id: ctx.ids.take(), lineItemId: foLine.lineItemId, fulfillmentOrderId: fo.id, fulfillmentOrderLineItemId: foLine.id, quantity };
    fulfillment.lineItems.push(fulfillmentLine);
    indexRecord(shop, fulfillmentLine);
  }
  for (const fo of new Set(parts.map((p) => p.fo))) settleFulfillmentOrder(fo, now);
  shop.fulfillments.push(fulfillment);
  indexRecord(shop, fulfillment);
  touch(order, now);
  ctx.emit({ topic: "fulfillments/create", subject: fulfillment });
  return fulfillment;
}

/** Units of a line already in returns that are not declined or cancelled. */
export function returnedQuantity(shop: ShopState, fulfillmentLineItemId: number): number {
  return shop.returns
    .filter((r) => r.status !== "DECLINED" && r.status !== "CANCELED")
    .flatMap((r) => r.lineItems)
    .filter((l) => l.fulfillmentLineItemId === fulfillmentLineItemId)
    .reduce((n, l) => n + l.quantity, 0);
}

/** Removes an order and everything hanging off it from the shop (orderDelete). */
export function deleteOrder(shop: ShopState, order: OrderRecord): void {
  const gone = new Set<number>([order.id, ...order.lineItems.map((l) => l.id)]);
  const keep = <T extends { id: number; orderId: number }>(list: T[]) => {
    for (const r of list) if (r.orderId === order.id) gone.add(r.id);
    return list.filter((r) => r.orderId !== order.id);
  };
  shop.orders = shop.orders.filter((o) => o.id !== order.id);
  shop.fulfillmentOrders = keep(shop.fulfillmentOrders);
  shop.fulfillments = keep(shop.fulfillments);
  shop.returns = keep(shop.returns);
  shop.refunds = keep(shop.refunds);
  for (const id of gone) shop.index.byId.delete(id);
}
