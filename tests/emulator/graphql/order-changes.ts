/**
 * What happens to an order after it was placed: edits (`orderEditBegin` → `orderEditAddVariant` /
 * `orderEditSetQuantity` → `orderEditCommit`), refunds (`refundCreate`, `@idempotent` as required
 * from 2026-04) and `orderDelete`. Webhooks: orders/edited, orders/updated, refunds/create,
 * orders/delete, inventory_levels/update.
 */
import type { GraphQLResolveInfo } from "graphql";
import {
  addPairs,
  assignFulfillmentOrders,
  deleteOrder,
  emitChange,
  financialStatusAfterRefund,
  fulfilledQuantity,
  lineClaims,
  lineTax,
  moveInventory,
  orderUri,
  pair,
  refundedAmount,
  routeLine,
  scalePair,
  settleFulfillmentOrder,
  touch,
  unfulfilledQuantity,
  ZERO,
  type LineItemRecord,
  type MoneyPair,
  type OrderEditRecord,
  type OrderRecord,
  type RefundRecord,
  type TransactionRecord,
} from "../commerce";
import { indexRecord, recordOf, type LocationRecord, type ProductRecord, type ShopState, type VariantRecord } from "../state";
import { paginate, type ConnectionArgs } from "./connection";
import { NotImplementedError } from "./errors";
import { gid, idArgument, parseGid } from "./ids";
import { idempotent } from "./idempotency";
import { convert, iso, lineOf, moneyBag, orderOf } from "./orders";
import type { AdminContext } from "./resolvers";

type UserError = { field: string[] | null; message: string };

// --- Order edits ---------------------------------------------------------------------------

interface AddedLine {
  id: number;
  variantId: number;
  quantity: number;
  locationId: number | null;
}

/** An open edit: changes staged against the order until committed. */
interface EditSession {
  id: number;
  orderId: number;
  createdAt: Date;
  quantities: Map<number, { quantity: number; restock: boolean; locationId: number | null }>;
  added: AddedLine[];
}

/** The calculated order (and its session) as the API objects see it. */
interface CalculatedOrderSource {
  __typename: "CalculatedOrder";
  id: number;
  session: EditSession;
}

/** A calculated line: an existing line with its staged quantity, or a staged addition. */
interface CalculatedLineSource {
  __typename: "CalculatedLineItem";
  id: number;
  session: EditSession;
  line: LineItemRecord | null;
  added: AddedLine | null;
}

const sessions = new WeakMap<ShopState, Map<number, EditSession>>();
function sessionsOf(shop: ShopState): Map<number, EditSession> {
  let map = sessions.get(shop);
  if (!map) sessions.set(shop, (map = new Map()));
  return map;
}

/** Edit mutations take the calculated order's or the session's id (same number here). */
function sessionFor(shop: ShopState, id: string): EditSession | null {
  const parsed = parseGid(id);
  if (!parsed || (parsed.type !== "CalculatedOrder" && parsed.type !== "OrderEditSession")) return null;
  return sessionsOf(shop).get(parsed.id) ?? null;
}

const calculated = (session: EditSession): CalculatedOrderSource => ({ __typename: "CalculatedOrder", id: session.id, session });

function calculatedLines(shop: ShopState, session: EditSession): CalculatedLineSource[] {
  const order = orderOf(shop, session.orderId);
  return [
    ...order.lineItems.map((line) => ({ __typename: "CalculatedLineItem" as const, id: line.id, session, line, added: null })),
    ...session.added.map((added) => ({ __typename: "CalculatedLineItem" as const, id: added.id, session, line: null, added })),
  ];
}

const stagedQuantity = (l: CalculatedLineSource) => (l.added ? l.added.quantity : (l.session.quantities.get(l.line?.id ?? 0)?.quantity ?? l.line?.currentQuantity ?? 0));

function unitPrice(shop: ShopState, order: OrderRecord, l: CalculatedLineSource): MoneyPair {
  if (l.line) return l.line.price;
  const variant = recordOf<VariantRecord>(shop, "ProductVariant", l.added?.variantId);
  const price = Number(variant?.price ?? 0);
  return pair(price, convert(price, shop.currencyCode, order.presentmentCurrency));
}

function editErrors(shop: ShopState, id: string): { session: EditSession | null; errors: UserError[] } {
  const session = sessionFor(shop, id);
  return session ? { session, errors: [] } : { session: null, errors: [{ field: ["id"], message: "The calculated order does not exist." }] };
}

const editPayload = (session: EditSession | null, errors: UserError[], line: CalculatedLineSource | null = null) => ({
  calculatedOrder: session && errors.length === 0 ? calculated(session) : null,
  calculatedLineItem: errors.length === 0 ? line : null,
  orderEditSession: session && errors.length === 0 ? { __typename: "OrderEditSession", id: gid("OrderEditSession", session.id) } : null,
  userErrors: errors,
});

function commitEdit(ctx: AdminContext, session: EditSession, notifyCustomer: boolean, staffNote: string): OrderRecord {
  const { shop, now } = ctx;
  const order = orderOf(shop, session.orderId);
  const edit: OrderEditRecord = { __typename: "OrderEdit", id: session.id, orderId: order.id, createdAt: session.createdAt, committedAt: now, notifyCustomer, staffNote, additions: [], removals: [] };

  for (const [lineId, change] of session.quantities) {
    const line = lineOf(shop, lineId);
    const delta = change.quantity - line.currentQuantity;
    if (delta === 0) continue;
    line.currentQuantity = change.quantity;
    if (delta > 0) {
      const variant = recordOf<VariantRecord>(shop, "ProductVariant", line.variantId);
      const locationId = change.locationId ?? routeLine(shop, variant, delta).id;
      assignFulfillmentOrders(ctx, order, [{ line, locationId, quantity: delta }], "SHIPPING");
      if (lineClaims(order, line)) moveInventory(ctx, line.variantId, locationId, { available: -delta, committed: delta }, "order_edited", orderUri(order));
      edit.additions.push({ lineItemId: line.id, delta });
      continue;
    }
    // Removing takes unfulfilled units off the open fulfillment orders.
    let toRemove = -delta;
    for (const fo of shop.fulfillmentOrders.filter((f) => f.orderId === order.id && f.status !== "CLOSED" && f.status !== "CANCELLED")) {
      const foLine = fo.lineItems.find((l) => l.lineItemId === line.id && l.remainingQuantity > 0);
      if (!foLine || toRemove === 0) continue;
      const n = Math.min(toRemove, foLine.remainingQuantity);
      foLine.remainingQuantity -= n;
      foLine.totalQuantity -= n;
      toRemove -= n;
      if (lineClaims(order, line)) {
        const locationId = change.restock && change.locationId ? change.locationId : fo.locationId;
        if (change.restock) {
          moveInventory(ctx, line.variantId, fo.locationId, { committed: -n }, "order_edited", orderUri(order));
          moveInventory(ctx, line.variantId, locationId, { available: n }, "restock", orderUri(order));
        } else {
          moveInventory(ctx, line.variantId, fo.locationId, { committed: -n }, "order_edited", orderUri(order));
        }
      }
      settleFulfillmentOrder(fo, now);
    }
    edit.removals.push({ lineItemId: line.id, delta: -delta });
  }

  for (const added of session.added) {
    const variant = recordOf<VariantRecord>(shop, "ProductVariant", added.variantId);
    if (!variant) continue;
    const product = recordOf<ProductRecord>(shop, "Product", variant.productId);
    const line: LineItemRecord = {
      __typename: "LineItem",
      id: ctx.ids.take(),
      orderId: order.id,
      variantId: variant.id,
      productId: product?.id ?? null,
      sku: variant.sku,
      title: product?.title ?? variant.title,
      variantTitle: variant.title === "Default Title" ? null : variant.title,
      vendor: product?.vendor ?? null,
      quantity: added.quantity,
      currentQuantity: added.quantity,
      price: pair(Number(variant.price), convert(Number(variant.price), shop.currencyCode, order.presentmentCurrency)),
      discount: ZERO,
      taxLines: [],
      taxable: variant.taxable,
      requiresShipping: true,
      giftCard: false,
      properties: [],
      claimed: true,
    };
    order.lineItems.push(line);
    indexRecord(shop, line);
    const locationId = added.locationId ?? routeLine(shop, variant, added.quantity).id;
    assignFulfillmentOrders(ctx, order, [{ line, locationId, quantity: added.quantity }], "SHIPPING");
    moveInventory(ctx, variant.id, locationId, { available: -added.quantity, committed: added.quantity }, "order_edited", orderUri(order));
    edit.additions.push({ lineItemId: line.id, delta: added.quantity });
  }

  order.editCount += 1;
  touch(order, now);
  sessionsOf(shop).delete(session.id);
  emitChange(ctx, { topic: "orders/edited", subject: edit }, { topic: "orders/updated", subject: order });
  return order;
}

// --- Refunds -------------------------------------------------------------------------------

interface RefundCreateArgs {
  input: {
    orderId: string;
    note?: string | null;
    notify?: boolean | null;
    allowOverRefunding?: boolean | null;
    currency?: string | null;
    processedAt?: string | null;
    refundLineItems?: { lineItemId: string; quantity: number; restockType?: RefundRecord["lineItems"][number]["restockType"] | null; locationId?: string | null }[] | null;
    transactions?: { amount: string; gateway: string; kind: string; orderId: string; parentId?: string | null }[] | null;
    shipping?: unknown;
    refundDuties?: unknown[] | null;
    refundMethods?: unknown[] | null;
    discrepancyReason?: string | null;
  };
}

function createRefund(ctx: AdminContext, args: RefundCreateArgs): { order: OrderRecord | null; refund: RefundRecord | null; userErrors: UserError[] } {
  const { shop, now } = ctx;
  const input = args.input;
  if (input.shipping) throw new NotImplementedError("refundCreate(input: {shipping})", "refund shipping through transactions");
  if (input.refundDuties?.length) throw new NotImplementedError("refundCreate(input: {refundDuties})");
  if (input.refundMethods?.length) throw new NotImplementedError("refundCreate(input: {refundMethods}) (store credit)");
  const order = recordOf<OrderRecord>(shop, "Order", idArgument(input.orderId, "Order"));
  if (!order) return { order: null, refund: null, userErrors: [{ field: ["orderId"], message: "Order does not exist" }] };
  const errors: UserError[] = [];
  const planned: { line: LineItemRecord; quantity: number; restockType: RefundRecord["lineItems"][number]["restockType"]; locationId: number | null }[] = [];
  (input.refundLineItems ?? []).forEach((r, i) => {
    const field = ["refundLineItems", String(i)];
    const lineId = idArgument(r.lineItemId, "LineItem");
    const line = order.lineItems.find((l) => l.id === lineId);
    if (!line) {
      errors.push({ field: [...field, "lineItemId"], message: "Line item does not exist on this order" });
      return;
    }
    const restockType = r.restockType ?? "NO_RESTOCK";
    const already = planned.filter((p) => p.line === line).reduce((n, p) => n + p.quantity, 0);
    const unfulfilled = unfulfilledQuantity(shop, line);
    if (r.quantity < 1) errors.push({ field: [...field, "quantity"], message: "Quantity must be greater than 0" });
    else if (r.quantity + already > line.currentQuantity) errors.push({ field: [...field, "quantity"], message: "Quantity cannot refund more items than were purchased" });
    else if (restockType === "CANCEL" && r.quantity > unfulfilled) errors.push({ field: [...field, "restockType"], message: "Restock type CANCEL can only restock unfulfilled items" });
    else if (restockType === "RETURN" && r.quantity > line.currentQuantity - unfulfilled) errors.push({ field: [...field, "restockType"], message: "Restock type RETURN can only restock fulfilled items" });
    let locationId: number | null = null;
    if (r.locationId) {
      const location = recordOf<LocationRecord>(shop, "Location", idArgument(r.locationId, "Location"));
      if (!location?.isActive) errors.push({ field: [...field, "locationId"], message: "Location does not exist" });
      locationId = location?.id ?? null;
    }
    planned.push({ line, quantity: r.quantity, restockType, locationId });
  });
  const transactions: TransactionRecord[] = [];
  (input.transactions ?? []).forEach((t, i) => {
    if (t.kind !== "REFUND") errors.push({ field: ["transactions", String(i), "kind"], message: "Transaction kind must be refund" });
    const amount = Number(t.amount);
    if (!(amount > 0)) errors.push({ field: ["transactions", String(i), "amount"], message: "Amount must be greater than 0" });
    const parentId = t.parentId ? idArgument(t.parentId, "OrderTransaction") : null;
    transactions.push({
      __typename: "OrderTransaction",
      id: 0,
      orderId: order.id,
      kind: "REFUND",
      status: "SUCCESS",
      amount: pair(amount, convert(amount, shop.currencyCode, order.presentmentCurrency)),
      gateway: t.gateway,
      createdAt: now,
      parentId,
    });
  });
  const paid = order.transactions.filter((t) => t.status === "SUCCESS" && (t.kind === "SALE" || t.kind === "CAPTURE")).reduce((n, t) => n + t.amount.shop, 0);
  const refunding = transactions.reduce((n, t) => n + t.amount.shop, 0);
  if (!input.allowOverRefunding && refunding > paid - refundedAmount(shop, order).shop + 0.005) {
    errors.push({ field: ["transactions"], message: `Refund amount ${refunding.toFixed(2)} is greater than the refundable amount` });
  }
  if (planned.length === 0 && transactions.length === 0) errors.push({ field: null, message: "A refund needs refund line items or transactions" });
  if (errors.length > 0) return { order: null, refund: null, userErrors: errors };

  const refund: RefundRecord = { __typename: "Refund", id: ctx.ids.take(), orderId: order.id, returnId: null, note: input.note ?? null, createdAt: now, lineItems: [], transactions: [] };
  for (const t of transactions) {
    t.id = ctx.ids.take();
    refund.transactions.push(t);
    order.transactions.push(t);
  }
  for (const p of planned) refund.lineItems.push(applyRefundLine(ctx, order, p.line, p.quantity, p.restockType, p.locationId));
  shop.refunds.push(refund);
  indexRecord(shop, refund);
  order.financialStatus = financialStatusAfterRefund(shop, order);
  touch(order, now);
  emitChange(ctx, { topic: "refunds/create", subject: refund }, { topic: "orders/updated", subject: order });
  return { order, refund, userErrors: [] };
}

/**
 * Refunds units of a line: unfulfilled units leave the fulfillment orders (their commitment is
 * released, and with CANCEL they go back to available); RETURN puts fulfilled units back into
 * available at the location.
 */
export function applyRefundLine(
  ctx: AdminContext,
  order: OrderRecord,
  line: LineItemRecord,
  quantity: number,
  restockType: RefundRecord["lineItems"][number]["restockType"],
  locationId: number | null,
): RefundRecord["lineItems"][number] {
  const { shop, now } = ctx;
  let unfulfilledPart = restockType === "RETURN" ? 0 : Math.min(quantity, unfulfilledQuantity(shop, line));
  let restockAt = locationId;
  for (const fo of shop.fulfillmentOrders.filter((f) => f.orderId === order.id && f.status !== "CLOSED" && f.status !== "CANCELLED")) {
    const foLine = fo.lineItems.find((l) => l.lineItemId === line.id && l.remainingQuantity > 0);
    if (!foLine || unfulfilledPart === 0) continue;
    const n = Math.min(unfulfilledPart, foLine.remainingQuantity);
    foLine.remainingQuantity -= n;
    foLine.totalQuantity -= n;
    unfulfilledPart -= n;
    if (lineClaims(order, line)) {
      moveInventory(ctx, line.variantId, fo.locationId, restockType === "CANCEL" && (locationId ?? fo.locationId) === fo.locationId ? { committed: -n, available: n } : { committed: -n }, "order_refunded", orderUri(order));
      if (restockType === "CANCEL" && locationId !== null && locationId !== fo.locationId) moveInventory(ctx, line.variantId, locationId, { available: n }, "restock", orderUri(order));
    }
    restockAt ??= fo.locationId;
    settleFulfillmentOrder(fo, now);
  }
  if (restockType === "RETURN") {
    const fulfillment = shop.fulfillments.find((f) => f.orderId === order.id && f.status === "SUCCESS" && f.lineItems.some((l) => l.lineItemId === line.id));
    restockAt ??= fulfillment?.locationId ?? null;
    if (restockAt !== null) moveInventory(ctx, line.variantId, restockAt, { available: quantity }, "restock", orderUri(order));
  }
  line.currentQuantity -= quantity;
  const share = line.quantity === 0 ? 0 : quantity / line.quantity;
  return {
    id: ctx.ids.take(),
    lineItemId: line.id,
    quantity,
    restockType,
    locationId: restockType === "NO_RESTOCK" ? null : restockAt,
    subtotal: addPairs(scalePair(line.price, quantity), scalePair(line.discount, -share)),
    tax: scalePair(lineTax(line), share),
  };
}

// --- Resolvers -----------------------------------------------------------------------------

export const orderChangeMutations = {
  orderEditBegin: (_s: unknown, args: { id: string }, { shop, now, ids }: AdminContext) => {
    const order = recordOf<OrderRecord>(shop, "Order", idArgument(args.id, "Order"));
    if (!order) return editPayload(null, [{ field: ["id"], message: "The order does not exist." }]);
    if (order.cancelledAt) return editPayload(null, [{ field: ["id"], message: "Cancelled orders can't be edited." }]);
    const session: EditSession = { id: ids.take(), orderId: order.id, createdAt: now, quantities: new Map(), added: [] };
    sessionsOf(shop).set(session.id, session);
    return editPayload(session, []);
  },

  orderEditAddVariant: (
    _s: unknown,
    args: { id: string; variantId: string; quantity: number; locationId?: string | null; allowDuplicates?: boolean | null },
    { shop, ids }: AdminContext,
  ) => {
    const { session, errors } = editErrors(shop, args.id);
    if (!session) return editPayload(null, errors);
    const variant = recordOf<VariantRecord>(shop, "ProductVariant", idArgument(args.variantId, "ProductVariant"));
    if (!variant) errors.push({ field: ["variantId"], message: "The variant does not exist." });
    if (args.quantity < 1) errors.push({ field: ["quantity"], message: "Quantity must be greater than 0." });
    let locationId: number | null = null;
    if (args.locationId) {
      const location = recordOf<LocationRecord>(shop, "Location", idArgument(args.locationId, "Location"));
      if (!location?.isActive) errors.push({ field: ["locationId"], message: "The location does not exist." });
      locationId = location?.id ?? null;
    }
    const order = orderOf(shop, session.orderId);
    const onOrder = order.lineItems.some((l) => l.variantId === variant?.id && l.currentQuantity > 0) || session.added.some((a) => a.variantId === variant?.id);
    if (variant && onOrder && !args.allowDuplicates) errors.push({ field: ["variantId"], message: "The variant is already on the order. Set allowDuplicates to add it again." });
    if (errors.length > 0 || !variant) return editPayload(session, errors);
    const added: AddedLine = { id: ids.take(), variantId: variant.id, quantity: args.quantity, locationId };
    session.added.push(added);
    return editPayload(session, [], { __typename: "CalculatedLineItem", id: added.id, session, line: null, added });
  },

  orderEditSetQuantity: (
    _s: unknown,
    args: { id: string; lineItemId: string; quantity: number; restock?: boolean | null; locationId?: string | null },
    { shop }: AdminContext,
  ) => {
    const { session, errors } = editErrors(shop, args.id);
    if (!session) return editPayload(null, errors);
    const lineId = idArgument(args.lineItemId, "CalculatedLineItem");
    const target = calculatedLines(shop, session).find((l) => l.id === lineId);
    if (!target) return editPayload(session, [{ field: ["lineItemId"], message: "The calculated line item does not exist." }]);
    if (args.quantity < 0) return editPayload(session, [{ field: ["quantity"], message: "Quantity can't be negative." }]);
    let locationId: number | null = null;
    if (args.locationId) {
      const location = recordOf<LocationRecord>(shop, "Location", idArgument(args.locationId, "Location"));
      if (!location?.isActive) return editPayload(session, [{ field: ["locationId"], message: "The location does not exist." }]);
      locationId = location.id;
    }
    if (target.added) {
      if (args.quantity === 0) session.added = session.added.filter((a) => a !== target.added);
      else target.added.quantity = args.quantity;
    } else if (target.line) {
      const fulfilled = fulfilledQuantity(shop, target.line);
      const floor = Math.max(0, target.line.currentQuantity - unfulfilledQuantity(shop, target.line));
      if (args.quantity < floor) {
        return editPayload(session, [{ field: ["quantity"], message: `The quantity can't be lower than the ${fulfilled} fulfilled unit(s).` }]);
      }
      session.quantities.set(target.line.id, { quantity: args.quantity, restock: args.restock ?? false, locationId });
    }
    return editPayload(session, [], target);
  },

  orderEditCommit: (_s: unknown, args: { id: string; notifyCustomer?: boolean | null; staffNote?: string | null }, ctx: AdminContext) => {
    const session = sessionFor(ctx.shop, args.id);
    if (!session) return { order: null, successMessages: null, userErrors: [{ field: ["id"], message: "The calculated order does not exist." }] };
    const order = commitEdit(ctx, session, args.notifyCustomer ?? false, args.staffNote ?? "");
    return { order, successMessages: ["Order updated"], userErrors: [] };
  },

  refundCreate: (_s: unknown, args: RefundCreateArgs, ctx: AdminContext, info: GraphQLResolveInfo) =>
    idempotent(
      ctx,
      info,
      args,
      () => createRefund(ctx, args),
      // RefundCreatePayload's UserError has no code: the refusal is in the message.
      (_code, message) => ({ order: null, refund: null, userErrors: [{ field: null, message }] }),
    ),

  orderDelete: (_s: unknown, args: { orderId: string }, ctx: AdminContext) => {
    const order = recordOf<OrderRecord>(ctx.shop, "Order", idArgument(args.orderId, "Order"));
    if (!order) return { deletedId: null, userErrors: [{ field: ["orderId"], message: "Order does not exist", code: "NOT_FOUND" }] };
    // Shopify deletes only orders that are cancelled or archived (or test orders).
    if (!order.cancelledAt && !order.closedAt && !order.test) {
      return { deletedId: null, userErrors: [{ field: ["orderId"], message: "Only cancelled or archived orders can be deleted", code: "INVALID" }] };
    }
    deleteOrder(ctx.shop, order);
    ctx.emit({ topic: "orders/delete", subject: { deletedOrderId: order.id } });
    return { deletedId: gid("Order", order.id), userErrors: [] };
  },
};

const CalculatedOrder = {
  id: (c: CalculatedOrderSource) => gid("CalculatedOrder", c.id),
  originalOrder: (c: CalculatedOrderSource, _a: unknown, { shop }: AdminContext) => orderOf(shop, c.session.orderId),
  lineItems: (c: CalculatedOrderSource, args: ConnectionArgs, { shop }: AdminContext) => paginate(calculatedLines(shop, c.session), args, "lineItems"),
  addedLineItems: (c: CalculatedOrderSource, args: ConnectionArgs, { shop }: AdminContext) =>
    paginate(
      calculatedLines(shop, c.session).filter((l) => l.added),
      args,
      "addedLineItems",
    ),
  subtotalLineItemsQuantity: (c: CalculatedOrderSource, _a: unknown, { shop }: AdminContext) => calculatedLines(shop, c.session).reduce((n, l) => n + stagedQuantity(l), 0),
  subtotalPriceSet: (c: CalculatedOrderSource, _a: unknown, { shop }: AdminContext) => {
    const order = orderOf(shop, c.session.orderId);
    const total = calculatedLines(shop, c.session).reduce((n, l) => addPairs(n, scalePair(unitPrice(shop, order, l), stagedQuantity(l))), ZERO);
    return moneyBag(total, shop, order);
  },
};

const CalculatedLineItem = {
  id: (l: CalculatedLineSource) => gid("CalculatedLineItem", l.id),
  quantity: (l: CalculatedLineSource) => stagedQuantity(l),
  editableQuantity: (l: CalculatedLineSource, _a: unknown, { shop }: AdminContext) => (l.line ? stagedQuantity(l) - (l.line.currentQuantity - unfulfilledQuantity(shop, l.line)) : stagedQuantity(l)),
  editableQuantityBeforeChanges: (l: CalculatedLineSource, _a: unknown, { shop }: AdminContext) => (l.line ? unfulfilledQuantity(shop, l.line) : 0),
  restocking: (l: CalculatedLineSource) => (l.line ? (l.session.quantities.get(l.line.id)?.restock ?? false) : false),
  restockable: (l: CalculatedLineSource) => l.line !== null && l.line.variantId !== null,
  hasStagedLineItemDiscount: () => false,
  sku: (l: CalculatedLineSource, _a: unknown, { shop }: AdminContext) => l.line?.sku ?? recordOf<VariantRecord>(shop, "ProductVariant", l.added?.variantId)?.sku ?? null,
  title: (l: CalculatedLineSource, _a: unknown, { shop }: AdminContext) => {
    if (l.line) return l.line.title;
    const variant = recordOf<VariantRecord>(shop, "ProductVariant", l.added?.variantId);
    return recordOf<ProductRecord>(shop, "Product", variant?.productId)?.title ?? "";
  },
  variant: (l: CalculatedLineSource, _a: unknown, { shop }: AdminContext) => recordOf(shop, "ProductVariant", l.line ? l.line.variantId : (l.added?.variantId ?? null)),
  originalUnitPriceSet: (l: CalculatedLineSource, _a: unknown, { shop }: AdminContext) => {
    const order = orderOf(shop, l.session.orderId);
    return moneyBag(unitPrice(shop, order, l), shop, order);
  },
};

const Refund = {
  id: (r: RefundRecord) => gid("Refund", r.id),
  legacyResourceId: (r: RefundRecord) => String(r.id),
  note: (r: RefundRecord) => r.note,
  createdAt: (r: RefundRecord) => iso(r.createdAt),
  updatedAt: (r: RefundRecord) => iso(r.createdAt),
  processedAt: (r: RefundRecord) => iso(r.createdAt),
  order: (r: RefundRecord, _a: unknown, { shop }: AdminContext) => orderOf(shop, r.orderId),
  return: (r: RefundRecord, _a: unknown, { shop }: AdminContext) => recordOf(shop, "Return", r.returnId),
  totalRefundedSet: (r: RefundRecord, _a: unknown, { shop }: AdminContext) =>
    moneyBag(
      r.transactions.reduce((n, t) => addPairs(n, t.amount), ZERO),
      shop,
      orderOf(shop, r.orderId),
    ),
  refundLineItems: (r: RefundRecord, args: ConnectionArgs) =>
    paginate(
      r.lineItems.map((l) => ({ ...l, __typename: "RefundLineItem" as const, refund: r })),
      args,
      "refundLineItems",
    ),
  transactions: (r: RefundRecord, args: ConnectionArgs) => paginate(r.transactions, args, "transactions"),
};

type RefundLineSource = RefundRecord["lineItems"][number] & { refund: RefundRecord };
const RefundLineItem = {
  id: (l: RefundLineSource) => gid("RefundLineItem", l.id),
  quantity: (l: RefundLineSource) => l.quantity,
  restockType: (l: RefundLineSource) => l.restockType,
  restocked: (l: RefundLineSource) => l.restockType !== "NO_RESTOCK",
  lineItem: (l: RefundLineSource, _a: unknown, { shop }: AdminContext) => lineOf(shop, l.lineItemId),
  location: (l: RefundLineSource, _a: unknown, { shop }: AdminContext) => recordOf(shop, "Location", l.locationId),
  subtotalSet: (l: RefundLineSource, _a: unknown, { shop }: AdminContext) => moneyBag(l.subtotal, shop, orderOf(shop, l.refund.orderId)),
  totalTaxSet: (l: RefundLineSource, _a: unknown, { shop }: AdminContext) => moneyBag(l.tax, shop, orderOf(shop, l.refund.orderId)),
  priceSet: (l: RefundLineSource, _a: unknown, { shop }: AdminContext) => moneyBag(lineOf(shop, l.lineItemId).price, shop, orderOf(shop, l.refund.orderId)),
};

export const orderChangeTypes = { CalculatedOrder, CalculatedLineItem, Refund, RefundLineItem };

/** Order fields about what happened after the sale. */
export const orderChangeFields = {
  refunds: (o: OrderRecord, args: { first?: number | null }, { shop }: AdminContext) => shop.refunds.filter((r) => r.orderId === o.id).slice(0, args.first ?? undefined),
  totalRefundedSet: (o: OrderRecord, _a: unknown, { shop }: AdminContext) => moneyBag(refundedAmount(shop, o), shop, o),
};
