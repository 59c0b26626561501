/**
 * Orders over the Admin API: `orderCreate`, `orderCancel`, `orderClose`, the `orders`/`order`
 * queries (search syntax, `updated_at` filter, cursors) and the Order, LineItem and
 * FulfillmentOrder objects.
 */
import {
  addPairs,
  archiveIfDone,
  assignFulfillmentOrders,
  createFulfillment,
  displayFulfillmentStatus,
  emitChange,
  fulfilledQuantity,
  fulfillmentOrdersOf,
  money,
  moveInventory,
  orderAmounts,
  orderUri,
  pair,
  routeLine,
  scalePair,
  touch,
  unfulfilledQuantity,
  ZERO,
  type AddressRecord,
  type FinancialStatus,
  type FulfillmentOrderRecord,
  type JobRecord,
  type LineItemRecord,
  type MoneyPair,
  type OrderRecord,
  type TaxLineRecord,
  type TransactionRecord,
} from "../commerce";
import { indexRecord, recordOf, type InventoryItemRecord, type LocationRecord, type ProductRecord, type ShopState, type VariantRecord } from "../state";
import { paginate, type ConnectionArgs } from "./connection";
import { orderVisible } from "./access";
import { NotImplementedError } from "./errors";
import { gid, idArgument, parseGid } from "./ids";
import type { AdminContext } from "./resolvers";
import { applySearch, date, exact, idMatch, words, type FieldMatcher } from "./search";

export const iso = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : null);

/** Fixed conversion rates for presentment currencies when the input gives only shop money. */
const RATES_FROM_EUR: Record<string, number> = { EUR: 1, USD: 1.1, GBP: 0.85, CHF: 0.95, CAD: 1.5, AUD: 1.65 };
export function convert(amount: number, from: string, to: string): number {
  const a = RATES_FROM_EUR[from];
  const b = RATES_FROM_EUR[to];
  return a && b ? (amount / a) * b : amount;
}

interface MoneyBagInput {
  shopMoney: { amount: string; currencyCode: string };
  presentmentMoney?: { amount: string; currencyCode: string } | null;
}

function bagToPair(bag: MoneyBagInput, shopCurrency: string, presentment: string): MoneyPair {
  const shop = Number(bag.shopMoney.amount);
  const pres = bag.presentmentMoney ? Number(bag.presentmentMoney.amount) : convert(shop, shopCurrency, presentment);
  return pair(shop, pres);
}

export const moneyBag = (p: MoneyPair, shop: ShopState, order: OrderRecord) => ({
  shopMoney: { amount: money(p.shop), currencyCode: shop.currencyCode },
  presentmentMoney: { amount: money(p.presentment), currencyCode: order.presentmentCurrency },
});

interface TaxLineInput {
  title: string;
  rate: string | number;
  priceSet?: MoneyBagInput | null;
}

export interface OrderCreateArgs {
  order: {
    currency?: string | null;
    presentmentCurrency?: string | null;
    email?: string | null;
    phone?: string | null;
    note?: string | null;
    poNumber?: string | null;
    tags?: string[] | null;
    sourceName?: string | null;
    test?: boolean | null;
    taxesIncluded?: boolean | null;
    processedAt?: string | null;
    financialStatus?: FinancialStatus | null;
    fulfillmentStatus?: "FULFILLED" | "PARTIAL" | "RESTOCKED" | null;
    fulfillment?: { locationId: string; trackingCompany?: string | null; trackingNumber?: string | null } | null;
    lineItems?:
      | {
          variantId?: string | null;
          title?: string | null;
          sku?: string | null;
          quantity: number;
          priceSet?: MoneyBagInput | null;
          taxLines?: TaxLineInput[] | null;
          taxable?: boolean | null;
          requiresShipping?: boolean | null;
          vendor?: string | null;
          variantTitle?: string | null;
          properties?: { name: string; value: string }[] | null;
        }[]
      | null;
    shippingLines?: { title: string; code?: string | null; source?: string | null; priceSet: MoneyBagInput; taxLines?: TaxLineInput[] | null }[] | null;
    discountCode?: {
      itemFixedDiscountCode?: { code: string; amountSet?: MoneyBagInput | null } | null;
      itemPercentageDiscountCode?: { code: string; percentage?: number | null } | null;
      freeShippingDiscountCode?: { code: string } | null;
    } | null;
    transactions?: { amountSet: MoneyBagInput; kind?: string | null; status?: string | null; gateway?: string | null }[] | null;
    shippingAddress?: Record<string, string | null> | null;
    billingAddress?: Record<string, string | null> | null;
    closedAt?: string | null;
    customer?: { toAssociate?: { id?: string | null; email?: string | null } | null } | null;
  };
  options?: { inventoryBehaviour?: "BYPASS" | "DECREMENT_IGNORING_POLICY" | "DECREMENT_OBEYING_POLICY" | null } | null;
}

function address(input: Record<string, string | null> | null | undefined): AddressRecord | null {
  if (!input) return null;
  const get = (k: string) => input[k] ?? null;
  return {
    firstName: get("firstName"),
    lastName: get("lastName"),
    company: get("company"),
    address1: get("address1"),
    address2: get("address2"),
    city: get("city"),
    province: get("province"),
    provinceCode: get("provinceCode"),
    zip: get("zip"),
    country: get("country"),
    countryCode: get("countryCode"),
    phone: get("phone"),
  };
}

function taxLines(inputs: TaxLineInput[] | null | undefined, base: MoneyPair, taxesIncluded: boolean, currency: string, presentment: string): TaxLineRecord[] {
  return (inputs ?? []).map((t) => {
    const rate = Number(t.rate);
    // Tax-inclusive prices contain the tax: price − price / (1 + rate).
    const computed = taxesIncluded ? addPairs(base, scalePair(base, -1 / (1 + rate))) : scalePair(base, rate);
    return { title: t.title, rate, price: t.priceSet ? bagToPair(t.priceSet, currency, presentment) : computed };
  });
}

type UserError = { field: string[] | null; message: string; code?: string };

export function createOrder(args: OrderCreateArgs, ctx: AdminContext): { order: OrderRecord | null; userErrors: UserError[] } {
  const { shop, now } = ctx;
  const input = args.order;
  const errors: UserError[] = [];
  const currency = shop.currencyCode;
  if (input.currency && input.currency !== currency) {
    errors.push({ field: ["order", "currency"], message: `Currency must be the shop's currency (${currency})`, code: "INVALID" });
  }
  const presentment = input.presentmentCurrency ?? input.currency ?? currency;
  const taxesIncluded = input.taxesIncluded ?? shop.taxesIncluded;
  const lineInputs = input.lineItems ?? [];
  if (lineInputs.length === 0) errors.push({ field: ["order", "lineItems"], message: "Line items must have at least one item", code: "INVALID" });
  const behaviour = args.options?.inventoryBehaviour ?? "BYPASS";

  const lines: { line: LineItemRecord; variant: VariantRecord | null }[] = [];
  lineInputs.forEach((l, i) => {
    const field = ["order", "lineItems", String(i)];
    let variant: VariantRecord | null = null;
    if (l.variantId) {
      const parsed = parseGid(l.variantId);
      variant = parsed?.type === "ProductVariant" ? recordOf<VariantRecord>(shop, "ProductVariant", parsed.id) : null;
      if (!variant) {
        errors.push({ field: [...field, "variantId"], message: "Variant does not exist", code: "INVALID" });
        return;
      }
    } else if (!l.title) {
      errors.push({ field: [...field, "title"], message: "A custom line item needs a title", code: "INVALID" });
      return;
    }
    if (l.quantity < 1) errors.push({ field: [...field, "quantity"], message: "Quantity must be greater than or equal to 1", code: "INVALID" });
    const product = variant ? recordOf<ProductRecord>(shop, "Product", variant.productId) : null;
    const unit = l.priceSet ? bagToPair(l.priceSet, currency, presentment) : variant ? pair(Number(variant.price), convert(Number(variant.price), currency, presentment)) : null;
    if (!unit) {
      errors.push({ field: [...field, "priceSet"], message: "A custom line item needs a price", code: "INVALID" });
      return;
    }
    const line: LineItemRecord = {
      __typename: "LineItem",
      id: ctx.ids.take(),
      orderId: 0,
      variantId: variant?.id ?? null,
      productId: product?.id ?? null,
      sku: l.sku ?? variant?.sku ?? null,
      title: l.title ?? product?.title ?? "",
      variantTitle: l.variantTitle ?? (variant && variant.title !== "Default Title" ? variant.title : null),
      vendor: l.vendor ?? product?.vendor ?? null,
      quantity: l.quantity,
      currentQuantity: l.quantity,
      price: unit,
      discount: ZERO,
      taxLines: taxLines(l.taxLines, scalePair(unit, l.quantity), taxesIncluded, currency, presentment),
      taxable: l.taxable ?? variant?.taxable ?? true,
      // A variant's line ships as its inventory item says (the input's field is for custom lines).
      requiresShipping: variant ? (recordOf<InventoryItemRecord>(shop, "InventoryItem", variant.inventoryItemId)?.requiresShipping ?? true) : (l.requiresShipping ?? true),
      giftCard: false,
      properties: l.properties ?? [],
    };
    lines.push({ line, variant });
  });
  if (behaviour === "DECREMENT_OBEYING_POLICY") {
    for (const { line, variant } of lines) {
      if (!variant || variant.inventoryPolicy === "CONTINUE") continue;
      const location = routeLine(shop, variant, line.quantity);
      const level = shop.index.levelsByItem.get(variant.inventoryItemId)?.find((lv) => lv.locationId === location.id);
      if ((level?.quantities.available ?? 0) < line.quantity) {
        errors.push({ field: ["order", "lineItems"], message: `Unable to reserve inventory for ${line.sku ?? line.title}`, code: "INVENTORY_CLAIM_FAILED" });
      }
    }
  }
  let retailLocation: LocationRecord | null = null;
  if (input.fulfillment) {
    retailLocation = recordOf<LocationRecord>(shop, "Location", idArgument(input.fulfillment.locationId, "Location"));
    if (!retailLocation) errors.push({ field: ["order", "fulfillment", "locationId"], message: "Location does not exist", code: "INVALID" });
  }
  let customer: OrderRecord["customer"] = null;
  const associate = input.customer?.toAssociate;
  if (associate) {
    const found = associate.id
      ? shop.customers.find((c) => c.id === idArgument(associate.id!, "Customer"))
      : shop.customers.find((c) => c.email !== null && c.email.toLowerCase() === associate.email?.toLowerCase());
    if (!found) errors.push({ field: ["order", "customer", "toAssociate"], message: "Customer does not exist", code: "INVALID" });
    else customer = { id: found.id, email: found.email ?? "" };
  }
  if (errors.length > 0) return { order: null, userErrors: errors };

  // Discounts are allocated across lines in proportion to their totals.
  const discountCodes: OrderRecord["discountCodes"] = [];
  const linesTotal = lines.reduce((n, { line }) => addPairs(n, scalePair(line.price, line.quantity)), ZERO);
  const code = input.discountCode;
  let discountTotal: MoneyPair = ZERO;
  if (code?.itemFixedDiscountCode) {
    discountTotal = code.itemFixedDiscountCode.amountSet ? bagToPair(code.itemFixedDiscountCode.amountSet, currency, presentment) : ZERO;
    discountCodes.push({ code: code.itemFixedDiscountCode.code, amount: discountTotal, type: "fixed_amount" });
  } else if (code?.itemPercentageDiscountCode) {
    discountTotal = scalePair(linesTotal, (code.itemPercentageDiscountCode.percentage ?? 0) / 100);
    discountCodes.push({ code: code.itemPercentageDiscountCode.code, amount: discountTotal, type: "percentage" });
  }
  if (linesTotal.shop > 0) for (const { line } of lines) line.discount = scalePair(discountTotal, (line.price.shop * line.quantity) / linesTotal.shop);

  const shippingLines = (input.shippingLines ?? []).map((s) => {
    const price = code?.freeShippingDiscountCode ? ZERO : bagToPair(s.priceSet, currency, presentment);
    return { id: ctx.ids.take(), title: s.title, code: s.code ?? null, source: s.source ?? null, price, taxLines: taxLines(s.taxLines, price, taxesIncluded, currency, presentment) };
  });
  if (code?.freeShippingDiscountCode) discountCodes.push({ code: code.freeShippingDiscountCode.code, amount: ZERO, type: "shipping" });

  const number = shop.nextOrderNumber++;
  const order: OrderRecord = {
    __typename: "Order",
    id: ctx.ids.take(),
    number,
    name: `#${number}`,
    email: input.email ?? null,
    phone: input.phone ?? null,
    note: input.note ?? null,
    poNumber: input.poNumber ?? null,
    tags: input.tags ?? [],
    sourceName: input.sourceName ?? (retailLocation ? "pos" : "shopify_draft_order"),
    test: input.test ?? false,
    currency,
    presentmentCurrency: presentment,
    taxesIncluded,
    createdAt: now,
    updatedAt: now,
    processedAt: input.processedAt ? new Date(input.processedAt) : now,
    closedAt: input.closedAt ? new Date(input.closedAt) : null,
    cancelledAt: null,
    cancelReason: null,
    financialStatus: "PENDING",
    lineItems: lines.map(({ line }) => line),
    shippingLines,
    discountCodes,
    transactions: [],
    shippingAddress: address(input.shippingAddress),
    billingAddress: address(input.billingAddress),
    customer,
    claimsInventory: behaviour !== "BYPASS",
    retailLocationId: retailLocation?.id ?? null,
    editCount: 0,
  };
  for (const line of order.lineItems) {
    line.orderId = order.id;
    indexRecord(shop, line);
  }
  const total = orderAmounts(order).total;
  const transactions: TransactionRecord[] = (input.transactions ?? []).map((t) => ({
    __typename: "OrderTransaction",
    id: ctx.ids.take(),
    orderId: order.id,
    kind: (t.kind ?? "SALE") as TransactionRecord["kind"],
    status: (t.status ?? "SUCCESS") as TransactionRecord["status"],
    amount: bagToPair(t.amountSet, currency, presentment),
    gateway: t.gateway ?? "manual",
    createdAt: now,
    parentId: null,
  }));
  // financialStatus PAID without transactions: Shopify records a manual sale for the total.
  if (transactions.length === 0 && (input.financialStatus === "PAID" || input.financialStatus === "REFUNDED" || input.financialStatus === "PARTIALLY_REFUNDED")) {
    transactions.push({ __typename: "OrderTransaction", id: ctx.ids.take(), orderId: order.id, kind: "SALE", status: "SUCCESS", amount: total, gateway: "manual", createdAt: now, parentId: null });
  }
  order.transactions = transactions;
  const paid = transactions.filter((t) => t.status === "SUCCESS" && (t.kind === "SALE" || t.kind === "CAPTURE")).reduce((n, t) => n + t.amount.shop, 0);
  order.financialStatus = input.financialStatus ?? (paid >= total.shop - 0.005 && paid > 0 ? "PAID" : paid > 0 ? "PARTIALLY_PAID" : "PENDING");
  shop.orders.push(order);
  indexRecord(shop, order);

  // Fulfillment orders: a POS sale happens at its location, everything else is routed. orderCreate
  // cannot express a local-pickup checkout; the emulator reads a shipping line with code "pickup"
  // as one.
  const pickup = shippingLines.some((s) => s.code?.toLowerCase() === "pickup");
  const assignments = lines.map(({ line, variant }) => ({ line, locationId: retailLocation?.id ?? routeLine(shop, variant, line.quantity).id, quantity: line.quantity }));
  const fos = assignFulfillmentOrders({ shop, ids: ctx.ids, now, emit: ctx.emit }, order, assignments, retailLocation ? "RETAIL" : pickup ? "PICK_UP" : "SHIPPING");
  for (const fo of fos) indexRecord(shop, fo);
  if (order.claimsInventory) {
    for (const a of assignments) moveInventory({ shop, ids: ctx.ids, now, emit: ctx.emit }, a.line.variantId, a.locationId, { available: -a.quantity, committed: a.quantity }, "order_created", orderUri(order));
  }
  ctx.emit({ topic: "orders/create", subject: order });
  if (input.fulfillmentStatus === "FULFILLED" || retailLocation) {
    fulfillAll(ctx, order, fos, input.fulfillment ?? null);
    // Fulfilled (a POS sale) and paid at once: the store's archive setting closes it now.
    const open = order.closedAt === null;
    archiveIfDone(shop, order, now);
    if (open && order.closedAt) ctx.emit({ topic: "orders/updated", subject: order });
  }
  return { order, userErrors: [] };
}

/** Fulfils every remaining unit (a POS sale handed over, or orderCreate's fulfillmentStatus). */
function fulfillAll(ctx: AdminContext, order: OrderRecord, fos: FulfillmentOrderRecord[], tracking: { trackingCompany?: string | null; trackingNumber?: string | null } | null) {
  for (const fo of fos) {
    const parts = fo.lineItems.filter((l) => l.remainingQuantity > 0).map((line) => ({ fo, line, quantity: line.remainingQuantity }));
    if (parts.length === 0) continue;
    createFulfillment(ctx, order, parts, {
      tracking: tracking?.trackingNumber ? [{ company: tracking.trackingCompany ?? null, number: tracking.trackingNumber, url: null }] : [],
      notifyCustomer: false,
    });
  }
}

function orderFilters(shop: ShopState): Record<string, FieldMatcher<OrderRecord>> {
  const fulfillmentStatus = (o: OrderRecord) => displayFulfillmentStatus(shop, o).toLowerCase();
  return {
    default: (o, t) => exact(o.name, t) || exact(o.name.replace("#", ""), t) || exact(o.email, t) || o.lineItems.some((l) => exact(l.sku, t)) || words(o.poNumber, t),
    name: (o, t) => exact(o.name, t) || exact(o.name.replace("#", ""), t),
    id: (o, t) => idMatch(o.id, t),
    updated_at: (o, t) => date(o.updatedAt, t),
    created_at: (o, t) => date(o.createdAt, t),
    processed_at: (o, t) => date(o.processedAt, t),
    status: (o, t) => exact(o.cancelledAt ? "cancelled" : o.closedAt ? "closed" : "open", t),
    financial_status: (o, t) => exact(o.financialStatus, t),
    fulfillment_status: (o, t) => {
      const s = fulfillmentStatus(o);
      const v = t.value.toLowerCase();
      if (v === "shipped") return s === "fulfilled";
      if (v === "unshipped") return s === "unfulfilled";
      if (v === "partial") return s === "partially_fulfilled";
      return s === v;
    },
    sku: (o, t) => o.lineItems.some((l) => exact(l.sku, t)),
    tag: (o, t) => o.tags.some((tag) => exact(tag, t)),
    po_number: (o, t) => exact(o.poNumber, t),
    source_name: (o, t) => exact(o.sourceName, t),
    location_id: (o, t) => fulfillmentOrdersOf(shop, o).some((fo) => idMatch(fo.locationId, t)),
    test: (o, t) => exact(String(o.test), t),
  };
}

interface OrdersArgs extends ConnectionArgs {
  query?: string | null;
  sortKey?: string | null;
}

/** The orders a request may see: the last 60 days' worth without read_all_orders (access.ts). */
function visibleOrders(ctx: AdminContext): OrderRecord[] {
  return ctx.scopes === undefined ? ctx.shop.orders : ctx.shop.orders.filter((o) => orderVisible(o, ctx.scopes, ctx.now));
}

function ordersFor(shop: ShopState, args: OrdersArgs, orders: readonly OrderRecord[] = shop.orders): OrderRecord[] {
  const filtered = applySearch(orders, args.query, "orders", orderFilters(shop));
  const keys: Record<string, (o: OrderRecord) => number | string> = {
    ID: (o) => o.id,
    CREATED_AT: (o) => o.createdAt.getTime(),
    UPDATED_AT: (o) => o.updatedAt.getTime(),
    PROCESSED_AT: (o) => o.processedAt.getTime(),
    ORDER_NUMBER: (o) => o.number,
    TOTAL_PRICE: (o) => orderAmounts(o).total.shop,
  };
  const name = args.sortKey ?? "PROCESSED_AT";
  const key = keys[name];
  if (!key) throw new NotImplementedError(`sortKey ${name} on orders`);
  return [...filtered].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
  });
}

export const lineOf = (shop: ShopState, id: number) => {
  const line = recordOf<LineItemRecord>(shop, "LineItem", id);
  if (!line) throw new Error(`Emulator state is inconsistent: line item ${id} is missing`);
  return line;
};
export const orderOf = (shop: ShopState, id: number) => {
  const order = recordOf<OrderRecord>(shop, "Order", id);
  if (!order) throw new Error(`Emulator state is inconsistent: order ${id} is missing`);
  return order;
};

export const orderQueries = {
  orders: (_s: unknown, args: OrdersArgs, ctx: AdminContext) => paginate(ordersFor(ctx.shop, args, visibleOrders(ctx)), args, "orders"),
  order: (_s: unknown, args: { id: string }, ctx: AdminContext) => {
    const order = recordOf<OrderRecord>(ctx.shop, "Order", idArgument(args.id, "Order"));
    return order && orderVisible(order, ctx.scopes, ctx.now) ? order : null;
  },
  ordersCount: (_s: unknown, args: { query?: string | null }, ctx: AdminContext) => ({
    count: ordersFor(ctx.shop, { query: args.query }, visibleOrders(ctx)).length,
    precision: "EXACT",
  }),
  fulfillmentOrders: (_s: unknown, args: ConnectionArgs & { includeClosed?: boolean | null; query?: string | null }, { shop }: AdminContext) => {
    if (args.query) throw new NotImplementedError("fulfillmentOrders(query:)");
    return paginate(
      shop.fulfillmentOrders.filter((fo) => args.includeClosed || (fo.status !== "CLOSED" && fo.status !== "CANCELLED")),
      args,
      "fulfillmentOrders",
    );
  },
  fulfillmentOrder: (_s: unknown, args: { id: string }, { shop }: AdminContext) => recordOf<FulfillmentOrderRecord>(shop, "FulfillmentOrder", idArgument(args.id, "FulfillmentOrder")),
  job: (_s: unknown, args: { id: string }, { shop }: AdminContext) => recordOf<JobRecord>(shop, "Job", idArgument(args.id, "Job")),
};

type CancelArgs = { reason: string; restock: boolean; refund?: boolean | null };
/** Orders whose cancellation job has not run yet (a second orderCancel is refused). */
const cancelling = new WeakSet<OrderRecord>();

/** The order cancellation itself, as orderCancel's job runs it. */
function cancelOrder(order: OrderRecord, args: CancelArgs, ctx: AdminContext): void {
  const { shop, now } = ctx;
  const c = { shop, ids: ctx.ids, now, emit: ctx.emit };
  for (const fo of fulfillmentOrdersOf(shop, order)) {
    for (const l of fo.lineItems) {
      const line = lineOf(shop, l.lineItemId);
      if (order.claimsInventory && l.remainingQuantity > 0) {
        // Restock returns committed units to available; without it they leave stock.
        moveInventory(c, line.variantId, fo.locationId, args.restock ? { committed: -l.remainingQuantity, available: l.remainingQuantity } : { committed: -l.remainingQuantity }, "order_cancelled", orderUri(order));
      }
      l.remainingQuantity = 0;
    }
    fo.status = "CANCELLED";
    fo.updatedAt = now;
  }
  order.cancelledAt = now;
  order.cancelReason = args.reason;
  order.closedAt = now;
  if (args.refund && order.financialStatus === "PAID") {
    order.financialStatus = "REFUNDED";
  } else if (order.financialStatus === "PENDING" || order.financialStatus === "AUTHORIZED") {
    order.financialStatus = "VOIDED";
  }
  touch(order, now);
  emitChange(ctx, { topic: "orders/cancelled", subject: order }, { topic: "orders/updated", subject: order });
}

export const orderMutations = {
  orderCreate: (_s: unknown, args: OrderCreateArgs, ctx: AdminContext) => createOrder(args, ctx),

  /**
   * Checks the order now and cancels it in a job (OrderCancelPayload.job: "The job that
   * asynchronously cancels the order",
   * https://shopify.dev/docs/api/admin-graphql/latest/payloads/OrderCancelPayload): the answer's
   * job is not done, the order is still open, and its webhooks come once the job has run.
   */
  orderCancel: (_s: unknown, args: { orderId: string; reason: string; restock: boolean; refund?: boolean | null; staffNote?: string | null }, ctx: AdminContext) => {
    const { shop } = ctx;
    const order = recordOf<OrderRecord>(shop, "Order", idArgument(args.orderId, "Order"));
    if (!order) return { job: null, orderCancelUserErrors: [{ field: ["orderId"], message: "Order does not exist", code: "NOT_FOUND" }] };
    if (order.cancelledAt || cancelling.has(order)) return { job: null, orderCancelUserErrors: [{ field: ["orderId"], message: "Order has already been cancelled", code: "INVALID" }] };
    if (order.lineItems.some((l) => fulfilledQuantity(shop, l) > 0)) {
      return { job: null, orderCancelUserErrors: [{ field: ["orderId"], message: "Cannot cancel an order with fulfilled items", code: "INVALID" }] };
    }
    cancelling.add(order);
    const job = ctx.actions.runJob("orderCancel", (later) => {
      cancelling.delete(order);
      cancelOrder(order, args, later);
    });
    return { job, orderCancelUserErrors: [] };
  },

  /** Records a manual payment of what is still owed (Shopify's "Mark as paid"). */
  orderMarkAsPaid: (_s: unknown, args: { input: { id: string } }, ctx: AdminContext) => {
    const order = recordOf<OrderRecord>(ctx.shop, "Order", idArgument(args.input.id, "Order"));
    if (!order) return { order: null, userErrors: [{ field: ["id"], message: "Order does not exist" }] };
    if (order.cancelledAt || !["PENDING", "AUTHORIZED", "PARTIALLY_PAID"].includes(order.financialStatus)) {
      return { order: null, userErrors: [{ field: ["id"], message: "Order cannot be marked as paid" }] };
    }
    const total = orderAmounts(order).total;
    const paid = order.transactions.filter((t) => t.status === "SUCCESS" && (t.kind === "SALE" || t.kind === "CAPTURE")).reduce((n, t) => n + t.amount.shop, 0);
    const due = { shop: total.shop - paid, presentment: total.presentment * ((total.shop - paid) / (total.shop || 1)) };
    order.transactions.push({ __typename: "OrderTransaction", id: ctx.ids.take(), orderId: order.id, kind: "SALE", status: "SUCCESS", amount: due, gateway: "manual", createdAt: ctx.now, parentId: null });
    order.financialStatus = "PAID";
    touch(order, ctx.now);
    ctx.emit({ topic: "orders/updated", subject: order });
    return { order, userErrors: [] };
  },

  orderClose: (_s: unknown, args: { input: { id: string } }, ctx: AdminContext) => {
    const order = recordOf<OrderRecord>(ctx.shop, "Order", idArgument(args.input.id, "Order"));
    if (!order) return { order: null, userErrors: [{ field: ["id"], message: "Order does not exist" }] };
    if (!order.closedAt) {
      order.closedAt = ctx.now;
      touch(order, ctx.now);
      ctx.emit({ topic: "orders/updated", subject: order });
    }
    return { order, userErrors: [] };
  },
};

const Order = {
  id: (o: OrderRecord) => gid("Order", o.id),
  legacyResourceId: (o: OrderRecord) => String(o.id),
  name: (o: OrderRecord) => o.name,
  number: (o: OrderRecord) => o.number,
  email: (o: OrderRecord) => o.email,
  phone: (o: OrderRecord) => o.phone,
  note: (o: OrderRecord) => o.note,
  poNumber: (o: OrderRecord) => o.poNumber,
  tags: (o: OrderRecord) => o.tags,
  sourceName: (o: OrderRecord) => o.sourceName,
  test: (o: OrderRecord) => o.test,
  currencyCode: (o: OrderRecord) => o.currency,
  presentmentCurrencyCode: (o: OrderRecord) => o.presentmentCurrency,
  taxesIncluded: (o: OrderRecord) => o.taxesIncluded,
  createdAt: (o: OrderRecord) => iso(o.createdAt),
  updatedAt: (o: OrderRecord) => iso(o.updatedAt),
  processedAt: (o: OrderRecord) => iso(o.processedAt),
  closed: (o: OrderRecord) => o.closedAt !== null,
  closedAt: (o: OrderRecord) => iso(o.closedAt),
  cancelledAt: (o: OrderRecord) => iso(o.cancelledAt),
  cancelReason: (o: OrderRecord) => o.cancelReason,
  displayFinancialStatus: (o: OrderRecord) => o.financialStatus,
  displayFulfillmentStatus: (o: OrderRecord, _a: unknown, { shop }: AdminContext) => displayFulfillmentStatus(shop, o),
  fullyPaid: (o: OrderRecord) => o.financialStatus === "PAID",
  unpaid: (o: OrderRecord) => o.financialStatus === "PENDING",
  fulfillable: (o: OrderRecord, _a: unknown, { shop }: AdminContext) => !o.cancelledAt && o.lineItems.some((l) => unfulfilledQuantity(shop, l) > 0),
  edited: (o: OrderRecord) => o.editCount > 0,
  retailLocation: (o: OrderRecord, _a: unknown, { shop }: AdminContext) => recordOf(shop, "Location", o.retailLocationId),
  discountCodes: (o: OrderRecord) => o.discountCodes.map((d) => d.code),
  discountCode: (o: OrderRecord) => o.discountCodes[0]?.code ?? null,
  subtotalPriceSet: (o: OrderRecord, _a: unknown, { shop }: AdminContext) => moneyBag(orderAmounts(o).subtotal, shop, o),
  totalPriceSet: (o: OrderRecord, _a: unknown, { shop }: AdminContext) => moneyBag(orderAmounts(o).total, shop, o),
  totalTaxSet: (o: OrderRecord, _a: unknown, { shop }: AdminContext) => moneyBag(orderAmounts(o).tax, shop, o),
  totalDiscountsSet: (o: OrderRecord, _a: unknown, { shop }: AdminContext) => moneyBag(orderAmounts(o).discounts, shop, o),
  totalShippingPriceSet: (o: OrderRecord, _a: unknown, { shop }: AdminContext) => moneyBag(orderAmounts(o).shipping, shop, o),
  currentTotalPriceSet: (o: OrderRecord, _a: unknown, { shop }: AdminContext) => moneyBag(orderAmounts(o, true).total, shop, o),
  currentSubtotalPriceSet: (o: OrderRecord, _a: unknown, { shop }: AdminContext) => moneyBag(orderAmounts(o, true).subtotal, shop, o),
  lineItems: (o: OrderRecord, args: ConnectionArgs) => paginate(o.lineItems, args, "lineItems"),
  shippingLines: (o: OrderRecord, args: ConnectionArgs) =>
    paginate(
      o.shippingLines.map((s) => ({ ...s, __typename: "ShippingLine" as const, order: o })),
      args,
      "shippingLines",
    ),
  fulfillmentOrders: (o: OrderRecord, args: ConnectionArgs, { shop }: AdminContext) => paginate(fulfillmentOrdersOf(shop, o), args, "fulfillmentOrders"),
  fulfillments: (o: OrderRecord, args: { first?: number | null }, { shop }: AdminContext) => shop.fulfillments.filter((f) => f.orderId === o.id).slice(0, args.first ?? undefined),
  transactions: (o: OrderRecord) => o.transactions,
  customer: (o: OrderRecord, _a: unknown, { shop }: AdminContext) => (o.customer ? (shop.customers.find((c) => c.id === o.customer!.id) ?? null) : null),
  // MailingAddress stays a plain object in its API shape (graphql/customers.ts).
  billingAddress: (o: OrderRecord) => o.billingAddress,
  shippingAddress: (o: OrderRecord) => o.shippingAddress,
};

const ShippingLine = {
  id: (s: { id: number }) => gid("ShippingLine", s.id),
  title: (s: { title: string }) => s.title,
  code: (s: { code: string | null }) => s.code,
  source: (s: { source: string | null }) => s.source,
  originalPriceSet: (s: { price: MoneyPair; order: OrderRecord }, _a: unknown, { shop }: AdminContext) => moneyBag(s.price, shop, s.order),
  discountedPriceSet: (s: { price: MoneyPair; order: OrderRecord }, _a: unknown, { shop }: AdminContext) => moneyBag(s.price, shop, s.order),
  taxLines: (s: { taxLines: TaxLineRecord[]; order: OrderRecord }, _a: unknown, { shop }: AdminContext) =>
    s.taxLines.map((t) => ({ title: t.title, rate: t.rate, ratePercentage: t.rate * 100, priceSet: moneyBag(t.price, shop, s.order), channelLiable: false })),
};

const LineItem = {
  id: (l: LineItemRecord) => gid("LineItem", l.id),
  name: (l: LineItemRecord) => (l.variantTitle ? `${l.title} - ${l.variantTitle}` : l.title),
  title: (l: LineItemRecord) => l.title,
  variantTitle: (l: LineItemRecord) => l.variantTitle,
  sku: (l: LineItemRecord) => l.sku,
  vendor: (l: LineItemRecord) => l.vendor,
  quantity: (l: LineItemRecord) => l.quantity,
  currentQuantity: (l: LineItemRecord) => l.currentQuantity,
  unfulfilledQuantity: (l: LineItemRecord, _a: unknown, { shop }: AdminContext) => unfulfilledQuantity(shop, l),
  taxable: (l: LineItemRecord) => l.taxable,
  requiresShipping: (l: LineItemRecord) => l.requiresShipping,
  isGiftCard: (l: LineItemRecord) => l.giftCard,
  customAttributes: (l: LineItemRecord) => l.properties.map((p) => ({ key: p.name, value: p.value })),
  variant: (l: LineItemRecord, _a: unknown, { shop }: AdminContext) => recordOf(shop, "ProductVariant", l.variantId),
  product: (l: LineItemRecord, _a: unknown, { shop }: AdminContext) => recordOf(shop, "Product", l.productId),
  originalUnitPriceSet: (l: LineItemRecord, _a: unknown, { shop }: AdminContext) => moneyBag(l.price, shop, orderOf(shop, l.orderId)),
  discountedUnitPriceSet: (l: LineItemRecord, _a: unknown, { shop }: AdminContext) =>
    moneyBag(addPairs(l.price, scalePair(l.discount, -1 / Math.max(1, l.quantity))), shop, orderOf(shop, l.orderId)),
  originalTotalSet: (l: LineItemRecord, _a: unknown, { shop }: AdminContext) => moneyBag(scalePair(l.price, l.quantity), shop, orderOf(shop, l.orderId)),
  totalDiscountSet: (l: LineItemRecord, _a: unknown, { shop }: AdminContext) => moneyBag(l.discount, shop, orderOf(shop, l.orderId)),
  taxLines: (l: LineItemRecord, _a: unknown, { shop }: AdminContext) =>
    l.taxLines.map((t) => ({ title: t.title, rate: t.rate, ratePercentage: t.rate * 100, priceSet: moneyBag(t.price, shop, orderOf(shop, l.orderId)), channelLiable: false })),
};

const FulfillmentOrder = {
  id: (fo: FulfillmentOrderRecord) => gid("FulfillmentOrder", fo.id),
  status: (fo: FulfillmentOrderRecord) => fo.status,
  requestStatus: () => "UNSUBMITTED",
  createdAt: (fo: FulfillmentOrderRecord) => iso(fo.createdAt),
  updatedAt: (fo: FulfillmentOrderRecord) => iso(fo.updatedAt),
  orderId: (fo: FulfillmentOrderRecord) => gid("Order", fo.orderId),
  order: (fo: FulfillmentOrderRecord, _a: unknown, { shop }: AdminContext) => orderOf(shop, fo.orderId),
  orderName: (fo: FulfillmentOrderRecord, _a: unknown, { shop }: AdminContext) => orderOf(shop, fo.orderId).name,
  assignedLocation: (fo: FulfillmentOrderRecord, _a: unknown, { shop }: AdminContext) => {
    const location = recordOf<LocationRecord>(shop, "Location", fo.locationId);
    return { name: location?.name ?? "", location, countryCode: location?.address.countryCode ?? null, city: location?.address.city ?? null };
  },
  deliveryMethod: (fo: FulfillmentOrderRecord) => ({ __typename: "DeliveryMethod", id: gid("DeliveryMethod", fo.id), methodType: fo.deliveryMethod }),
  fulfillmentHolds: (fo: FulfillmentOrderRecord) =>
    fo.holds.map((h) => ({ id: gid("FulfillmentHold", h.id), reason: h.reason, reasonNotes: h.reasonNotes, displayReason: h.reason.toLowerCase().replace(/_/g, " ") })),
  lineItems: (fo: FulfillmentOrderRecord, args: ConnectionArgs) => paginate(fo.lineItems, args, "lineItems"),
};

const FulfillmentOrderLineItem = {
  id: (l: FulfillmentOrderRecord["lineItems"][number]) => gid("FulfillmentOrderLineItem", l.id),
  totalQuantity: (l: FulfillmentOrderRecord["lineItems"][number]) => l.totalQuantity,
  remainingQuantity: (l: FulfillmentOrderRecord["lineItems"][number]) => l.remainingQuantity,
  lineItem: (l: FulfillmentOrderRecord["lineItems"][number], _a: unknown, { shop }: AdminContext) => lineOf(shop, l.lineItemId),
  sku: (l: FulfillmentOrderRecord["lineItems"][number], _a: unknown, { shop }: AdminContext) => lineOf(shop, l.lineItemId).sku,
  variant: (l: FulfillmentOrderRecord["lineItems"][number], _a: unknown, { shop }: AdminContext) => recordOf(shop, "ProductVariant", lineOf(shop, l.lineItemId).variantId),
  inventoryItemId: (l: FulfillmentOrderRecord["lineItems"][number], _a: unknown, { shop }: AdminContext) => {
    const variant = recordOf<VariantRecord>(shop, "ProductVariant", lineOf(shop, l.lineItemId).variantId);
    return variant ? gid("InventoryItem", variant.inventoryItemId) : null;
  },
};

const OrderTransaction = {
  id: (t: TransactionRecord) => gid("OrderTransaction", t.id),
  kind: (t: TransactionRecord) => t.kind,
  status: (t: TransactionRecord) => t.status,
  gateway: (t: TransactionRecord) => t.gateway,
  createdAt: (t: TransactionRecord) => iso(t.createdAt),
  amountSet: (t: TransactionRecord, _a: unknown, { shop }: AdminContext) => moneyBag(t.amount, shop, orderOf(shop, t.orderId)),
};

const Job = {
  id: (j: JobRecord) => gid("Job", j.id),
  done: (j: JobRecord) => j.done,
  // "This field will only resolve once the job is done" (Job.query).
  query: (j: JobRecord) => (j.done ? {} : null),
};

export const orderTypes = { Order, LineItem, ShippingLine, FulfillmentOrder, FulfillmentOrderLineItem, OrderTransaction, Job };

export function orderNode(shop: ShopState, type: string, id: number): unknown | undefined {
  if (["Order", "LineItem", "FulfillmentOrder", "Fulfillment", "FulfillmentLineItem", "Return", "ReturnLineItem", "Refund"].includes(type)) return recordOf(shop, type, id);
  return undefined;
}
