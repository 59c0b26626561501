/**
 * GraphQL documents of the fulfillment sync and of returns from Shopify (ADR 015). Spread into
 * `allDocuments` (app/shopify/documents.ts), so each is validated against the real schema.
 */

/**
 * An order's fulfillments (cancelled ones included) with their lines. Two reads (this and the
 * fulfillment orders) keep each under Shopify's 1,000-point limit; an order beyond these page
 * sizes is refused with a clear error rather than read in part (`pageInfo`).
 */
export const ORDER_FULFILLMENTS_QUERY = `#graphql
  query TenonOrderFulfillments($id: ID!) {
    order(id: $id) {
      id
      name
      fulfillments(first: 10) {
        id
        status
        displayStatus
        createdAt
        location {
          id
        }
        trackingInfo(first: 1) {
          company
          number
          url
        }
        fulfillmentLineItems(first: 25) {
          nodes {
            id
            quantity
            lineItem {
              id
              sku
              title
              variant {
                id
              }
            }
          }
          pageInfo {
            hasNextPage
          }
        }
      }
    }
  }
`;

export const ORDER_FULFILLMENT_ORDERS_QUERY = `#graphql
  query TenonOrderFulfillmentOrders($id: ID!) {
    order(id: $id) {
      id
      fulfillmentOrders(first: 10) {
        nodes {
          id
          status
          deliveryMethod {
            methodType
          }
          assignedLocation {
            location {
              id
            }
          }
          lineItems(first: 25) {
            nodes {
              id
              remainingQuantity
              lineItem {
                id
              }
            }
            pageInfo {
              hasNextPage
            }
          }
        }
        pageInfo {
          hasNextPage
        }
      }
    }
  }
`;

export interface OrderFulfillmentsData {
  order: {
    id: string;
    name: string;
    fulfillments: {
      id: string;
      status: "SUCCESS" | "CANCELLED" | "ERROR" | "FAILURE" | "OPEN" | "PENDING";
      displayStatus: string | null;
      createdAt: string;
      location: { id: string } | null;
      trackingInfo: { company: string | null; number: string | null; url: string | null }[];
      fulfillmentLineItems: {
        nodes: { id: string; quantity: number; lineItem: { id: string; sku: string | null; title: string; variant: { id: string } | null } }[];
        pageInfo: { hasNextPage: boolean };
      };
    }[];
  } | null;
}

export interface OrderFulfillmentOrdersData {
  order: {
    id: string;
    fulfillmentOrders: {
      nodes: {
        id: string;
        status: string;
        deliveryMethod: { methodType: string } | null;
        assignedLocation: { location: { id: string } | null };
        lineItems: { nodes: { id: string; remainingQuantity: number; lineItem: { id: string } }[]; pageInfo: { hasNextPage: boolean } };
      }[];
      pageInfo: { hasNextPage: boolean };
    };
  } | null;
}

/** One fulfillment of one order at one location (fulfillment orders of that location). */
export const FULFILLMENT_CREATE_MUTATION = `#graphql
  mutation TenonFulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
    fulfillmentCreate(fulfillment: $fulfillment, message: $message) {
      fulfillment {
        id
        status
        displayStatus
        createdAt
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export interface FulfillmentCreateData {
  fulfillmentCreate: {
    fulfillment: { id: string; status: string; displayStatus: string | null; createdAt: string } | null;
    userErrors: { field: string[] | null; message: string }[];
  };
}

/** An order's returns with what was processed and restocked where (dispositions). */
export const ORDER_RETURNS_QUERY = `#graphql
  query TenonOrderReturns($id: ID!) {
    order(id: $id) {
      id
      name
      returns(first: 5) {
        nodes {
          id
          name
          status
          returnLineItems(first: 20) {
            nodes {
              ... on ReturnLineItem {
                id
                quantity
                processedQuantity
                fulfillmentLineItem {
                  id
                  lineItem {
                    id
                    sku
                  }
                }
              }
            }
          }
          reverseFulfillmentOrders(first: 1) {
            nodes {
              lineItems(first: 20) {
                nodes {
                  id
                  fulfillmentLineItem {
                    id
                  }
                  dispositions {
                    type
                    quantity
                    location {
                      id
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`;

export interface OrderReturnsData {
  order: {
    id: string;
    name: string;
    returns: {
      nodes: {
        id: string;
        name: string | null;
        status: string;
        returnLineItems: {
          nodes: { id?: string; quantity?: number; processedQuantity?: number; fulfillmentLineItem?: { id: string; lineItem: { id: string; sku: string | null } } }[];
        };
        reverseFulfillmentOrders: {
          nodes: {
            lineItems: {
              nodes: { id: string; fulfillmentLineItem: { id: string } | null; dispositions: { type: string; quantity: number; location: { id: string } | null }[] }[];
            };
          }[];
        };
      }[];
    };
  } | null;
}

export const RETURN_CLOSE_MUTATION = `#graphql
  mutation TenonReturnClose($id: ID!) {
    returnClose(id: $id) {
      return {
        id
        status
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export interface ReturnCloseData {
  returnClose: { return: { id: string; status: string } | null; userErrors: { field: string[] | null; message: string }[] };
}

export const fulfillmentDocuments = {
  ORDER_FULFILLMENTS_QUERY,
  ORDER_FULFILLMENT_ORDERS_QUERY,
  FULFILLMENT_CREATE_MUTATION,
  ORDER_RETURNS_QUERY,
  RETURN_CLOSE_MUTATION,
};
