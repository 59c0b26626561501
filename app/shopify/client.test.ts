import { describe, expect, it } from "vitest";
import { createShopifyClient, hasIdempotentDirective, isMutationDocument, shopifyQuery, ThrottleBudget, type AdminGraphql } from "./client";

/**
 * The transport is scripted (what Shopify, or the library on its behalf, answers); the client's
 * decisions — wait how long, send again or not — are what is tested. The same client runs
 * against the emulator in tests/integration/shopify-client.test.ts.
 */
type Step = { body: unknown; status?: number } | { throw: unknown };

const status = (currentlyAvailable: number, restoreRate = 100, maximumAvailable = 2000) => ({ maximumAvailable, currentlyAvailable, restoreRate });
const cost = (requested: number, available: number, actual: number | null = requested, restoreRate = 100) => ({
  cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: status(available, restoreRate) },
});
const okBody = (data: unknown, requested = 10, available = 1990) => ({ body: { data, extensions: cost(requested, available) } });
const throttledBody = (requested: number, available: number, restoreRate = 100) => ({
  body: { errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }], extensions: cost(requested, available, null, restoreRate) },
});

function harness(steps: Step[]) {
  const sent: { query: string; variables?: Record<string, unknown> }[] = [];
  const sleeps: number[] = [];
  let clock = 1_000_000;
  const admin: AdminGraphql = {
    graphql: (query, options) => {
      sent.push({ query, variables: options?.variables });
      const step = steps.shift();
      if (!step) throw new Error("unexpected request");
      if ("throw" in step) return Promise.reject(step.throw);
      return Promise.resolve(new Response(JSON.stringify(step.body), { status: step.status ?? 200 }));
    },
  };
  const client = createShopifyClient(admin, {
    now: () => clock,
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
  });
  return { client, sent, sleeps, advance: (ms: number) => (clock += ms) };
}

const QUERY = "query Q { shop { name } }";
const MUTATION = `mutation M($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code message field } } }`;
const IDEMPOTENT = `mutation M($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) { userErrors { code message field } }
}`;
const networkError = { throw: Object.assign(new Error("Http request error, no response available: fetch failed"), { name: "HttpRequestError" }) };
const http = (code: number, retryAfter?: number) => ({ throw: Object.assign(new Error(`Received an error response (${code})`), { response: { code, retryAfter } }) });

describe("document classification", () => {
  it("tells mutations and @idempotent mutations apart, comments aside", () => {
    expect(isMutationDocument(MUTATION)).toBe(true);
    expect(isMutationDocument("#graphql\n  mutation X { a }")).toBe(true);
    expect(isMutationDocument(QUERY)).toBe(false);
    expect(isMutationDocument("{ shop { name } }")).toBe(false);
    expect(isMutationDocument("# mutation in a comment\nquery Q { a }")).toBe(false);
    expect(isMutationDocument("fragment F on Shop { name } mutation M { a }")).toBe(true);
    expect(hasIdempotentDirective(IDEMPOTENT)).toBe(true);
    expect(hasIdempotentDirective(MUTATION)).toBe(false);
    expect(hasIdempotentDirective("# @idempotent(key: x)\nmutation { a }")).toBe(false);
  });
});

describe("ThrottleBudget", () => {
  it("refills at the restore rate up to the maximum and says how long to wait for a cost", () => {
    const budget = new ThrottleBudget();
    expect(budget.available(0)).toBeNull();
    expect(budget.waitMs(500, 0)).toBe(0);
    budget.record(status(100, 50, 1000), 0);
    expect(budget.available(1000)).toBe(150);
    expect(budget.available(60_000)).toBe(1000);
    expect(budget.waitMs(100, 0)).toBe(0);
    expect(budget.waitMs(101, 0)).toBe(20);
    expect(budget.waitMs(200, 0)).toBe(2000);
    // More than the bucket holds: wait for a full bucket, not forever.
    expect(budget.waitMs(5000, 0)).toBe(18_000);
    budget.spend(30, 0);
    expect(budget.available(0)).toBe(70);
  });
});

describe("createShopifyClient", () => {
  it("answers data with the cost, and exposes the last throttle status", async () => {
    const h = harness([okBody({ shop: { name: "A" } }, 1, 1999)]);
    expect(h.client.lastThrottleStatus).toBeNull();
    const result = await h.client.request<{ shop: { name: string } }>(QUERY);
    expect(result).toEqual({ ok: true, data: { shop: { name: "A" } }, cost: cost(1, 1999).cost });
    expect(h.client.lastThrottleStatus).toEqual(status(1999));
    expect(h.sleeps).toEqual([]);
  });

  it("paces the next request by the bucket: waits exactly until the document's last requested cost is available", async () => {
    const h = harness([okBody({ a: 1 }, 250, 50), okBody({ a: 2 }, 250, 0)]);
    await h.client.request(QUERY);
    await h.client.request(QUERY);
    // 200 points short at 100 points/s.
    expect(h.sleeps).toEqual([2000]);
    expect(h.client.estimatedAvailable()).toBe(0);
    h.advance(500);
    expect(h.client.estimatedAvailable()).toBe(50);
  });

  it("on THROTTLED waits exactly (requested − available) / restore rate and sends again", async () => {
    const h = harness([throttledBody(252, 52), okBody({ a: 1 }, 252, 0)]);
    const result = await h.client.request(QUERY);
    expect(result.ok).toBe(true);
    expect(h.sleeps).toEqual([2000]);
    expect(h.sent).toHaveLength(2);
  });

  it("reads THROTTLED from the library's GraphqlQueryError (cost still in body.extensions)", async () => {
    const thrown = Object.assign(new Error("Throttled"), {
      response: new Response("{}"),
      body: { errors: { networkStatusCode: 200, message: "GraphQL Client: An error occurred while fetching from the API. Review 'graphQLErrors' for details.", graphQLErrors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }] }, extensions: cost(20, 10, null, 50) },
    });
    const h = harness([{ throw: thrown }, okBody({ a: 1 })]);
    expect((await h.client.request(QUERY)).ok).toBe(true);
    expect(h.sleeps).toEqual([200]);
  });

  it("sends a THROTTLED mutation again even without an idempotency key (THROTTLED ran nothing)", async () => {
    const h = harness([throttledBody(10, 3), okBody({ inventorySetQuantities: { userErrors: [] } })]);
    const result = await h.client.request(MUTATION, { input: {} });
    expect(result.ok).toBe(true);
    expect(h.sleeps).toEqual([70]);
    expect(h.sent).toHaveLength(2);
  });

  it("gives up on THROTTLED after maxThrottleWaitMs in all", async () => {
    const steps = Array.from({ length: 10 }, () => throttledBody(1000, 0, 1));
    const sleeps: number[] = [];
    const admin: AdminGraphql = { graphql: () => Promise.resolve(new Response(JSON.stringify(steps.shift()!.body))) };
    const client = createShopifyClient(admin, { sleep: (ms) => (sleeps.push(ms), Promise.resolve()), now: () => 0, maxThrottleWaitMs: 60_000 });
    const result = await client.request(QUERY);
    expect(result).toMatchObject({ ok: false, code: "SHOPIFY_THROTTLED" });
    expect(sleeps).toEqual([]);
  });

  it("retries a query after 5xx, 429 and network failures with backoff (Retry-After when given)", async () => {
    const h = harness([http(502), networkError, http(429, 3), okBody({ a: 1 })]);
    const result = await h.client.request(QUERY);
    expect(result.ok).toBe(true);
    expect(h.sleeps).toEqual([500, 1000, 3000]);
    expect(h.sent).toHaveLength(4);
  });

  it("stops after maxAttempts transient failures with the last one", async () => {
    const h = harness([http(503), http(503), http(503), http(503), http(503)]);
    const result = await h.client.request(QUERY);
    expect(result).toMatchObject({ ok: false, code: "SHOPIFY_HTTP_ERROR", status: 503, message: "HTTP 503 (after 5 attempts)" });
    expect(h.sent).toHaveLength(5);
  });

  it("never sends a non-idempotent mutation again after an unknown outcome (network, 5xx, INTERNAL_SERVER_ERROR)", async () => {
    for (const step of [networkError, http(500), { body: { errors: [{ message: "Internal error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] } }]) {
      const h = harness([step as Step]);
      const result = await h.client.request(MUTATION, { input: {} });
      expect(result).toMatchObject({ ok: false, code: "SHOPIFY_OUTCOME_UNKNOWN", message: expect.stringContaining("not") });
      expect(h.sent).toHaveLength(1);
    }
  });

  it("sends a 429'd mutation again (429 ran nothing)", async () => {
    const h = harness([http(429), okBody({ inventorySetQuantities: { userErrors: [] } })]);
    expect((await h.client.request(MUTATION, { input: {} })).ok).toBe(true);
    expect(h.sent).toHaveLength(2);
  });

  it("sends an @idempotent mutation again with the same key after an unknown outcome", async () => {
    const h = harness([networkError, http(502), okBody({ inventorySetQuantities: { userErrors: [] } })]);
    const result = await h.client.request(IDEMPOTENT, { input: { quantities: [] } }, { idempotencyKey: "push-1" });
    expect(result.ok).toBe(true);
    expect(h.sent.map((s) => s.variables)).toEqual(Array.from({ length: 3 }, () => ({ input: { quantities: [] }, idempotencyKey: "push-1" })));
  });

  it("refuses an idempotency key for a document that cannot carry it", async () => {
    const h = harness([]);
    await expect(h.client.request(MUTATION, {}, { idempotencyKey: "k" })).rejects.toThrow(/\$idempotencyKey/);
  });

  it("refuses an empty or whitespace-only idempotency key before sending (Shopify refuses it; docs/decisions/025)", async () => {
    const h = harness([]);
    for (const key of ["", " ", "\t\n"]) {
      await expect(h.client.request(IDEMPOTENT, { input: {} }, { idempotencyKey: key })).rejects.toThrow(/empty or whitespace/);
    }
    expect(h.sent).toEqual([]);
  });

  it("does not retry 4xx answers or ordinary GraphQL errors", async () => {
    let h = harness([http(401)]);
    expect(await h.client.request(QUERY)).toMatchObject({ ok: false, code: "SHOPIFY_HTTP_ERROR", status: 401 });
    expect(h.sent).toHaveLength(1);
    h = harness([{ throw: new Response(null, { status: 401 }) }]);
    expect(await h.client.request(QUERY)).toMatchObject({ ok: false, code: "SHOPIFY_HTTP_ERROR", status: 401 });
    h = harness([{ body: { errors: [{ message: "Field 'x' doesn't exist on type 'Shop'" }] } }]);
    expect(await h.client.request(QUERY)).toEqual({ ok: false, code: "SHOPIFY_GRAPHQL_ERROR", message: "Field 'x' doesn't exist on type 'Shop'" });
    h = harness([{ body: { errors: [{ message: "Query cost is 1262, which exceeds the single query max cost limit (1000).", extensions: { code: "MAX_COST_EXCEEDED", cost: 1262, maxCost: 1000 } }] } }]);
    expect(await h.client.request(QUERY)).toMatchObject({ ok: false, code: "SHOPIFY_MAX_COST_EXCEEDED" });
    expect(h.sent).toHaveLength(1);
  });

  it("turns userErrors at the named payload into SHOPIFY_USER_ERRORS, with the payload", async () => {
    const userErrors = [{ field: ["input", "quantities", "0", "changeFromQuantity"], message: "The specified changeFromQuantity does not match the current quantity.", code: "CHANGE_FROM_QUANTITY_STALE" }];
    const h = harness([okBody({ inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors } })]);
    const result = await h.client.request(IDEMPOTENT, { input: {} }, { idempotencyKey: "k", userErrorsAt: "inventorySetQuantities" });
    expect(result).toMatchObject({ ok: false, code: "SHOPIFY_USER_ERRORS", userErrors, data: { inventorySetQuantities: { userErrors } } });
  });
});

describe("shopifyQuery (one call, no retry)", () => {
  it("keeps its answers: data, THROTTLED, GraphQL errors, HTTP failures", async () => {
    const admin = (step: Step): AdminGraphql => ({
      graphql: () => ("throw" in step ? Promise.reject(step.throw) : Promise.resolve(new Response(JSON.stringify(step.body), { status: step.status ?? 200 }))),
    });
    expect(await shopifyQuery(admin(okBody({ a: 1 })), QUERY)).toMatchObject({ ok: true, data: { a: 1 } });
    expect(await shopifyQuery(admin(throttledBody(10, 1)), QUERY)).toMatchObject({ ok: false, code: "SHOPIFY_THROTTLED", message: "Throttled" });
    expect(await shopifyQuery(admin({ body: {}, status: 502 }), QUERY)).toMatchObject({ ok: false, code: "SHOPIFY_HTTP_ERROR", message: "HTTP 502" });
    expect(await shopifyQuery(admin(networkError), QUERY)).toMatchObject({ ok: false, code: "SHOPIFY_HTTP_ERROR", message: expect.stringContaining("fetch failed") });
    expect(await shopifyQuery(admin({ body: {} }), QUERY)).toEqual({ ok: false, code: "SHOPIFY_GRAPHQL_ERROR", message: "Shopify answered without data." });
  });
});

// https://shopify.dev/docs/apps/launch/protected-customer-data, "Example API requests for protected customer data".
describe("protected customer data", () => {
  const denied = (path: (string | number)[], code?: string) => ({
    message: "This app is not approved to access the Customer object. See https://partners.shopify.com/123/apps/456/customer_data for more details.",
    path,
    ...(code ? { extensions: { code } } : {}),
  });

  it("a field Shopify redacts is the data, null there, with the redacted paths named (with or without a code)", async () => {
    const { client } = harness([
      { body: { data: { customer: { email: "a@example.com", phone: null } }, errors: [denied(["customer", "phone"])], extensions: cost(1, 1999) } },
      { body: { data: { order: { email: null, customer: { firstName: null } } }, errors: [denied(["order", "email"], "ACCESS_DENIED"), denied(["order", "customer", "firstName"], "ACCESS_DENIED")] } },
    ]);
    expect(await client.request(QUERY)).toMatchObject({ ok: true, data: { customer: { email: "a@example.com", phone: null } }, redacted: ["customer.phone"] });
    expect(await client.request(QUERY)).toMatchObject({ ok: true, redacted: ["order.email", "order.customer.firstName"] });
    const plain = await shopifyQuery(
      { graphql: () => Promise.resolve(new Response(JSON.stringify({ data: { customer: { phone: null } }, errors: [denied(["customer", "phone"])] }))) },
      QUERY,
    );
    expect(plain).toEqual({ ok: true, data: { customer: { phone: null } }, redacted: ["customer.phone"] });
  });

  it("an object refused whole is SHOPIFY_CUSTOMER_DATA_REFUSED; a refusal beside another error stays that error", async () => {
    const orderRefused = { message: "This app is not approved to access the Order object. See https://shopify.dev/docs/apps/launch/protected-customer-data for more details.", path: ["order"], extensions: { code: "ACCESS_DENIED" } };
    const { client } = harness([
      { body: { data: { order: null }, errors: [orderRefused] } },
      { body: { data: { customer: null }, errors: [denied(["customer", "phone"]), { message: "Internal error", path: ["customer", "x"], extensions: { code: "SOMETHING" } }] } },
    ]);
    expect(await client.request(QUERY)).toMatchObject({ ok: false, code: "SHOPIFY_CUSTOMER_DATA_REFUSED", message: expect.stringContaining("not approved to access the Order object") });
    expect(await client.request(QUERY)).toMatchObject({ ok: false, code: "SHOPIFY_GRAPHQL_ERROR" });
  });

  it("a field refused for a missing scope is SHOPIFY_ACCESS_DENIED, never read as a redacted null", async () => {
    const scopeDenied = {
      message: "Access denied for fulfillmentOrders field. Required access: `read_merchant_managed_fulfillment_orders` access scope.",
      path: ["order", "fulfillmentOrders"],
      extensions: { code: "ACCESS_DENIED", requiredAccess: "`read_merchant_managed_fulfillment_orders` access scope." },
    };
    const { client } = harness([{ body: { data: { order: { id: "gid://shopify/Order/1", fulfillmentOrders: null } }, errors: [scopeDenied] } }]);
    expect(await client.request(QUERY)).toMatchObject({
      ok: false,
      code: "SHOPIFY_ACCESS_DENIED",
      message: expect.stringContaining("read_merchant_managed_fulfillment_orders"),
    });
  });
});
