/**
 * The local Shopify's query cost against the costs Shopify itself reported for real documents.
 * Every row is a data point we found, with where it was published; the emulator must reproduce
 * each one exactly (tolerance 0 points), through the same `extensions.cost` an app reads. What
 * the model assumes beyond these points is in docs/decisions/026.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STORE_SEED, ManualClock, startEmulator, type Emulator } from "./index";
import { adminGraphql, merchantAccessToken, TEST_APP } from "./testing";
import { connectionMultiplier } from "./graphql/cost";

const SHOP = "tenon-demo.myshopify.com";

interface DataPoint {
  what: string;
  source: string;
  query: string;
  variables?: Record<string, unknown>;
  requested: number;
  /** Only where the source shows it for the same data (an empty page, a null object). */
  actual?: number;
}

const DATA_POINTS: DataPoint[] = [
  {
    what: "objects cost 1, scalars 0",
    // The article's example also selects timezoneOffsetMinutes, which the emulator does not serve; a scalar either way.
    source: "https://shopify.engineering/rate-limiting-graphql-apis-calculating-query-complexity (the shop example)",
    query: "{ shop { id name currencyCode } }",
    requested: 1,
    actual: 1,
  },
  {
    what: "a 200-product page of ids and update times",
    source: "Shopify's reported cost, quoted in the emulator audit (../shared/docs/shopify.md, Admin GraphQL API)",
    query: "{ products(first: 200) { pageInfo { hasNextPage endCursor } edges { cursor node { id updatedAt } } } }",
    requested: 12,
  },
  {
    what: "250 variants with their inventory items, of a product that does not exist",
    source: "https://community.shopify.dev/t/unexpectedly-low-graphql-query-cost-in-shopify-admin-api-seeking-clarification/23101",
    query: "query getVariantsInventoryItem($id: ID!) { product(id: $id) { variants(first: 250) { nodes { inventoryItem { id tracked } } } } }",
    variables: { id: "gid://shopify/Product/999999999" },
    requested: 25,
    actual: 1,
  },
  {
    // The thread shows the cost breakdown (customers: requestedChildrenCost 1, requestedTotalCost 12)
    // but not its `first`; 12 is 2 + 10 × 1, which any first of 184–225 gives.
    what: "an empty page of customers (node cost 1): charged as one item",
    source: "https://github.com/Shopify/shopify-api-js/issues/602 (requestedChildrenCost 1, actualQueryCost 3)",
    query: '{ customers(first: 200, query: "email:nobody-at-all@example.invalid") { nodes { id lastName firstName email } } }',
    requested: 12,
    actual: 3,
  },
  {
    what: "productSet of a product with one variant, no files or metafields",
    source: "https://shopify.dev/changelog/dynamic-complexity-cost-for-productset-mutation (simple product update: 10 points)",
    query: `mutation {
      productSet(synchronous: true, input: {
        title: "Calibration stool", productOptions: [{ name: "Title", values: [{ name: "Default Title" }] }],
        variants: [{ optionValues: [{ optionName: "Title", name: "Default Title" }], price: "10.00" }]
      }) { product { id } userErrors { field message } }
    }`,
    requested: 10,
    actual: 10,
  },
];

describe("query cost, calibrated to what Shopify reports", () => {
  let emulator: Emulator;
  let token: string;

  beforeAll(async () => {
    emulator = await startEmulator({
      app: { ...TEST_APP, appUrl: "http://127.0.0.1:3999" },
      seedFiles: [DEMO_STORE_SEED],
      clock: new ManualClock("2026-07-01T09:00:00Z"),
    });
    // Costs, not scopes (productSet needs write_products, which Tenon does not ask for): the merchant's token.
    token = await merchantAccessToken(emulator, SHOP);
  });
  afterAll(() => emulator.stop());

  for (const point of DATA_POINTS) {
    it(`${point.what}: requested ${point.requested}${point.actual === undefined ? "" : `, actual ${point.actual}`} (${point.source})`, async () => {
      emulator.setThrottle(SHOP, { plan: "standard" });
      const response = await adminGraphql(emulator, SHOP, token, point.query, point.variables ?? {});
      const body = response.body as { errors?: unknown; extensions?: { cost: { requestedQueryCost: number; actualQueryCost: number } } };
      expect(body.errors).toBeUndefined();
      expect(body.extensions?.cost.requestedQueryCost).toBe(point.requested);
      if (point.actual !== undefined) expect(body.extensions?.cost.actualQueryCost).toBe(point.actual);
    });
  }

  it("grows a connection's price with its page size, far slower than linearly", () => {
    const sizes = [1, 10, 50, 100, 200, 250];
    const multipliers = sizes.map(connectionMultiplier);
    expect(multipliers).toEqual([1, 2, 5, 7, 10, 11]);
    // A page of 250 costs 11 items, not 250: paging in small pages costs more per item.
    expect(connectionMultiplier(250) / 250).toBeLessThan(connectionMultiplier(10) / 10);
  });
});
