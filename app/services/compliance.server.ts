import type { Prisma } from "@prisma/client";
import type { Db } from "~/db/client";
import {
  CompliancePayloads,
  mentionsCustomer,
  redactedPayload,
  type ComplianceTopic,
  type CustomerSubject,
} from "~/domain/compliance";
import { dropParkedWork } from "./store-access.server";

type Tx = Prisma.TransactionClient;

/**
 * The mandatory compliance webhooks. The route records the request (with the webhook, in one
 * transaction) and a job does the work, so a crash never drops a legal obligation.
 *
 * What Tenon holds of a Shopify customer today: the webhook payloads it stored. The maker's own
 * records (sales orders, customers) join this list as they arrive.
 */

export type ComplianceReceipt =
  | { ok: true; requestId: string }
  | { ok: false; code: "PAYLOAD_INVALID"; requestId: string; message: string };

export async function receiveComplianceRequest(
  tx: Tx,
  input: { shopDomain: string; storeId: string | null; webhookEventId: string; topic: ComplianceTopic; payload: unknown },
): Promise<ComplianceReceipt> {
  const parsed = CompliancePayloads[input.topic].safeParse(input.payload);
  const problem = parsed.success
    ? null
    : `The ${input.topic} payload is not what Shopify documents (${parsed.error.issues
        .map((i) => `${i.path.join(".")}: ${i.message}`)
        .join("; ")}). It is kept for a person to act on.`;
  // Kept either way: an unreadable legal request still needs a person to act on it.
  const request = await tx.complianceRequest.create({
    data: {
      shopDomain: input.shopDomain,
      storeId: input.storeId,
      webhookEventId: input.webhookEventId,
      topic: input.topic,
      status: problem ? "needs_attention" : "received",
      result: problem ? { error: problem } : undefined,
    },
  });
  if (problem) return { ok: false, code: "PAYLOAD_INVALID", requestId: request.id, message: problem };
  return { ok: true, requestId: request.id };
}

function subjectOf(payload: { customer: { id: number; email?: string | null } }, orderIds: number[]): CustomerSubject {
  return { customerId: payload.customer.id, email: payload.customer.email ?? null, orderIds };
}

async function storedPayloadsOf(db: Db, shopDomain: string) {
  return db.webhookEvent.findMany({
    where: { shopDomain },
    select: { id: true, topic: true, receivedAt: true, payload: true },
    orderBy: { receivedAt: "asc" },
  });
}

/** Carries out one recorded compliance request. Safe to run twice. */
export async function processComplianceRequest(db: Db, requestId: string, now: Date): Promise<void> {
  const request = await db.complianceRequest.findUniqueOrThrow({
    where: { id: requestId },
    include: { webhookEvent: true },
  });
  if (request.status === "completed") return;
  const event = request.webhookEvent;
  const topic = request.topic as ComplianceTopic;
  const payload = event.payload;

  if (topic === "customers/data_request") {
    const p = CompliancePayloads[topic].parse(payload);
    const subject = subjectOf(p, p.orders_requested);
    const found = (await storedPayloadsOf(db, request.shopDomain)).filter(
      (e) => e.id !== event.id && mentionsCustomer(e.payload, subject),
    );
    await db.complianceRequest.update({
      where: { id: requestId },
      data: {
        status: "completed",
        completedAt: now,
        result: {
          customer: p.customer,
          dataRequestId: p.data_request.id,
          records: found.map((e) => ({ kind: "shopify_webhook", topic: e.topic, receivedAt: e.receivedAt.toISOString(), data: e.payload })),
        } as Prisma.InputJsonValue,
      },
    });
    return;
  }

  const toRedact =
    topic === "customers/redact"
      ? (() => {
          const p = CompliancePayloads[topic].parse(payload);
          const subject = subjectOf(p, p.orders_to_redact);
          return (events: Awaited<ReturnType<typeof storedPayloadsOf>>) =>
            events.filter((e) => e.id !== event.id && mentionsCustomer(e.payload, subject));
        })()
      : (events: Awaited<ReturnType<typeof storedPayloadsOf>>) => events.filter((e) => e.id !== event.id);

  const events = toRedact(await storedPayloadsOf(db, request.shopDomain));
  await db.$transaction(async (tx) => {
    for (const e of events) {
      await tx.webhookEvent.update({ where: { id: e.id }, data: { payload: redactedPayload(topic, now) } });
    }
    if (topic === "shop/redact") {
      await tx.session.deleteMany({ where: { shop: request.shopDomain } });
      // The activity log names the shop's orders and customers' order numbers: it goes too.
      await tx.syncActivity.deleteMany({ where: { store: { shopDomain: request.shopDomain } } });
      // So does the work parked while Tenon had no access (its payloads name the shop's orders).
      if (request.storeId) await dropParkedWork(tx, request.storeId);
    }
    // The request's own payload names the customer; once acted on it is redacted too.
    await tx.webhookEvent.update({ where: { id: event.id }, data: { payload: redactedPayload(topic, now) } });
    await tx.complianceRequest.update({
      where: { id: requestId },
      data: { status: "completed", completedAt: now, result: { redactedRecords: events.length } },
    });
  });
}
