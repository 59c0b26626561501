import { addressFromShopify, customerName, type TenonAddress } from "./customer-import";
import { fromUnits, toUnits, type DecimalString } from "./quantity";
import type { Settings } from "./settings";
import { lineLocations, type OrderAddress, type OrderLine, type ShopifyOrder } from "./shopify-order";

/**
 * A Shopify order → the sales order Tenon creates (seed 004 "Data mapping", product.md
 * "Orders in"). Pure: the service looks up what Tenon knows (the SKU map, variants by code, the
 * location mapping) and writes what this decides.
 *
 * - number = the order's name (#1001); order date = Shopify's created date; delivery date =
 *   created + the longest default delivery time of the order's products;
 * - customer: the service matches it (Shopify id → email → name) or creates it from `customer`;
 *   bill-to / ship-to from the order's addresses;
 * - lines: through the SKU map (Shopify variant → Tenon variant), else the SKU (a variant code),
 *   else a new item is created and the row flagged for review; custom lines without SKU become a
 *   service or a product named after the line (the "custom line items" setting); physical custom
 *   lines are products;
 * - quantity = Shopify's current quantity (units removed by edits or refunds are gone);
 * - price per unit net of tax when the order's prices include tax (price / (1 + the line's tax
 *   rate)); discount % per row = the discount Shopify allocated to the line / the line's total,
 *   so an order discount is spread proportionally;
 * - shipping: one shipping-fee row with the order's shipping (net of tax likewise), if the
 *   setting is on and there is any;
 * - currency = the customer's (presentment) currency; exchange rate fixed now = shop amount /
 *   presentment amount of the order total;
 * - row location = the Tenon location mapped to the line's fulfillment-order location, else the
 *   default location for orders (flagged).
 */

export interface TenonItemRef {
  variantId: string;
  productKind: "physical" | "service";
  defaultDeliveryDays: number;
}

export interface MappingContext {
  settings: Pick<Settings, "orders">;
  /** The store's SKU map: Shopify variant gid → Tenon variant. */
  byShopifyVariant: ReadonlyMap<string, TenonItemRef>;
  /** Tenon variants by code (the newest per code). */
  bySku: ReadonlyMap<string, TenonItemRef>;
  /** Shopify location gid → the mapped Tenon location (null: unmapped). */
  locationFor: ReadonlyMap<string, string | null>;
  defaultLocationId: string | null;
}

export type RowItem =
  | { kind: "existing"; variantId: string; productKind: "physical" | "service" }
  /** A new Tenon product + variant (unknown SKU, or a custom line); the service reuses one it created before by SKU or name. */
  | { kind: "create"; productName: string; variantName: string; sku: string | null; productKind: "physical" | "service"; salesPrice: DecimalString };

export interface RowDraft {
  externalLineId: string;
  item: RowItem;
  description: string;
  quantity: DecimalString;
  pricePerUnit: DecimalString;
  discountPercent: DecimalString;
  /** Null for service rows. */
  locationId: string | null;
  needsReview: boolean;
  /** The Shopify location the line ships from (for later location changes). */
  shopifyLocationId: string | null;
}

export interface CustomerDraft {
  shopifyId: string | null;
  name: string;
  email: string | null;
  billingAddress: TenonAddress | null;
  shippingAddress: TenonAddress | null;
}

export interface SalesOrderDraft {
  number: string;
  orderDate: Date;
  deliveryDate: Date;
  customer: CustomerDraft | null;
  billTo: TenonAddress | null;
  shipTo: TenonAddress | null;
  customerReference: string | null;
  currency: string;
  exchangeRate: DecimalString;
  rows: RowDraft[];
  /** Net price of the one shipping-fee row; null: no row. */
  shippingFee: DecimalString | null;
  needsReview: boolean;
  reviewNotes: string[];
}

const DAY_MS = 24 * 3600_000;

export function toTenonAddress(address: OrderAddress | null): TenonAddress | null {
  return address ? addressFromShopify({ id: "", ...address }) : null;
}

/** price / (1 + rate), rounded to 4 decimal places. */
export function netOfTax(price: string, rate: number): DecimalString {
  const ppm = BigInt(Math.round(rate * 1_000_000));
  if (ppm <= 0n) return fromUnits(toUnits(price));
  const units = toUnits(price) * 1_000_000n;
  const divisor = 1_000_000n + ppm;
  return fromUnits((units + divisor / 2n) / divisor);
}

/** The line's discount as a percentage of its total (4 decimal places, 0–100). */
export function discountPercent(line: Pick<OrderLine, "unitPrice" | "quantity" | "totalDiscount">): DecimalString {
  const total = toUnits(line.unitPrice) * BigInt(line.quantity);
  const discount = toUnits(line.totalDiscount);
  if (total <= 0n || discount <= 0n) return "0";
  if (discount >= total) return "100";
  // percent = discount / total × 100, in units of 1/10,000.
  return fromUnits((discount * 100n * 10_000n + total / 2n) / total);
}

/** 1 unit of the order's currency in the shop's currency, from the order total (4 decimal places). */
export function exchangeRate(order: Pick<ShopifyOrder, "currency" | "shopCurrency" | "totalShop" | "totalPresentment">): DecimalString {
  if (order.currency === order.shopCurrency) return "1";
  const shop = toUnits(order.totalShop);
  const presentment = toUnits(order.totalPresentment);
  if (shop <= 0n || presentment <= 0n) return "1";
  return fromUnits((shop * 10_000n + presentment / 2n) / presentment);
}

export function customerDraft(order: Pick<ShopifyOrder, "customer" | "email" | "billingAddress" | "shippingAddress">): CustomerDraft | null {
  const billing = toTenonAddress(order.billingAddress);
  const shipping = toTenonAddress(order.shippingAddress) ?? billing;
  if (order.customer) {
    return {
      shopifyId: order.customer.id,
      // A customer known only by email or phone is named after the billing address when it has a name.
      name: [order.customer.firstName, order.customer.lastName].some((n) => n?.trim()) ? customerName(order.customer) : (billing?.name ?? customerName(order.customer)),
      email: order.customer.email ?? order.email,
      billingAddress: billing,
      shippingAddress: shipping,
    };
  }
  const name = billing?.name ?? shipping?.name ?? order.email;
  if (!name) return null;
  return { shopifyId: null, name, email: order.email, billingAddress: billing, shippingAddress: shipping };
}

function lineName(line: Pick<OrderLine, "title" | "variantTitle">): string {
  return line.variantTitle ? `${line.title} — ${line.variantTitle}` : line.title;
}

/** Which Tenon item a line is, and whether a person should look at it. */
export function resolveLineItem(
  line: OrderLine,
  context: Pick<MappingContext, "byShopifyVariant" | "bySku" | "settings">,
  unitNet: DecimalString,
): { item: RowItem; needsReview: boolean; note: string | null; deliveryDays: number } {
  const sku = line.sku?.trim() || null;
  const known = (line.variantId ? context.byShopifyVariant.get(line.variantId) : undefined) ?? (sku ? context.bySku.get(sku) : undefined);
  if (known) {
    return {
      item: { kind: "existing", variantId: known.variantId, productKind: known.productKind },
      needsReview: false,
      note: null,
      deliveryDays: known.defaultDeliveryDays,
    };
  }
  if (line.variantId || sku) {
    return {
      item: { kind: "create", productName: line.title, variantName: line.variantTitle ?? "", sku, productKind: line.requiresShipping ? "physical" : "service", salesPrice: unitNet },
      needsReview: true,
      note: `${lineName(line)}${sku ? ` (SKU ${sku})` : ""} was not in Tenon: a new item was created; check it.`,
      deliveryDays: 0,
    };
  }
  // A custom (one-off) line without SKU.
  const physical = line.requiresShipping;
  const asService = !physical && context.settings.orders.customNonPhysicalLines === "service";
  return {
    item: { kind: "create", productName: line.title, variantName: "", sku: null, productKind: asService ? "service" : "physical", salesPrice: unitNet },
    needsReview: !asService,
    note: asService ? null : `The custom line "${line.title}" became a product in Tenon; check it.`,
    deliveryDays: 0,
  };
}

export function mapOrder(order: ShopifyOrder, context: MappingContext): SalesOrderDraft {
  const locations = lineLocations(order);
  const notes: string[] = [];
  let needsReview = false;
  let deliveryDays = 0;
  const rows: RowDraft[] = [];
  for (const line of order.lines) {
    if (line.currentQuantity <= 0) continue;
    const unit = order.taxesIncluded ? netOfTax(line.unitPrice, line.taxRate) : fromUnits(toUnits(line.unitPrice));
    const resolved = resolveLineItem(line, context, unit);
    deliveryDays = Math.max(deliveryDays, resolved.deliveryDays);
    if (resolved.note) notes.push(resolved.note);
    let rowReview = resolved.needsReview;
    const isStock = resolved.item.productKind === "physical";
    const shopifyLocationId = locations.get(line.id) ?? null;
    let locationId: string | null = null;
    if (isStock) {
      const mapped = shopifyLocationId ? (context.locationFor.get(shopifyLocationId) ?? null) : null;
      locationId = mapped ?? context.defaultLocationId;
      if (!mapped) {
        rowReview = true;
        notes.push(`${lineName(line)}: its Shopify location is not mapped to a Tenon location; the default location for orders was used.`);
      }
    }
    needsReview ||= rowReview;
    rows.push({
      externalLineId: line.id,
      item: resolved.item,
      description: lineName(line),
      quantity: String(line.currentQuantity),
      pricePerUnit: unit,
      discountPercent: discountPercent(line),
      locationId,
      needsReview: rowReview,
      shopifyLocationId,
    });
  }
  let shippingFee: DecimalString | null = null;
  if (context.settings.orders.shippingFeeLine) {
    const total = order.shippingLines.reduce(
      (sum, s) => sum + toUnits(order.taxesIncluded ? netOfTax(s.price, s.taxRate) : s.price),
      0n,
    );
    if (total > 0n) shippingFee = fromUnits(total);
  }
  if (order.fulfillmentStatus === "PARTIALLY_FULFILLED") {
    notes.push(`${order.name} was already partly fulfilled in Shopify when it was imported.`);
  }
  const customer = customerDraft(order);
  return {
    number: order.name,
    orderDate: order.createdAt,
    deliveryDate: new Date(order.createdAt.getTime() + deliveryDays * DAY_MS),
    customer,
    billTo: customer?.billingAddress ?? null,
    shipTo: customer?.shippingAddress ?? null,
    customerReference: order.poNumber?.trim() || null,
    currency: order.currency,
    exchangeRate: exchangeRate(order),
    rows,
    shippingFee,
    needsReview,
    reviewNotes: notes,
  };
}
