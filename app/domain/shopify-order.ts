import type { ShopifyAddress } from "./customer-import";

/**
 * A Shopify order as the order sync sees it (issue 7): the few fields eligibility, mapping and
 * the change rules need, read from the Admin API (app/shopify/order-documents.ts) and never from
 * a webhook payload, so the state applied is always Shopify's current one. Amounts are decimal
 * strings in the order's presentment currency (the customer's), except `totalShop`.
 */

export type FinancialStatus =
  | "AUTHORIZED"
  | "EXPIRED"
  | "PAID"
  | "PARTIALLY_PAID"
  | "PARTIALLY_REFUNDED"
  | "PENDING"
  | "REFUNDED"
  | "VOIDED";

/** A mailing address as Shopify gives it, without the customer-address id orders do not have. */
export type OrderAddress = Omit<ShopifyAddress, "id">;

/**
 * The order's customer. Without Shopify's approval for protected customer fields its names and
 * email are null (docs/decisions/023); the id is always there.
 */
export interface OrderCustomer {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
}

export interface OrderLine {
  /** gid://shopify/LineItem/N */
  id: string;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  /** gid://shopify/ProductVariant/N; null for a custom line or a deleted variant. */
  variantId: string | null;
  productId: string | null;
  /** As ordered. */
  quantity: number;
  /** After edits and refunds that removed units. */
  currentQuantity: number;
  unfulfilledQuantity: number;
  requiresShipping: boolean;
  /** Unit price before discounts (tax included when the order's prices include tax). */
  unitPrice: string;
  /** The discount allocated to the whole line. */
  totalDiscount: string;
  /** The sum of the line's tax rates as a fraction (0.19 for 19 %); 0 when untaxed. */
  taxRate: number;
}

export interface OrderShippingLine {
  title: string;
  /** After shipping discounts; tax included when the order's prices include tax. */
  price: string;
  /** The sum of its tax rates as a fraction; 0 when untaxed. */
  taxRate: number;
}

export type FulfillmentOrderStatus = "OPEN" | "IN_PROGRESS" | "CLOSED" | "CANCELLED" | "ON_HOLD" | "SCHEDULED" | "INCOMPLETE";

export interface OrderFulfillmentOrder {
  id: string;
  status: FulfillmentOrderStatus;
  /** The assigned Shopify location (gid), if any. */
  locationId: string | null;
  lineItems: { lineItemId: string; totalQuantity: number; remainingQuantity: number }[];
}

export interface ShopifyOrder {
  /** gid://shopify/Order/N */
  id: string;
  /** "#1001" */
  name: string;
  createdAt: Date;
  updatedAt: Date;
  /** Archived in Shopify admin. */
  closed: boolean;
  cancelledAt: Date | null;
  financialStatus: FinancialStatus;
  /** Shopify's displayFulfillmentStatus, e.g. UNFULFILLED, PARTIALLY_FULFILLED, FULFILLED, ON_HOLD. */
  fulfillmentStatus: string;
  taxesIncluded: boolean;
  /** The shop's currency. */
  shopCurrency: string;
  /** The customer's currency; amounts below are in it. */
  currency: string;
  /** The order total in the shop's and in the presentment currency (for the exchange rate). */
  totalShop: string;
  totalPresentment: string;
  poNumber: string | null;
  email: string | null;
  customer: OrderCustomer | null;
  billingAddress: OrderAddress | null;
  shippingAddress: OrderAddress | null;
  lines: OrderLine[];
  shippingLines: OrderShippingLine[];
  fulfillmentOrders: OrderFulfillmentOrder[];
}

/** Shopify's numeric id of a gid (`gid://shopify/Order/42` → "42"), for messages and links. */
export function legacyId(gid: string): string {
  return gid.slice(gid.lastIndexOf("/") + 1);
}

/**
 * The Shopify location each line is (to be) fulfilled from: the fulfillment order that still has
 * units of it to fulfil, else the last one that had it. Closed and cancelled fulfillment orders
 * count only when no open one has the line.
 */
export function lineLocations(order: Pick<ShopifyOrder, "fulfillmentOrders">): Map<string, string> {
  const open = new Map<string, string>();
  const any = new Map<string, string>();
  for (const fo of order.fulfillmentOrders) {
    if (!fo.locationId) continue;
    for (const line of fo.lineItems) {
      any.set(line.lineItemId, fo.locationId);
      const active = fo.status !== "CLOSED" && fo.status !== "CANCELLED";
      if (active && line.remainingQuantity > 0) open.set(line.lineItemId, fo.locationId);
    }
  }
  for (const [lineId, locationId] of any) if (!open.has(lineId)) open.set(lineId, locationId);
  return open;
}
