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

/** All documents, for the schema validation test. */
export const allDocuments = { SHOP_AND_LOCATIONS_QUERY, APP_UNINSTALL_MUTATION };
