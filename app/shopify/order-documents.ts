import type { FinancialStatus, FulfillmentOrderStatus, OrderAddress, ShopifyOrder } from "~/domain/shopify-order";

/**
 * The GraphQL documents of the order sync (issue 7), spread into `allDocuments` so the schema
 * test validates them. The order is always read whole by id (the webhook payload is only a hint
 * that something changed); the sweep pages through ids and `updatedAt` only, cheaply.
 * ORDER_QUERY's first pages: 50 lines, 10 shipping lines, 5 fulfillment orders × 30 lines. At
 * Shopify's real costs it requests 88 points, far under the 1,000 per query, and is charged for
 * what comes back, so these sizes are a bet on order size, not a cost limit (docs/decisions/026).
 * A bigger order is read whole with the page queries below (`readWholeOrder` in
 * order-sync.server.ts): more lines, more fulfillment orders, more lines of one fulfillment order.
 */

const PAGE_INFO = `
        pageInfo {
          hasNextPage
          endCursor
        }`;

const LINE_ITEM = `
          id
          title
          variantTitle
          sku
          quantity
          currentQuantity
          unfulfilledQuantity
          requiresShipping
          variant {
            id
          }
          product {
            id
          }
          originalUnitPriceSet {
            presentmentMoney {
              amount
            }
          }
          totalDiscountSet {
            presentmentMoney {
              amount
            }
          }
          taxLines {
            rate
          }`;

const FULFILLMENT_ORDER_LINE_ITEM = `
              totalQuantity
              remainingQuantity
              lineItem {
                id
              }`;

const SHIPPING_LINE = `
          title
          discountedPriceSet {
            presentmentMoney {
              amount
            }
          }
          taxLines {
            rate
          }`;

const FULFILLMENT_ORDER = `
          id
          status
          assignedLocation {
            location {
              id
            }
          }
          lineItems(first: 30) {
            nodes {${FULFILLMENT_ORDER_LINE_ITEM}
            }${PAGE_INFO}
          }`;

const ADDRESS = `
      firstName
      lastName
      company
      address1
      address2
      city
      zip
      province
      country
      phone`;

export const ORDER_QUERY = `#graphql
  query TenonOrder($id: ID!) {
    order(id: $id) {
      id
      name
      createdAt
      updatedAt
      closed
      cancelledAt
      displayFinancialStatus
      displayFulfillmentStatus
      taxesIncluded
      currencyCode
      presentmentCurrencyCode
      poNumber
      email
      totalPriceSet {
        shopMoney {
          amount
        }
        presentmentMoney {
          amount
        }
      }
      customer {
        id
        firstName
        lastName
        defaultEmailAddress {
          emailAddress
        }
      }
      billingAddress {${ADDRESS}
      }
      shippingAddress {${ADDRESS}
      }
      lineItems(first: 50) {
        nodes {${LINE_ITEM}
        }${PAGE_INFO}
      }
      shippingLines(first: 10) {
        nodes {${SHIPPING_LINE}
        }${PAGE_INFO}
      }
      fulfillmentOrders(first: 5) {
        nodes {${FULFILLMENT_ORDER}
        }${PAGE_INFO}
      }
    }
  }
`;

/** The order's lines after the first page of ORDER_QUERY. */
export const ORDER_LINE_ITEMS_PAGE_QUERY = `#graphql
  query TenonOrderLineItems($id: ID!, $after: String) {
    order(id: $id) {
      lineItems(first: 50, after: $after) {
        nodes {${LINE_ITEM}
        }${PAGE_INFO}
      }
    }
  }
`;

/** The order's shipping lines after the first page of ORDER_QUERY. */
export const ORDER_SHIPPING_LINES_PAGE_QUERY = `#graphql
  query TenonOrderShippingLines($id: ID!, $after: String) {
    order(id: $id) {
      shippingLines(first: 50, after: $after) {
        nodes {${SHIPPING_LINE}
        }${PAGE_INFO}
      }
    }
  }
`;

/** The order's fulfillment orders after the first page of ORDER_QUERY. */
export const ORDER_FULFILLMENT_ORDERS_PAGE_QUERY = `#graphql
  query TenonOrderFulfillmentOrders($id: ID!, $after: String) {
    order(id: $id) {
      fulfillmentOrders(first: 5, after: $after) {
        nodes {${FULFILLMENT_ORDER}
        }${PAGE_INFO}
      }
    }
  }
`;

/** One fulfillment order's lines after its first page. */
export const FULFILLMENT_ORDER_LINE_ITEMS_PAGE_QUERY = `#graphql
  query TenonFulfillmentOrderLineItems($id: ID!, $after: String) {
    fulfillmentOrder(id: $id) {
      lineItems(first: 100, after: $after) {
        nodes {${FULFILLMENT_ORDER_LINE_ITEM}
        }${PAGE_INFO}
      }
    }
  }
`;

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

type OrderData = NonNullable<OrderQueryData["order"]>;
export type OrderLineItemNode = OrderData["lineItems"]["nodes"][number];
export type OrderFulfillmentOrderNode = OrderData["fulfillmentOrders"]["nodes"][number];
export type OrderShippingLineNode = OrderData["shippingLines"]["nodes"][number];

export interface OrderLineItemsPageData {
  order: { lineItems: { nodes: OrderLineItemNode[]; pageInfo: PageInfo } } | null;
}
export interface OrderShippingLinesPageData {
  order: { shippingLines: { nodes: OrderShippingLineNode[]; pageInfo: PageInfo } } | null;
}
export interface OrderFulfillmentOrdersPageData {
  order: { fulfillmentOrders: { nodes: OrderFulfillmentOrderNode[]; pageInfo: PageInfo } } | null;
}
export interface FulfillmentOrderLineItemsPageData {
  fulfillmentOrder: { lineItems: { nodes: OrderFulfillmentOrderNode["lineItems"]["nodes"]; pageInfo: PageInfo } } | null;
}

type Amount = { amount: string };
type Address = OrderAddress;

export interface OrderQueryData {
  order: {
    id: string;
    name: string;
    createdAt: string;
    updatedAt: string;
    closed: boolean;
    cancelledAt: string | null;
    displayFinancialStatus: FinancialStatus | null;
    displayFulfillmentStatus: string;
    taxesIncluded: boolean;
    currencyCode: string;
    presentmentCurrencyCode: string;
    poNumber: string | null;
    email: string | null;
    totalPriceSet: { shopMoney: Amount; presentmentMoney: Amount };
    customer: {
      id: string;
      firstName: string | null;
      lastName: string | null;
      defaultEmailAddress: { emailAddress: string | null } | null;
    } | null;
    billingAddress: Address | null;
    shippingAddress: Address | null;
    lineItems: {
      nodes: {
        id: string;
        title: string;
        variantTitle: string | null;
        sku: string | null;
        quantity: number;
        currentQuantity: number;
        unfulfilledQuantity: number;
        requiresShipping: boolean;
        variant: { id: string } | null;
        product: { id: string } | null;
        originalUnitPriceSet: { presentmentMoney: Amount };
        totalDiscountSet: { presentmentMoney: Amount };
        taxLines: { rate: number | null }[];
      }[];
      pageInfo: PageInfo;
    };
    shippingLines: { nodes: { title: string; discountedPriceSet: { presentmentMoney: Amount }; taxLines: { rate: number | null }[] }[]; pageInfo: PageInfo };
    fulfillmentOrders: {
      nodes: {
        id: string;
        status: FulfillmentOrderStatus;
        assignedLocation: { location: { id: string } | null } | null;
        lineItems: { nodes: { totalQuantity: number; remainingQuantity: number; lineItem: { id: string } }[]; pageInfo: PageInfo };
      }[];
      pageInfo: PageInfo;
    };
  } | null;
}

const rateOf = (taxLines: { rate: number | null }[]) => taxLines.reduce((n, t) => n + (t.rate ?? 0), 0);

/** The API's order → the order sync's view of it. */
export function toShopifyOrder(data: NonNullable<OrderQueryData["order"]>, shopCurrency?: string): ShopifyOrder {
  return {
    id: data.id,
    name: data.name,
    createdAt: new Date(data.createdAt),
    updatedAt: new Date(data.updatedAt),
    closed: data.closed,
    cancelledAt: data.cancelledAt ? new Date(data.cancelledAt) : null,
    financialStatus: data.displayFinancialStatus ?? "PENDING",
    fulfillmentStatus: data.displayFulfillmentStatus,
    taxesIncluded: data.taxesIncluded,
    shopCurrency: shopCurrency ?? data.currencyCode,
    currency: data.presentmentCurrencyCode,
    totalShop: data.totalPriceSet.shopMoney.amount,
    totalPresentment: data.totalPriceSet.presentmentMoney.amount,
    poNumber: data.poNumber,
    email: data.email,
    customer: data.customer
      ? {
          id: data.customer.id,
          firstName: data.customer.firstName,
          lastName: data.customer.lastName,
          email: data.customer.defaultEmailAddress?.emailAddress ?? null,
        }
      : null,
    billingAddress: data.billingAddress,
    shippingAddress: data.shippingAddress,
    lines: data.lineItems.nodes.map((l) => ({
      id: l.id,
      title: l.title,
      variantTitle: l.variantTitle,
      sku: l.sku,
      variantId: l.variant?.id ?? null,
      productId: l.product?.id ?? null,
      quantity: l.quantity,
      currentQuantity: l.currentQuantity,
      unfulfilledQuantity: l.unfulfilledQuantity,
      requiresShipping: l.requiresShipping,
      unitPrice: l.originalUnitPriceSet.presentmentMoney.amount,
      totalDiscount: l.totalDiscountSet.presentmentMoney.amount,
      taxRate: rateOf(l.taxLines),
    })),
    shippingLines: data.shippingLines.nodes.map((s) => ({
      title: s.title,
      price: s.discountedPriceSet.presentmentMoney.amount,
      taxRate: rateOf(s.taxLines),
    })),
    fulfillmentOrders: data.fulfillmentOrders.nodes.map((fo) => ({
      id: fo.id,
      status: fo.status,
      locationId: fo.assignedLocation?.location?.id ?? null,
      lineItems: fo.lineItems.nodes.map((l) => ({ lineItemId: l.lineItem.id, totalQuantity: l.totalQuantity, remainingQuantity: l.remainingQuantity })),
    })),
  };
}

/** The reconciliation sweep: ids of orders updated since the checkpoint, oldest change first. */
export const ORDERS_UPDATED_SINCE_QUERY = `#graphql
  query TenonOrdersUpdatedSince($query: String!, $after: String) {
    orders(first: 250, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        id
        name
        updatedAt
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export interface OrdersUpdatedSinceData {
  orders: {
    nodes: { id: string; name: string; updatedAt: string }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

/** "Import N eligible orders created while paused": ids of orders created in a time span. */
export const ORDERS_CREATED_BETWEEN_QUERY = `#graphql
  query TenonOrdersCreatedBetween($query: String!, $after: String) {
    orders(first: 250, after: $after, query: $query, sortKey: CREATED_AT) {
      nodes {
        id
        name
        createdAt
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export interface OrdersCreatedBetweenData {
  orders: {
    nodes: { id: string; name: string; createdAt: string }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

/** Fulfillment-order webhooks (moved, holds) name the fulfillment order only: its order. */
export const FULFILLMENT_ORDER_ORDER_QUERY = `#graphql
  query TenonFulfillmentOrderOrder($id: ID!) {
    fulfillmentOrder(id: $id) {
      id
      order {
        id
      }
    }
  }
`;

export interface FulfillmentOrderOrderData {
  fulfillmentOrder: { id: string; order: { id: string } } | null;
}

/**
 * An order's name, read from the store a webhook's header names: a change that arrives while
 * sync is not active is noted in that store's log only if the order is the store's (ADR 021).
 */
export const ORDER_NAME_QUERY = `#graphql
  query TenonOrderName($id: ID!) {
    order(id: $id) {
      id
      name
    }
  }
`;

export interface OrderNameData {
  order: { id: string; name: string } | null;
}

export const orderDocuments = {
  ORDER_QUERY,
  ORDER_NAME_QUERY,
  ORDER_LINE_ITEMS_PAGE_QUERY,
  ORDER_SHIPPING_LINES_PAGE_QUERY,
  ORDER_FULFILLMENT_ORDERS_PAGE_QUERY,
  FULFILLMENT_ORDER_LINE_ITEMS_PAGE_QUERY,
  FULFILLMENT_ORDER_ORDER_QUERY,
  ORDERS_UPDATED_SINCE_QUERY,
  ORDERS_CREATED_BETWEEN_QUERY,
};
