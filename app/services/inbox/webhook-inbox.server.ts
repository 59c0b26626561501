import type { Prisma } from "@prisma/client";
import { newId } from "~/db/raw-sql";

type Tx = Prisma.TransactionClient;

export interface IncomingWebhook {
  shopDomain: string;
  topic: string;
  /**
   * X-Shopify-Event-Id; the same event delivered twice carries the same id, and one change sent
   * under several topics may carry one id for all of them, so it is unique per topic (ADR 027).
   */
  eventId: string;
  webhookId: string;
  apiVersion: string;
  triggeredAt: Date | null;
  payload: unknown;
}

/** The store a webhook is for, as the handlers need it (null: a shop Tenon does not know). */
export interface InboxStore {
  id: string;
  connection: string;
  syncActive: boolean;
}

export type InboxResult = { duplicate: false; id: string; storeId: string | null; store: InboxStore | null } | { duplicate: true };

/**
 * Stores a webhook before Tenon acknowledges it, once per Shopify event and topic. Runs inside
 * the caller's transaction so the event and the work it causes commit together.
 *
 * Two hand-written statements (ADR 018: this runs for every webhook): the store, then the event,
 * inserted unless its (topic, Event-Id) is already stored. Shopify's duplicates repeat the Event-Id
 * (https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates), while orders/edited and the
 * orders/updated of the same edit are two webhooks Tenon must both handle
 * (docs/decisions/027-webhook-delivery.md). A delivery racing another of the same event
 * waits for the first one's transaction and then finds it stored.
 */
export async function recordWebhook(tx: Tx, webhook: IncomingWebhook): Promise<InboxResult> {
  const [store = null] = await tx.$queryRaw<InboxStore[]>`
    SELECT "id", "connection", "syncActive" FROM "Store" WHERE "shopDomain" = ${webhook.shopDomain}`;
  const inserted = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "WebhookEvent" ("id", "storeId", "shopDomain", "topic", "eventId", "webhookId", "apiVersion", "triggeredAt", "payload", "receivedAt")
    VALUES (${newId()}, ${store?.id ?? null}, ${webhook.shopDomain}, ${webhook.topic}, ${webhook.eventId}, ${webhook.webhookId},
            ${webhook.apiVersion}, ${webhook.triggeredAt}, ${JSON.stringify(webhook.payload ?? null)}, ${new Date()})
    ON CONFLICT ("topic", "eventId") DO NOTHING
    RETURNING "id"`;
  const event = inserted[0];
  if (!event) return { duplicate: true };
  return { duplicate: false, id: event.id, storeId: store?.id ?? null, store };
}

/** A shop's stored webhooks, oldest first: what a compliance request searches (ADR 020). */
export async function storedWebhooks(tx: Tx, shopDomain: string) {
  return tx.webhookEvent.findMany({
    where: { shopDomain },
    select: { id: true, topic: true, receivedAt: true, payload: true },
    orderBy: { receivedAt: "asc" },
  });
}

/** Replaces stored payloads that must no longer hold personal data; the events themselves stay (dedupe on topic and Event-Id). */
export async function redactWebhookPayloads(tx: Tx, eventIds: string[], payload: Prisma.InputJsonValue): Promise<number> {
  if (eventIds.length === 0) return 0;
  return (await tx.webhookEvent.updateMany({ where: { id: { in: eventIds } }, data: { payload } })).count;
}
