import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppHarness, type AppHarness } from "../support/app-harness";

/**
 * The throttle-aware client through the app's real Admin client (`unauthenticated.admin`, the
 * library's GraphqlQueryError path for THROTTLED) against the emulator's bucket.
 */
const SHOP = "tenon-demo.myshopify.com";
let app: AppHarness;

beforeAll(async () => {
  app = await startAppHarness();
  const response = await app.request("/app/stores", { headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(SHOP)}` } });
  expect(response.status).toBe(200);
});
afterAll(async () => app.stop());

/** The app's admin client, with every answer's cost and errors recorded on the way through. */
async function observedAdmin() {
  const { unauthenticated } = await import("~/shopify.server");
  const { admin } = await unauthenticated.admin(SHOP);
  const seen: { throttled: boolean }[] = [];
  const observed = {
    graphql: async (query: string, options?: { variables?: Record<string, unknown> }) => {
      try {
        const response = await admin.graphql(query, options);
        seen.push({ throttled: false });
        return response;
      } catch (error) {
        const codes = ((error as { body?: { errors?: { graphQLErrors?: { extensions?: { code?: string } }[] } } }).body?.errors?.graphQLErrors ?? []).map((e) => e.extensions?.code);
        seen.push({ throttled: codes.includes("THROTTLED") });
        throw error;
      }
    },
  };
  return { admin: observed, seen };
}

const VARIANTS = "{ productVariants(first: 40) { nodes { id } } }";

describe("throttle-aware client against the emulator", () => {
  it("paces a stream of queries to the bucket: no THROTTLED answer after the first status is known", async () => {
    const { createShopifyClient } = await import("~/shopify/client");
    app.emulator.setThrottle(SHOP, { maximumAvailable: 120, restoreRate: 2000 });
    const { admin, seen } = await observedAdmin();
    const client = createShopifyClient(admin);
    for (let i = 0; i < 25; i++) {
      const result = await client.request<{ productVariants: { nodes: unknown[] } }>(VARIANTS);
      expect(result.ok).toBe(true);
    }
    expect(seen).toHaveLength(25);
    expect(seen.filter((s) => s.throttled)).toHaveLength(0);
    expect(client.lastThrottleStatus).toMatchObject({ maximumAvailable: 120, restoreRate: 2000 });
  });

  it("waits out THROTTLED answers caused by someone else spending the bucket, and succeeds", async () => {
    const { createShopifyClient } = await import("~/shopify/client");
    // VARIANTS costs 2 + m(40) 4 = 6 points: a bucket of two and a half of them that refills slowly.
    app.emulator.setThrottle(SHOP, { maximumAvailable: 15, restoreRate: 5 });
    const { admin, seen } = await observedAdmin();
    const ours = createShopifyClient(admin);
    const other = createShopifyClient((await observedAdmin()).admin);
    // Both learn the cost, then the other client drains the bucket behind our back.
    await ours.request(VARIANTS);
    await other.request(VARIANTS);
    await other.request(VARIANTS);
    const result = await ours.request(VARIANTS);
    expect(result.ok).toBe(true);
    // Our estimate said "enough" (it cannot see the other client), Shopify said THROTTLED, we waited and resent.
    expect(seen.some((s) => s.throttled)).toBe(true);
  });

  it("sends inventorySetQuantities with @idempotent(key:) and answers stale compare-and-set as typed user errors", async () => {
    const { createShopifyClient } = await import("~/shopify/client");
    app.emulator.setThrottle(SHOP, { plan: "standard" });
    const { admin } = await observedAdmin();
    const client = createShopifyClient(admin);
    const READ = `{ inventoryItems(first: 1, query: "sku:OAK-STOOL-45") { nodes { id inventoryLevels(first: 1) { nodes { location { id } quantities(names: ["available"]) { quantity } } } } } }`;
    const level = await client.request<{ inventoryItems: { nodes: { id: string; inventoryLevels: { nodes: { location: { id: string }; quantities: { quantity: number }[] }[] } }[] } }>(READ);
    if (!level.ok) throw new Error(level.message);
    const item = level.data.inventoryItems.nodes[0]!;
    const at = item.inventoryLevels.nodes[0]!;
    const current = at.quantities[0]!.quantity;
    const SET = `mutation Set($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
      inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) { inventoryAdjustmentGroup { id } userErrors { field message code } }
    }`;
    const input = (quantity: number, changeFromQuantity: number) => ({
      name: "available",
      reason: "correction",
      quantities: [{ inventoryItemId: item.id, locationId: at.location.id, quantity, changeFromQuantity }],
    });
    const first = await client.request<{ inventorySetQuantities: { inventoryAdjustmentGroup: { id: string } | null } }>(SET, { input: input(current + 5, current) }, { idempotencyKey: "client-test-1", userErrorsAt: "inventorySetQuantities" });
    if (!first.ok) throw new Error(first.message);
    // A replay with the same key answers the first payload and changes nothing again.
    const replay = await client.request<{ inventorySetQuantities: { inventoryAdjustmentGroup: { id: string } | null } }>(SET, { input: input(current + 5, current) }, { idempotencyKey: "client-test-1", userErrorsAt: "inventorySetQuantities" });
    expect(replay).toMatchObject({ ok: true, data: first.data });
    const stale = await client.request(SET, { input: input(current + 9, current) }, { idempotencyKey: "client-test-2", userErrorsAt: "inventorySetQuantities" });
    expect(stale).toMatchObject({ ok: false, code: "SHOPIFY_USER_ERRORS", userErrors: [{ code: "CHANGE_FROM_QUANTITY_STALE" }] });
    const after = await client.request<typeof level extends { ok: true; data: infer D } ? D : never>(READ);
    if (!after.ok) throw new Error(after.message);
    expect(after.data.inventoryItems.nodes[0]!.inventoryLevels.nodes[0]!.quantities[0]!.quantity).toBe(current + 5);
  });

  it("answers SHOPIFY_ACCESS_DENIED, naming the scope and what to do, for a store that has not granted it; nothing is retried", async () => {
    const { createShopifyClient } = await import("~/shopify/client");
    const { CUSTOMERS_COUNT_QUERY } = await import("~/shopify/documents");
    app.emulator.setThrottle(SHOP, { plan: "standard" });
    const granted = app.emulator.shop(SHOP).installation.scopes;
    // The store installed a version of Tenon that did not ask for read_customers yet.
    app.emulator.install(SHOP, { scopes: granted.filter((s) => s !== "read_customers") });
    try {
      const { admin, seen } = await observedAdmin();
      const result = await createShopifyClient(admin).request(CUSTOMERS_COUNT_QUERY);
      expect(result).toMatchObject({ ok: false, code: "SHOPIFY_ACCESS_DENIED" });
      expect(result.ok === false && result.message).toMatch(/`read_customers` access scope.*approve its updated permissions/);
      expect(seen).toHaveLength(1);
    } finally {
      app.emulator.install(SHOP, { scopes: granted });
    }
  });
});
