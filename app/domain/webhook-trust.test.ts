import { describe, expect, it } from "vitest";
import { FUTURE_SKEW_MS, MAX_PAYLOAD_DEPTH, REPLAY_WINDOW_MS, isShopDomain, parseWebhookPayload, payloadShopProblem, triggeredAtProblem } from "./webhook-trust";

const NOW = new Date("2026-12-04T12:00:00Z");
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();

describe("isShopDomain", () => {
  it.each(["tenon-demo.myshopify.com", "a1.myshopify.com"])("takes %s", (domain) => expect(isShopDomain(domain)).toBe(true));
  it.each(["shop.example.com", "evil.com/.myshopify.com", "x.myshopify.com.evil.com", "-x.myshopify.com", "Tenon.myshopify.com", ""])("refuses %s", (domain) =>
    expect(isShopDomain(domain)).toBe(false),
  );
});

describe("triggeredAtProblem", () => {
  it("believes a delivery inside Shopify's retry window, a little clock skew, or no header", () => {
    expect(triggeredAtProblem(at(-4 * 3_600_000), NOW)).toBeNull();
    expect(triggeredAtProblem(at(-REPLAY_WINDOW_MS), NOW)).toBeNull();
    expect(triggeredAtProblem(at(FUTURE_SKEW_MS), NOW)).toBeNull();
    expect(triggeredAtProblem(null, NOW)).toBeNull();
  });

  it("refuses one older than the window, from the future, or not a date", () => {
    expect(triggeredAtProblem(at(-REPLAY_WINDOW_MS - 1), NOW)).toContain("past Shopify's 4-hour retry window");
    expect(triggeredAtProblem(at(FUTURE_SKEW_MS + 1), NOW)).toContain("in the future");
    expect(triggeredAtProblem("yesterday", NOW)).toContain("is not a date");
  });
});

describe("parseWebhookPayload", () => {
  it("parses an object", () => {
    expect(parseWebhookPayload('{"id": 1, "tags": "a [b] {c}"}')).toEqual({ ok: true, payload: { id: 1, tags: "a [b] {c}" } });
  });

  it("counts nesting outside strings only, and refuses past the limit before parsing", () => {
    const nested = (depth: number) => '{"a":'.repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    expect(parseWebhookPayload(nested(MAX_PAYLOAD_DEPTH)).ok).toBe(true);
    expect(parseWebhookPayload(nested(MAX_PAYLOAD_DEPTH + 1))).toMatchObject({ ok: false, message: expect.stringContaining("nests deeper") });
    expect(parseWebhookPayload(`{"note": "${"[".repeat(1000)}\\"${"{".repeat(1000)}"}`).ok).toBe(true);
    expect(parseWebhookPayload("[".repeat(1_000_000)).ok).toBe(false);
  });

  it.each([
    ["not JSON", "{not json"],
    ["a raw NUL", '{"a": "\u0000"}'],
    ["an array", "[]"],
    ["null", "null"],
    ["a string", '"orders"'],
  ])("refuses %s", (_name, text) => expect(parseWebhookPayload(text).ok).toBe(false));

  it("replaces escaped U+0000 and unpaired surrogates, which PostgreSQL's jsonb refuses, in values and keys", () => {
    expect(parseWebhookPayload('{"note": "a\\u0000b", "k\\u0000": ["\\ud800", "\\ud83d\\ude00", "\\udc00x"]}')).toEqual({
      ok: true,
      payload: { note: "a\uFFFDb", "k\uFFFD": ["\uFFFD", "😀", "\uFFFDx"] },
    });
  });
});

describe("payloadShopProblem", () => {
  const shop = "tenon-demo.myshopify.com";
  it("ties the shop resource and the compliance payloads to the header's shop", () => {
    expect(payloadShopProblem("app/uninstalled", { domain: "shop.example.com", myshopify_domain: shop }, shop)).toBeNull();
    expect(payloadShopProblem("shop/redact", { shop_domain: shop }, shop)).toBeNull();
    expect(payloadShopProblem("customers/redact", { shop_domain: "other.myshopify.com" }, shop)).toContain("is for other.myshopify.com");
    expect(payloadShopProblem("app/uninstalled", { domain: shop }, shop)).toContain("has no myshopify_domain");
  });

  it("cannot say for topics whose payload names no shop", () => {
    expect(payloadShopProblem("orders/create", { id: 1 }, shop)).toBeNull();
  });
});
