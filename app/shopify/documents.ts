import type { ShopifyAddress } from "~/domain/customer-import";

/**
 * Every GraphQL document Tenon sends to Shopify, as named constants. A test validates each
 * one against the real Admin schema of the pinned version (tests/integration/graphql-documents.test.ts).
 */

import { fulfillmentDocuments } from "./fulfillment-documents";
import { orderDocuments } from "./order-documents";
import { stockPushDocuments } from "./stock-push-documents";

// The order sync's documents live in their own module; re-exported so every document is listed here.
export * from "./fulfillment-documents";
export * from "./order-documents";
export * from "./stock-push-documents";

export const SHOP_AND_LOCATIONS_QUERY = `#graphql
  query TenonShopAndLocations($after: String) {
    shop {
      name
      myshopifyDomain
      currencyCode
    }
    locations(first: 250, after: $after, includeInactive: true) {
      nodes {
        id
        name
        isActive
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export interface ShopAndLocationsData {
  shop: { name: string; myshopifyDomain: string; currencyCode: string };
  locations: {
    nodes: { id: string; name: string; isActive: boolean }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

export const APP_UNINSTALL_MUTATION = `#graphql
  mutation TenonDisconnect {
    appUninstall {
      app {
        id
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export interface AppUninstallData {
  appUninstall: { app: { id: string } | null; userErrors: { field: string[] | null; message: string }[] };
}

/** The query a product import runs as a bulk operation (every product with its variants). */
export const BULK_PRODUCTS_QUERY = `#graphql
  query TenonBulkProducts {
    products {
      edges {
        node {
          id
          title
          variants {
            edges {
              node {
                id
                title
                sku
                price
                inventoryItem {
                  id
                  requiresShipping
                  unitCost {
                    amount
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

export const BULK_OPERATION_RUN_QUERY_MUTATION = `#graphql
  mutation TenonBulkRun($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation {
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

export interface BulkOperationRunData {
  bulkOperationRunQuery: {
    bulkOperation: { id: string; status: string } | null;
    userErrors: { field: string[] | null; message: string }[];
  };
}

export const BULK_OPERATION_STATUS_QUERY = `#graphql
  query TenonBulkStatus($id: ID!) {
    node(id: $id) {
      ... on BulkOperation {
        id
        status
        errorCode
        objectCount
        url
      }
    }
  }
`;

export interface BulkOperationStatusData {
  node: { id: string; status: string; errorCode: string | null; objectCount: string; url: string | null } | null;
}

export const SHOP_TAXES_QUERY = `#graphql
  query TenonShopTaxes {
    shop {
      taxesIncluded
      currencyCode
    }
  }
`;

export interface ShopTaxesData {
  shop: { taxesIncluded: boolean; currencyCode: string };
}

/**
 * One page of customers, Shopify's largest (24 points at its real costs). No `displayName`: it is
 * non-null, so where Shopify redacts it (no approval for protected customer names,
 * docs/decisions/023) the whole customer would be null. Addresses and phone come from
 * CUSTOMER_DETAILS_QUERY per batch: a split the linear costs once forced and the real ones no
 * longer do (docs/decisions/026).
 */
export const CUSTOMERS_PAGE_QUERY = `#graphql
  query TenonCustomersPage($after: String) {
    customers(first: 250, after: $after, sortKey: ID) {
      nodes {
        id
        firstName
        lastName
        defaultEmailAddress {
          emailAddress
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export interface CustomersPageData {
  customers: {
    nodes: {
      id: string;
      firstName: string | null;
      lastName: string | null;
      defaultEmailAddress: { emailAddress: string } | null;
    }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

export const CUSTOMERS_COUNT_QUERY = `#graphql
  query TenonCustomersCount {
    customersCount(limit: null) {
      count
    }
  }
`;

export interface CustomersCountData {
  customersCount: { count: number } | null;
}

/** Phone and addresses (the default one and up to 10 more) of a batch of customers, by id. */
export const CUSTOMER_DETAILS_QUERY = `#graphql
  query TenonCustomerDetails($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Customer {
        id
        defaultPhoneNumber {
          phoneNumber
        }
        defaultAddress {
          ...TenonMailingAddress
        }
        addressesV2(first: 11) {
          nodes {
            ...TenonMailingAddress
          }
        }
      }
    }
  }

  fragment TenonMailingAddress on MailingAddress {
    id
    firstName
    lastName
    company
    address1
    address2
    city
    zip
    province
    country
    phone
  }
`;

/** The customer import's address shape (app/domain/customer-import.ts). */
export type ShopifyMailingAddress = ShopifyAddress;

export interface CustomerDetailsData {
  nodes: ({
    id?: string;
    defaultPhoneNumber?: { phoneNumber: string } | null;
    defaultAddress?: ShopifyMailingAddress | null;
    addressesV2?: { nodes: ShopifyMailingAddress[] };
  } | null)[];
}

/**
 * Shopify's *available* quantity of every item stocked at one location, a page at a time.
 * Shopify's largest page: at Shopify's real costs it requests 36 points (2 + 11 × 3, plus the
 * location) and a bigger page costs less per item (docs/decisions/026).
 */
export const LOCATION_AVAILABLE_QUERY = `#graphql
  query TenonLocationAvailable($locationId: ID!, $after: String) {
    location(id: $locationId) {
      id
      inventoryLevels(first: 250, after: $after) {
        nodes {
          item {
            id
          }
          quantities(names: ["available"]) {
            name
            quantity
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

export interface LocationAvailableData {
  location: {
    id: string;
    inventoryLevels: {
      nodes: { item: { id: string }; quantities: { name: string; quantity: number }[] }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  } | null;
}

/** All documents, for the schema validation test. */
export const allDocuments = {
  ...fulfillmentDocuments,
  SHOP_AND_LOCATIONS_QUERY,
  APP_UNINSTALL_MUTATION,
  BULK_PRODUCTS_QUERY,
  BULK_OPERATION_RUN_QUERY_MUTATION,
  BULK_OPERATION_STATUS_QUERY,
  SHOP_TAXES_QUERY,
  CUSTOMERS_PAGE_QUERY,
  CUSTOMERS_COUNT_QUERY,
  CUSTOMER_DETAILS_QUERY,
  LOCATION_AVAILABLE_QUERY,
  ...orderDocuments,
  ...stockPushDocuments,
};
