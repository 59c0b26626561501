/**
 * GraphQL documents of the stock push and the drift report (validated against the 2026-07
 * schema with every other document: they are spread into allDocuments).
 */

/** Compare-and-set of up to 250 available quantities, idempotent (mandatory from 2026-04). */
export const STOCK_SET_QUANTITIES_MUTATION = `#graphql
  mutation TenonStockPush($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
    inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
      inventoryAdjustmentGroup {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export interface StockSetQuantitiesData {
  inventorySetQuantities: {
    inventoryAdjustmentGroup: { id: string } | null;
    userErrors: { field: string[] | null; message: string; code: string | null }[];
  };
}

/** Shopify's available of many inventory items at one location (a re-read before compare-and-set). */
export const STOCK_AVAILABLE_AT_LOCATION_QUERY = `#graphql
  query TenonStockAvailable($ids: [ID!]!, $locationId: ID!) {
    nodes(ids: $ids) {
      ... on InventoryItem {
        id
        inventoryLevel(locationId: $locationId) {
          quantities(names: ["available"]) {
            name
            quantity
          }
        }
      }
    }
  }
`;

export interface StockAvailableAtLocationData {
  nodes: ({ id: string; inventoryLevel: { quantities: { name: string; quantity: number }[] } | null } | null)[];
}

/** The drift report's read: every inventory item's available at every location (a bulk operation). */
export const BULK_INVENTORY_LEVELS_QUERY = `#graphql
  {
    inventoryItems {
      edges {
        node {
          id
          inventoryLevels {
            edges {
              node {
                id
                location {
                  id
                }
                quantities(names: ["available"]) {
                  name
                  quantity
                }
              }
            }
          }
        }
      }
    }
  }
`;

export const stockPushDocuments = {
  STOCK_SET_QUANTITIES_MUTATION,
  STOCK_AVAILABLE_AT_LOCATION_QUERY,
  BULK_INVENTORY_LEVELS_QUERY,
};
