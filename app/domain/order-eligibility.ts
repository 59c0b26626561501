import type { ShopifyOrder } from "./shopify-order";

/**
 * Whether a Shopify order becomes a Tenon sales order (seed 004 "Shopify orders that are
 * imported", product.md "Orders in"). All must hold: open (not archived), not cancelled, not
 * fully refunded, paid (or payment pending when the store allows it), unfulfilled or partially
 * fulfilled, no fulfillment on hold, created on/after the import window's start. The first rule
 * that fails is returned, so the activity log can say why an order was skipped.
 *
 * An order skipped for a reason that can pass later (payment captured, hold released) is imported
 * when it does: the pipeline evaluates it again on every change. The window rule is waived for
 * an order Tenon already tracked while sync was active (`trackedWhileActive`), so a pause does not
 * strand an order that was waiting for its payment.
 */

export type EligibilityRule =
  | "cancelled"
  | "refunded"
  | "archived"
  | "fulfilled"
  | "on_hold"
  | "payment_pending"
  | "not_paid"
  | "before_window";

export type Eligibility = { eligible: true } | { eligible: false; rule: EligibilityRule; message: string };

export interface EligibilityContext {
  /** The store's "Payment pending orders" setting. */
  importPaymentPending: boolean;
  /** Orders created before this are not imported (first activation: 14 days back; later: the activation). */
  windowStart: Date;
  /** Tenon already tracked the order while sync was active (skipped then for another rule). */
  trackedWhileActive?: boolean;
}

export type EligibilityInput = Pick<
  ShopifyOrder,
  "name" | "createdAt" | "closed" | "cancelledAt" | "financialStatus" | "fulfillmentStatus" | "lines" | "fulfillmentOrders"
>;

const PAID = new Set(["PAID", "PARTIALLY_REFUNDED"]);
const PENDING = new Set(["PENDING", "AUTHORIZED", "PARTIALLY_PAID"]);

export const BACKFILL_DAYS = 14;

/** The first activation imports orders created in the last 14 days; later ones start at the activation. */
export function importWindowStart(activatedAt: Date, firstActivation: boolean): Date {
  return firstActivation ? new Date(activatedAt.getTime() - BACKFILL_DAYS * 24 * 3600_000) : activatedAt;
}

export function orderEligibility(order: EligibilityInput, context: EligibilityContext): Eligibility {
  const skip = (rule: EligibilityRule, message: string): Eligibility => ({ eligible: false, rule, message });
  if (order.cancelledAt) return skip("cancelled", `${order.name} is cancelled in Shopify.`);
  if (order.financialStatus === "REFUNDED") return skip("refunded", `${order.name} is fully refunded in Shopify.`);
  const unfulfilled = order.lines.some((l) => l.unfulfilledQuantity > 0);
  const fulfilled = order.fulfillmentStatus === "FULFILLED" || order.fulfillmentStatus === "RESTOCKED" || !unfulfilled;
  // Shopify archives a fulfilled and paid order by itself (the store's "Automatically archive
  // the order" setting, on in new stores; ADR 028): such an order is skipped as fulfilled.
  if (order.closed && !fulfilled) return skip("archived", `${order.name} is archived in Shopify.`);
  if (fulfilled) return skip("fulfilled", `${order.name} is already fulfilled in Shopify; fulfilled orders are not imported.`);
  if (order.fulfillmentStatus === "ON_HOLD" || order.fulfillmentOrders.some((fo) => fo.status === "ON_HOLD")) {
    return skip("on_hold", `${order.name} has a fulfillment on hold in Shopify; it is imported once the hold is released.`);
  }
  if (!PAID.has(order.financialStatus)) {
    if (PENDING.has(order.financialStatus)) {
      if (!context.importPaymentPending) {
        return skip(
          "payment_pending",
          `${order.name} is not paid yet (payment pending). It is imported once paid, or turn on "Payment pending orders" on the Orders tab.`,
        );
      }
    } else {
      return skip("not_paid", `${order.name} has no payment (${order.financialStatus.toLowerCase().replace(/_/g, " ")}).`);
    }
  }
  // Shopify's timestamps have whole seconds: an order placed in the second sync was activated
  // (createdAt …:10 for an activation at …:10.6) was placed while sync was active.
  if (order.createdAt.getTime() < wholeSecond(context.windowStart) && !context.trackedWhileActive) {
    return skip(
      "before_window",
      `${order.name} was created before sync was activated (${context.windowStart.toISOString().slice(0, 10)}); older orders are not imported automatically.`,
    );
  }
  return { eligible: true };
}

function wholeSecond(date: Date): number {
  return Math.floor(date.getTime() / 1000) * 1000;
}
