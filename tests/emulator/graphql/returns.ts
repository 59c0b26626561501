/**
 * Returns: `returnCreate` (merchant-created, OPEN), `returnRequest` (customer request, REQUESTED)
 * → `returnApproveRequest` (OPEN), `returnProcess` (dispositions RESTOCKED put units back into
 * available at a location; NOT_RESTOCKED does not; `financialTransfer.issueRefund` refunds money,
 * so a refund-only return is a process without restock), `returnClose` (CLOSED).
 * Webhooks: returns/request, returns/approve, returns/close, refunds/create, orders/updated.
 *
 * Reverse fulfillment orders are modelled one per return, their line items numbered like the
 * return's line items (`ReverseFulfillmentOrderLineItem/{n}` ↔ `ReturnLineItem/{n}`).
 */
import {
  financialStatusAfterRefund,
  moveInventory,
  pair,
  returnedQuantity,
  touch,
  type FulfillmentRecord,
  type OrderRecord,
  type RefundRecord,
  type ReturnRecord,
  type TransactionRecord,
} from "../commerce";
import { indexRecord, recordOf, type LocationRecord } from "../state";
import { paginate, type ConnectionArgs } from "./connection";
import { NotImplementedError } from "./errors";
import { gid, idArgument, parseGid } from "./ids";
import { applyRefundLine } from "./order-changes";
import { convert, iso, lineOf, orderOf } from "./orders";
import type { AdminContext } from "./resolvers";

type ReturnUserError = { field: string[] | null; message: string; code: string };
type ReturnLine = ReturnRecord["lineItems"][number];

interface ReturnLineInput {
  fulfillmentLineItemId: string;
  quantity: number;
  returnReasonNote?: string | null;
  customerNote?: string | null;
  restockingFee?: unknown;
}

function openReturn(
  ctx: AdminContext,
  orderGid: string,
  lines: ReturnLineInput[],
  status: "OPEN" | "REQUESTED",
  field: string,
): { return: ReturnRecord | null; userErrors: ReturnUserError[] } {
  const { shop, now } = ctx;
  const order = recordOf<OrderRecord>(shop, "Order", idArgument(orderGid, "Order"));
  if (!order) return { return: null, userErrors: [{ field: [field, "orderId"], message: "Order does not exist.", code: "NOT_FOUND" }] };
  const errors: ReturnUserError[] = [];
  const planned: { fulfillment: FulfillmentRecord; fl: FulfillmentRecord["lineItems"][number]; input: ReturnLineInput }[] = [];
  if (lines.length === 0) errors.push({ field: [field, "returnLineItems"], message: "A return needs at least one line item.", code: "BLANK" });
  lines.forEach((input, i) => {
    const f = [field, "returnLineItems", String(i)];
    if (input.restockingFee) throw new NotImplementedError("restockingFee on return line items");
    const parsed = parseGid(input.fulfillmentLineItemId);
    const fulfillment = shop.fulfillments.find((x) => x.orderId === order.id && x.status === "SUCCESS" && x.lineItems.some((l) => parsed?.type === "FulfillmentLineItem" && l.id === parsed.id));
    const fl = fulfillment?.lineItems.find((l) => l.id === parsed?.id);
    if (!fulfillment || !fl) {
      errors.push({ field: [...f, "fulfillmentLineItemId"], message: "Fulfillment line item does not exist on this order.", code: "NOT_FOUND" });
      return;
    }
    const already = returnedQuantity(shop, fl.id) + planned.filter((p) => p.fl === fl).reduce((n, p) => n + p.input.quantity, 0);
    if (input.quantity < 1) errors.push({ field: [...f, "quantity"], message: "Quantity must be greater than 0.", code: "GREATER_THAN" });
    else if (input.quantity + already > fl.quantity) errors.push({ field: [...f, "quantity"], message: "Quantity is greater than the returnable quantity.", code: "LESS_THAN_OR_EQUAL_TO" });
    else planned.push({ fulfillment, fl, input });
  });
  if (errors.length > 0) return { return: null, userErrors: errors };
  const id = ctx.ids.take();
  const record: ReturnRecord = {
    __typename: "Return",
    id,
    orderId: order.id,
    name: `${order.name}-R${shop.returns.filter((r) => r.orderId === order.id).length + 1}`,
    status,
    lineItems: planned.map(({ fl, input }) => ({
      __typename: "ReturnLineItem",
      id: ctx.ids.take(),
      returnId: id,
      fulfillmentLineItemId: fl.id,
      lineItemId: fl.lineItemId,
      quantity: input.quantity,
      processedQuantity: 0,
      restockedQuantity: 0,
      returnReasonNote: input.returnReasonNote ?? "",
      customerNote: input.customerNote ?? null,
    })),
    createdAt: now,
    updatedAt: now,
    requestApprovedAt: status === "OPEN" ? now : null,
    closedAt: null,
  };
  shop.returns.push(record);
  indexRecord(shop, record);
  for (const line of record.lineItems) indexRecord(shop, line);
  touch(order, now);
  ctx.emit({ topic: status === "OPEN" ? "returns/approve" : "returns/request", subject: record });
  ctx.emit({ topic: "orders/updated", subject: order });
  return { return: record, userErrors: [] };
}

interface ReturnProcessArgs {
  input: {
    returnId: string;
    returnLineItems?: { id: string; quantity: number; dispositions?: { reverseFulfillmentOrderLineItemId: string; quantity: number; dispositionType: string; locationId?: string | null }[] | null }[] | null;
    financialTransfer?: { issueRefund?: { orderTransactions: { parentId: string; transactionAmount: { amount: string; currencyCode: string } }[]; allowOverRefunding?: boolean | null } | null } | null;
    exchangeLineItems?: unknown[] | null;
    refundShipping?: unknown;
    refundDuties?: unknown[] | null;
    note?: string | null;
    notifyCustomer?: boolean | null;
  };
}

function processReturn(ctx: AdminContext, args: ReturnProcessArgs): { return: ReturnRecord | null; userErrors: ReturnUserError[] } {
  const { shop, now } = ctx;
  const input = args.input;
  if (input.exchangeLineItems?.length) throw new NotImplementedError("returnProcess(input: {exchangeLineItems})");
  if (input.refundShipping || input.refundDuties?.length) throw new NotImplementedError("returnProcess(input: {refundShipping, refundDuties})");
  const record = recordOf<ReturnRecord>(shop, "Return", idArgument(input.returnId, "Return"));
  if (!record) return { return: null, userErrors: [{ field: ["input", "returnId"], message: "Return does not exist.", code: "NOT_FOUND" }] };
  if (record.status !== "OPEN") return { return: null, userErrors: [{ field: ["input", "returnId"], message: `A ${record.status.toLowerCase()} return can't be processed.`, code: "INVALID_STATE" }] };
  const order = orderOf(shop, record.orderId);
  const errors: ReturnUserError[] = [];
  const steps: {
    line: ReturnLine;
    quantity: number;
    restock: { locationId: number; quantity: number }[];
    dispositions: { type: "RESTOCKED" | "NOT_RESTOCKED"; quantity: number; locationId: number | null }[];
  }[] = [];
  (input.returnLineItems ?? []).forEach((item, i) => {
    const field = ["input", "returnLineItems", String(i)];
    const parsed = parseGid(item.id);
    const line = record.lineItems.find((l) => parsed?.type === "ReturnLineItem" && l.id === parsed.id);
    if (!line) {
      errors.push({ field: [...field, "id"], message: "Return line item does not exist on this return.", code: "NOT_FOUND" });
      return;
    }
    if (item.quantity < 1 || item.quantity > line.quantity - line.processedQuantity) {
      errors.push({ field: [...field, "quantity"], message: "Quantity is greater than the processable quantity.", code: "LESS_THAN_OR_EQUAL_TO" });
      return;
    }
    const restock: { locationId: number; quantity: number }[] = [];
    const dispositions: { type: "RESTOCKED" | "NOT_RESTOCKED"; quantity: number; locationId: number | null }[] = [];
    let disposed = 0;
    (item.dispositions ?? []).forEach((d, j) => {
      const dField = [...field, "dispositions", String(j)];
      const rfo = parseGid(d.reverseFulfillmentOrderLineItemId);
      if (rfo?.type !== "ReverseFulfillmentOrderLineItem" || rfo.id !== line.id) errors.push({ field: [...dField, "reverseFulfillmentOrderLineItemId"], message: "Reverse fulfillment order line item does not match the return line item.", code: "INVALID" });
      disposed += d.quantity;
      if (d.dispositionType === "RESTOCKED") {
        const location = d.locationId ? recordOf<LocationRecord>(shop, "Location", idArgument(d.locationId, "Location")) : null;
        if (!location?.isActive) errors.push({ field: [...dField, "locationId"], message: "A restock needs an active location.", code: "INVALID" });
        else {
          restock.push({ locationId: location.id, quantity: d.quantity });
          dispositions.push({ type: "RESTOCKED", quantity: d.quantity, locationId: location.id });
        }
      } else if (d.dispositionType === "NOT_RESTOCKED") dispositions.push({ type: "NOT_RESTOCKED", quantity: d.quantity, locationId: null });
    });
    if (disposed > item.quantity) errors.push({ field: [...field, "dispositions"], message: "Dispositions exceed the processed quantity.", code: "INVALID" });
    steps.push({ line, quantity: item.quantity, restock, dispositions });
  });
  const transfers = input.financialTransfer?.issueRefund?.orderTransactions ?? [];
  if (errors.length > 0) return { return: null, userErrors: errors };

  for (const step of steps) {
    step.line.processedQuantity += step.quantity;
    for (const d of step.dispositions) (step.line.dispositions ??= []).push({ id: ctx.ids.take(), ...d, createdAt: now });
    const orderLine = lineOf(shop, step.line.lineItemId);
    for (const r of step.restock) {
      moveInventory(ctx, orderLine.variantId, r.locationId, { available: r.quantity }, "restock", gid("Return", record.id));
      step.line.restockedQuantity += r.quantity;
    }
  }
  if (transfers.length > 0 || steps.length > 0) {
    // Returned units leave the order (currentQuantity) as Shopify's refund does; the money moves
    // only with issueRefund.
    const refund: RefundRecord = { __typename: "Refund", id: ctx.ids.take(), orderId: order.id, returnId: record.id, note: input.note ?? null, createdAt: now, lineItems: [], transactions: [] };
    for (const step of steps) refund.lineItems.push({ ...applyRefundLine(ctx, order, lineOf(shop, step.line.lineItemId), step.quantity, "NO_RESTOCK", null), restockType: step.restock.length > 0 ? "RETURN" : "NO_RESTOCK", locationId: step.restock[0]?.locationId ?? null });
    for (const t of transfers) {
      const amount = Number(t.transactionAmount.amount);
      const transaction: TransactionRecord = {
        __typename: "OrderTransaction",
        id: ctx.ids.take(),
        orderId: order.id,
        kind: "REFUND",
        status: "SUCCESS",
        amount: pair(amount, convert(amount, shop.currencyCode, order.presentmentCurrency)),
        gateway: "manual",
        createdAt: now,
        parentId: idArgument(t.parentId, "OrderTransaction"),
      };
      refund.transactions.push(transaction);
      order.transactions.push(transaction);
    }
    shop.refunds.push(refund);
    indexRecord(shop, refund);
    order.financialStatus = financialStatusAfterRefund(shop, order);
    ctx.emit({ topic: "refunds/create", subject: refund });
  }
  record.updatedAt = now;
  touch(order, now);
  ctx.emit({ topic: "orders/updated", subject: order });
  return { return: record, userErrors: [] };
}

export const returnMutations = {
  returnCreate: (_s: unknown, args: { returnInput: { orderId: string; returnLineItems: ReturnLineInput[]; exchangeLineItems?: unknown[] | null; returnShippingFee?: unknown } }, ctx: AdminContext) => {
    if (args.returnInput.exchangeLineItems?.length) throw new NotImplementedError("returnCreate(returnInput: {exchangeLineItems})");
    if (args.returnInput.returnShippingFee) throw new NotImplementedError("returnCreate(returnInput: {returnShippingFee})");
    return openReturn(ctx, args.returnInput.orderId, args.returnInput.returnLineItems, "OPEN", "returnInput");
  },

  returnRequest: (_s: unknown, args: { input: { orderId: string; returnLineItems: ReturnLineInput[]; returnShippingFee?: unknown } }, ctx: AdminContext) => {
    if (args.input.returnShippingFee) throw new NotImplementedError("returnRequest(input: {returnShippingFee})");
    return openReturn(ctx, args.input.orderId, args.input.returnLineItems, "REQUESTED", "input");
  },

  returnApproveRequest: (_s: unknown, args: { input: { id: string; notifyCustomer?: boolean | null } }, ctx: AdminContext) => {
    const record = recordOf<ReturnRecord>(ctx.shop, "Return", idArgument(args.input.id, "Return"));
    if (!record) return { return: null, userErrors: [{ field: ["input", "id"], message: "Return does not exist.", code: "NOT_FOUND" }] };
    if (record.status !== "REQUESTED") return { return: null, userErrors: [{ field: ["input", "id"], message: "Only a requested return can be approved.", code: "INVALID_STATE" }] };
    record.status = "OPEN";
    record.requestApprovedAt = ctx.now;
    record.updatedAt = ctx.now;
    ctx.emit({ topic: "returns/approve", subject: record });
    return { return: record, userErrors: [] };
  },

  returnProcess: (_s: unknown, args: ReturnProcessArgs, ctx: AdminContext) => processReturn(ctx, args),

  returnClose: (_s: unknown, args: { id: string }, ctx: AdminContext) => {
    const record = recordOf<ReturnRecord>(ctx.shop, "Return", idArgument(args.id, "Return"));
    if (!record) return { return: null, userErrors: [{ field: ["id"], message: "Return does not exist.", code: "NOT_FOUND" }] };
    if (record.status !== "OPEN") return { return: null, userErrors: [{ field: ["id"], message: `A ${record.status.toLowerCase()} return can't be closed.`, code: "INVALID_STATE" }] };
    record.status = "CLOSED";
    record.closedAt = ctx.now;
    record.updatedAt = ctx.now;
    ctx.emit({ topic: "returns/close", subject: record });
    return { return: record, userErrors: [] };
  },
};

const Return = {
  id: (r: ReturnRecord) => gid("Return", r.id),
  name: (r: ReturnRecord) => r.name,
  status: (r: ReturnRecord) => r.status,
  createdAt: (r: ReturnRecord) => iso(r.createdAt),
  closedAt: (r: ReturnRecord) => iso(r.closedAt),
  requestApprovedAt: (r: ReturnRecord) => iso(r.requestApprovedAt),
  order: (r: ReturnRecord, _a: unknown, { shop }: AdminContext) => orderOf(shop, r.orderId),
  totalQuantity: (r: ReturnRecord) => r.lineItems.reduce((n, l) => n + l.quantity, 0),
  returnLineItems: (r: ReturnRecord, args: ConnectionArgs) => paginate(r.lineItems, args, "returnLineItems"),
  refunds: (r: ReturnRecord, args: ConnectionArgs, { shop }: AdminContext) =>
    paginate(
      shop.refunds.filter((x) => x.returnId === r.id),
      args,
      "refunds",
    ),
  reverseFulfillmentOrders: (r: ReturnRecord, args: ConnectionArgs) => paginate(r.status === "REQUESTED" ? [] : [{ __typename: "ReverseFulfillmentOrder" as const, id: r.id, record: r }], args, "reverseFulfillmentOrders"),
};

// A return line as the interface ReturnLineItemType resolves it.
const returnLineFields = {
  id: (l: ReturnLine) => gid("ReturnLineItem", l.id),
  quantity: (l: ReturnLine) => l.quantity,
  processedQuantity: (l: ReturnLine) => l.processedQuantity,
  unprocessedQuantity: (l: ReturnLine) => l.quantity - l.processedQuantity,
  processableQuantity: (l: ReturnLine) => l.quantity - l.processedQuantity,
  returnReasonNote: (l: ReturnLine) => l.returnReasonNote,
  customerNote: (l: ReturnLine) => l.customerNote,
  fulfillmentLineItem: (l: ReturnLine, _a: unknown, { shop }: AdminContext) => shop.index.byId.get(l.fulfillmentLineItemId) ?? null,
};

interface RfoSource {
  __typename: "ReverseFulfillmentOrder";
  id: number;
  record: ReturnRecord;
}
const ReverseFulfillmentOrder = {
  id: (r: RfoSource) => gid("ReverseFulfillmentOrder", r.id),
  status: (r: RfoSource) => (r.record.lineItems.every((l) => l.processedQuantity >= l.quantity) ? "CLOSED" : "OPEN"),
  order: (r: RfoSource, _a: unknown, { shop }: AdminContext) => orderOf(shop, r.record.orderId),
  lineItems: (r: RfoSource, args: ConnectionArgs) =>
    paginate(
      r.record.lineItems.map((l) => ({ ...l, __typename: "ReverseFulfillmentOrderLineItem" as const })),
      args,
      "lineItems",
    ),
};
const ReverseFulfillmentOrderLineItem = {
  id: (l: ReturnLine) => gid("ReverseFulfillmentOrderLineItem", l.id),
  totalQuantity: (l: ReturnLine) => l.quantity,
  dispositions: (l: ReturnLine, _a: unknown, { shop }: AdminContext) =>
    (l.dispositions ?? []).map((d) => ({
      id: gid("ReverseFulfillmentOrderDisposition", d.id),
      type: d.type,
      quantity: d.quantity,
      createdAt: iso(d.createdAt),
      location: d.locationId === null ? null : recordOf<LocationRecord>(shop, "Location", d.locationId),
    })),
  fulfillmentLineItem: returnLineFields.fulfillmentLineItem,
};

export const returnTypes = { Return, ReturnLineItem: returnLineFields, ReverseFulfillmentOrder, ReverseFulfillmentOrderLineItem };

export const orderReturnFields = {
  returns: (o: OrderRecord, args: ConnectionArgs & { query?: string | null }, { shop }: AdminContext) => {
    if (args.query) throw new NotImplementedError("Order.returns(query:)");
    return paginate(
      shop.returns.filter((r) => r.orderId === o.id),
      args,
      "returns",
    );
  },
};
