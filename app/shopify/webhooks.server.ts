import type { Prisma } from "@prisma/client";
import db from "~/db.server";
import { recordWebhook, type InboxStore, type IncomingWebhook } from "~/services/webhook-inbox.server";
import { authenticate } from "~/shopify.server";

type Tx = Prisma.TransactionClient;

/**
 * Every webhook route: HMAC check (401 when wrong, by the library), then the event is stored
 * once per Event-Id together with whatever it causes (state change or jobs), then 200.
 * A duplicate delivery is acknowledged and changes nothing.
 */
export async function acceptWebhook(
  request: Request,
  handle: (tx: Tx, webhook: IncomingWebhook, inbox: { eventId: string; storeId: string | null; store: InboxStore | null }) => Promise<void>,
): Promise<Response> {
  const context = await authenticate.webhook(request);
  const webhook: IncomingWebhook = {
    shopDomain: context.shop,
    // The library upper-cases topics (APP_UNINSTALLED); Tenon keeps Shopify's own spelling.
    topic: request.headers.get("X-Shopify-Topic") ?? context.topic,
    // Compliance webhooks carry no Event-Id; their webhook id is unique per delivery attempt chain.
    eventId: ("eventId" in context && context.eventId) || context.webhookId,
    webhookId: context.webhookId,
    apiVersion: context.apiVersion,
    triggeredAt: context.triggeredAt ? new Date(context.triggeredAt) : null,
    payload: context.payload,
  };
  await db.$transaction(async (tx) => {
    const inbox = await recordWebhook(tx, webhook);
    if (inbox.duplicate) return;
    await handle(tx, webhook, { eventId: inbox.id, storeId: inbox.storeId, store: inbox.store });
  });
  return new Response(null, { status: 200 });
}
