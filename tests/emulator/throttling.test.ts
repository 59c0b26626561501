import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STORE_SEED, ManualClock, startEmulator, type Emulator } from "./index";
import { adminGraphql, merchantAccessToken, TEST_APP } from "./testing";
import { connectionMultiplier } from "./graphql/cost";

const SHOP = "tenon-demo.myshopify.com";

interface Cost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}
interface Answer {
  data?: Record<string, unknown>;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: { cost: Cost };
}

describe("cost-based throttling", () => {
  let emulator: Emulator;
  let token: string;
  const clock = new ManualClock("2026-07-01T09:00:00Z");
  const send = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await adminGraphql(emulator, SHOP, token, query, variables);
    expect(response.status).toBe(200);
    return response.body as Answer;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:3999" }, seedFiles: [DEMO_STORE_SEED], clock });
    // Costs, not scopes (productSet needs write_products, which Tenon does not ask for): the merchant's token.
    token = await merchantAccessToken(emulator, SHOP);
  });
  afterAll(() => emulator.stop());

  it("prices objects, connections by their page size (sublinearly) and mutations at 10, and charges the actual cost", async () => {
    emulator.setThrottle(SHOP, { plan: "standard" });
    const shop = await send("{ shop { name } }");
    expect(shop.extensions?.cost).toMatchObject({ requestedQueryCost: 1, actualQueryCost: 1 });

    // 3 locations exist: requested 2 + m(10) 2 × node 1 (the edge is free), actual 2 + m(3) 1 × 1.
    const locations = await send("{ locations(first: 10) { edges { node { id } } } }");
    expect(locations.extensions?.cost).toMatchObject({ requestedQueryCost: 4, actualQueryCost: 3 });
    expect(locations.extensions?.cost.throttleStatus).toEqual({ maximumAvailable: 2000, currentlyAvailable: 2000 - 1 - 3, restoreRate: 100 });

    // An interface costs its dearest possible selection, not the sum of its fragments: 1 + 4, not 1 + 4 + 4.
    const either = await send(`{ nodes(ids: ["gid://shopify/Product/1"]) {
      ... on Product { variants(first: 10) { nodes { id } } }
      ... on Order { lineItems(first: 10) { nodes { id } } }
    } }`);
    expect(either.extensions?.cost.requestedQueryCost).toBe(5);

    const mutation = await send(`mutation {
      inventorySetQuantities(input: {name: "available", reason: "correction", quantities: []}) @idempotent(key: "cost-check") { userErrors { code } }
    }`);
    expect(mutation.extensions?.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });
  });

  it("prices productSet by its input: 10 + 0.2 per variant (Shopify's dynamic complexity)", async () => {
    emulator.setThrottle(SHOP, { plan: "standard" });
    // https://shopify.dev/changelog/dynamic-complexity-cost-for-productset-mutation
    const variants = Array.from({ length: 50 }, (_, i) => ({ optionValues: [{ optionName: "Length", name: `${i + 1} cm` }], price: "10.00" }));
    const answer = await send(
      `mutation($input: ProductSetInput!) { productSet(synchronous: true, input: $input) { product { id } userErrors { field message } } }`,
      { input: { title: "Cost bench", productOptions: [{ name: "Length", values: variants.map((v) => ({ name: v.optionValues[0]!.name })) }], variants } },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.extensions?.cost).toMatchObject({ requestedQueryCost: 20, actualQueryCost: 20 });
  });

  it("refuses a query above 1,000 points with MAX_COST_EXCEEDED, and input lists above 250", async () => {
    // 2 + 11 × (1 + 2 + 11 × (1 + 1 + 2 + 11 × (1 + 1))) = 3,181: three nested pages of 250.
    const tooBig = await send("{ products(first: 250) { nodes { variants(first: 250) { nodes { inventoryItem { inventoryLevels(first: 250) { nodes { location { id } } } } } } } } }");
    expect(tooBig.data).toBeUndefined();
    expect(tooBig.errors?.[0]?.extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", maxCost: 1000 });
    expect(tooBig.errors?.[0]?.extensions?.cost).toBe(3181);

    const ids = Array.from({ length: 251 }, (_, i) => `gid://shopify/Product/${i + 1}`);
    const tooMany = await send("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", { ids });
    expect(tooMany.errors?.[0]).toMatchObject({
      message: "The input array size of 251 is greater than the maximum allowed of 250.",
      extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
    });
  });

  it("answers THROTTLED (HTTP 200) to a client that ignores throttleStatus, and runs nothing", async () => {
    emulator.setThrottle(SHOP, { plan: "standard" });
    // requested 2 + 11 × (1 + 2 + 11 × 2) = 277
    const expensive = "{ products(first: 250) { nodes { variants(first: 250) { nodes { inventoryItem { id } } } } } }";
    let throttled: Answer | undefined;
    for (let i = 0; i < 500 && !throttled; i++) {
      const answer = await send(expensive);
      if (answer.errors?.some((e) => e.extensions?.code === "THROTTLED")) throttled = answer;
    }
    expect(throttled).toBeDefined();
    expect(throttled?.data).toBeUndefined();
    expect(throttled?.errors).toEqual([{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }]);
    expect(throttled?.extensions?.cost.actualQueryCost).toBeNull();
    expect(throttled?.extensions?.cost.requestedQueryCost).toBe(277);
    expect(throttled?.extensions?.cost.throttleStatus.currentlyAvailable).toBeLessThan(277);

    // The bucket refills at the restore rate of the emulator's clock.
    await clock.advance(5_000);
    const after = await send(expensive);
    expect(after.errors).toBeUndefined();
  });

  for (const plan of ["standard", "advanced"] as const) {
    it(`lets a client that follows throttleStatus run without THROTTLED at ≥ 95 % of the ${plan} restore rate`, async () => {
      const status = emulator.setThrottle(SHOP, { plan });
      const total = (await send("{ productVariantsCount { count } }")).data as { productVariantsCount: { count: number } };
      const n = total.productVariantsCount.count;
      // Heavy enough per call that two minutes take a few hundred calls: requested 2 + m(n) × 8,
      // actual 2 + m(n) × 6 (each item has one to three levels, a page of them costs m(≤ 3) = 1).
      const query = `{ productVariants(first: ${n}) { nodes { id inventoryItem { id inventoryLevels(first: 10) { nodes { id location { id } } } } } } }`;
      const requested = 2 + connectionMultiplier(n) * 8;
      let spentWhileLimited = 0;
      let limitedSince: number | null = null;
      let throttledCount = 0;
      let available = status.maximumAvailable;
      const measureUntil = clock.now().getTime() + 120_000; // two minutes of emulator time
      while (clock.now().getTime() < measureUntil) {
        if (available < requested) {
          // Wait exactly as long as the bucket needs, as a well-behaved client does.
          limitedSince ??= clock.now().getTime();
          await clock.advance(Math.ceil(((requested - available) / status.restoreRate) * 1000));
        }
        const answer = await send(query);
        if (answer.errors?.some((e) => e.extensions?.code === "THROTTLED")) throttledCount++;
        const cost = answer.extensions?.cost;
        if (!cost) throw new Error("no cost extension");
        expect(cost.requestedQueryCost).toBe(requested);
        available = cost.throttleStatus.currentlyAvailable;
        if (limitedSince !== null) spentWhileLimited += cost.actualQueryCost ?? 0;
      }
      expect(throttledCount).toBe(0);
      expect(limitedSince).not.toBeNull();
      const seconds = (clock.now().getTime() - (limitedSince ?? 0)) / 1000;
      expect(spentWhileLimited / seconds).toBeGreaterThanOrEqual(0.95 * status.restoreRate);
    });
  }
});
