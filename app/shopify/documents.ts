/**
 * Every GraphQL document Tenon sends to Shopify, as named constants. A test validates each
 * one against the real Admin schema of the pinned version (tests/integration/graphql-documents.test.ts).
 */

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

/** All documents, for the schema validation test. */
export const allDocuments = {
  SHOP_AND_LOCATIONS_QUERY,
  APP_UNINSTALL_MUTATION,
  BULK_PRODUCTS_QUERY,
  BULK_OPERATION_RUN_QUERY_MUTATION,
  BULK_OPERATION_STATUS_QUERY,
  SHOP_TAXES_QUERY,
};
