import { Prisma } from "@prisma/client";

type Tx = Prisma.TransactionClient;

export interface IncomingWebhook {
  shopDomain: string;
  topic: string;
  /** X-Shopify-Event-Id; the same event delivered twice carries the same id. */
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
 * Stores a webhook before Tenon acknowledges it, once per Shopify event. Runs inside the
 * caller's transaction so the event and the work it causes commit together.
 */
export async function recordWebhook(tx: Tx, webhook: IncomingWebhook): Promise<InboxResult> {
  const existing = await tx.webhookEvent.findUnique({ where: { eventId: webhook.eventId }, select: { id: true } });
  if (existing) return { duplicate: true };
  const store = await tx.store.findUnique({ where: { shopDomain: webhook.shopDomain }, select: { id: true, connection: true, syncActive: true } });
  const event = await tx.webhookEvent.create({
    data: {
      storeId: store?.id ?? null,
      shopDomain: webhook.shopDomain,
      topic: webhook.topic,
      eventId: webhook.eventId,
      webhookId: webhook.webhookId,
      apiVersion: webhook.apiVersion,
      triggeredAt: webhook.triggeredAt,
      payload: webhook.payload as Prisma.InputJsonValue,
    },
    select: { id: true },
  });
  return { duplicate: false, id: event.id, storeId: store?.id ?? null, store };
}

/** Two deliveries of one event racing each other: the loser's insert hits the unique event id. */
export function isDuplicateDelivery(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
