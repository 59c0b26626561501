import type { OrderLine, ShopifyOrder } from "./shopify-order";

/** A paid, unfulfilled order with one line, for the order-sync unit tests. */
export function line(over: Partial<OrderLine> = {}): OrderLine {
  return {
    id: "gid://shopify/LineItem/1",
    title: "Oak stool",
    variantTitle: null,
    sku: "STOOL-OAK",
    variantId: "gid://shopify/ProductVariant/11",
    productId: "gid://shopify/Product/10",
    quantity: 2,
    currentQuantity: 2,
    unfulfilledQuantity: 2,
    requiresShipping: true,
    unitPrice: "100.00",
    totalDiscount: "0.00",
    taxRate: 0,
    ...over,
  };
}

export function order(over: Partial<ShopifyOrder> = {}): ShopifyOrder {
  const lines = over.lines ?? [line()];
  return {
    id: "gid://shopify/Order/1001",
    name: "#1001",
    createdAt: new Date("2026-07-01T10:00:00Z"),
    updatedAt: new Date("2026-07-01T10:00:00Z"),
    closed: false,
    cancelledAt: null,
    financialStatus: "PAID",
    fulfillmentStatus: "UNFULFILLED",
    taxesIncluded: false,
    shopCurrency: "EUR",
    currency: "EUR",
    totalShop: "200.00",
    totalPresentment: "200.00",
    poNumber: null,
    email: "anna@example.com",
    customer: { id: "gid://shopify/Customer/7", firstName: "Anna", lastName: "Becker", email: "anna@example.com" },
    billingAddress: null,
    shippingAddress: null,
    shippingLines: [],
    fulfillmentOrders: [
      {
        id: "gid://shopify/FulfillmentOrder/1",
        status: "OPEN",
        locationId: "gid://shopify/Location/1",
        lineItems: lines.map((l) => ({ lineItemId: l.id, totalQuantity: l.currentQuantity, remainingQuantity: l.unfulfilledQuantity })),
      },
    ],
    ...over,
    lines,
  };
}
