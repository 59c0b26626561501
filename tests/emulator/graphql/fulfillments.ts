/**
 * Fulfilling through fulfillment orders: `fulfillmentCreate` (lineItemsByFulfillmentOrder, one
 * order at one location per call, partial quantities, tracking), `fulfillmentCancel`, holds
 * (`fulfillmentOrderHold` — a partial hold splits the fulfillment order — and
 * `fulfillmentOrderReleaseHold`) and local pickup (`fulfillmentOrderLineItemsPreparedForPickup`;
 * handing the parcel over is a fulfillment whose display status is PICKED_UP) and moves to another
 * location (`fulfillmentOrderMove`: all unfulfilled items of a fulfillment order without fulfilled
 * items move it — its assigned location changes; otherwise the moved items go to a new fulfillment
 * order at the destination, and the original, left with nothing to fulfil, closes; committed
 * inventory moves with the items).
 * Webhooks: fulfillments/create|update, orders/updated, fulfillment_orders/placed_on_hold,
 * fulfillment_orders/hold_released, fulfillment_orders/line_items_prepared_for_pickup,
 * fulfillment_orders/moved.
 */
import {
  addPairs,
  createFulfillment,
  levelAt,
  lineClaims,
  moveInventory,
  orderUri,
  scalePair,
  settleFulfillmentOrder,
  touch,
  type FulfillmentOrderLineRecord,
  type FulfillmentOrderRecord,
  type FulfillmentRecord,
  type OrderRecord,
} from "../commerce";
import { indexRecord, recordOf, type InventoryItemRecord, type LocationRecord, type VariantRecord } from "../state";
import { paginate, type ConnectionArgs } from "./connection";
import { gid, parseGid } from "./ids";
import { iso, lineOf, moneyBag, orderOf } from "./orders";
import type { AdminContext } from "./resolvers";

type UserError = { field: string[] | null; message: string; code?: string | null };

const MAX_HOLDS = 10;

/**
 * Statuses a fulfillment order can be moved from. ON_HOLD is released first; CLOSED and CANCELLED
 * have nothing left to fulfil. (Shopify also refuses a fulfillment order with manually reported
 * progress — CANNOT_MOVE_FULFILLMENT_ORDER_WITH_REPORTED_PROGRESS — which the emulator does not
 * model: its IN_PROGRESS means partly fulfilled, and such a fulfillment order moves.)
 */
const MOVABLE: FulfillmentOrderRecord["status"][] = ["OPEN", "IN_PROGRESS", "SCHEDULED"];

/**
 * Takes `parts` (line items and units) off `fo` into a new fulfillment order like it, with
 * `changes`; line items left with nothing drop off `fo`. Holds and partial moves split this way.
 */
function splitOff(
  ctx: AdminContext,
  fo: FulfillmentOrderRecord,
  parts: { line: FulfillmentOrderLineRecord; quantity: number }[],
  changes: Partial<FulfillmentOrderRecord>,
): FulfillmentOrderRecord {
  const { shop, now } = ctx;
  const split: FulfillmentOrderRecord = { ...fo, id: ctx.ids.take(), lineItems: [], holds: [], createdAt: now, updatedAt: now, ...changes };
  for (const { line, quantity } of parts) {
    line.totalQuantity -= quantity;
    line.remainingQuantity -= quantity;
    const splitLine = { __typename: "FulfillmentOrderLineItem" as const, id: ctx.ids.take(), fulfillmentOrderId: split.id, lineItemId: line.lineItemId, totalQuantity: quantity, remainingQuantity: quantity };
    split.lineItems.push(splitLine);
    indexRecord(shop, splitLine);
  }
  fo.lineItems = fo.lineItems.filter((l) => l.totalQuantity > 0);
  shop.fulfillmentOrders.push(split);
  indexRecord(shop, split);
  return split;
}

function foById(ctx: AdminContext, id: string): FulfillmentOrderRecord | null {
  const parsed = parseGid(id);
  return parsed?.type === "FulfillmentOrder" ? recordOf<FulfillmentOrderRecord>(ctx.shop, "FulfillmentOrder", parsed.id) : null;
}

interface FulfillmentCreateArgs {
  fulfillment: {
    lineItemsByFulfillmentOrder: { fulfillmentOrderId: string; fulfillmentOrderLineItems?: { id: string; quantity: number }[] | null }[];
    notifyCustomer?: boolean | null;
    trackingInfo?: { company?: string | null; number?: string | null; numbers?: string[] | null; url?: string | null; urls?: string[] | null } | null;
    originAddress?: unknown;
  };
  message?: string | null;
}

function fulfill(ctx: AdminContext, args: FulfillmentCreateArgs): { fulfillment: FulfillmentRecord | null; userErrors: UserError[] } {
  const errors: UserError[] = [];
  const parts: Parameters<typeof createFulfillment>[2] = [];
  let order: OrderRecord | null = null;
  let locationId: number | null = null;
  args.fulfillment.lineItemsByFulfillmentOrder.forEach((group, i) => {
    const field = ["fulfillment", "lineItemsByFulfillmentOrder", String(i)];
    const fo = foById(ctx, group.fulfillmentOrderId);
    if (!fo) {
      errors.push({ field: [...field, "fulfillmentOrderId"], message: "Fulfillment order does not exist." });
      return;
    }
    const foOrder = orderOf(ctx.shop, fo.orderId);
    // One call covers fulfillment orders of one order at one location.
    if (order && order.id !== foOrder.id) errors.push({ field: [...field, "fulfillmentOrderId"], message: "All fulfillment orders must belong to the same order." });
    if (locationId !== null && locationId !== fo.locationId) errors.push({ field: [...field, "fulfillmentOrderId"], message: "All fulfillment orders must be assigned to the same location." });
    order ??= foOrder;
    locationId ??= fo.locationId;
    if (fo.status !== "OPEN" && fo.status !== "IN_PROGRESS") {
      errors.push({ field: [...field, "fulfillmentOrderId"], message: `Fulfillment order ${gid("FulfillmentOrder", fo.id)} has an unfulfillable status= ${fo.status.toLowerCase()}.` });
      return;
    }
    if (!group.fulfillmentOrderLineItems || group.fulfillmentOrderLineItems.length === 0) {
      for (const line of fo.lineItems) if (line.remainingQuantity > 0) parts.push({ fo, line, quantity: line.remainingQuantity });
      return;
    }
    group.fulfillmentOrderLineItems.forEach((item, j) => {
      const parsed = parseGid(item.id);
      const line = fo.lineItems.find((l) => parsed?.type === "FulfillmentOrderLineItem" && l.id === parsed.id);
      const itemField = [...field, "fulfillmentOrderLineItems", String(j)];
      if (!line) errors.push({ field: [...itemField, "id"], message: "Fulfillment order line item does not exist on this fulfillment order." });
      else if (item.quantity < 1 || item.quantity > line.remainingQuantity) errors.push({ field: [...itemField, "quantity"], message: "Invalid fulfillment order line item quantity requested." });
      else parts.push({ fo, line, quantity: item.quantity });
    });
  });
  if (errors.length === 0 && parts.length === 0) errors.push({ field: ["fulfillment", "lineItemsByFulfillmentOrder"], message: "There are no line items to fulfill." });
  if (errors.length > 0 || !order) return { fulfillment: null, userErrors: errors };
  const info = args.fulfillment.trackingInfo;
  const numbers = [...(info?.number ? [info.number] : []), ...(info?.numbers ?? [])];
  const urls = [...(info?.url ? [info.url] : []), ...(info?.urls ?? [])];
  const tracking = numbers.map((number, k) => ({ company: info?.company ?? null, number, url: urls[k] ?? null }));
  const fulfillment = createFulfillment(ctx, order, parts, { tracking, notifyCustomer: args.fulfillment.notifyCustomer ?? false });
  ctx.emit({ topic: "orders/updated", subject: order });
  return { fulfillment, userErrors: [] };
}

export const fulfillmentMutations = {
  fulfillmentCreate: (_s: unknown, args: FulfillmentCreateArgs, ctx: AdminContext) => fulfill(ctx, args),

  fulfillmentCancel: (_s: unknown, args: { id: string }, ctx: AdminContext) => {
    const { shop, now } = ctx;
    const parsed = parseGid(args.id);
    const fulfillment = parsed?.type === "Fulfillment" ? recordOf<FulfillmentRecord>(shop, "Fulfillment", parsed.id) : null;
    if (!fulfillment) return { fulfillment: null, userErrors: [{ field: ["id"], message: "Fulfillment does not exist." }] };
    if (fulfillment.status === "CANCELLED") return { fulfillment: null, userErrors: [{ field: ["id"], message: "Fulfillment is already cancelled." }] };
    const returned = shop.returns.some((r) => r.status !== "CANCELED" && r.status !== "DECLINED" && r.lineItems.some((l) => fulfillment.lineItems.some((fl) => fl.id === l.fulfillmentLineItemId)));
    if (returned) return { fulfillment: null, userErrors: [{ field: ["id"], message: "A fulfillment with returns can't be cancelled." }] };
    const order = orderOf(shop, fulfillment.orderId);
    // The units are to be fulfilled again: back on their fulfillment order, claimed again.
    for (const fl of fulfillment.lineItems) {
      const fo = recordOf<FulfillmentOrderRecord>(shop, "FulfillmentOrder", fl.fulfillmentOrderId);
      const foLine = fo?.lineItems.find((l) => l.id === fl.fulfillmentOrderLineItemId);
      if (!fo || !foLine) continue;
      foLine.remainingQuantity += fl.quantity;
      const line = lineOf(shop, fl.lineItemId);
      moveInventory(ctx, line.variantId, fo.locationId, lineClaims(order, line) ? { committed: fl.quantity } : { available: fl.quantity }, "fulfillment_canceled", orderUri(order));
      if (fo.status === "CLOSED") fo.status = "OPEN";
      settleFulfillmentOrder(fo, now);
    }
    fulfillment.status = "CANCELLED";
    fulfillment.displayStatus = "CANCELED";
    fulfillment.updatedAt = now;
    touch(order, now);
    ctx.emit({ topic: "fulfillments/update", subject: fulfillment });
    ctx.emit({ topic: "orders/updated", subject: order });
    return { fulfillment, userErrors: [] };
  },

  fulfillmentOrderHold: (
    _s: unknown,
    args: { id: string; fulfillmentHold: { reason: string; reasonNotes?: string | null; handle?: string | null; notifyMerchant?: boolean | null; fulfillmentOrderLineItems?: { id: string; quantity: number }[] | null } },
    ctx: AdminContext,
  ) => {
    const { shop, now } = ctx;
    const none = { fulfillmentHold: null, fulfillmentOrder: null, remainingFulfillmentOrder: null };
    const fo = foById(ctx, args.id);
    if (!fo || fo.status === "CLOSED" || fo.status === "CANCELLED") {
      return { ...none, userErrors: [{ field: ["id"], message: "The fulfillment order could not be found or can't be held.", code: "FULFILLMENT_ORDER_NOT_FOUND" }] };
    }
    const input = args.fulfillmentHold;
    const handle = input.handle ?? "";
    if (fo.holds.length >= MAX_HOLDS) return { ...none, userErrors: [{ field: ["id"], message: `A fulfillment order can have at most ${MAX_HOLDS} holds.`, code: "FULFILLMENT_ORDER_HOLD_LIMIT_REACHED" }] };
    if (fo.holds.some((h) => h.handle === handle)) {
      return { ...none, userErrors: [{ field: ["fulfillmentHold", "handle"], message: "The app already placed a hold with this handle.", code: "DUPLICATE_FULFILLMENT_HOLD_HANDLE" }] };
    }
    // A partial hold: the named quantities stay (held) on this fulfillment order, the rest moves
    // to a new one that can still be fulfilled.
    const held: { id: number; quantity: number }[] = [];
    const errors: UserError[] = [];
    (input.fulfillmentOrderLineItems ?? []).forEach((item, i) => {
      const parsed = parseGid(item.id);
      const line = fo.lineItems.find((l) => parsed?.type === "FulfillmentOrderLineItem" && l.id === parsed.id);
      const field = ["fulfillmentHold", "fulfillmentOrderLineItems", String(i)];
      if (held.some((h) => h.id === line?.id)) errors.push({ field, message: "Duplicated fulfillment order line item.", code: "DUPLICATED_FULFILLMENT_ORDER_LINE_ITEMS" });
      else if (item.quantity < 1) errors.push({ field: [...field, "quantity"], message: "Quantity must be greater than 0.", code: "GREATER_THAN_ZERO" });
      else if (!line || item.quantity > line.remainingQuantity) errors.push({ field: [...field, "quantity"], message: "Invalid line item quantity.", code: "INVALID_LINE_ITEM_QUANTITY" });
      else held.push({ id: line.id, quantity: item.quantity });
    });
    if (errors.length > 0) return { ...none, userErrors: errors };
    let remaining: FulfillmentOrderRecord | null = null;
    const partial = held.length > 0 && fo.lineItems.some((l) => l.remainingQuantity > (held.find((h) => h.id === l.id)?.quantity ?? 0));
    if (partial) {
      if (fo.status === "ON_HOLD" || fo.lineItems.some((l) => l.remainingQuantity !== l.totalQuantity)) {
        return { ...none, userErrors: [{ field: ["id"], message: "This fulfillment order can't be split.", code: "FULFILLMENT_ORDER_NOT_SPLITTABLE" }] };
      }
      // What is not held goes to a new fulfillment order (nothing of this one is fulfilled yet).
      const notHeld = fo.lineItems
        .map((line) => ({ line, quantity: line.remainingQuantity - (held.find((h) => h.id === line.id)?.quantity ?? 0) }))
        .filter((part) => part.quantity > 0);
      remaining = splitOff(ctx, fo, notHeld, { status: "OPEN" });
    }
    const hold = { __typename: "FulfillmentHold" as const, id: ctx.ids.take(), reason: input.reason, reasonNotes: input.reasonNotes ?? null, handle };
    fo.holds.push(hold);
    settleFulfillmentOrder(fo, now);
    const heldLineItems = held.length > 0 ? held : fo.lineItems.map((l) => ({ id: l.id, quantity: l.remainingQuantity }));
    ctx.emit({ topic: "fulfillment_orders/placed_on_hold", subject: { __typename: "FulfillmentOrderEvent", fulfillmentOrder: fo, hold, heldLineItems, remaining } });
    const order = orderOf(shop, fo.orderId);
    touch(order, now);
    ctx.emit({ topic: "orders/updated", subject: order });
    return { fulfillmentHold: { ...hold, fulfillmentOrder: fo }, fulfillmentOrder: fo, remainingFulfillmentOrder: remaining, userErrors: [] };
  },

  fulfillmentOrderReleaseHold: (_s: unknown, args: { id: string; holdIds?: string[] | null; externalId?: string | null }, ctx: AdminContext) => {
    const fo = foById(ctx, args.id);
    if (!fo) return { fulfillmentOrder: null, userErrors: [{ field: ["id"], message: "The fulfillment order could not be found.", code: "FULFILLMENT_ORDER_NOT_FOUND" }] };
    const ids = args.holdIds?.map((h) => parseGid(h)?.id);
    fo.holds = ids ? fo.holds.filter((h) => !ids.includes(h.id)) : [];
    if (fo.status === "ON_HOLD" && fo.holds.length === 0) {
      fo.status = "OPEN";
      settleFulfillmentOrder(fo, ctx.now);
      ctx.emit({ topic: "fulfillment_orders/hold_released", subject: { __typename: "FulfillmentOrderEvent", fulfillmentOrder: fo } });
      const order = orderOf(ctx.shop, fo.orderId);
      touch(order, ctx.now);
      ctx.emit({ topic: "orders/updated", subject: order });
    }
    return { fulfillmentOrder: fo, userErrors: [] };
  },

  fulfillmentOrderMove: (_s: unknown, args: { id: string; newLocationId: string; fulfillmentOrderLineItems?: { id: string; quantity: number }[] | null }, ctx: AdminContext) => {
    const { shop, now } = ctx;
    const refuse = (userErrors: UserError[]) => ({ movedFulfillmentOrder: null, originalFulfillmentOrder: null, remainingFulfillmentOrder: null, userErrors });
    const fo = foById(ctx, args.id);
    if (!fo) return refuse([{ field: ["id"], message: "Fulfillment order does not exist.", code: null }]);
    if (!MOVABLE.includes(fo.status)) return refuse([{ field: ["id"], message: `Fulfillment order with status ${fo.status.toLowerCase()} can't be moved.`, code: null }]);
    const parsedLocation = parseGid(args.newLocationId);
    const destination = parsedLocation?.type === "Location" ? recordOf<LocationRecord>(shop, "Location", parsedLocation.id) : null;
    if (!destination) return refuse([{ field: ["newLocationId"], message: "Location does not exist.", code: null }]);
    if (!destination.isActive) return refuse([{ field: ["newLocationId"], message: "Location is not active.", code: null }]);
    if (destination.id === fo.locationId) return refuse([{ field: ["newLocationId"], message: "The fulfillment order is already assigned to this location.", code: null }]);

    // What moves: the named quantities, or every unfulfilled unit when none are named.
    const errors: UserError[] = [];
    const requested: { line: FulfillmentOrderLineRecord; quantity: number }[] = [];
    (args.fulfillmentOrderLineItems ?? []).forEach((item, i) => {
      const parsed = parseGid(item.id);
      const line = fo.lineItems.find((l) => parsed?.type === "FulfillmentOrderLineItem" && l.id === parsed.id);
      const field = ["fulfillmentOrderLineItems", String(i)];
      if (!line) errors.push({ field: [...field, "id"], message: "Fulfillment order line item does not exist on this fulfillment order.", code: null });
      else if (requested.some((r) => r.line === line)) errors.push({ field: [...field, "id"], message: "Fulfillment order line item is listed more than once.", code: null });
      else if (item.quantity < 1) errors.push({ field: [...field, "quantity"], message: "Quantity must be greater than 0.", code: null });
      else if (item.quantity > line.remainingQuantity) errors.push({ field: [...field, "quantity"], message: `Quantity ${item.quantity} exceeds the ${line.remainingQuantity} unfulfilled unit(s) of the line item.`, code: null });
      else requested.push({ line, quantity: item.quantity });
    });
    if (errors.length > 0) return refuse(errors);
    const moving = requested.length > 0 ? requested : fo.lineItems.filter((l) => l.remainingQuantity > 0).map((line) => ({ line, quantity: line.remainingQuantity }));
    if (moving.length === 0) return refuse([{ field: ["id"], message: "The fulfillment order has no unfulfilled line items to move.", code: null }]);
    // The destination must stock every (tracked) item that moves.
    for (const { line } of moving) {
      const orderLine = lineOf(shop, line.lineItemId);
      const variant = recordOf<VariantRecord>(shop, "ProductVariant", orderLine.variantId);
      const item = variant ? recordOf<InventoryItemRecord>(shop, "InventoryItem", variant.inventoryItemId) : null;
      if (variant && item?.tracked && !levelAt(shop, variant.inventoryItemId, destination.id)) {
        errors.push({ field: ["newLocationId"], message: `${destination.name} doesn't stock ${orderLine.sku ?? orderLine.title}.`, code: null });
      }
    }
    if (errors.length > 0) return refuse(errors);

    const order = orderOf(shop, fo.orderId);
    const sourceLocationId = fo.locationId;
    const fulfilledSome = fo.lineItems.some((l) => l.remainingQuantity < l.totalQuantity);
    const movesAll = fo.lineItems.every((l) => (moving.find((m) => m.line === l)?.quantity ?? 0) === l.remainingQuantity);
    let moved: FulfillmentOrderRecord;
    if (movesAll && !fulfilledSome) {
      // Shopify's first scenario: the fulfillment order itself gets the new assigned location.
      fo.locationId = destination.id;
      fo.preparedForPickup = false;
      fo.updatedAt = now;
      moved = fo;
    } else {
      // Some items stay (or were fulfilled there): the moved ones are recreated at the destination.
      moved = splitOff(ctx, fo, moving, { locationId: destination.id, status: fo.status === "SCHEDULED" ? "SCHEDULED" : "OPEN", preparedForPickup: false });
      if (fo.status === "SCHEDULED" && fo.lineItems.some((l) => l.remainingQuantity > 0)) fo.updatedAt = now;
      else settleFulfillmentOrder(fo, now); // its status follows what is left: CLOSED when nothing is
    }
    // What the order committed moves with the units: back to available at the source, claimed at the destination.
    for (const { line, quantity } of moving) {
      const orderLine = lineOf(shop, line.lineItemId);
      if (!lineClaims(order, orderLine)) continue;
      moveInventory(ctx, orderLine.variantId, sourceLocationId, { committed: -quantity, available: quantity }, "fulfillment_order_moved", orderUri(order));
      moveInventory(ctx, orderLine.variantId, destination.id, { available: -quantity, committed: quantity }, "fulfillment_order_moved", orderUri(order));
    }
    touch(order, now);
    ctx.emit({
      topic: "fulfillment_orders/moved",
      subject: { __typename: "FulfillmentOrderEvent", fulfillmentOrder: fo, moved, sourceLocationId, requestedLineItems: requested.map((r) => ({ id: r.line.id, quantity: r.quantity })) },
    });
    ctx.emit({ topic: "orders/updated", subject: order });
    return { movedFulfillmentOrder: moved, originalFulfillmentOrder: fo, remainingFulfillmentOrder: null, userErrors: [] };
  },

  fulfillmentOrderLineItemsPreparedForPickup: (_s: unknown, args: { input: { lineItemsByFulfillmentOrder: { fulfillmentOrderId: string }[] } }, ctx: AdminContext) => {
    const errors: UserError[] = [];
    const fos: FulfillmentOrderRecord[] = [];
    args.input.lineItemsByFulfillmentOrder.forEach((entry, i) => {
      const field = ["input", "lineItemsByFulfillmentOrder", String(i), "fulfillmentOrderId"];
      const fo = foById(ctx, entry.fulfillmentOrderId);
      if (!fo || fo.deliveryMethod !== "PICK_UP" || (fo.status !== "OPEN" && fo.status !== "IN_PROGRESS")) {
        errors.push({ field, message: "The fulfillment order is not a pickup that can be prepared.", code: "FULFILLMENT_ORDER_INVALID" });
      } else if (!fo.lineItems.some((l) => l.remainingQuantity > 0)) {
        errors.push({ field, message: "There are no line items to prepare for pickup.", code: "NO_LINE_ITEMS_TO_PREPARE_FOR_FULFILLMENT_ORDER" });
      } else fos.push(fo);
    });
    if (errors.length > 0) return { userErrors: errors };
    for (const fo of fos) {
      fo.preparedForPickup = true;
      fo.updatedAt = ctx.now;
      ctx.emit({ topic: "fulfillment_orders/line_items_prepared_for_pickup", subject: { __typename: "FulfillmentOrderEvent", fulfillmentOrder: fo } });
    }
    return { userErrors: [] };
  },
};

type FulfillmentLineSource = FulfillmentRecord["lineItems"][number];

const Fulfillment = {
  id: (f: FulfillmentRecord) => gid("Fulfillment", f.id),
  legacyResourceId: (f: FulfillmentRecord) => String(f.id),
  name: (f: FulfillmentRecord) => f.name,
  status: (f: FulfillmentRecord) => f.status,
  displayStatus: (f: FulfillmentRecord) => f.displayStatus,
  createdAt: (f: FulfillmentRecord) => iso(f.createdAt),
  updatedAt: (f: FulfillmentRecord) => iso(f.updatedAt),
  deliveredAt: () => null,
  inTransitAt: () => null,
  estimatedDeliveryAt: () => null,
  order: (f: FulfillmentRecord, _a: unknown, { shop }: AdminContext) => orderOf(shop, f.orderId),
  location: (f: FulfillmentRecord, _a: unknown, { shop }: AdminContext) => recordOf<LocationRecord>(shop, "Location", f.locationId),
  requiresShipping: (f: FulfillmentRecord, _a: unknown, { shop }: AdminContext) => f.lineItems.some((l) => lineOf(shop, l.lineItemId).requiresShipping),
  totalQuantity: (f: FulfillmentRecord) => f.lineItems.reduce((n, l) => n + l.quantity, 0),
  trackingInfo: (f: FulfillmentRecord, args: { first?: number | null }) => f.tracking.slice(0, args.first ?? undefined).map((t) => ({ company: t.company, number: t.number, url: t.url })),
  fulfillmentLineItems: (f: FulfillmentRecord, args: ConnectionArgs) => paginate(f.lineItems, args, "fulfillmentLineItems"),
  fulfillmentOrders: (f: FulfillmentRecord, args: ConnectionArgs, { shop }: AdminContext) =>
    paginate(
      [...new Set(f.lineItems.map((l) => l.fulfillmentOrderId))].flatMap((id) => recordOf<FulfillmentOrderRecord>(shop, "FulfillmentOrder", id) ?? []),
      args,
      "fulfillmentOrders",
    ),
};

const FulfillmentLineItem = {
  id: (l: FulfillmentLineSource) => gid("FulfillmentLineItem", l.id),
  quantity: (l: FulfillmentLineSource) => l.quantity,
  lineItem: (l: FulfillmentLineSource, _a: unknown, { shop }: AdminContext) => lineOf(shop, l.lineItemId),
  originalTotalSet: (l: FulfillmentLineSource, _a: unknown, { shop }: AdminContext) => {
    const line = lineOf(shop, l.lineItemId);
    return moneyBag(scalePair(line.price, l.quantity), shop, orderOf(shop, line.orderId));
  },
  discountedTotalSet: (l: FulfillmentLineSource, _a: unknown, { shop }: AdminContext) => {
    const line = lineOf(shop, l.lineItemId);
    return moneyBag(addPairs(scalePair(line.price, l.quantity), scalePair(line.discount, -l.quantity / Math.max(1, line.quantity))), shop, orderOf(shop, line.orderId));
  },
};

type HoldSource = FulfillmentOrderRecord["holds"][number] & { fulfillmentOrder?: FulfillmentOrderRecord };
const FulfillmentHold = {
  id: (h: HoldSource) => gid("FulfillmentHold", h.id),
  reason: (h: HoldSource) => h.reason,
  reasonNotes: (h: HoldSource) => h.reasonNotes,
  handle: (h: HoldSource) => h.handle,
  displayReason: (h: HoldSource) => h.reason.toLowerCase().replace(/_/g, " "),
  heldByRequestingApp: () => true,
  heldByApp: (_h: HoldSource, _a: unknown, { app }: AdminContext) => app,
};

export const fulfillmentTypes = { Fulfillment, FulfillmentLineItem, FulfillmentHold };

/** FulfillmentOrder fields for holds and pickup (merged into orders.ts's FulfillmentOrder). */
export const fulfillmentOrderFields = {
  fulfillmentHolds: (fo: FulfillmentOrderRecord) => fo.holds,
  supportedActions: (fo: FulfillmentOrderRecord) => {
    const actions: string[] = [];
    const open = fo.status === "OPEN" || fo.status === "IN_PROGRESS";
    if (open) actions.push("CREATE_FULFILLMENT", "HOLD", "SPLIT");
    if (MOVABLE.includes(fo.status)) actions.push("MOVE");
    if (fo.status === "ON_HOLD") actions.push("RELEASE_HOLD");
    return actions.map((action) => ({ action, externalUrl: null }));
  },
  fulfillments: (fo: FulfillmentOrderRecord, args: ConnectionArgs, { shop }: AdminContext) =>
    paginate(
      shop.fulfillments.filter((f) => f.lineItems.some((l) => l.fulfillmentOrderId === fo.id)),
      args,
      "fulfillments",
    ),
};
