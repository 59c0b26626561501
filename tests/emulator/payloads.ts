/**
 * Webhook payloads in Shopify's REST shapes, for the pinned API version. Each validates against
 * the JSON Schema of its topic in npm `shopify-webhook-schemas` (2026-07); a test checks every
 * topic the emulator sends.
 */
import {
  displayFulfillmentStatus,
  fulfilledQuantity,
  money,
  orderAmounts,
  unfulfilledQuantity,
  type AddressRecord,
  type BulkOperationRecord,
  type Emitted,
  type FulfillmentRecord,
  type LineItemRecord,
  type MoneyPair,
  type FulfillmentOrderEvent,
  type FulfillmentOrderRecord,
  type OrderEditRecord,
  type ReturnRecord,
  type OrderRecord,
  type RefundRecord,
  type TaxLineRecord,
  type TransactionRecord,
  round2,
  ZERO,
} from "./commerce";
import { productOptions } from "./graphql/products";
import { levelsOfItem, recordOf, type InventoryItemRecord, type InventoryLevelRecord, type LocationRecord, type ProductRecord, type ShopState, type VariantRecord } from "./state";

/**
 * A REST payload timestamp: to the second, in the shop's time zone with its UTC offset
 * ("2026-12-04T10:00:00+01:00" for a Berlin shop), as Shopify's webhook payloads carry them
 * (https://shopify.dev/docs/apps/build/webhooks/delivery-structure, example payload:
 * "updated_at": "2025-04-22T14:30:00-05:00"). GraphQL answers stay in UTC.
 */
export function shopTimestamp(shop: Pick<ShopState, "ianaTimezone">, d: Date): string {
  const parts = Object.fromEntries(
    zoneFormat(shop.ianaTimezone)
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour! % 24, +parts.minute!, +parts.second!);
  const offsetMinutes = Math.round((local - Math.floor(d.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${parts.year}-${parts.month}-${parts.day}T${String(+parts.hour! % 24).padStart(2, "0")}:${parts.minute}:${parts.second}${offset}`;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();
function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    zoneFormats.set(timeZone, format);
  }
  return format;
}

export function inventoryLevelPayload(shop: ShopState, level: InventoryLevelRecord) {
  return {
    inventory_item_id: level.inventoryItemId,
    location_id: level.locationId,
    available: level.quantities.available,
    updated_at: shopTimestamp(shop, level.updatedAt),
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${level.id}?inventory_item_id=${level.inventoryItemId}`,
  };
}

const set = (p: MoneyPair, shop: ShopState, order: OrderRecord) => ({
  shop_money: { amount: money(p.shop), currency_code: shop.currencyCode },
  presentment_money: { amount: money(p.presentment), currency_code: order.presentmentCurrency },
});

/**
 * The schema (derived from Shopify's sample payloads) types addresses as objects of strings;
 * an order without an address gets empty strings rather than null.
 */
function addressPayload(a: AddressRecord | null, fallbackName: string) {
  const v = (x: string | null | undefined) => x ?? "";
  const first = v(a?.firstName);
  const last = v(a?.lastName);
  return {
    first_name: first,
    last_name: last,
    name: [first, last].filter(Boolean).join(" ") || fallbackName,
    company: a?.company ?? null,
    address1: v(a?.address1),
    address2: a?.address2 ?? null,
    city: v(a?.city),
    province: v(a?.province),
    province_code: v(a?.provinceCode),
    zip: v(a?.zip),
    country: v(a?.country),
    country_code: v(a?.countryCode),
    phone: v(a?.phone),
    latitude: null,
    longitude: null,
  };
}

const taxLinePayload = (t: TaxLineRecord, shop: ShopState, order: OrderRecord) => ({
  title: t.title,
  rate: t.rate,
  price: money(t.price.shop),
  price_set: set(t.price, shop, order),
  channel_liable: false,
});

function lineItemPayload(shop: ShopState, order: OrderRecord, line: LineItemRecord, quantity = line.quantity) {
  const variant = recordOf<VariantRecord>(shop, "ProductVariant", line.variantId);
  const fulfilled = fulfilledQuantity(shop, line);
  return {
    id: line.id,
    admin_graphql_api_id: `gid://shopify/LineItem/${line.id}`,
    attributed_staffs: [],
    current_quantity: line.currentQuantity,
    discount_allocations: line.discount.shop > 0 ? [{ amount: money(line.discount.shop), amount_set: set(line.discount, shop, order), discount_application_index: 0 }] : [],
    duties: [],
    fulfillable_quantity: unfulfilledQuantity(shop, line),
    fulfillment_service: "manual",
    fulfillment_status: fulfilled >= line.currentQuantity && fulfilled > 0 ? "fulfilled" : fulfilled > 0 ? "partial" : null,
    gift_card: line.giftCard,
    grams: 0,
    name: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
    price: money(line.price.shop),
    price_set: set(line.price, shop, order),
    product_exists: line.productId !== null,
    product_id: line.productId,
    properties: line.properties,
    quantity,
    requires_shipping: line.requiresShipping,
    sku: line.sku ?? "",
    tax_lines: line.taxLines.map((t) => taxLinePayload(t, shop, order)),
    taxable: line.taxable,
    title: line.title,
    total_discount: money(line.discount.shop),
    total_discount_set: set(line.discount, shop, order),
    variant_id: line.variantId,
    variant_inventory_management: variant ? "shopify" : null,
    variant_title: line.variantTitle,
    vendor: line.vendor,
  };
}

function fulfillmentPayload(shop: ShopState, order: OrderRecord, f: FulfillmentRecord) {
  const location = recordOf<LocationRecord>(shop, "Location", f.locationId);
  const tracking = f.tracking[0];
  return {
    id: f.id,
    admin_graphql_api_id: `gid://shopify/Fulfillment/${f.id}`,
    order_id: order.id,
    name: f.name,
    status: f.status === "SUCCESS" ? "success" : "cancelled",
    created_at: shopTimestamp(shop, f.createdAt),
    updated_at: shopTimestamp(shop, f.updatedAt),
    location_id: f.locationId,
    service: "manual",
    shipment_status: null,
    tracking_company: tracking?.company ?? "",
    tracking_number: tracking?.number ?? "",
    tracking_numbers: f.tracking.flatMap((t) => (t.number ? [t.number] : [])),
    tracking_url: tracking?.url ?? "",
    tracking_urls: f.tracking.flatMap((t) => (t.url ? [t.url] : [])),
    origin_address: {
      address1: location?.address.address1 ?? "",
      city: location?.address.city ?? "",
      country_code: location?.address.countryCode ?? "",
      province_code: location?.address.provinceCode ?? "",
      zip: location?.address.zip ?? "",
    },
    receipt: {},
    line_items: f.lineItems.flatMap((fl) => {
      const line = recordOf<LineItemRecord>(shop, "LineItem", fl.lineItemId);
      if (!line) return [];
      const payload = lineItemPayload(shop, order, line, fl.quantity);
      // A line inside a fulfillment always has a status (a cancelled fulfillment's is unfulfilled again).
      return [{ ...payload, fulfillment_status: payload.fulfillment_status ?? "unfulfilled" }];
    }),
  };
}

/** The REST order resource, which orders/create, orders/updated and orders/cancelled deliver. */
export function orderPayload(shop: ShopState, order: OrderRecord) {
  const original = orderAmounts(order);
  const current = orderAmounts(order, true);
  // Current amounts already leave out refunded and removed units (currentQuantity).
  const currentTotal = current.total;
  const paid = order.transactions.filter((t) => t.status === "SUCCESS" && (t.kind === "SALE" || t.kind === "CAPTURE")).reduce((n, t) => n + t.amount.shop, 0);
  const fulfillment = displayFulfillmentStatus(shop, order);
  const zero = { shop: 0, presentment: 0 };
  const taxLines = new Map<string, TaxLineRecord>();
  for (const t of [...order.lineItems.flatMap((l) => l.taxLines), ...order.shippingLines.flatMap((sl) => sl.taxLines)]) {
    const key = `${t.title}|${t.rate}`;
    const prev = taxLines.get(key);
    taxLines.set(key, prev ? { ...prev, price: { shop: prev.price.shop + t.price.shop, presentment: prev.price.presentment + t.price.presentment } } : t);
  }
  return {
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: false,
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    cancelled_at: order.cancelledAt ? shopTimestamp(shop, order.cancelledAt) : null,
    cart_token: null,
    checkout_token: null,
    client_details: { accept_language: null, browser_height: null, browser_width: null, session_hash: null },
    closed_at: order.closedAt ? shopTimestamp(shop, order.closedAt) : null,
    confirmation_number: null,
    confirmed: true,
    contact_email: order.email ?? "",
    created_at: shopTimestamp(shop, order.createdAt),
    currency: order.currency,
    current_shipping_price_set: set(current.shipping, shop, order),
    current_subtotal_price: money(current.subtotal.shop),
    current_subtotal_price_set: set(current.subtotal, shop, order),
    current_total_additional_fees_set: set(zero, shop, order),
    current_total_discounts: money(current.discounts.shop),
    current_total_discounts_set: set(current.discounts, shop, order),
    current_total_duties_set: set(zero, shop, order),
    current_total_price: money(currentTotal.shop),
    current_total_price_set: set(currentTotal, shop, order),
    current_total_tax: money(current.tax.shop),
    current_total_tax_set: set(current.tax, shop, order),
    customer: {
      id: 0,
      admin_graphql_api_id: "gid://shopify/Customer/0",
      created_at: null,
      updated_at: null,
      currency: order.currency,
      email: order.email ?? "",
      first_name: order.billingAddress?.firstName ?? "",
      last_name: order.billingAddress?.lastName ?? "",
      multipass_identifier: null,
      note: null,
      phone: order.phone,
      state: "disabled",
      tax_exempt: false,
      tax_exemptions: [],
      verified_email: false,
      default_address: {
        ...addressPayload(order.billingAddress, ""),
        id: 0,
        customer_id: 0,
        country_name: order.billingAddress?.country ?? "",
        default: true,
      },
    },
    customer_locale: null,
    device_id: null,
    discount_applications: order.discountCodes.map((d) => ({
      type: "discount_code",
      code: d.code,
      value: money(d.amount.shop),
      value_type: d.type === "percentage" ? "percentage" : "fixed_amount",
      allocation_method: "across",
      target_selection: "all",
      target_type: d.type === "shipping" ? "shipping_line" : "line_item",
    })),
    discount_codes: order.discountCodes.map((d) => ({ code: d.code, amount: money(d.amount.shop), type: d.type })),
    duties_included: false,
    email: order.email ?? "",
    estimated_taxes: false,
    financial_status: order.financialStatus.toLowerCase(),
    fulfillment_status: fulfillment === "FULFILLED" ? "fulfilled" : fulfillment === "PARTIALLY_FULFILLED" ? "partial" : null,
    fulfillments: shop.fulfillments.filter((f) => f.orderId === order.id).map((f) => fulfillmentPayload(shop, order, f)),
    landing_site: null,
    landing_site_ref: null,
    line_item_groups: [],
    line_items: order.lineItems.map((l) => lineItemPayload(shop, order, l)),
    location_id: order.retailLocationId,
    merchant_business_entity_id: `MBE${shop.id}`,
    merchant_of_record_app_id: null,
    name: order.name,
    note: order.note,
    note_attributes: [],
    number: order.number - 1000,
    order_number: order.number,
    order_status_url: `https://${shop.domain}/${shop.id}/orders/${order.id}/authenticate`,
    original_total_additional_fees_set: set(zero, shop, order),
    original_total_duties_set: set(zero, shop, order),
    payment_gateway_names: [...new Set(order.transactions.map((t) => t.gateway))],
    payment_terms: null,
    phone: order.phone,
    po_number: order.poNumber,
    presentment_currency: order.presentmentCurrency,
    processed_at: shopTimestamp(shop, order.processedAt),
    reference: null,
    referring_site: null,
    refunds: [],
    returns: [],
    shipping_address: addressPayload(order.shippingAddress, ""),
    billing_address: addressPayload(order.billingAddress, ""),
    shipping_lines: order.shippingLines.map((sl) => ({
      id: sl.id,
      carrier_identifier: null,
      code: sl.code,
      current_discounted_price_set: set(sl.price, shop, order),
      discount_allocations: [],
      discounted_price: money(sl.price.shop),
      discounted_price_set: set(sl.price, shop, order),
      is_removed: false,
      phone: null,
      price: money(sl.price.shop),
      price_set: set(sl.price, shop, order),
      requested_fulfillment_service_id: null,
      source: sl.source,
      tax_lines: sl.taxLines.map((t) => taxLinePayload(t, shop, order)),
      title: sl.title,
    })),
    source_identifier: null,
    source_name: order.sourceName,
    source_url: null,
    subtotal_price: money(original.subtotal.shop),
    subtotal_price_set: set(original.subtotal, shop, order),
    tags: order.tags.join(", "),
    tax_exempt: false,
    tax_lines: [...taxLines.values()].map((t) => taxLinePayload(t, shop, order)),
    taxes_included: order.taxesIncluded,
    test: order.test,
    token: `t${order.id.toString(16)}`,
    total_cash_rounding_payment_adjustment_set: set(zero, shop, order),
    total_cash_rounding_refund_adjustment_set: set(zero, shop, order),
    total_discounts: money(original.discounts.shop),
    total_discounts_set: set(original.discounts, shop, order),
    total_line_items_price: money(original.subtotalBeforeDiscount.shop),
    total_line_items_price_set: set(original.subtotalBeforeDiscount, shop, order),
    total_outstanding: money(Math.max(0, original.total.shop - paid)),
    total_price: money(original.total.shop),
    total_price_set: set(original.total, shop, order),
    total_shipping_price_set: set(original.shipping, shop, order),
    total_tax: money(original.tax.shop),
    total_tax_set: set(original.tax, shop, order),
    total_tip_received: "0.00",
    total_weight: 0,
    updated_at: shopTimestamp(shop, order.updatedAt),
    user_id: null,
  };
}

export function fulfillmentWebhookPayload(shop: ShopState, f: FulfillmentRecord) {
  const order = recordOf<OrderRecord>(shop, "Order", f.orderId);
  if (!order) throw new Error(`fulfillment ${f.id} has no order`);
  return { ...fulfillmentPayload(shop, order, f), email: order.email ?? "", destination: addressPayload(order.shippingAddress, "") };
}

export function locationPayload(shop: ShopState, l: LocationRecord) {
  return {
    id: l.id,
    admin_graphql_api_id: `gid://shopify/Location/${l.id}`,
    name: l.name,
    active: l.isActive,
    legacy: false,
    address1: l.address.address1 ?? "",
    address2: l.address.address2 ?? "",
    city: l.address.city ?? "",
    zip: l.address.zip ?? "",
    province: l.address.province ?? "",
    province_code: l.address.provinceCode ?? "",
    country: l.address.countryCode ?? "",
    country_code: l.address.countryCode ?? "",
    country_name: l.address.country ?? "",
    phone: l.address.phone ?? "",
    created_at: shopTimestamp(shop, l.createdAt),
    updated_at: shopTimestamp(shop, l.updatedAt),
  };
}

export function orderEditPayload(shop: ShopState, edit: OrderEditRecord) {
  return {
    order_edit: {
      id: edit.id,
      app_id: null,
      created_at: shopTimestamp(shop, edit.createdAt),
      committed_at: shopTimestamp(shop, edit.committedAt),
      notify_customer: edit.notifyCustomer,
      order_id: edit.orderId,
      staff_note: edit.staffNote,
      user_id: null,
      line_items: {
        additions: edit.additions.map((a) => ({ id: a.lineItemId, delta: a.delta })),
        removals: edit.removals.map((r) => ({ id: r.lineItemId, delta: r.delta })),
      },
      discounts: { line_item: { additions: [], removals: [] } },
      shipping_lines: { additions: [], removals: [] },
    },
  };
}

function transactionPayload(shop: ShopState, order: OrderRecord, t: TransactionRecord) {
  const unsettled = { amount: "0.00", currency: shop.currencyCode };
  return {
    id: t.id,
    admin_graphql_api_id: `gid://shopify/OrderTransaction/${t.id}`,
    amount: money(t.amount.shop),
    amount_rounding: null,
    authorization: null,
    created_at: shopTimestamp(shop, t.createdAt),
    currency: order.currency,
    device_id: null,
    error_code: null,
    gateway: t.gateway,
    kind: t.kind.toLowerCase(),
    location_id: null,
    manual_payment_gateway: t.gateway === "manual",
    message: null,
    order_id: order.id,
    parent_id: t.parentId,
    payment_id: `r${t.id}`,
    processed_at: shopTimestamp(shop, t.createdAt),
    receipt: {},
    source_name: "external",
    status: t.status.toLowerCase(),
    test: order.test,
    total_unsettled_set: { presentment_money: { ...unsettled, currency: order.presentmentCurrency }, shop_money: unsettled },
    user_id: null,
  };
}

export function refundPayload(shop: ShopState, refund: RefundRecord) {
  const order = recordOf<OrderRecord>(shop, "Order", refund.orderId);
  if (!order) throw new Error(`refund ${refund.id} has no order`);
  return {
    id: refund.id,
    admin_graphql_api_id: `gid://shopify/Refund/${refund.id}`,
    created_at: shopTimestamp(shop, refund.createdAt),
    processed_at: shopTimestamp(shop, refund.createdAt),
    note: refund.note ?? "",
    order_id: order.id,
    restock: refund.lineItems.some((l) => l.restockType !== "NO_RESTOCK"),
    user_id: shop.staff.find((s) => s.accountOwner)?.id ?? 0,
    duties: [],
    order_adjustments: [],
    refund_shipping_lines: [],
    return: refund.returnId === null ? null : { id: refund.returnId, admin_graphql_api_id: `gid://shopify/Return/${refund.returnId}` },
    total_duties_set: set(ZERO, shop, order),
    refund_line_items: refund.lineItems.flatMap((l) => {
      const line = recordOf<LineItemRecord>(shop, "LineItem", l.lineItemId);
      if (!line) return [];
      return [
        {
          id: l.id,
          line_item_id: l.lineItemId,
          location_id: l.locationId,
          quantity: l.quantity,
          restock_type: l.restockType.toLowerCase(),
          subtotal: round2(l.subtotal.shop),
          subtotal_set: set(l.subtotal, shop, order),
          total_tax: round2(l.tax.shop),
          total_tax_set: set(l.tax, shop, order),
          // The 2026-07 schema (from Shopify's sample) has no properties on a refunded line.
          line_item: { ...lineItemPayload(shop, order, line), properties: [] },
        },
      ];
    }),
    transactions: refund.transactions.map((t) => transactionPayload(shop, order, t)),
  };
}

export function returnPayload(shop: ShopState, r: ReturnRecord, topic: string) {
  const gidOf = `gid://shopify/Return/${r.id}`;
  if (topic === "returns/close") return { id: r.id, admin_graphql_api_id: gidOf, order_id: r.orderId, status: r.status.toLowerCase() };
  // The 2026-07 schemas (derived from Shopify's samples) allow no items in return_line_items and
  // name null: the app reads the lines through the Return object (GraphQL).
  return {
    id: r.id,
    admin_graphql_api_id: gidOf,
    name: null,
    status: r.status.toLowerCase(),
    order: { id: r.orderId, admin_graphql_api_id: `gid://shopify/Order/${r.orderId}` },
    total_return_line_items: r.lineItems.reduce((n, l) => n + l.quantity, 0),
    total_exchange_line_items: 0,
    return_line_items: [],
    exchange_line_items: [],
    return_shipping_fees: [],
  };
}

export function fulfillmentOrderEventPayload(shop: ShopState, event: FulfillmentOrderEvent, topic: string) {
  const fo = event.fulfillmentOrder;
  const foGid = (id: number) => `gid://shopify/FulfillmentOrder/${id}`;
  const status = fo.status.toLowerCase();
  const holdPayload = (h: FulfillmentOrderRecord["holds"][number]) => ({
    id: `gid://shopify/FulfillmentHold/${h.id}`,
    handle: h.handle,
    reason: h.reason.toLowerCase(),
    reason_notes: h.reasonNotes ?? "",
    held_by_app: { id: `gid://shopify/App/${shop.id}` },
    held_by_requesting_app: true,
  });
  if (topic === "fulfillment_orders/hold_released") return { fulfillment_order: { id: foGid(fo.id), status } };
  if (topic === "fulfillment_orders/moved") {
    const locationGid = (id: number) => `gid://shopify/Location/${id}`;
    const moved = event.moved ?? fo;
    return {
      original_fulfillment_order: { id: foGid(fo.id), status, assigned_location_id: locationGid(fo.locationId) },
      moved_fulfillment_order: { id: foGid(moved.id), status: moved.status.toLowerCase(), assigned_location_id: locationGid(moved.locationId) },
      destination_location_id: locationGid(moved.locationId),
      fulfillment_order_line_items_requested: (event.requestedLineItems ?? []).map((l) => ({ id: `gid://shopify/FulfillmentOrderLineItem/${l.id}`, quantity: l.quantity })),
      source_location: { id: locationGid(event.sourceLocationId ?? fo.locationId) },
    };
  }
  if (topic === "fulfillment_orders/line_items_prepared_for_pickup") {
    return { fulfillment_order: { id: foGid(fo.id), status, preparable: false, delivery_method: { method_type: fo.deliveryMethod.toLowerCase() } } };
  }
  const hold = event.hold;
  if (!hold) throw new Error("placed_on_hold without a hold");
  return {
    fulfillment_order: { id: foGid(fo.id), status, fulfillment_holds: fo.holds.map(holdPayload) },
    created_fulfillment_hold: holdPayload(hold),
    held_fulfillment_order_line_items: (event.heldLineItems ?? []).map((l) => ({ id: `gid://shopify/FulfillmentOrderLineItem/${l.id}`, quantity: l.quantity })),
    // Without a split the schema still wants an object: the held fulfillment order itself.
    remaining_fulfillment_order: { id: foGid((event.remaining ?? fo).id), status: (event.remaining ?? fo).status.toLowerCase() },
  };
}

/**
 * products/create and products/update. The 2026-07 schema requires `image` to be an object
 * (Shopify sends null for a product without images), so every product has one placeholder image.
 */
export function productPayload(shop: ShopState, product: ProductRecord) {
  const variants = product.variantIds.map((id) => recordOf<VariantRecord>(shop, "ProductVariant", id)).filter((v): v is VariantRecord => v !== null);
  const options = productOptions(shop, product);
  const image = {
    id: product.id,
    admin_graphql_api_id: `gid://shopify/ProductImage/${product.id}`,
    product_id: product.id,
    position: 1,
    alt: null,
    width: 1024,
    height: 1024,
    src: `https://cdn.shopify.com/s/files/1/emulator/products/${product.handle}.png`,
    variant_ids: [],
    created_at: shopTimestamp(shop, product.createdAt),
    updated_at: shopTimestamp(shop, product.createdAt),
  };
  return {
    id: product.id,
    admin_graphql_api_id: `gid://shopify/Product/${product.id}`,
    title: product.title,
    body_html: product.descriptionHtml,
    vendor: product.vendor,
    product_type: product.productType,
    handle: product.handle,
    status: product.status.toLowerCase(),
    tags: product.tags.join(", "),
    created_at: shopTimestamp(shop, product.createdAt),
    updated_at: shopTimestamp(shop, product.updatedAt),
    published_at: product.status === "ACTIVE" ? shopTimestamp(shop, product.createdAt) : null,
    published_scope: "global",
    template_suffix: null,
    category: null,
    has_variants_that_requires_components: variants.some((v) => v.components.length > 0),
    variant_gids: variants.map((v) => ({ admin_graphql_api_id: `gid://shopify/ProductVariant/${v.id}`, updated_at: shopTimestamp(shop, v.updatedAt) })),
    variants: variants.map((v) => {
      const item = recordOf<InventoryItemRecord>(shop, "InventoryItem", v.inventoryItemId);
      const available = levelsOfItem(shop, v.inventoryItemId).filter((l) => l.isActive).reduce((n, l) => n + l.quantities.available, 0);
      const value = (name: string | undefined) => (name === undefined ? null : (v.selectedOptions.find((o) => o.name === name)?.value ?? null));
      return {
        id: v.id,
        admin_graphql_api_id: `gid://shopify/ProductVariant/${v.id}`,
        product_id: product.id,
        title: v.title,
        price: v.price,
        compare_at_price: v.compareAtPrice,
        sku: v.sku,
        barcode: v.barcode,
        position: v.position,
        inventory_policy: v.inventoryPolicy.toLowerCase(),
        fulfillment_service: "manual",
        ...(item?.tracked ? { inventory_management: "shopify" } : {}),
        option1: value(options[0]?.name) ?? v.title,
        option2: value(options[1]?.name),
        option3: value(options[2]?.name),
        taxable: v.taxable,
        requires_shipping: item?.requiresShipping ?? true,
        grams: 0,
        weight: 0,
        weight_unit: "kg",
        image_id: null,
        inventory_item_id: v.inventoryItemId,
        inventory_quantity: available,
        old_inventory_quantity: available,
        created_at: shopTimestamp(shop, v.createdAt),
        updated_at: shopTimestamp(shop, v.updatedAt),
      };
    }),
    options: options.map((o, i) => ({ id: product.id * 10 + i + 1, product_id: product.id, name: o.name, position: i + 1, values: o.values })),
    image,
    images: [image],
    media: [],
  };
}

export function bulkOperationPayload(shop: ShopState, op: BulkOperationRecord) {
  return {
    admin_graphql_api_id: `gid://shopify/BulkOperation/${op.id}`,
    completed_at: shopTimestamp(shop, op.completedAt ?? op.createdAt),
    created_at: shopTimestamp(shop, op.createdAt),
    error_code: op.errorCode === null ? null : op.errorCode.toLowerCase(),
    status: op.status.toLowerCase(),
    type: op.type.toLowerCase(),
  };
}

export function webhookPayload(shop: ShopState, event: Emitted): unknown {
  switch (event.topic) {
    case "inventory_levels/update":
      return inventoryLevelPayload(shop, event.subject as InventoryLevelRecord);
    case "orders/create":
    case "orders/updated":
    case "orders/cancelled":
      return orderPayload(shop, event.subject as OrderRecord);
    case "returns/request":
    case "returns/approve":
    case "returns/close":
      return returnPayload(shop, event.subject as ReturnRecord, event.topic);
    case "fulfillment_orders/placed_on_hold":
    case "fulfillment_orders/hold_released":
    case "fulfillment_orders/line_items_prepared_for_pickup":
    case "fulfillment_orders/moved":
      return fulfillmentOrderEventPayload(shop, event.subject as FulfillmentOrderEvent, event.topic);
    case "orders/edited":
      return orderEditPayload(shop, event.subject as OrderEditRecord);
    case "refunds/create":
      return refundPayload(shop, event.subject as RefundRecord);
    case "orders/delete":
      return { id: (event.subject as { deletedOrderId: number }).deletedOrderId };
    case "fulfillments/create":
    case "fulfillments/update":
      return fulfillmentWebhookPayload(shop, event.subject as FulfillmentRecord);
    case "locations/create":
    case "locations/update":
    case "locations/activate":
    case "locations/deactivate":
      return locationPayload(shop, event.subject as LocationRecord);
    case "locations/delete":
      return { id: (event.subject as LocationRecord).id };
    case "products/create":
    case "products/update":
      return productPayload(shop, event.subject as ProductRecord);
    case "bulk_operations/finish":
      return bulkOperationPayload(shop, event.subject as BulkOperationRecord);
    default:
      throw new Error(`The emulator has no payload for ${event.topic} (shop ${shop.domain})`);
  }
}
