import { createHmac, timingSafeEqual } from "node:crypto";
import type { Prisma } from "@prisma/client";
import db from "~/db.server";
import { isShopDomain, parseWebhookPayload, payloadShopProblem, triggeredAtProblem } from "~/domain/webhook-trust";
import { env } from "~/env.server";
import { readBodyWithin, WEBHOOK_BODY_LIMIT, bodyTooLarge } from "~/server/request-body";
import { recordWebhook, type InboxStore, type IncomingWebhook } from "~/services/inbox/webhook-inbox.server";

type Tx = Prisma.TransactionClient;

/** The headers of every Shopify webhook delivery (https://shopify.dev/docs/apps/build/webhooks/subscribe/https). */
const HEADERS = {
  hmac: "X-Shopify-Hmac-Sha256",
  topic: "X-Shopify-Topic",
  shop: "X-Shopify-Shop-Domain",
  apiVersion: "X-Shopify-API-Version",
  webhookId: "X-Shopify-Webhook-Id",
  eventId: "X-Shopify-Event-Id",
  triggeredAt: "X-Shopify-Triggered-At",
} as const;

const refuse = (status: number, message: string) => new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/** base64(HMAC-SHA256(secret, raw body)) against the header, in constant time. */
function signatureMatches(digest: Buffer, header: string): boolean {
  const claimed = Buffer.from(header, "base64");
  return claimed.length === digest.length && timingSafeEqual(claimed, digest);
}

/**
 * Every webhook route: the body read within its limit while its HMAC is computed (401 when
 * wrong), then the headers are held to the signed body (docs/decisions/021-webhook-trust.md):
 * the topic must be one `topics` serves, the delivery no older than Shopify's retry window, the
 * body a JSON object for the shop of the header where it names one. Anything else is refused with
 * a 4xx that says why, and nothing is stored. Then the event is stored once per topic and Event-Id
 * (one change sent under several topics may share its Event-Id; docs/decisions/027-webhook-delivery.md)
 * together with whatever it causes (state change or jobs), then 200. A duplicate delivery is
 * acknowledged and changes nothing.
 *
 * Tenon checks the signature itself instead of the library's authenticate.webhook, which reads
 * the body whole before checking anything and loads the shop's session, which no handler uses.
 */
export async function acceptWebhook(
  request: Request,
  topics: readonly string[],
  handle: (tx: Tx, webhook: IncomingWebhook, inbox: { eventId: string; storeId: string | null; store: InboxStore | null }) => Promise<void>,
): Promise<Response> {
  if (request.method !== "POST") return refuse(405, "Shopify delivers webhooks with POST.");
  const header = (name: string) => request.headers.get(name) || null;
  const hmac = createHmac("sha256", env.SHOPIFY_API_SECRET);
  const read = await readBodyWithin(request, WEBHOOK_BODY_LIMIT, (chunk) => hmac.update(chunk));
  if (!read.ok) return read.tooLarge ? bodyTooLarge(WEBHOOK_BODY_LIMIT) : refuse(400, read.message);
  const signature = header(HEADERS.hmac);
  // As the library answered: unsigned 400, signed wrongly 401 (what Shopify's review checks).
  if (read.body.length === 0) return refuse(400, "The webhook has no body.");
  if (!signature) return refuse(400, `The webhook lacks ${HEADERS.hmac}.`);
  if (!signatureMatches(hmac.digest(), signature)) return refuse(401, "The webhook's HMAC does not match its body.");

  const missing = [HEADERS.topic, HEADERS.shop, HEADERS.apiVersion, HEADERS.webhookId].filter((name) => !header(name));
  if (missing.length > 0) return refuse(400, `The webhook lacks ${missing.join(", ")}.`);
  const topic = header(HEADERS.topic)!;
  const shopDomain = header(HEADERS.shop)!;
  const refused = (status: number, message: string) => {
    console.warn(`Webhook ${topic} for ${shopDomain} refused (${status}): ${message}`);
    return refuse(status, message);
  };
  if (!isShopDomain(shopDomain)) return refused(400, `${HEADERS.shop} "${shopDomain}" is not a *.myshopify.com domain.`);
  if (!topics.includes(topic)) {
    return refused(400, `${topic} is not delivered here (${new URL(request.url).pathname} serves ${topics.join(", ")}); check shopify.app.toml.`);
  }
  const stale = triggeredAtProblem(header(HEADERS.triggeredAt), new Date());
  if (stale) return refused(400, stale);
  const parsed = parseWebhookPayload(read.body.toString("utf8"));
  if (!parsed.ok) return refused(400, parsed.message);
  const mismatch = payloadShopProblem(topic, parsed.payload, shopDomain);
  if (mismatch) return refused(400, mismatch);

  const webhookId = header(HEADERS.webhookId)!;
  const triggeredAt = header(HEADERS.triggeredAt);
  const webhook: IncomingWebhook = {
    shopDomain,
    topic,
    // Compliance webhooks carry no Event-Id; their webhook id is unique per delivery attempt chain.
    eventId: header(HEADERS.eventId) ?? webhookId,
    webhookId,
    apiVersion: header(HEADERS.apiVersion)!,
    triggeredAt: triggeredAt ? new Date(triggeredAt) : null,
    payload: parsed.payload,
  };
  await db.$transaction(async (tx) => {
    const inbox = await recordWebhook(tx, webhook);
    if (inbox.duplicate) return;
    await handle(tx, webhook, { eventId: inbox.id, storeId: inbox.storeId, store: inbox.store });
  });
  return new Response(null, { status: 200 });
}
