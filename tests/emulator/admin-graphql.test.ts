import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "@shopify/shopify-api";
import { DEMO_STORE_SEED, startEmulator, type Emulator } from "./index";
import { adminGraphql, merchantAccessToken, offlineAccessToken, shopifyApiFor, TEST_APP } from "./testing";

const SHOP = "tenon-demo.myshopify.com";

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

describe("Admin GraphQL (POST /shops/{shop}/admin/api/2026-07/graphql.json)", () => {
  let emulator: Emulator;
  let token: string;
  const query = async <T = Record<string, unknown>>(document: string, variables: Record<string, unknown> = {}) => {
    const response = await adminGraphql(emulator, SHOP, token, document, variables);
    expect(response.status).toBe(200);
    return response.body as { data?: T; errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[]; extensions?: Record<string, unknown> };
  };

  beforeAll(async () => {
    emulator = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:3999" }, seedFiles: [DEMO_STORE_SEED] });
    token = await offlineAccessToken(emulator, SHOP);
  });
  afterAll(() => emulator.stop());

  it("answers the shop", async () => {
    const { data, errors } = await query(`{
      shop { id name myshopifyDomain email currencyCode ianaTimezone taxesIncluded plan { displayName partnerDevelopment shopifyPlus } }
    }`);
    expect(errors).toBeUndefined();
    expect(data?.shop).toEqual({
      id: expect.stringMatching(/^gid:\/\/shopify\/Shop\/\d+$/),
      name: "Tenon Demo Workshop",
      myshopifyDomain: SHOP,
      email: "hello@tenon-demo.example",
      currencyCode: "EUR",
      ianaTimezone: "Europe/Berlin",
      taxesIncluded: true,
      plan: { displayName: "Basic", partnerDevelopment: false, shopifyPlus: false },
    });
  });

  it("reports the cost and the throttle bucket in extensions", async () => {
    const { extensions } = await query("{ shop { name } locations(first: 3) { nodes { id } } }");
    expect(extensions?.cost).toEqual({
      requestedQueryCost: expect.any(Number),
      actualQueryCost: expect.any(Number),
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: expect.any(Number), restoreRate: 100 },
    });
    const cost = extensions?.cost as { requestedQueryCost: number; throttleStatus: { currentlyAvailable: number } };
    expect(cost.requestedQueryCost).toBeGreaterThan(3);
    expect(cost.throttleStatus.currentlyAvailable).toBeLessThan(2000);
  });

  it("lists locations by name with cursors, forwards and backwards", async () => {
    const LOCATIONS = `query Locations($first: Int, $after: String, $last: Int, $before: String) {
      locations(first: $first, after: $after, last: $last, before: $before) {
        edges { cursor node { id name isActive fulfillsOnlineOrders shipsInventory legacyResourceId address { city countryCode } } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }`;
    type Result = { locations: { edges: { cursor: string; node: { name: string; id: string; legacyResourceId: string; fulfillsOnlineOrders: boolean } }[]; pageInfo: PageInfo } };
    const first = await query<Result>(LOCATIONS, { first: 2 });
    expect(first.data?.locations.edges.map((e) => e.node.name)).toEqual(["Market Stall", "Warehouse Leipzig"]);
    expect(first.data?.locations.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const stall = first.data?.locations.edges[0]?.node;
    expect(stall?.fulfillsOnlineOrders).toBe(false);
    expect(stall?.id).toBe(`gid://shopify/Location/${stall?.legacyResourceId}`);

    const second = await query<Result>(LOCATIONS, { first: 2, after: first.data?.locations.pageInfo.endCursor });
    expect(second.data?.locations.edges.map((e) => e.node.name)).toEqual(["Workshop"]);
    expect(second.data?.locations.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const back = await query<Result>(LOCATIONS, { last: 1, before: second.data?.locations.pageInfo.startCursor });
    expect(back.data?.locations.edges.map((e) => e.node.name)).toEqual(["Warehouse Leipzig"]);

    const one = await query<{ location: { name: string } }>(`query($id: ID!) { location(id: $id) { name } }`, { id: stall?.id });
    expect(one.data?.location.name).toBe("Market Stall");
    const primary = await query<{ location: { name: string } }>(`{ location { name } }`);
    expect(primary.data?.location.name).toBe("Workshop");
  });

  it("pages through all products and their variants", async () => {
    const PRODUCTS = `query Products($after: String) {
      products(first: 5, after: $after) {
        nodes { id title handle status productType vendor variants(first: 10) { nodes { id title sku price } } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    type Result = { products: { nodes: { handle: string; variants: { nodes: { sku: string | null }[] } }[]; pageInfo: PageInfo } };
    const handles: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result: { data?: Result } = await query<Result>(PRODUCTS, { after });
      const products = result.data?.products;
      if (!products) throw new Error("no products");
      handles.push(...products.nodes.map((p) => p.handle));
      if (!products.pageInfo.hasNextPage) break;
      after = products.pageInfo.endCursor;
    }
    expect(handles).toHaveLength(new Set(handles).size);
    expect(handles).toHaveLength(emulator.shop(SHOP).products.length);
    expect(handles).toContain("starter-joinery-kit");
  });

  it("finds variants by SKU, including a SKU shared by two products, and a variant without SKU", async () => {
    const { data } = await query<{ productVariants: { nodes: { sku: string; product: { handle: string }; inventoryItem: { sku: string; duplicateSkuCount: number } }[] } }>(
      `{ productVariants(first: 10, query: "sku:OAK-LEG-45") { nodes { sku product { handle } inventoryItem { sku duplicateSkuCount } } } }`,
    );
    expect(data?.productVariants.nodes.map((v) => v.product.handle).sort()).toEqual(["spare-oak-leg", "stool-repair-set"]);
    expect(data?.productVariants.nodes.every((v) => v.inventoryItem.sku === "OAK-LEG-45" && v.inventoryItem.duplicateSkuCount === 1)).toBe(true);

    const offcuts = await query<{ products: { nodes: { variants: { nodes: { sku: string | null }[] } }[] } }>(
      `{ products(first: 1, query: "handle:hardwood-offcut-bundle") { nodes { variants(first: 1) { nodes { sku } } } } }`,
    );
    expect(offcuts.data?.products.nodes[0]?.variants.nodes[0]?.sku).toBeNull();
  });

  it("serves inventory items, levels and named quantities", async () => {
    const { data, errors } = await query<{
      productVariants: {
        nodes: {
          inventoryItem: {
            id: string;
            tracked: boolean;
            unitCost: { amount: string; currencyCode: string };
            inventoryLevels: { nodes: { location: { name: string }; quantities: { name: string; quantity: number }[] }[] };
          };
        }[];
      };
    }>(`{ productVariants(first: 1, query: "sku:OAK-STOOL-45") { nodes { inventoryItem {
      id tracked unitCost { amount currencyCode }
      inventoryLevels(first: 5) { nodes { location { name } quantities(names: ["available", "committed", "on_hand"]) { name quantity } } }
    } } } }`);
    expect(errors).toBeUndefined();
    const item = data?.productVariants.nodes[0]?.inventoryItem;
    expect(item?.unitCost).toEqual({ amount: "62.0", currencyCode: "EUR" }); // a Decimal: no trailing zeros
    const workshop = item?.inventoryLevels.nodes.find((l) => l.location.name === "Workshop");
    expect(workshop?.quantities).toEqual([
      { name: "available", quantity: 6 },
      { name: "committed", quantity: 2 },
      { name: "on_hand", quantity: 8 },
    ]);

    const byId = await query<{ inventoryItem: { inventoryLevel: { quantities: { quantity: number }[] } } }>(
      `query($id: ID!, $location: ID!) { inventoryItem(id: $id) { inventoryLevel(locationId: $location) { quantities(names: ["available"]) { quantity } } } }`,
      { id: item?.id, location: `gid://shopify/Location/${emulator.shop(SHOP).locations[0]?.id}` },
    );
    expect(byId.data?.inventoryItem.inventoryLevel.quantities).toEqual([{ quantity: 6 }]);
  });

  it("shows the kit's components", async () => {
    const { data } = await query<{ products: { nodes: { variants: { nodes: { requiresComponents: boolean; productVariantComponents: { nodes: { quantity: number; productVariant: { sku: string } }[] } }[] } }[] } }>(
      `query($search: String!) { products(first: 1, query: $search) { nodes { variants(first: 1) { nodes {
        requiresComponents productVariantComponents(first: 10) { nodes { quantity productVariant { sku } } }
      } } } } }`,
      { search: 'title:"Starter Joinery Kit"' },
    );
    const kit = data?.products.nodes[0]?.variants.nodes[0];
    expect(kit?.requiresComponents).toBe(true);
    expect(kit?.productVariantComponents.nodes.map((c) => c.productVariant.sku)).toEqual(["KIT-MT-01", "TOOL-MALLET-ASH", "TOOL-GAUGE-01", "OIL-HW-250"]);
  });

  it("returns no app-specific webhook subscriptions, as Shopify does for toml-declared ones", async () => {
    const { data } = await query<{ webhookSubscriptions: { nodes: unknown[] } }>("{ webhookSubscriptions(first: 10) { nodes { id topic } } }");
    expect(data?.webhookSubscriptions.nodes).toEqual([]);
  });

  it("names an unimplemented field in an error instead of answering null", async () => {
    const { data, errors } = await query("{ shop { name fulfillmentServices { id } } }");
    expect(data).toBeNull();
    expect(errors).toEqual([
      expect.objectContaining({
        message: "Field 'Shop.fulfillmentServices' is not implemented by the Tenon Shopify emulator",
        path: ["shop", "fulfillmentServices"],
        extensions: { code: "NOT_IMPLEMENTED_IN_EMULATOR" },
      }),
    ]);
    // As the merchant: the app's token is refused productDelete for want of write_products first (ADR 024).
    const mutation = await adminGraphql(emulator, SHOP, await merchantAccessToken(emulator, SHOP), `mutation { productDelete(input: {id: "gid://shopify/Product/1"}) { deletedProductId } }`);
    expect((mutation.body as { errors?: { message: string }[] }).errors?.[0]?.message).toBe("Field 'Mutation.productDelete' is not implemented by the Tenon Shopify emulator");
  });

  it("names an unsupported search filter", async () => {
    const { errors } = await query(`{ products(first: 1, query: "published_status:published") { nodes { id } } }`);
    expect(errors?.[0]?.message).toMatch(/Search filter 'published_status' on products is not implemented/);
  });

  it("validates documents against the real schema and answers in Shopify's error shape", async () => {
    const { errors, data } = await query("{ shop { nmae } }");
    expect(data).toBeUndefined();
    expect(errors).toEqual([
      { message: "Field 'nmae' doesn't exist on type 'Shop'", locations: [{ line: 1, column: 10 }], extensions: { code: "undefinedField", typeName: "Shop", fieldName: "nmae" } },
    ]);
    const syntax = await query("{ shop { ");
    expect(syntax.errors?.[0]?.message).toMatch(/^Syntax Error/);
  });

  it("requires first or last on connections, at most 250", async () => {
    expect((await query("{ products { nodes { id } } }")).errors?.[0]?.message).toBe("you must provide one of first or last");
    expect((await query("{ products(first: 251) { nodes { id } } }")).errors?.[0]?.message).toMatch(/between 0 and 250/);
  });

  it("answers 401 without a valid access token", async () => {
    const unauthorized = { status: 401, body: { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" } };
    expect(await adminGraphql(emulator, SHOP, null, "{ shop { name } }")).toMatchObject(unauthorized);
    expect(await adminGraphql(emulator, SHOP, "shpat_not-a-token", "{ shop { name } }")).toMatchObject(unauthorized);
  });

  it("answers 404 for an API version other than 2026-07", async () => {
    const response = await adminGraphql(emulator, SHOP, token, "{ shop { name } }", {}, "2025-01");
    expect(response.status).toBe(404);
    expect(String(response.body.errors)).toContain("serves 2026-07 only");
  });

  it("works with @shopify/shopify-api's GraphQL client", async () => {
    const shopify = await shopifyApiFor(emulator);
    const session = new Session({ id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, accessToken: token });
    const client = new shopify.clients.Graphql({ session });
    const response = await client.request<{ locations: { nodes: { name: string }[] } }>(
      "query($first: Int!) { locations(first: $first) { nodes { name } } }",
      { variables: { first: 10 } },
    );
    expect(response.data?.locations.nodes.map((l) => l.name)).toEqual(["Market Stall", "Warehouse Leipzig", "Workshop"]);
    expect(response.extensions?.cost).toBeDefined();
  });
});
