import { checkMovementDate, type ClosingDate } from "./locked-period";
import {
  fromUnits,
  parseQuantity,
  toUnits,
  DECIMAL_PLACES,
  type DecimalLike,
  type DecimalString,
  type QuantityErrorCode,
} from "./quantity";
import type { RowState } from "./stock-levels";

/**
 * Sales orders (issue 5, "Sales orders"): row states, the checks behind every row and order
 * action, the plan of a (partial) delivery, the shipping-fee row and order totals.
 *
 * Row states: not_shipped → packed → delivered. A row may be delivered straight from
 * not_shipped, and unpacked (packed → not_shipped). Delivered is final: goods that come back go
 * through a return order. Invoicing is a flag beside the state, not a state.
 *
 * Stock rows (a variant that is not a service, and not the shipping fee) move stock when
 * delivered; service rows and the shipping fee follow the same states so the order's status
 * reads naturally, but never move or commit stock.
 */

export type { RowState };

export interface SalesRow {
  id: string;
  variantId: string | null;
  isShippingFee: boolean;
  /** The row's variant is a service product. */
  isService: boolean;
  quantity: DecimalLike;
  pricePerUnit: DecimalLike;
  discountPercent: DecimalLike;
  locationId: string | null;
  state: RowState;
  invoiced: boolean;
  /** When the delivery movement is dated; set on delivered rows. */
  deliveredAt?: Date | null;
  manufacturingOrderId?: string | null;
}

export type Refusal<Code extends string> = { ok: false; code: Code; message: string };
type PeriodLocked = { ok: false; code: "PERIOD_LOCKED"; closingDate: string; message: string };

export interface PeriodContext {
  /** The account's closing date of locked inventory periods, or null. */
  closingDate: ClosingDate | null;
  timeZone?: string;
}

export function isStockRow(row: Pick<SalesRow, "variantId" | "isShippingFee" | "isService">): boolean {
  return row.variantId !== null && !row.isShippingFee && !row.isService;
}

export const rowStateLabel: Record<RowState, string> = {
  not_shipped: "Not shipped",
  packed: "Packed",
  delivered: "Delivered",
};

// ───────────────────────────── state transitions ─────────────────────────────

export type TransitionCode = "ROW_ALREADY_IN_STATE" | "ROW_DELIVERED_FINAL";

/** Whether a row may move from its state to `to` (the state machine alone, no quantities). */
export function checkRowTransition(row: Pick<SalesRow, "state">, to: RowState): { ok: true } | Refusal<TransitionCode> {
  if (row.state === "delivered") {
    return {
      ok: false,
      code: "ROW_DELIVERED_FINAL",
      message: "This row is already delivered and cannot change. If goods came back, create a return order.",
    };
  }
  if (row.state === to) {
    return { ok: false, code: "ROW_ALREADY_IN_STATE", message: `This row is already ${rowStateLabel[to]}.` };
  }
  return { ok: true };
}

export function canPack(row: Pick<SalesRow, "state">): { ok: true } | Refusal<TransitionCode> {
  return checkRowTransition(row, "packed");
}

export function canUnpack(row: Pick<SalesRow, "state">): { ok: true } | Refusal<TransitionCode | "ROW_NOT_PACKED"> {
  if (row.state === "not_shipped") {
    return { ok: false, code: "ROW_NOT_PACKED", message: "This row is not packed, so there is nothing to unpack." };
  }
  return checkRowTransition(row, "not_shipped");
}

// ───────────────────────────── delivery ─────────────────────────────

export interface DeliveryMovement {
  kind: "sales_delivery";
  variantId: string;
  locationId: string;
  /** Negative: out of stock. For a batch-tracked variant, split it over `pickBatchesFifo`. */
  quantity: DecimalString;
  occurredAt: Date;
  salesOrderRowId: string;
}

export interface DeliveryPlan {
  rowId: string;
  /** The row becomes delivered with this quantity. */
  deliveredQuantity: DecimalString;
  /**
   * Partial delivery: a new row with the rest, copying every field of the row (price, discount,
   * location, invoiced flag) and keeping its previous state. The linked manufacturing order stays
   * on the original (delivered) row. Null for a whole delivery.
   */
  split: { remainingQuantity: DecimalString; state: RowState } | null;
  /** Null for service and shipping-fee rows. */
  movement: DeliveryMovement | null;
}

export type DeliveryRefusalCode =
  | TransitionCode
  | "ROW_NO_LOCATION"
  | "DELIVERY_EXCEEDS_ROW"
  | QuantityErrorCode
  | "PERIOD_LOCKED";

export type DeliveryCheck = { ok: true; plan: DeliveryPlan } | Refusal<DeliveryRefusalCode> | PeriodLocked;

export interface DeliveryContext extends PeriodContext {
  /** The delivery's date (the movement's date). */
  date: Date;
}

/**
 * Whether the row can be delivered, wholly (quantity omitted) or partly (merchant input), and
 * what to write. Stock is not checked here: a batch-tracked variant is refused by
 * `pickBatchesFifo` when the batches fall short; other variants may go negative (oversold).
 */
export function canDeliver(row: SalesRow, quantity: unknown, context: DeliveryContext): DeliveryCheck {
  const transition = checkRowTransition(row, "delivered");
  if (!transition.ok) return transition;
  const stock = isStockRow(row);
  if (stock && row.locationId === null) {
    return { ok: false, code: "ROW_NO_LOCATION", message: "Choose a location for this row before delivering it." };
  }
  const rowUnits = toUnits(row.quantity);
  let deliverUnits = rowUnits;
  if (quantity !== undefined && quantity !== null && quantity !== "") {
    const parsed = parseQuantity(quantity, { label: "quantity to deliver" });
    if (!parsed.ok) return parsed;
    deliverUnits = toUnits(parsed.value);
    if (deliverUnits > rowUnits) {
      return {
        ok: false,
        code: "DELIVERY_EXCEEDS_ROW",
        message: `You can deliver at most ${fromUnits(rowUnits)} on this row. Enter a smaller quantity, or raise the row's quantity first.`,
      };
    }
  }
  if (stock) {
    const period = checkMovementDate(context.date, context.closingDate, {
      timeZone: context.timeZone,
      subject: "this delivery",
    });
    if (!period.ok) return period;
  }
  const remaining = rowUnits - deliverUnits;
  return {
    ok: true,
    plan: {
      rowId: row.id,
      deliveredQuantity: fromUnits(deliverUnits),
      split: remaining > 0n ? { remainingQuantity: fromUnits(remaining), state: row.state } : null,
      movement: stock
        ? {
            kind: "sales_delivery",
            variantId: row.variantId!,
            locationId: row.locationId!,
            quantity: fromUnits(-deliverUnits),
            occurredAt: context.date,
            salesOrderRowId: row.id,
          }
        : null,
    },
  };
}

export type OrderDeliveryCheck =
  | { ok: true; plans: DeliveryPlan[] }
  | { ok: false; code: "ORDER_ALREADY_DELIVERED" | "ORDER_EMPTY"; message: string }
  | { ok: false; code: "ROWS_REFUSED"; message: string; refusals: { rowId: string; code: string; message: string }[] };

/** Deliver every row not yet delivered, all or nothing. */
export function canDeliverOrder(rows: readonly SalesRow[], context: DeliveryContext): OrderDeliveryCheck {
  if (rows.length === 0) return { ok: false, code: "ORDER_EMPTY", message: "This order has no rows to deliver. Add a row first." };
  const open = rows.filter((row) => row.state !== "delivered");
  if (open.length === 0) return { ok: false, code: "ORDER_ALREADY_DELIVERED", message: "Every row of this order is already delivered." };
  const plans: DeliveryPlan[] = [];
  const refusals: { rowId: string; code: string; message: string }[] = [];
  for (const row of open) {
    const check = canDeliver(row, undefined, context);
    if (check.ok) plans.push(check.plan);
    else refusals.push({ rowId: row.id, code: check.code, message: check.message });
  }
  if (refusals.length > 0) {
    return {
      ok: false,
      code: "ROWS_REFUSED",
      message: `${refusals.length === 1 ? "One row" : `${refusals.length} rows`} cannot be delivered, so nothing was delivered. Fix the rows marked below and try again.`,
      refusals,
    };
  }
  return { ok: true, plans };
}

// ───────────────────────────── invoicing ─────────────────────────────

export function canInvoice(row: Pick<SalesRow, "invoiced">): { ok: true } | Refusal<"ROW_ALREADY_INVOICED"> {
  if (row.invoiced) return { ok: false, code: "ROW_ALREADY_INVOICED", message: "This row is already invoiced." };
  return { ok: true };
}

/** Invoice the rows not yet invoiced. */
export function canInvoiceOrder(
  rows: readonly Pick<SalesRow, "id" | "invoiced">[],
): { ok: true; rowIds: string[] } | Refusal<"ORDER_EMPTY" | "ORDER_ALREADY_INVOICED"> {
  if (rows.length === 0) return { ok: false, code: "ORDER_EMPTY", message: "This order has no rows to invoice. Add a row first." };
  const rowIds = rows.filter((row) => !row.invoiced).map((row) => row.id);
  if (rowIds.length === 0) return { ok: false, code: "ORDER_ALREADY_INVOICED", message: "Every row of this order is already invoiced." };
  return { ok: true, rowIds };
}

// ───────────────────────────── deleting ─────────────────────────────

export interface DeleteContext extends PeriodContext {
  orderDate: Date;
}

export type DeleteRowCheck =
  | {
      ok: true;
      /** The row was delivered: its delivery movements are deleted with it (outside the locked period). */
      removesDeliveryMovements: boolean;
      /** A linked manufacturing order to unlink (it stays, without its row). */
      unlinkManufacturingOrderId: string | null;
    }
  | Refusal<"ROW_INVOICED">
  | PeriodLocked;

export function canDeleteRow(
  row: Pick<SalesRow, "invoiced" | "state" | "deliveredAt" | "manufacturingOrderId" | "variantId" | "isShippingFee" | "isService">,
  context: DeleteContext,
): DeleteRowCheck {
  if (row.invoiced) {
    return {
      ok: false,
      code: "ROW_INVOICED",
      message: "This row is invoiced and cannot be deleted. Credit the invoice in your accounting first, then delete the row.",
    };
  }
  const orderPeriod = checkMovementDate(context.orderDate, context.closingDate, {
    timeZone: context.timeZone,
    action: "delete",
    subject: "this order's row",
  });
  if (!orderPeriod.ok) return orderPeriod;
  const delivered = row.state === "delivered" && isStockRow(row);
  if (delivered && row.deliveredAt) {
    const movementPeriod = checkMovementDate(row.deliveredAt, context.closingDate, {
      timeZone: context.timeZone,
      action: "delete",
      subject: "the delivery of this row",
    });
    if (!movementPeriod.ok) return movementPeriod;
  }
  return { ok: true, removesDeliveryMovements: delivered, unlinkManufacturingOrderId: row.manufacturingOrderId ?? null };
}

export type DeleteOrderCheck =
  | {
      ok: true;
      /** Rows whose delivery movements are deleted with the order. */
      rowIdsWithDeliveryMovements: string[];
      unlinkManufacturingOrderIds: string[];
    }
  | { ok: false; code: "ROW_INVOICED"; rowIds: string[]; message: string }
  | (PeriodLocked & { rowIds: string[] });

/** Delete a whole order: refused if any row is invoiced or any date involved is locked. */
export function canDeleteOrder(rows: readonly SalesRow[], context: DeleteContext): DeleteOrderCheck {
  const invoiced = rows.filter((row) => row.invoiced).map((row) => row.id);
  if (invoiced.length > 0) {
    return {
      ok: false,
      code: "ROW_INVOICED",
      rowIds: invoiced,
      message: `This order has ${invoiced.length === 1 ? "an invoiced row" : `${invoiced.length} invoiced rows`} and cannot be deleted. Credit the invoice in your accounting first, or delete only the rows that are not invoiced.`,
    };
  }
  const orderPeriod = checkMovementDate(context.orderDate, context.closingDate, {
    timeZone: context.timeZone,
    action: "delete",
    subject: "this order",
  });
  if (!orderPeriod.ok) return { ...orderPeriod, rowIds: [] };
  const withMovements: string[] = [];
  const unlink: string[] = [];
  for (const row of rows) {
    const check = canDeleteRow(row, context);
    if (!check.ok) return { ...(check as PeriodLocked), rowIds: [row.id] };
    if (check.removesDeliveryMovements) withMovements.push(row.id);
    if (check.unlinkManufacturingOrderId) unlink.push(check.unlinkManufacturingOrderId);
  }
  return { ok: true, rowIdsWithDeliveryMovements: withMovements, unlinkManufacturingOrderIds: unlink };
}

// ───────────────────────────── shipping fee ─────────────────────────────

export type ShippingFeeProblem =
  | { code: "SHIPPING_FEE_DUPLICATE"; rowIds: string[]; message: string }
  | { code: "SHIPPING_FEE_HAS_STOCK_VARIANT"; rowIds: string[]; message: string }
  | { code: "SHIPPING_FEE_LINKED_TO_MO"; rowIds: string[]; message: string };

/**
 * The shipping-fee row rules: at most one per order; it is a service (no stock variant, never
 * committed, never delivered from stock) and cannot be made to order.
 */
export function checkShippingFeeRows(
  rows: readonly Pick<SalesRow, "id" | "isShippingFee" | "variantId" | "isService" | "manufacturingOrderId">[],
): ShippingFeeProblem[] {
  const fees = rows.filter((row) => row.isShippingFee);
  const problems: ShippingFeeProblem[] = [];
  if (fees.length > 1) {
    problems.push({
      code: "SHIPPING_FEE_DUPLICATE",
      rowIds: fees.slice(1).map((row) => row.id),
      message: "An order has at most one shipping-fee row. Add the amounts into one row and remove the others.",
    });
  }
  const stocked = fees.filter((row) => row.variantId !== null && !row.isService);
  if (stocked.length > 0) {
    problems.push({
      code: "SHIPPING_FEE_HAS_STOCK_VARIANT",
      rowIds: stocked.map((row) => row.id),
      message: "The shipping fee is a service and cannot be a stocked product. Leave its product empty or choose a service.",
    });
  }
  const linked = fees.filter((row) => row.manufacturingOrderId);
  if (linked.length > 0) {
    problems.push({
      code: "SHIPPING_FEE_LINKED_TO_MO",
      rowIds: linked.map((row) => row.id),
      message: "The shipping fee cannot be made to order. Unlink the manufacturing order from it.",
    });
  }
  return problems;
}

/** Whether a new shipping-fee row may be added to an order with these rows. */
export function canAddShippingFee(rows: readonly Pick<SalesRow, "isShippingFee">[]): { ok: true } | Refusal<"SHIPPING_FEE_DUPLICATE"> {
  if (rows.some((row) => row.isShippingFee)) {
    return {
      ok: false,
      code: "SHIPPING_FEE_DUPLICATE",
      message: "This order already has a shipping-fee row. Change its amount instead of adding another.",
    };
  }
  return { ok: true };
}

// ───────────────────────────── discounts and totals ─────────────────────────────

export type DiscountErrorCode = "DISCOUNT_INVALID" | "DISCOUNT_OUT_OF_RANGE" | "DISCOUNT_TOO_PRECISE";

/** A row's discount % as typed: 0 to 100, up to 4 decimal places; empty means 0. */
export function parseDiscountPercent(input: unknown): { ok: true; value: DecimalString } | Refusal<DiscountErrorCode> {
  if (input === undefined || input === null || (typeof input === "string" && input.trim() === "")) return { ok: true, value: "0" };
  const parsed = parseQuantity(input, { allowZero: true, allowNegative: true, label: "discount" });
  if (!parsed.ok) {
    if (parsed.code === "QUANTITY_TOO_PRECISE") {
      return { ok: false, code: "DISCOUNT_TOO_PRECISE", message: `Use at most ${DECIMAL_PLACES} decimal places for the discount.` };
    }
    if (parsed.code === "QUANTITY_TOO_LARGE") {
      return { ok: false, code: "DISCOUNT_OUT_OF_RANGE", message: "Enter a discount from 0 to 100 %." };
    }
    return { ok: false, code: "DISCOUNT_INVALID", message: "Enter the discount as a percentage, like 10 or 12.5." };
  }
  const units = toUnits(parsed.value);
  if (units < 0n || units > 100n * 10_000n) {
    return { ok: false, code: "DISCOUNT_OUT_OF_RANGE", message: "Enter a discount from 0 to 100 %." };
  }
  return { ok: true, value: parsed.value };
}

export interface RowTotals {
  /** quantity × price per unit. */
  gross: DecimalString;
  discount: DecimalString;
  /** gross × (1 − discount % / 100), rounded once, half away from zero, to 4 places. */
  net: DecimalString;
}

const SCALE = 10_000n;

function roundedDivide(a: bigint, b: bigint): bigint {
  const negative = a < 0n;
  const q = ((negative ? -a : a) + b / 2n) / b;
  return negative ? -q : q;
}

export function rowTotals(row: Pick<SalesRow, "quantity" | "pricePerUnit" | "discountPercent">): RowTotals {
  const quantity = toUnits(row.quantity);
  const price = toUnits(row.pricePerUnit);
  const discount = toUnits(row.discountPercent);
  // Units: quantity, price and percent are each × 10^4; (100 % − d) is in percent units.
  const gross = roundedDivide(quantity * price, SCALE);
  const net = roundedDivide(quantity * price * (100n * SCALE - discount), SCALE * SCALE * 100n);
  return { gross: fromUnits(gross), discount: fromUnits(gross - net), net: fromUnits(net) };
}

export interface OrderTotals {
  /** Sum of the rows' gross amounts, shipping fee included. */
  subtotal: DecimalString;
  discount: DecimalString;
  /** What the customer pays, in the order's currency. */
  total: DecimalString;
  /** The shipping-fee row's net amount ("0" without one). */
  shipping: DecimalString;
  /** total × exchange rate (1 unit of the order's currency in the account's currency). */
  totalInAccountCurrency: DecimalString;
}

/** Order totals as the sum of the rounded row totals, so rows always add up to the total shown. */
export function orderTotals(
  rows: readonly Pick<SalesRow, "quantity" | "pricePerUnit" | "discountPercent" | "isShippingFee">[],
  exchangeRate: DecimalLike = "1",
): OrderTotals {
  let gross = 0n;
  let net = 0n;
  let shipping = 0n;
  for (const row of rows) {
    const totals = rowTotals(row);
    gross += toUnits(totals.gross);
    net += toUnits(totals.net);
    if (row.isShippingFee) shipping += toUnits(totals.net);
  }
  return {
    subtotal: fromUnits(gross),
    discount: fromUnits(gross - net),
    total: fromUnits(net),
    shipping: fromUnits(shipping),
    totalInAccountCurrency: fromUnits(roundedDivide(net * toUnits(exchangeRate), SCALE)),
  };
}

// ───────────────────────────── order status ─────────────────────────────

export type OrderDeliveryStatus = "not_shipped" | "partially_packed" | "packed" | "partially_delivered" | "delivered";

/** The order's status from its rows; the shipping fee does not count. An order without rows is not shipped. */
export function orderDeliveryStatus(rows: readonly Pick<SalesRow, "state" | "isShippingFee">[]): OrderDeliveryStatus {
  const counted = rows.filter((row) => !row.isShippingFee);
  if (counted.length === 0) return "not_shipped";
  const delivered = counted.filter((row) => row.state === "delivered").length;
  const packed = counted.filter((row) => row.state === "packed").length;
  if (delivered === counted.length) return "delivered";
  if (delivered > 0) return "partially_delivered";
  if (packed === counted.length) return "packed";
  if (packed > 0) return "partially_packed";
  return "not_shipped";
}
