/**
 * What Tenon believes of a webhook beyond its signature (docs/decisions/021-webhook-trust.md).
 * Shopify's HMAC covers the body only: the topic, the shop domain, the event id and the time it
 * was triggered travel in headers anyone holding a signed body can rewrite. These rules tie the
 * headers to the signed body where the body says who it is for, and refuse what no genuine
 * delivery would carry. Pure: the caller passes the clock.
 */

/** The only form of shop domain Shopify sends in `X-Shopify-Shop-Domain`. */
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export function isShopDomain(domain: string): boolean {
  return SHOP_DOMAIN.test(domain);
}

/**
 * Shopify retries a failed delivery 8 times over 4 hours, each time with the original payload
 * and `X-Shopify-Triggered-At` (https://shopify.dev/changelog/updates-to-webhook-retry-mechanism):
 * a genuine delivery is never much older than that. An hour of margin for Shopify's own queues.
 */
export const REPLAY_WINDOW_MS = 5 * 3_600_000;
/** Clock skew between Shopify and this server that is still believed. */
export const FUTURE_SKEW_MS = 5 * 60_000;

/** Why a delivery's `X-Shopify-Triggered-At` is not believed, or null when it is (or absent). */
export function triggeredAtProblem(triggeredAt: string | null, now: Date): string | null {
  // Shopify sends it on every delivery; the library treats it as optional, and so does Tenon:
  // a forger who can drop the header can as well set it to now (ADR 021).
  if (triggeredAt === null) return null;
  const at = Date.parse(triggeredAt);
  if (Number.isNaN(at)) return `X-Shopify-Triggered-At "${triggeredAt}" is not a date.`;
  const age = now.getTime() - at;
  if (age > REPLAY_WINDOW_MS) {
    return `X-Shopify-Triggered-At ${triggeredAt} is ${Math.round(age / 3_600_000)} hours old, past Shopify's 4-hour retry window: a replay, refused.`;
  }
  if (-age > FUTURE_SKEW_MS) return `X-Shopify-Triggered-At ${triggeredAt} is in the future: refused.`;
  return null;
}

/**
 * Nesting no Shopify payload comes near (an order is about 6 levels deep). Checked before
 * JSON.parse, so a body of 100,000 open brackets costs one scan, not the stack.
 */
export const MAX_PAYLOAD_DEPTH = 64;

export type PayloadParse = { ok: true; payload: Record<string, unknown> } | { ok: false; message: string };

/**
 * The signed body as a JSON object, or why it is not one. U+0000 and unpaired surrogates, valid
 * JSON that PostgreSQL's jsonb refuses, become U+FFFD so the event can be stored.
 */
export function parseWebhookPayload(text: string): PayloadParse {
  const depth = nestingDepth(text, MAX_PAYLOAD_DEPTH);
  if (depth > MAX_PAYLOAD_DEPTH) return { ok: false, message: `The body nests deeper than ${MAX_PAYLOAD_DEPTH} levels; no Shopify payload does.` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `The body is not JSON (${(error as Error).message}).` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: "The body is JSON but not an object; every Shopify payload is one." };
  }
  const payload = STORABLE_ESCAPES.test(text) ? (storable(parsed) as Record<string, unknown>) : (parsed as Record<string, unknown>);
  return { ok: true, payload };
}

/** The deepest nesting of arrays and objects outside strings, counting no further than `stopAt` + 1. */
function nestingDepth(text: string, stopAt: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAt) return deepest;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return deepest;
}

const STORABLE_ESCAPES = /\\u(0000|d[89a-f])/i;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function storable(value: unknown): unknown {
  if (typeof value === "string") return value.replaceAll("\u0000", "\uFFFD").replace(LONE_SURROGATE, "\uFFFD");
  if (Array.isArray(value)) return value.map(storable);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [storable(key) as string, storable(inner)]));
  }
  return value;
}

/**
 * The field of each topic's payload that names the shop, where Shopify puts one: the shop
 * resource (app/uninstalled, shop/update) carries `myshopify_domain` (its `domain` may be a
 * custom domain); the compliance topics carry `shop_domain`
 * (https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance). Orders, fulfillments,
 * returns and locations carry none; their jobs read the resource from the header's shop, where
 * another shop's id is not found (ADR 021).
 */
const SHOP_FIELD: Record<string, string> = {
  "app/uninstalled": "myshopify_domain",
  "shop/update": "myshopify_domain",
  "customers/data_request": "shop_domain",
  "customers/redact": "shop_domain",
  "shop/redact": "shop_domain",
};

/** Why the signed body is not for the shop of `X-Shopify-Shop-Domain`, or null when it is (or cannot say). */
export function payloadShopProblem(topic: string, payload: Record<string, unknown>, shopDomain: string): string | null {
  const field = SHOP_FIELD[topic];
  if (!field) return null;
  const named = payload[field];
  if (typeof named !== "string") return `The signed ${topic} body has no ${field}, so it cannot be tied to ${shopDomain}: refused.`;
  if (named.toLowerCase() !== shopDomain) {
    return `X-Shopify-Shop-Domain says ${shopDomain} but the signed ${topic} body is for ${named}: refused.`;
  }
  return null;
}
