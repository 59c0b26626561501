import type { Prisma } from "@prisma/client";
import type { Db } from "~/db/client";
import {
  CompliancePayloads,
  decideCustomer,
  mentionsCustomer,
  numericIdOf,
  redactedActivityMessage,
  redactedPayload,
  shopifyCustomerGid,
  shopifyOrderGid,
  type ComplianceTopic,
  type CustomerSubject,
} from "~/domain/compliance";
import { eraseActivity, recordActivity, redactActivity } from "../../services/activity/activity-log.server";
import { eraseSessions } from "../../services/stores/connections.server";
import { redactCustomerImportFailures } from "../imports/customer-import.server";
import { redactFulfillmentTracking } from "../fulfillments/fulfillment-sync.server";
import { customersForDataRequest, customersLinkedToStore, customerTies, redactCustomers, unlinkCustomersFromStore } from "../../services/customers/customers.server";
import { returnOrdersOf } from "../../services/returns/returns.server";
import { redactSalesOrders, salesOrdersForDataRequest, storeOrdersForCompliance } from "../../services/sales-orders/sales-orders.server";
import { fail, ok, type Result } from "../../services/result";
import { dropParkedWork } from "../../services/stores/store-access.server";
import { redactWebhookPayloads, storedWebhooks } from "../../services/inbox/webhook-inbox.server";

type Tx = Prisma.TransactionClient;

/**
 * The mandatory compliance webhooks. The route records the request (with the webhook, in one
 * transaction) and a job does the work, so a crash never drops a legal obligation.
 *
 * Every place Tenon holds a Shopify customer's personal data (ADR 020 lists them): the Tenon
 * customer and its addresses, the sales orders' bill-to, ship-to and reference, fulfillment
 * tracking, the activity log, customer-import failures, stored webhook payloads, answered data
 * requests and, for the shop, its sessions. Each is written by the service that owns it; this one decides what goes.
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

/** The store a request is about, if Tenon knows the shop (an unknown shop has only its webhooks). */
async function storeOf(db: Db | Tx, shopDomain: string) {
  return db.store.findUnique({ where: { shopDomain }, select: { id: true, accountId: true } });
}

type Store = NonNullable<Awaited<ReturnType<typeof storeOf>>>;

/**
 * Whose records a request reaches in Tenon (ADR 020): the Tenon customers linked to the Shopify
 * customer in this store, the store's sales orders imported from the listed orders and those of
 * the linked customers; shop/redact (no customer, no orders listed): every customer linked to
 * the store and every order imported from it. Each customer found is redacted or kept by
 * `decideCustomer`.
 */
async function planRedaction(tx: Tx, store: Store, target: { shopifyCustomerIds?: string[]; shopifyOrderIds?: string[] }) {
  const linked = await customersLinkedToStore(tx, store.id, target.shopifyCustomerIds);
  const orders = await storeOrdersForCompliance(tx, store.accountId, { storeId: store.id, externalOrderIds: target.shopifyOrderIds, customerIds: linked });
  const orderIds = new Set(orders.map((o) => o.id));
  const linkedHere = new Set(linked);
  const found = [...new Set([...linked, ...orders.flatMap((o) => (o.customerId ? [o.customerId] : []))])];
  const redact: string[] = [];
  const kept: { customerId: string; reason: string }[] = [];
  for (const ties of await customerTies(tx, store.accountId, found)) {
    const decision = decideCustomer({
      customerId: ties.customerId,
      linkedHere: linkedHere.has(ties.customerId),
      otherStoreLinks: ties.storeIds.filter((id) => id !== store.id).length,
      orders: ties.salesOrderIds.map((salesOrderId) => ({ salesOrderId, redacted: orderIds.has(salesOrderId) })),
    });
    if (decision.action === "redact") redact.push(ties.customerId);
    else kept.push({ customerId: ties.customerId, reason: decision.reason });
  }
  const keptIds = new Set(kept.map((k) => k.customerId));
  const returns = await returnOrdersOf(tx, store.accountId, [...orderIds]);
  return {
    redact,
    kept,
    // A kept customer loses its link to this store's Shopify customer; a redacted one loses all.
    unlink: kept.filter((k) => linkedHere.has(k.customerId)).map((k) => k.customerId),
    orders,
    detach: orders.filter((o) => o.customerId && keptIds.has(o.customerId)).map((o) => o.id),
    // Activity entries name an order by its Shopify GID or its Tenon id, a return by its Shopify GID.
    subjectRefs: [
      ...(target.shopifyCustomerIds ?? []),
      ...orders.flatMap((o) => [o.id, ...(o.externalOrderId ? [o.externalOrderId] : [])]),
      ...returns.flatMap((r) => (r.shopifyReturnId ? [r.shopifyReturnId] : [])),
    ],
  };
}

const TX_OPTIONS = { maxWait: 20_000, timeout: 120_000 };

/** Carries out one recorded compliance request. Safe to run twice. */
export async function processComplianceRequest(db: Db, requestId: string, now: Date): Promise<void> {
  const request = await db.complianceRequest.findUniqueOrThrow({
    where: { id: requestId },
    include: { webhookEvent: true },
  });
  if (request.status === "completed") return;
  const topic = request.topic as ComplianceTopic;
  if (topic === "customers/data_request") return answerDataRequest(db, request, now);
  return redact(db, request, topic, now);
}

type StoredRequest = Prisma.ComplianceRequestGetPayload<{ include: { webhookEvent: true } }>;

/**
 * customers/data_request: everything Tenon holds about the customer in this store — the Tenon
 * customer with its addresses, its sales orders with their rows and returns, and the stored
 * webhooks that mention them — kept on the request for the merchant to hand over.
 */
async function answerDataRequest(db: Db, request: StoredRequest, now: Date): Promise<void> {
  const event = request.webhookEvent;
  const p = CompliancePayloads["customers/data_request"].parse(event.payload);
  const store = await storeOf(db, request.shopDomain);
  let tenon: { customers: unknown[]; salesOrders: unknown[]; returnOrders: unknown[] } = { customers: [], salesOrders: [], returnOrders: [] };
  let orderIds = p.orders_requested;
  if (store) {
    const shopifyOrderIds = p.orders_requested.map(shopifyOrderGid);
    // The customers a redaction would reach, whether it would erase them or only unlink them.
    const plan = await planRedaction(db, store, { shopifyCustomerIds: [shopifyCustomerGid(p.customer.id)], shopifyOrderIds });
    const customerIds = [...plan.redact, ...plan.unlink];
    const salesOrders = await salesOrdersForDataRequest(db, store.accountId, { storeId: store.id, externalOrderIds: shopifyOrderIds, customerIds });
    tenon = {
      customers: await customersForDataRequest(db, store.accountId, customerIds),
      salesOrders,
      returnOrders: await returnOrdersOf(db, store.accountId, salesOrders.map((o) => o.id)),
    };
    orderIds = [...new Set([...orderIds, ...salesOrders.flatMap((o) => numericIdOf(o.shopifyOrderId) ?? [])])];
  }
  const subject = subjectOf(p, orderIds);
  const found = (await storedWebhooks(db, request.shopDomain)).filter((e) => e.id !== event.id && mentionsCustomer(e.payload, subject));
  await db.$transaction(async (tx) => {
    // The merchant hands the answer over: the store's activity log says where to download it (no personal data in the entry).
    if (store) {
      await recordActivity(tx, {
        storeId: store.id,
        area: "webhooks",
        action: "compliance.data_request",
        outcome: "ok",
        subject: `Data request ${p.data_request.id}`,
        subjectRef: request.id,
        message: `Shopify asked for the data Tenon holds about a customer. Download it at ${dataRequestPath(store.id, request.id)} and send it to the customer.`,
        at: now,
      });
    }
    await tx.complianceRequest.update({
      where: { id: request.id },
      data: {
        status: "completed",
        completedAt: now,
        result: {
          customer: p.customer,
          dataRequestId: p.data_request.id,
          ...tenon,
          records: found.map((e) => ({ kind: "shopify_webhook", topic: e.topic, receivedAt: e.receivedAt.toISOString(), data: e.payload })),
        } as Prisma.InputJsonValue,
      },
    });
  });
}

/** Where the merchant downloads an answered data request (app/routes/app.stores.$storeId_.data-requests.$requestId.tsx). */
export const dataRequestPath = (storeId: string, requestId: string) => `/app/stores/${storeId}/data-requests/${requestId}`;

export type DataRequestDownload = Result<{ filename: string; body: string }, "DATA_REQUEST_NOT_FOUND" | "DATA_REQUEST_NOT_READY" | "DATA_REQUEST_ERASED">;

/** An answered customers/data_request as a JSON file for the merchant to send to the customer. */
export async function dataRequestDownload(db: Db, accountId: string, storeId: string, requestId: string): Promise<DataRequestDownload> {
  const request = await db.complianceRequest.findFirst({
    where: { id: requestId, storeId, topic: "customers/data_request", store: { accountId } },
    select: { status: true, result: true, receivedAt: true },
  });
  if (!request) return fail("DATA_REQUEST_NOT_FOUND", "This data request is not one of this store's. Open it from the store's activity log.");
  if (request.status !== "completed") {
    return fail("DATA_REQUEST_NOT_READY", "Tenon is still gathering this customer's data. Try again in a few minutes; the activity log shows when it is ready.");
  }
  const result = request.result as { redacted?: boolean; dataRequestId?: number } | null;
  if (!result || result.redacted) {
    return fail("DATA_REQUEST_ERASED", "This customer's data has been erased since (a redaction request from Shopify), so there is nothing left to download.");
  }
  return ok({ filename: `customer-data-request-${result.dataRequestId ?? requestId}.json`, body: JSON.stringify(result, null, 2) });
}

/**
 * customers/redact and shop/redact: the personal data goes from every place Tenon holds it, in
 * one transaction; the business records (orders, rows, quantities, prices, stock) stay (ADR 020).
 */
async function redact(db: Db, request: StoredRequest, topic: "customers/redact" | "shop/redact", now: Date): Promise<void> {
  const event = request.webhookEvent;
  const customer = topic === "customers/redact" ? CompliancePayloads[topic].parse(event.payload) : null;
  const shopifyCustomerIds = customer ? [shopifyCustomerGid(customer.customer.id)] : undefined;
  await db.$transaction(async (tx) => {
    const store = await storeOf(tx, request.shopDomain);
    const plan = store ? await planRedaction(tx, store, { shopifyCustomerIds, shopifyOrderIds: customer?.orders_to_redact.map(shopifyOrderGid) }) : null;
    const stored = (await storedWebhooks(tx, request.shopDomain)).filter((e) => e.id !== event.id);
    // The customer's payloads: those naming them, and those of every order of theirs the plan reached.
    const orderIds = [...new Set([...(customer?.orders_to_redact ?? []), ...(plan?.orders ?? []).flatMap((o) => numericIdOf(o.externalOrderId) ?? [])])];
    const subject = customer ? subjectOf(customer, orderIds) : null;
    const events = subject ? stored.filter((e) => mentionsCustomer(e.payload, subject)) : stored;
    const result: Record<string, unknown> = { redactedRecords: events.length };
    await redactWebhookPayloads(tx, events.map((e) => e.id), redactedPayload(topic, now));
    if (store && plan) {
      result.customers = await redactCustomers(tx, store.accountId, plan.redact);
      await unlinkCustomersFromStore(tx, store.id, plan.unlink);
      result.salesOrders = await redactSalesOrders(tx, store.accountId, { orderIds: plan.orders.map((o) => o.id), detach: plan.detach });
      result.keptCustomers = plan.kept;
      result.importFailures = await redactCustomerImportFailures(tx, store.id, shopifyCustomerIds);
      result.fulfillmentTracking = await redactFulfillmentTracking(tx, store.id, customer ? orderIds.map(shopifyOrderGid) : undefined);
      // The store's log names its orders and what happened to them: shop/redact deletes it.
      result.activityEntries = customer
        ? await redactActivity(tx, store.id, plan.subjectRefs, redactedActivityMessage(topic))
        : await eraseActivity(tx, store.id);
    }
    if (!customer) {
      await eraseSessions(tx, request.shopDomain);
      // So does the work parked while Tenon had no access (its payloads name the shop's orders).
      if (store) await dropParkedWork(tx, store.id);
    }
    result.dataRequests = await redactDataRequestAnswers(tx, request.shopDomain, customer?.customer.id ?? null, topic, now);
    // The request's own payload names the customer; once acted on it is redacted too.
    await redactWebhookPayloads(tx, [event.id], redactedPayload(topic, now));
    await tx.complianceRequest.update({
      where: { id: request.id },
      data: { status: "completed", completedAt: now, result: result as Prisma.InputJsonValue },
    });
  }, TX_OPTIONS);
}

/** An answered data request holds a copy of the customer's data: a redaction of that customer (or the shop) erases it. */
async function redactDataRequestAnswers(tx: Tx, shopDomain: string, customerId: number | null, topic: ComplianceTopic, now: Date): Promise<number> {
  const answered = await tx.complianceRequest.findMany({
    where: { shopDomain, topic: "customers/data_request", status: "completed" },
    select: { id: true, result: true },
  });
  const concerned = answered.filter((r) => customerId === null || (r.result as { customer?: { id?: unknown } } | null)?.customer?.id === customerId);
  for (const r of concerned) {
    await tx.complianceRequest.update({ where: { id: r.id }, data: { result: redactedPayload(topic, now) } });
  }
  return concerned.length;
}
