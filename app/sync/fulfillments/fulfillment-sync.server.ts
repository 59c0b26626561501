import type { Prisma } from "@prisma/client";
import type { Db } from "~/db/client";
import {
  capWanted,
  classifyFulfillment,
  matchFulfillment,
  planFulfillmentRequests,
  pushDelta,
  shippedByLine,
  wholeOrderDelivered,
  type FulfillmentLine,
  type KnownFulfillment,
  type OpenFulfillmentOrder,
  type PushLine,
  type SyncRow,
} from "~/domain/fulfillment-sync";
import { canDeliver, type DeliveryPlan } from "~/domain/sales-order";
import { parseSettings, type Settings } from "~/domain/settings";
import type { RowState } from "~/domain/stock-levels";
import type { ShopifyClient } from "~/shopify/client";
import {
  FULFILLMENT_CREATE_MUTATION,
  ORDER_FULFILLMENT_ORDERS_QUERY,
  ORDER_FULFILLMENTS_QUERY,
  type FulfillmentCreateData,
  type OrderFulfillmentOrdersData,
  type OrderFulfillmentsData,
} from "~/shopify/fulfillment-documents";
import { PermanentJobError } from "~/jobs/catalog";
import { recordActivity } from "../../services/activity/activity-log.server";
import { fail, ok, type Result } from "../../services/result";
import { applyDeliveries, loadOrder, lockSalesOrder, toSalesRow } from "../../services/sales-orders/sales-orders.server";
import { inTransaction, type Tx } from "../../services/stock/stock.server";

/**
 * Fulfillment sync both ways (product.md "Fulfillment sync", ADR 015).
 *
 * Shopify → Tenon (`syncFulfillmentsFromShopify`, job fulfillment.sync_order): reads the order's
 * fulfillments from Shopify and applies each new successful one to the sales order — all or
 * nothing, rows Delivered (partly when partial), stock out at the row's location, batches FIFO —
 * recording it by Shopify id in the same transaction, so it is applied once. Tenon's own
 * fulfillments (echoes) and cancelled ones change nothing.
 *
 * Tenon → Shopify (`queueFulfillmentPush` in the transaction of a pack/deliver, then
 * `pushFulfillmentsToShopify`, job fulfillment.push): the units newly packed or delivered are
 * fulfilled through the order's fulfillment orders, one fulfillmentCreate per location, each
 * request recorded before it is sent; a retry first looks for the fulfillment a lost answer
 * created, and never sends more than Tenon shipped minus what Shopify ever fulfilled.
 */

export const orderSerialKey = (storeId: string, shopifyOrderId: string) => `order:${storeId}:${shopifyOrderId}`;

export interface FulfillmentSyncDeps {
  db: Db;
  client: ShopifyClient;
  clock: () => Date;
}

export interface OrderRef {
  storeId: string;
  shopifyOrderId: string;
}

type Direction = Settings["orders"]["fulfillmentDirection"];

/** What the store's settings allow: Shopify → Tenon, Tenon → Shopify, notify the customer. */
export function fulfillmentFlow(store: { syncActive: boolean; connection: string; settings: unknown }) {
  const settings = parseSettings(store.settings);
  const on = store.syncActive && store.connection === "connected" && settings.orders.syncFulfillmentStatus;
  const direction: Direction = settings.orders.fulfillmentDirection;
  const notify = settings.orders.notifyCustomer;
  return {
    inbound: on && direction !== "tenon_to_shopify",
    outbound: on && direction !== "shopify_to_tenon",
    notifyCustomer: notify,
    returns: store.syncActive && store.connection === "connected" && settings.orders.bringReturns,
  };
}

function syncRowOf(row: {
  id: string;
  externalLineId: string | null;
  variantId: string | null;
  isShippingFee: boolean;
  state: string;
  quantity: { toString(): string };
  locationId: string | null;
  position: number;
}): SyncRow {
  return {
    id: row.id,
    externalLineId: row.externalLineId,
    variantId: row.variantId,
    isShippingFee: row.isShippingFee,
    state: row.state as RowState,
    quantity: row.quantity.toString(),
    locationId: row.locationId,
    position: row.position,
  };
}

type PushLineJson = { lineItemId: string; quantity: number; locationIds?: string[] };
type RecordLineJson = { lineItemId: string; fulfillmentOrderLineItemId?: string; quantity: number; applied?: string };

const asArray = <T>(json: Prisma.JsonValue): T[] => (Array.isArray(json) ? (json as unknown as T[]) : []);

// ───────────────────────────── Tenon → Shopify: the outbox ─────────────────────────────

export interface TrackingInput {
  company?: string | null;
  number?: string | null;
  url?: string | null;
}

/**
 * Called in the transaction of a Tenon pack or delivery with the order's rows as they were
 * before it: records what became packed or delivered on Shopify lines (a FulfillmentPush) and
 * enqueues the push — or records it as skipped when the settings say Tenon → Shopify is off.
 * Orders not imported from Shopify are left alone.
 */
export async function queueFulfillmentPush(
  tx: Tx,
  order: { id: string; source: string; storeId: string | null; externalOrderId: string | null; number: string },
  rowsBefore: readonly Parameters<typeof syncRowOf>[0][],
  options: { tracking?: TrackingInput; at?: Date } = {},
): Promise<void> {
  if (order.source !== "shopify" || !order.storeId || !order.externalOrderId) return;
  const rowsAfter = await tx.salesOrderRow.findMany({ where: { salesOrderId: order.id } });
  const before = rowsBefore.map(syncRowOf);
  const after = rowsAfter.map(syncRowOf);
  const lines = pushDelta(before, after);
  const whole = wholeOrderDelivered(after) && !wholeOrderDelivered(before);
  if (lines.length === 0 && !whole) return;
  const store = await tx.store.findUnique({ where: { id: order.storeId } });
  if (!store) return;
  const flow = fulfillmentFlow(store);
  const at = options.at ?? new Date();
  await tx.fulfillmentPush.create({
    data: {
      storeId: store.id,
      salesOrderId: order.id,
      shopifyOrderId: order.externalOrderId,
      state: flow.outbound ? "pending" : "skipped",
      lines: lines as unknown as Prisma.InputJsonValue,
      wholeOrder: whole,
      trackingCompany: options.tracking?.company || null,
      trackingNumber: options.tracking?.number || null,
      trackingUrl: options.tracking?.url || null,
      reasonCode: flow.outbound ? null : "SYNC_OFF",
      reason: flow.outbound ? null : "Fulfillment sync from Tenon to Shopify is off (or sync is not active), so Shopify was not changed.",
      doneAt: flow.outbound ? null : at,
    },
  });
  if (!flow.outbound) {
    await recordActivity(tx, {
      storeId: store.id,
      area: "fulfillments",
      action: "fulfillment.push_skipped",
      outcome: "skipped",
      subject: `SO ${order.number}`,
      subjectRef: order.id,
      message: `${order.number} was packed or delivered in Tenon; Shopify was not changed because fulfillment sync from Tenon to Shopify is off (or sync is not active).`,
      at,
    });
    return;
  }
  // Lazy: the job catalog imports the services; this module must not import it at load time.
  const { enqueue } = await import("~/jobs/index.server");
  await enqueue(
    tx,
    "fulfillment.push",
    { storeId: store.id, shopifyOrderId: order.externalOrderId },
    { serialKey: orderSerialKey(store.id, order.externalOrderId) },
  );
}

/**
 * Reconciliation: asks the jobs to read an order's fulfillments (and returns, when brought) from
 * Shopify again — for the order sweep, and after importing an order that Shopify has already
 * partly fulfilled. Safe to call any number of times (the jobs apply each fulfillment once).
 */
export async function enqueueOrderFulfillmentCheck(
  tx: Tx,
  store: { id: string; syncActive: boolean; connection: string; settings: unknown },
  shopifyOrderId: string,
): Promise<void> {
  const flow = fulfillmentFlow(store);
  if (!flow.inbound && !flow.outbound && !flow.returns) return;
  const { enqueue } = await import("~/jobs/index.server");
  const ref = { storeId: store.id, shopifyOrderId };
  const serialKey = orderSerialKey(store.id, shopifyOrderId);
  if (flow.inbound || flow.outbound) await enqueue(tx, "fulfillment.sync_order", ref, { serialKey });
  if (flow.returns) await enqueue(tx, "returns.sync_order", ref, { serialKey });
}

// ───────────────────────────── reading Shopify ─────────────────────────────

type ShopifyOrder = NonNullable<OrderFulfillmentsData["order"]>;
type ShopifyFulfillmentNode = ShopifyOrder["fulfillments"][number];

async function readOrder(client: ShopifyClient, shopifyOrderId: string): Promise<ShopifyOrder | null> {
  const answer = await client.request<OrderFulfillmentsData>(ORDER_FULFILLMENTS_QUERY, { id: shopifyOrderId });
  if (!answer.ok) throw new Error(`Reading the order's fulfillments from Shopify failed: ${answer.message}`);
  const order = answer.data.order;
  if (order?.fulfillments.some((f) => f.fulfillmentLineItems.pageInfo.hasNextPage)) {
    throw new PermanentJobError(`${order.name} has a fulfillment of more than 25 lines; Tenon cannot sync it yet. Update it by hand in Tenon.`);
  }
  return order;
}

type ShopifyFulfillmentOrders = NonNullable<OrderFulfillmentOrdersData["order"]>["fulfillmentOrders"]["nodes"];

async function readFulfillmentOrders(client: ShopifyClient, shopifyOrderId: string): Promise<ShopifyFulfillmentOrders> {
  const answer = await client.request<OrderFulfillmentOrdersData>(ORDER_FULFILLMENT_ORDERS_QUERY, { id: shopifyOrderId });
  if (!answer.ok) throw new Error(`Reading the order's fulfillment orders from Shopify failed: ${answer.message}`);
  const fos = answer.data.order?.fulfillmentOrders;
  if (fos && (fos.pageInfo.hasNextPage || fos.nodes.some((fo) => fo.lineItems.pageInfo.hasNextPage))) {
    throw new PermanentJobError("This order has more than 10 fulfillment orders or 25 lines in one; Tenon cannot fulfill it in Shopify yet. Fulfill it in Shopify.");
  }
  return fos?.nodes ?? [];
}

const linesOf = (f: ShopifyFulfillmentNode) => f.fulfillmentLineItems.nodes.map((n) => ({ lineItemId: n.lineItem.id, quantity: n.quantity }));

function seen(f: ShopifyFulfillmentNode) {
  return { fulfillmentId: f.id, status: f.status, lines: linesOf(f), createdAt: new Date(f.createdAt) };
}

function knownOf(records: { id: string; fulfillmentId: string | null; origin: string; state: string; lines: Prisma.JsonValue; createdAt: Date }[]): KnownFulfillment[] {
  return records.map((r) => ({
    recordId: r.id,
    fulfillmentId: r.fulfillmentId,
    origin: r.origin as KnownFulfillment["origin"],
    state: r.state as KnownFulfillment["state"],
    lines: asArray<RecordLineJson>(r.lines).map((l) => ({ lineItemId: l.lineItemId, quantity: l.quantity })),
    createdAt: r.createdAt,
  }));
}

function openFulfillmentOrders(nodes: ShopifyFulfillmentOrders): OpenFulfillmentOrder[] {
  return nodes.map((fo) => ({
    id: fo.id,
    status: fo.status,
    deliveryMethod: fo.deliveryMethod?.methodType ?? null,
    locationId: fo.assignedLocation.location?.id ?? "",
    lineItems: fo.lineItems.nodes.map((l) => ({ id: l.id, lineItemId: l.lineItem.id, remainingQuantity: l.remainingQuantity })),
  }));
}

/** Adopts fulfillments that answer Tenon's pending requests (lost answers): they are Tenon's, never applied. */
async function adoptLostAnswers(db: Db, ref: OrderRef, order: ShopifyOrder): Promise<number> {
  const records = await db.shopifyFulfillment.findMany({ where: { storeId: ref.storeId, shopifyOrderId: ref.shopifyOrderId } });
  if (!records.some((r) => r.origin === "tenon" && r.state === "pending")) return 0;
  const known = knownOf(records);
  const claimed = new Set<string>();
  let adopted = 0;
  for (const f of order.fulfillments) {
    const verdict = classifyFulfillment(seen(f), known, claimed);
    if (verdict.kind !== "adopt") continue;
    claimed.add(verdict.recordId);
    await db.shopifyFulfillment.update({
      where: { id: verdict.recordId },
      data: { fulfillmentId: f.id, state: "created", displayStatus: f.displayStatus },
    });
    adopted++;
  }
  return adopted;
}

// ───────────────────────────── Shopify → Tenon ─────────────────────────────

export interface InboundSummary {
  applied: number;
  rejected: number;
  echoes: number;
  ignored: number;
}

/** Reads the order's fulfillments from Shopify and applies the new ones to Tenon (job fulfillment.sync_order). */
export async function syncFulfillmentsFromShopify(deps: FulfillmentSyncDeps, ref: OrderRef): Promise<InboundSummary> {
  const summary: InboundSummary = { applied: 0, rejected: 0, echoes: 0, ignored: 0 };
  const store = await deps.db.store.findUnique({ where: { id: ref.storeId } });
  if (!store) return summary;
  const flow = fulfillmentFlow(store);
  const order = await readOrder(deps.client, ref.shopifyOrderId);
  if (!order) return summary;
  await adoptLostAnswers(deps.db, ref, order);
  const salesOrder = await deps.db.salesOrder.findFirst({
    where: { storeId: ref.storeId, externalOrderId: ref.shopifyOrderId },
    select: { id: true, number: true, accountId: true },
  });

  const fulfillments = [...order.fulfillments].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  for (const f of fulfillments) {
    const records = await deps.db.shopifyFulfillment.findMany({ where: { storeId: ref.storeId, shopifyOrderId: ref.shopifyOrderId } });
    const verdict = classifyFulfillment(seen(f), knownOf(records));
    if (verdict.kind === "echo" || verdict.kind === "adopt") {
      summary.echoes++;
      continue;
    }
    if (verdict.kind === "done") continue;
    if (verdict.kind === "ignore") {
      // Cancelled (or not successful) before Tenon applied it: Tenon stays as it is.
      await deps.db.shopifyFulfillment.upsert({
        where: { storeId_fulfillmentId: { storeId: ref.storeId, fulfillmentId: f.id } },
        create: {
          storeId: ref.storeId,
          shopifyOrderId: ref.shopifyOrderId,
          salesOrderId: salesOrder?.id ?? null,
          fulfillmentId: f.id,
          origin: "shopify",
          state: "ignored",
          displayStatus: f.displayStatus,
          shopifyLocationId: f.location?.id ?? null,
          lines: linesOf(f) as unknown as Prisma.InputJsonValue,
          reason: `Shopify shows this fulfillment as ${f.status.toLowerCase()}; Tenon was not changed.`,
        },
        update: {},
      });
      summary.ignored++;
      continue;
    }
    if (!flow.inbound || !salesOrder) continue;
    const outcome = await applyFulfillment(deps, store, salesOrder, ref, f);
    if (outcome === "applied") summary.applied++;
    else summary.rejected++;
  }
  return summary;
}

const fulfillmentLabel = (orderName: string, f: ShopifyFulfillmentNode) => `${orderName} fulfillment ${f.id.split("/").pop()}`;

async function applyFulfillment(
  deps: FulfillmentSyncDeps,
  store: { id: string; accountId: string },
  salesOrder: { id: string; number: string; accountId: string },
  ref: OrderRef,
  f: ShopifyFulfillmentNode,
): Promise<"applied" | "rejected"> {
  const at = deps.clock();
  const date = new Date(f.createdAt);
  const deliveryDate = Number.isNaN(date.getTime()) ? at : date;
  const tracking = f.trackingInfo[0];
  const recordData = {
    storeId: ref.storeId,
    shopifyOrderId: ref.shopifyOrderId,
    salesOrderId: salesOrder.id,
    fulfillmentId: f.id,
    origin: "shopify",
    displayStatus: f.displayStatus,
    shopifyLocationId: f.location?.id ?? null,
    trackingCompany: tracking?.company || null,
    trackingNumber: tracking?.number || null,
    trackingUrl: tracking?.url || null,
  };
  const subject = `SO ${salesOrder.number}`;
  const retry = { kind: "fulfillment.sync_order", payload: { storeId: ref.storeId, shopifyOrderId: ref.shopifyOrderId } };

  const result = await inTransaction(deps.db, async (tx) => {
    await lockSalesOrder(tx, salesOrder.accountId, salesOrder.id);
    const order = await loadOrder(tx, salesOrder.accountId, salesOrder.id);
    if (!order) return fail("ORDER_NOT_FOUND", "The sales order was deleted in Tenon.");
    const variantIds = [...new Set(f.fulfillmentLineItems.nodes.flatMap((n) => (n.lineItem.variant ? [n.lineItem.variant.id] : [])))];
    const [mappings, locations] = await Promise.all([
      tx.variantMapping.findMany({ where: { storeId: ref.storeId, shopifyVariantId: { in: variantIds } }, select: { shopifyVariantId: true, variantId: true } }),
      f.location ? tx.shopifyLocation.findMany({ where: { storeId: ref.storeId, shopifyLocationId: f.location.id }, select: { locationId: true } }) : Promise.resolve([]),
    ]);
    const mapped = new Map(mappings.map((m) => [m.shopifyVariantId, m.variantId]));
    const lines: FulfillmentLine[] = f.fulfillmentLineItems.nodes.map((n) => ({
      lineItemId: n.lineItem.id,
      quantity: n.quantity,
      sku: n.lineItem.sku,
      title: n.lineItem.title,
      mappedVariantId: n.lineItem.variant ? (mapped.get(n.lineItem.variant.id) ?? null) : null,
    }));
    const match = matchFulfillment(lines, order.rows.map(syncRowOf), {
      preferredLocationIds: new Set(locations.flatMap((l) => (l.locationId ? [l.locationId] : []))),
    });
    if (!match.ok) return fail(match.code, match.message);
    const account = await tx.account.findUniqueOrThrow({ where: { id: salesOrder.accountId }, select: { stockClosingDate: true } });
    const plans: DeliveryPlan[] = [];
    for (const delivery of match.deliveries) {
      const row = order.rows.find((r) => r.id === delivery.rowId)!;
      const check = canDeliver(toSalesRow(row), delivery.partial ? delivery.quantity : undefined, { date: deliveryDate, closingDate: account.stockClosingDate });
      if (!check.ok) return fail(check.code, `${row.description || "A row"}: ${check.message}`);
      plans.push(check.plan);
    }
    if (plans.length > 0) {
      const delivered = await applyDeliveries(tx, salesOrder.accountId, order, plans, deliveryDate);
      if (!delivered.ok) return delivered;
    }
    const appliedByLine = new Map(match.applied.map((a) => [a.lineItemId, a.quantity]));
    await tx.shopifyFulfillment.upsert({
      where: { storeId_fulfillmentId: { storeId: ref.storeId, fulfillmentId: f.id } },
      create: {
        ...recordData,
        state: "applied",
        appliedAt: at,
        lines: lines.map((l) => ({ lineItemId: l.lineItemId, quantity: l.quantity, applied: appliedByLine.get(l.lineItemId) ?? "0" })) as unknown as Prisma.InputJsonValue,
      },
      // A rejected one applied now: keep the tracking first seen (one-shot).
      update: { state: "applied", appliedAt: at, reason: null, lines: lines.map((l) => ({ lineItemId: l.lineItemId, quantity: l.quantity, applied: appliedByLine.get(l.lineItemId) ?? "0" })) as unknown as Prisma.InputJsonValue },
    });
    const units = match.deliveries.length;
    const already = match.alreadyDelivered.map((a) => `${a.label} × ${a.quantity}`).join(", ");
    await recordActivity(tx, {
      storeId: ref.storeId,
      area: "fulfillments",
      action: "fulfillment.applied",
      outcome: units > 0 ? "ok" : "skipped",
      subject,
      subjectRef: f.id,
      message:
        units > 0
          ? `${f.displayStatus === "PICKED_UP" ? "Picked up" : "Fulfilled"} in Shopify: ${units === 1 ? "one row" : `${units} rows`} of ${salesOrder.number} delivered in Tenon.` +
            (already ? ` Already delivered in Tenon before: ${already}.` : "")
          : `Fulfilled in Shopify, but everything in it was already delivered in Tenon (${already || "nothing open"}); delivered rows never change.`,
      at,
    });
    return ok(units);
  });
  if (result.ok) return "applied";

  // All or nothing: nothing was delivered. Record why, once per reason, with Retry.
  await deps.db.$transaction(async (tx) => {
    const existing = await tx.shopifyFulfillment.findUnique({ where: { storeId_fulfillmentId: { storeId: ref.storeId, fulfillmentId: f.id } } });
    if (existing?.state === "rejected" && existing.reason === result.message) return;
    await tx.shopifyFulfillment.upsert({
      where: { storeId_fulfillmentId: { storeId: ref.storeId, fulfillmentId: f.id } },
      create: { ...recordData, state: "rejected", reason: result.message, lines: linesOf(f) as unknown as Prisma.InputJsonValue },
      update: { state: "rejected", reason: result.message },
    });
    await recordActivity(tx, {
      storeId: ref.storeId,
      area: "fulfillments",
      action: "fulfillment.rejected",
      outcome: "failed",
      subject,
      subjectRef: f.id,
      message: `${fulfillmentLabel(salesOrder.number, f)} was not applied: ${result.message}`,
      retry,
      at,
    });
  });
  return "rejected";
}

// ───────────────────────────── Tenon → Shopify: sending ─────────────────────────────

export interface PushSummary {
  created: string[];
  pickupUnits: number;
  notOpenUnits: number;
}

/** Sends the order's pending pushes to Shopify (job fulfillment.push). Throws on transient failures (the job retries). */
export async function pushFulfillmentsToShopify(deps: FulfillmentSyncDeps, ref: OrderRef): Promise<PushSummary> {
  const summary: PushSummary = { created: [], pickupUnits: 0, notOpenUnits: 0 };
  const { db } = deps;
  const store = await db.store.findUnique({ where: { id: ref.storeId } });
  if (!store) return summary;
  const pushes = await db.fulfillmentPush.findMany({ where: { storeId: ref.storeId, shopifyOrderId: ref.shopifyOrderId, state: "pending" }, orderBy: { createdAt: "asc" } });
  const pendingRequests = await db.shopifyFulfillment.count({ where: { storeId: ref.storeId, shopifyOrderId: ref.shopifyOrderId, origin: "tenon", state: "pending" } });
  if (pushes.length === 0 && pendingRequests === 0) return summary;
  const at = deps.clock();
  const salesOrder = await db.salesOrder.findFirst({ where: { storeId: ref.storeId, externalOrderId: ref.shopifyOrderId }, include: { rows: true } });
  const flow = fulfillmentFlow(store);
  if (!flow.outbound || !salesOrder) {
    await db.fulfillmentPush.updateMany({
      where: { id: { in: pushes.map((p) => p.id) } },
      data: {
        state: "skipped",
        doneAt: at,
        reasonCode: "SYNC_OFF",
        reason: salesOrder ? "Fulfillment sync from Tenon to Shopify was turned off before this was sent." : "The sales order was deleted in Tenon.",
      },
    });
    return summary;
  }
  const subject = `SO ${salesOrder.number}`;

  const order = await readOrder(deps.client, ref.shopifyOrderId);
  if (!order) {
    await finishPushes(db, pushes, { state: "failed", reasonCode: "SHOPIFY_ORDER_GONE", reason: "The Shopify order no longer exists." }, at);
    return summary;
  }
  // A request whose answer was lost: find the fulfillment it created; forget requests Shopify never ran.
  if (pendingRequests > 0) {
    await adoptLostAnswers(db, ref, order);
    await db.shopifyFulfillment.deleteMany({ where: { storeId: ref.storeId, shopifyOrderId: ref.shopifyOrderId, origin: "tenon", state: "pending" } });
  }
  if (pushes.length === 0) return summary;

  const everFulfilled = new Map<string, number>();
  for (const f of order.fulfillments) for (const l of linesOf(f)) everFulfilled.set(l.lineItemId, (everFulfilled.get(l.lineItemId) ?? 0) + l.quantity);
  const pending: PushLine[] = pushes.flatMap((p) => asArray<PushLineJson>(p.lines));
  const wanted = capWanted(pending, shippedByLine(salesOrder.rows.map(syncRowOf)), everFulfilled);
  const wholeOrder = pushes.some((p) => p.wholeOrder);
  const mappings = await db.shopifyLocation.findMany({ where: { storeId: ref.storeId, locationId: { not: null } }, select: { shopifyLocationId: true, locationId: true } });
  const plan = planFulfillmentRequests({
    wanted,
    fulfillmentOrders: openFulfillmentOrders(await readFulfillmentOrders(deps.client, ref.shopifyOrderId)),
    wholeOrder,
    shopifyLocationsOf: (id) => mappings.filter((m) => m.locationId === id).map((m) => m.shopifyLocationId),
  });
  summary.pickupUnits = plan.pickup.reduce((n, p) => n + p.quantity, 0);
  summary.notOpenUnits = plan.notOpen.reduce((n, p) => n + p.quantity, 0);
  const withTracking = pushes.find((p) => p.trackingNumber);

  for (const request of plan.requests) {
    // Recorded before sending: a crash between Shopify's answer and ours is found again by its lines.
    const record = await db.shopifyFulfillment.create({
      data: {
        storeId: ref.storeId,
        shopifyOrderId: ref.shopifyOrderId,
        salesOrderId: salesOrder.id,
        origin: "tenon",
        state: "pending",
        shopifyLocationId: request.locationId,
        lines: request.lines as unknown as Prisma.InputJsonValue,
        trackingCompany: withTracking?.trackingCompany ?? null,
        trackingNumber: withTracking?.trackingNumber ?? null,
        trackingUrl: withTracking?.trackingUrl ?? null,
      },
    });
    const answer = await deps.client.request<FulfillmentCreateData>(
      FULFILLMENT_CREATE_MUTATION,
      {
        fulfillment: {
          notifyCustomer: flow.notifyCustomer,
          lineItemsByFulfillmentOrder: request.fulfillmentOrders.map((g) => ({
            fulfillmentOrderId: g.fulfillmentOrderId,
            fulfillmentOrderLineItems: g.lineItems.map((l) => ({ id: l.id, quantity: l.quantity })),
          })),
          ...(withTracking
            ? { trackingInfo: { company: withTracking.trackingCompany ?? undefined, number: withTracking.trackingNumber ?? undefined, url: withTracking.trackingUrl ?? undefined } }
            : {}),
        },
      },
      { userErrorsAt: "fulfillmentCreate" },
    );
    if (answer.ok && answer.data.fulfillmentCreate.fulfillment) {
      const created = answer.data.fulfillmentCreate.fulfillment;
      await db.shopifyFulfillment.update({ where: { id: record.id }, data: { fulfillmentId: created.id, state: "created", displayStatus: created.displayStatus } });
      summary.created.push(created.id);
      continue;
    }
    if (!answer.ok && answer.code === "SHOPIFY_USER_ERRORS") {
      // Shopify refused (nothing was created): say why, with Retry.
      await db.shopifyFulfillment.delete({ where: { id: record.id } });
      const message = (answer.userErrors ?? []).map((e) => e.message).join("; ") || answer.message;
      await db.$transaction(async (tx) => {
        await finishPushes(tx, pushes, { state: "failed", reasonCode: "SHOPIFY_REFUSED", reason: `Shopify refused the fulfillment: ${message}` }, at);
        await recordActivity(tx, {
          storeId: ref.storeId,
          area: "fulfillments",
          action: "fulfillment.push_failed",
          outcome: "failed",
          subject,
          subjectRef: salesOrder.id,
          message: `Shopify refused to fulfill ${order.name} for ${salesOrder.number}: ${message}. Check the order in Shopify, then Retry.`,
          retry: { kind: "fulfillment.push", payload: { storeId: ref.storeId, shopifyOrderId: ref.shopifyOrderId, retryFailed: true } },
          at,
        });
      });
      return summary;
    }
    // Unknown outcome (network, throttled, 5xx): the record stays pending; the job's retry adopts or resends.
    throw new Error(`Creating the Shopify fulfillment failed: ${answer.ok ? "no fulfillment in the answer" : answer.message}`);
  }

  const pickup = summary.pickupUnits > 0;
  const parts: string[] = [];
  if (summary.created.length > 0) parts.push(`${summary.created.length === 1 ? "A fulfillment was" : `${summary.created.length} fulfillments were`} created in Shopify for ${salesOrder.number}.`);
  if (pickup) parts.push("This is a local pickup order: Shopify stays unfulfilled until you mark it picked up in Shopify.");
  if (summary.notOpenUnits > 0 && summary.created.length === 0 && !pickup) parts.push("Shopify had already fulfilled these units; nothing was sent.");
  await db.$transaction(async (tx) => {
    await finishPushes(
      tx,
      pushes,
      summary.created.length > 0
        ? { state: "sent", reasonCode: pickup ? "PICKUP" : null, reason: pickup ? parts[1]! : null }
        : { state: "skipped", reasonCode: pickup ? "PICKUP" : "ALREADY_FULFILLED", reason: parts.join(" ") || "Nothing left to fulfill in Shopify." },
      at,
    );
    await recordActivity(tx, {
      storeId: ref.storeId,
      area: "fulfillments",
      action: summary.created.length > 0 ? "fulfillment.pushed" : "fulfillment.push_skipped",
      outcome: summary.created.length > 0 ? "ok" : "skipped",
      subject,
      subjectRef: salesOrder.id,
      message: parts.join(" ") || "Nothing left to fulfill in Shopify.",
      at,
    });
  });
  return summary;
}

async function finishPushes(
  db: Db | Tx,
  pushes: { id: string }[],
  outcome: { state: "sent" | "skipped" | "failed"; reasonCode: string | null; reason: string | null },
  at: Date,
) {
  await db.fulfillmentPush.updateMany({ where: { id: { in: pushes.map((p) => p.id) } }, data: { ...outcome, doneAt: at } });
}

/** Retry of a failed push: its pushes become pending again. */
export async function reopenFailedPushes(db: Db, ref: OrderRef): Promise<number> {
  const { count } = await db.fulfillmentPush.updateMany({
    where: { storeId: ref.storeId, shopifyOrderId: ref.shopifyOrderId, state: "failed" },
    data: { state: "pending", doneAt: null, reasonCode: null, reason: null },
  });
  return count;
}

// ───────────────────────────── for the sales-order page ─────────────────────────────

export interface FulfillmentSyncView {
  /** A pickup order delivered in Tenon: the merchant marks it picked up in Shopify. */
  pickupNotice: string | null;
  /** Fulfillments from Shopify not applied (all or nothing) and pushes Shopify refused. */
  problems: { message: string; storeId: string; shopifyOrderId: string }[];
  /** Tracking taken from Shopify fulfillments (once). */
  tracking: { company: string | null; number: string; url: string | null }[];
  /** Return orders brought from Shopify: closing one closes the Shopify return. */
  returns: { id: string; number: string; closed: boolean; closedInShopify: boolean }[];
}

export async function fulfillmentSyncView(db: Db, salesOrderId: string): Promise<FulfillmentSyncView | null> {
  const [records, pushes, returns] = await Promise.all([
    db.shopifyFulfillment.findMany({ where: { salesOrderId }, orderBy: { createdAt: "asc" } }),
    db.fulfillmentPush.findMany({ where: { salesOrderId }, orderBy: { createdAt: "asc" } }),
    db.returnOrder.findMany({ where: { salesOrderId, externalReturnId: { not: null } }, orderBy: { createdAt: "asc" } }),
  ]);
  if (records.length === 0 && pushes.length === 0 && returns.length === 0) return null;
  const pickedUp = records.some((r) => r.displayStatus === "PICKED_UP");
  const pickupPush = pushes.find((p) => p.reasonCode === "PICKUP");
  return {
    pickupNotice: pickupPush && !pickedUp ? "This is a local pickup order in Shopify. Tenon does not fulfill pickups: mark the order picked up in Shopify when the customer collects it." : null,
    problems: [
      ...records.filter((r) => r.state === "rejected").map((r) => ({ message: r.reason ?? "Not applied.", storeId: r.storeId, shopifyOrderId: r.shopifyOrderId })),
      ...pushes.filter((p) => p.state === "failed").map((p) => ({ message: p.reason ?? "Not sent.", storeId: p.storeId, shopifyOrderId: p.shopifyOrderId })),
    ],
    tracking: records.flatMap((r) => (r.trackingNumber ? [{ company: r.trackingCompany, number: r.trackingNumber, url: r.trackingUrl }] : [])),
    returns: returns.map((r) => ({ id: r.id, number: r.number, closed: r.closedAt !== null, closedInShopify: r.shopifyClosedAt !== null })),
  };
}

/** Retry from the sales-order page: reads the order's fulfillments again and resends refused pushes. */
export async function retryOrderSync(db: Db, accountId: string, salesOrderId: string): Promise<Result<{ queued: true }>> {
  const order = await db.salesOrder.findFirst({ where: { id: salesOrderId, accountId }, select: { storeId: true, externalOrderId: true } });
  if (!order?.storeId || !order.externalOrderId) return fail("ORDER_NOT_FROM_SHOPIFY", "This sales order did not come from Shopify, so there is nothing to sync.");
  const ref = { storeId: order.storeId, shopifyOrderId: order.externalOrderId };
  const { enqueue } = await import("~/jobs/index.server");
  await db.$transaction(async (tx) => {
    const serialKey = orderSerialKey(ref.storeId, ref.shopifyOrderId);
    await enqueue(tx, "fulfillment.sync_order", ref, { serialKey });
    await enqueue(tx, "fulfillment.push", { ...ref, retryFailed: true }, { serialKey });
  });
  return ok({ queued: true as const });
}

/**
 * Erases the tracking (carrier, number, URL) of a store's fulfillments and fulfillment pushes for
 * these Shopify orders (every order of the store: no list): a tracking number leads to the
 * person it was shipped to (ADR 020). What was fulfilled, where and when stays.
 */
export async function redactFulfillmentTracking(tx: Tx, storeId: string, shopifyOrderIds?: string[]): Promise<number> {
  const where = { storeId, ...(shopifyOrderIds ? { shopifyOrderId: { in: shopifyOrderIds } } : {}) };
  const none = { trackingCompany: null, trackingNumber: null, trackingUrl: null };
  const fulfillments = await tx.shopifyFulfillment.updateMany({ where, data: none });
  const pushes = await tx.fulfillmentPush.updateMany({ where, data: none });
  return fulfillments.count + pushes.count;
}
