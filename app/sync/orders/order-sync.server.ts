import { randomUUID } from "node:crypto";
import { Prisma } from "@prisma/client";
import { z } from "zod";
import type { Db } from "~/db/client";
import { newId } from "~/db/raw-sql";
import { normaliseEmail } from "~/domain/customer-import";
import { planOrderChanges, type ChangeAction, type TenonOrderRow } from "~/domain/order-changes";
import { importWindowStart, orderEligibility } from "~/domain/order-eligibility";
import { discountPercent, mapOrder, netOfTax, resolveLineItem, type CustomerDraft, type MappingContext, type RowItem, type TenonItemRef } from "~/domain/order-mapping";
import { fromUnits, toUnits } from "~/domain/quantity";
import { parseSettings, type Settings } from "~/domain/settings";
import { lineLocations, type OrderLine, type ShopifyOrder } from "~/domain/shopify-order";
import type { StockChange } from "~/domain/stock-events";
import type { MoState } from "~/domain/manufacturing-order";
import type { ShopifyResult } from "~/shopify/client";
import {
  FULFILLMENT_ORDER_LINE_ITEMS_PAGE_QUERY,
  FULFILLMENT_ORDER_ORDER_QUERY,
  ORDER_FULFILLMENT_ORDERS_PAGE_QUERY,
  ORDER_LINE_ITEMS_PAGE_QUERY,
  ORDER_NAME_QUERY,
  ORDER_QUERY,
  ORDER_SHIPPING_LINES_PAGE_QUERY,
  ORDERS_CREATED_BETWEEN_QUERY,
  ORDERS_UPDATED_SINCE_QUERY,
  toShopifyOrder,
  type FulfillmentOrderLineItemsPageData,
  type FulfillmentOrderOrderData,
  type OrderFulfillmentOrdersPageData,
  type OrderLineItemsPageData,
  type OrderNameData,
  type OrderShippingLinesPageData,
  type OrderQueryData,
  type PageInfo,
  type OrdersCreatedBetweenData,
  type OrdersUpdatedSinceData,
} from "~/shopify/order-documents";
import { recordActivity } from "../../services/activity/activity-log.server";
import { noteCustomerDataWithheld } from "../../services/activity/customer-data-access.server";
import { enqueueOrderFulfillmentCheck } from "../fulfillments/fulfillment-sync.server";
import type { InboxStore, IncomingWebhook } from "../../services/inbox/webhook-inbox.server";
import { writeStockChanges } from "../../services/stock/stock.server";

/**
 * The order sync (issue 7, docs/decisions/013): Shopify orders become Tenon sales orders and stay
 * in step with Shopify while the store is Sync active.
 *
 *   webhook ──▶ intakeOrderWebhook (in the inbox transaction: dedupe, updatedAt guard, enqueue)
 *   sweep   ──▶ sweepOrders (orders updated since the checkpoint → enqueue)      ──┐
 *                                                                                 ▼
 *   job order.sync (serialKey order:{storeId}:{orderGid}) ──▶ syncOrder: re-read the order from
 *   the Admin API, then in one transaction: import (eligible, never before) or apply changes
 *   (imported, sales order still there), with the stock events and the activity entry.
 *
 * Idempotent and out-of-order safe: each run applies Shopify's *current* order, and a run whose
 * order is not newer than the last one applied (`ShopifyOrderLink.shopifyUpdatedAt`) does
 * nothing. The unique (store, Shopify order) of ShopifyOrderLink and SalesOrder make a second
 * import impossible even when two runs race.
 */

type Tx = Prisma.TransactionClient;

export const ORDER_SYNC_JOB = "order.sync";
export const ORDER_SWEEP_JOB = "orders.sweep";

export const OrderSyncPayload = z.object({
  storeId: z.string().min(1),
  orderId: z.string().startsWith("gid://shopify/Order/"),
  /**
   * "fulfillment_order": a fulfillment order of the order moved or was held or released, which
   * may leave the order's updatedAt as it was: the run applies the order even if not newer.
   */
  reason: z.enum(["webhook", "sweep", "paused_import", "retry", "fulfillment_order"]).default("webhook"),
  /** "Import orders created while paused": the creation window starts here for this run. */
  windowStart: z.string().datetime().optional(),
});
export type OrderSyncPayload = z.input<typeof OrderSyncPayload>;

export const OrderSweepPayload = z.object({ storeId: z.string().min(1), chain: z.string().min(1) });
export const FulfillmentOrderEventPayload = z.object({
  storeId: z.string().min(1),
  fulfillmentOrderId: z.string().startsWith("gid://shopify/FulfillmentOrder/"),
});
export type FulfillmentOrderEventPayload = z.input<typeof FulfillmentOrderEventPayload>;
export type OrderSweepPayload = z.input<typeof OrderSweepPayload>;

/** Every per-order job (imports, changes, fulfillments, returns) shares this key, so they never run at once. */
export const orderSerialKey = (storeId: string, orderGid: string) => `order:${storeId}:${orderGid}`;
export const sweepSerialKey = (storeId: string) => `orders-sweep:${storeId}`;

/** Records the order-sync job in the caller's transaction (the jobs module passes `enqueue`). */
export type ScheduleOrderSync = (tx: Tx, payload: OrderSyncPayload, options: { serialKey: string; runAt?: Date }) => Promise<unknown>;
export type ScheduleSweep = (tx: Tx, payload: OrderSweepPayload, options: { serialKey: string; runAt?: Date }) => Promise<unknown>;

export interface Scheduler {
  order: ScheduleOrderSync;
  sweep: ScheduleSweep;
}

/** What the order sync needs of Shopify: one GraphQL request at a time, throttle-aware. */
export interface OrderShopify {
  request<T>(document: string, variables?: Record<string, unknown>): Promise<ShopifyResult<T>>;
}

export interface OrderSyncDeps {
  db: Db;
  shopify: OrderShopify;
  clock: () => Date;
  schedule: Scheduler;
}

/** A failure Shopify may not repeat (throttled, 5xx): the job runner retries the run. */
export class ShopifyReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShopifyReadError";
  }
}

/**
 * Shopify refuses the store's orders whole: the app has no protected customer data access
 * (docs/decisions/023). Not the order's failure: the store is told once, the order is left.
 */
export class OrderAccessRefusedError extends ShopifyReadError {
  constructor(message: string) {
    super(message);
    this.name = "OrderAccessRefusedError";
  }
}

// ───────────────────────────── webhooks in ─────────────────────────────

export const ORDER_TOPICS = ["orders/create", "orders/updated", "orders/edited", "orders/cancelled", "orders/delete"] as const;

const OrderWebhookPayload = z.union([
  // orders/edited: { order_edit: { order_id, … } }
  z.object({ order_edit: z.object({ order_id: z.number().int() }) }).transform((p) => ({ id: p.order_edit.order_id, gid: null, name: null, updatedAt: null })),
  z
    .object({
      id: z.number().int(),
      admin_graphql_api_id: z.string().optional(),
      name: z.string().optional(),
      updated_at: z.string().optional(),
    })
    .transform((p) => ({ id: p.id, gid: p.admin_graphql_api_id ?? null, name: p.name ?? null, updatedAt: p.updated_at ? new Date(p.updated_at) : null })),
]);

export type OrderWebhookIntake =
  | { outcome: "enqueued"; orderId: string }
  | { outcome: "ignored"; reason: "unknown_store" | "not_connected" | "not_newer" | "already_queued" | "malformed" };

/**
 * An order webhook, inside the inbox transaction (the event is stored once per Event-Id): a job
 * for the order is enqueued unless the store is unknown or uninstalled, or Tenon already applied
 * a state at least as new as the payload's `updated_at`. A store whose sync is not active gets
 * the job too: it only notes the change in the store's log, once Shopify confirms the order is
 * that store's (the signed body does not say which store it is for; ADR 021).
 */
export async function intakeOrderWebhook(
  tx: Tx,
  webhook: IncomingWebhook,
  inbox: { store: InboxStore | null },
  schedule: ScheduleOrderSync,
  now: Date = new Date(),
): Promise<OrderWebhookIntake> {
  const parsed = OrderWebhookPayload.safeParse(webhook.payload);
  if (!parsed.success) {
    console.warn(`Order webhook ${webhook.topic} from ${webhook.shopDomain} has no order id; ignored.`);
    return { outcome: "ignored", reason: "malformed" };
  }
  const orderId = parsed.data.gid ?? `gid://shopify/Order/${parsed.data.id}`;
  const refused = refusedWebhook(webhook, inbox.store);
  if (refused) return refused;
  const store = inbox.store!;
  if (webhook.topic !== "orders/delete" && parsed.data.updatedAt) {
    const link = await findLink(tx, store.id, orderId);
    if (link?.shopifyUpdatedAt && link.state !== "failed" && link.shopifyUpdatedAt.getTime() >= parsed.data.updatedAt.getTime()) {
      return { outcome: "ignored", reason: "not_newer" };
    }
  }
  // Coalesce a burst (orders/create, orders/paid, orders/updated of one new order): a job of this
  // order that has not started yet will read the order after this change anyway. (Embedded
  // runner's table; with pg-boss nothing is found here and every webhook gets its job.)
  const serialKey = orderSerialKey(store.id, orderId);
  // By (serialKey, state) only, the index that finds this order's few jobs; the rest is checked
  // here (with runAt in the query, SQLite may walk every due job of the queue instead).
  const queued = await tx.$queryRaw<{ kind: string; attempts: number; runAt: Date }[]>`
    SELECT "kind", "attempts", "runAt" FROM "Job" WHERE "serialKey" = ${serialKey} AND "state" = 'queued'`;
  if (queued.some((job) => job.kind === ORDER_SYNC_JOB && Number(job.attempts) === 0 && job.runAt <= now)) return { outcome: "ignored", reason: "already_queued" };
  await schedule(tx, { storeId: store.id, orderId, reason: "webhook" }, { serialKey });
  return { outcome: "enqueued", orderId };
}

/**
 * Why an order-related webhook changes nothing, or null when its store takes it: an unknown or
 * uninstalled store (a console line). Nothing from the body is written into a store's log here:
 * the header that names the store is not signed (ADR 021).
 */
function refusedWebhook(webhook: IncomingWebhook, store: InboxStore | null): { outcome: "ignored"; reason: "unknown_store" | "not_connected" } | null {
  if (!store) {
    console.info(`Order webhook ${webhook.topic} for ${webhook.shopDomain}, a store Tenon does not know; acknowledged and ignored.`);
    return { outcome: "ignored", reason: "unknown_store" };
  }
  if (store.connection !== "connected") {
    console.info(`Order webhook ${webhook.topic} for ${webhook.shopDomain}, which uninstalled Tenon; acknowledged and ignored.`);
    return { outcome: "ignored", reason: "not_connected" };
  }
  return null;
}

// ───────────────────────────── fulfillment orders moved or held ─────────────────────────────

// fulfillment_orders/moved, placed_on_hold and hold_released: a row's location or the order's
// eligibility can change without the order's updatedAt.

const fulfillmentOrderGid = (id: string | number) => (typeof id === "number" || /^\d+$/.test(id) ? `gid://shopify/FulfillmentOrder/${id}` : id);

const FulfillmentOrderWebhookPayload = z.union([
  // fulfillment_orders/moved
  z.object({ original_fulfillment_order: z.object({ id: z.union([z.string(), z.number()]) }) }).transform((p) => fulfillmentOrderGid(p.original_fulfillment_order.id)),
  // fulfillment_orders/placed_on_hold, hold_released
  z.object({ fulfillment_order: z.object({ id: z.union([z.string(), z.number()]) }) }).transform((p) => fulfillmentOrderGid(p.fulfillment_order.id)),
]);

export type ScheduleFulfillmentOrderEvent = (tx: Tx, payload: FulfillmentOrderEventPayload) => Promise<unknown>;

/**
 * A fulfillment-order webhook, in the inbox transaction. Its payload names the fulfillment order,
 * not the order: a job looks the order up and syncs it (`orderOfFulfillmentOrder`).
 */
export async function intakeFulfillmentOrderWebhook(
  tx: Tx,
  webhook: IncomingWebhook,
  inbox: { store: InboxStore | null },
  schedule: ScheduleFulfillmentOrderEvent,
): Promise<{ outcome: "enqueued"; fulfillmentOrderId: string } | { outcome: "ignored"; reason: string }> {
  const parsed = FulfillmentOrderWebhookPayload.safeParse(webhook.payload);
  if (!parsed.success || !parsed.data.startsWith("gid://shopify/FulfillmentOrder/")) {
    console.warn(`Fulfillment-order webhook ${webhook.topic} from ${webhook.shopDomain} has no fulfillment order id; ignored.`);
    return { outcome: "ignored", reason: "malformed" };
  }
  const refused = refusedWebhook(webhook, inbox.store);
  if (refused) return refused;
  await schedule(tx, { storeId: inbox.store!.id, fulfillmentOrderId: parsed.data });
  return { outcome: "enqueued", fulfillmentOrderId: parsed.data };
}

/** The job of a fulfillment-order webhook: finds the order and schedules its sync (forced: see OrderSyncPayload.reason). */
export async function orderOfFulfillmentOrder(deps: OrderSyncDeps, input: FulfillmentOrderEventPayload): Promise<{ orderId: string } | null> {
  const payload = FulfillmentOrderEventPayload.parse(input);
  const result = await deps.shopify.request<FulfillmentOrderOrderData>(FULFILLMENT_ORDER_ORDER_QUERY, { id: payload.fulfillmentOrderId });
  if (!result.ok) throw new ShopifyReadError(`Could not read ${payload.fulfillmentOrderId} from Shopify: ${result.message}`);
  const orderId = result.data.fulfillmentOrder?.order.id;
  if (!orderId) return null;
  await deps.db.$transaction((tx) =>
    deps.schedule.order(tx, { storeId: payload.storeId, orderId, reason: "fulfillment_order" }, { serialKey: orderSerialKey(payload.storeId, orderId) }),
  );
  return { orderId };
}

// ───────────────────────────── one order ─────────────────────────────

export type SyncOutcome =
  | { outcome: "imported"; salesOrderId: string }
  | { outcome: "updated"; salesOrderId: string; changes: number; flags: string[] }
  | { outcome: "deleted" }
  | { outcome: "skipped"; rule: string; message: string }
  | { outcome: "unchanged" }
  | { outcome: "ignored"; reason: string };

/** `redacted`: collects the fields Shopify redacted (protected customer data, docs/decisions/023). */
async function readOrder(shopify: OrderShopify, orderId: string, redacted: string[] = []): Promise<ShopifyOrder | null> {
  const order = await readWholeOrder(shopify, orderId, redacted);
  return order ? toShopifyOrder(order) : null;
}

/**
 * The order with all its lines, shipping lines and fulfillment orders: ORDER_QUERY, then the next
 * pages of whatever it cut short (more than 50 lines, 10 shipping lines, 5 fulfillment orders,
 * 30 lines in one of them).
 * Never a part of an order: a page that cannot be read fails the read (the job retries).
 */
async function readWholeOrder(shopify: OrderShopify, orderId: string, redacted: string[]): Promise<NonNullable<OrderQueryData["order"]> | null> {
  const read = async <T>(document: string, variables: Record<string, unknown>): Promise<T> => {
    const result = await shopify.request<T>(document, variables);
    if (!result.ok && result.code === "SHOPIFY_CUSTOMER_DATA_REFUSED") throw new OrderAccessRefusedError(`Shopify refused ${orderId}: ${result.message}`);
    if (!result.ok) throw new ShopifyReadError(`Could not read ${orderId} from Shopify: ${result.message}`);
    // Names, email, phone and addresses Shopify withholds come back null: the order is imported without them.
    if (result.redacted) redacted.push(...result.redacted);
    return result.data;
  };
  const order = (await read<OrderQueryData>(ORDER_QUERY, { id: orderId })).order;
  if (!order) return null;
  /** Appends the pages after the connection's first to its nodes; `page` reads the one after a cursor. */
  const readRest = async <N>(connection: { nodes: N[]; pageInfo: PageInfo }, page: (after: string | null) => Promise<{ nodes: N[]; pageInfo: PageInfo } | undefined>) => {
    for (let info = connection.pageInfo; info.hasNextPage; ) {
      const next = await page(info.endCursor);
      if (!next) throw new ShopifyReadError(`${orderId} disappeared from Shopify while Tenon read its pages; the next run reads it again.`);
      connection.nodes.push(...next.nodes);
      info = next.pageInfo;
    }
  };
  await readRest(order.lineItems, async (after) => (await read<OrderLineItemsPageData>(ORDER_LINE_ITEMS_PAGE_QUERY, { id: orderId, after })).order?.lineItems);
  await readRest(order.shippingLines, async (after) => (await read<OrderShippingLinesPageData>(ORDER_SHIPPING_LINES_PAGE_QUERY, { id: orderId, after })).order?.shippingLines);
  await readRest(order.fulfillmentOrders, async (after) => (await read<OrderFulfillmentOrdersPageData>(ORDER_FULFILLMENT_ORDERS_PAGE_QUERY, { id: orderId, after })).order?.fulfillmentOrders);
  for (const fo of order.fulfillmentOrders.nodes) {
    await readRest(fo.lineItems, async (after) => (await read<FulfillmentOrderLineItemsPageData>(FULFILLMENT_ORDER_LINE_ITEMS_PAGE_QUERY, { id: fo.id, after })).fulfillmentOrder?.lineItems);
  }
  return order;
}

const json = (value: unknown) => (value ?? undefined) as Prisma.InputJsonValue | undefined;

function windowOf(state: { windowStart: Date | null } | null, store: { firstActivatedAt: Date | null; lastActivatedAt: Date | null }): Date {
  if (state?.windowStart) return state.windowStart;
  // A store activated before the order sync existed: the rule of the seed, from its activation dates.
  const at = store.lastActivatedAt ?? new Date(0);
  return importWindowStart(at, store.firstActivatedAt?.getTime() === store.lastActivatedAt?.getTime());
}

export interface SyncOptions {
  /**
   * Runs last inside the sync's transaction, when Shopify could be read: the order.sync job marks
   * itself succeeded there (JobContext.completeIn), so the order and its job commit together.
   */
  beforeCommit?: (tx: Tx) => Promise<void>;
}

/**
 * Brings one Shopify order into Tenon as it is in Shopify now: import it, apply its changes,
 * or record why it was skipped. Throws ShopifyReadError when Shopify could not be read (the job
 * retries); a failure while writing is recorded on the order (activity with Retry) and rethrown.
 */
export async function syncOrder(deps: OrderSyncDeps, input: OrderSyncPayload, options: SyncOptions = {}): Promise<SyncOutcome> {
  const payload = OrderSyncPayload.parse(input);
  const { db } = deps;
  const [store] = await db.$queryRaw<SyncStore[]>`
    SELECT "id", "accountId", "shopDomain", "connection", "syncActive", "settings", "firstActivatedAt", "lastActivatedAt"
    FROM "Store" WHERE "id" = ${payload.storeId}`;
  if (!store || store.connection !== "connected") return { outcome: "ignored", reason: "not_connected" };
  if (!store.syncActive && payload.reason !== "paused_import") {
    if (payload.reason === "webhook" || payload.reason === "fulfillment_order") await noteChangeWhileInactive(deps, store.id, payload.orderId);
    return { outcome: "ignored", reason: "not_active" };
  }
  const redacted: string[] = [];
  let order: ShopifyOrder | null;
  try {
    order = await readOrder(deps.shopify, payload.orderId, redacted);
  } catch (error) {
    if (!(error instanceof OrderAccessRefusedError)) throw error;
    await db.$transaction((tx) => noteCustomerDataWithheld(tx, store.id, { refused: "orders" }, deps.clock()));
    return { outcome: "ignored", reason: "orders_refused" };
  }
  const now = deps.clock();
  let hookFailure: unknown;
  try {
    return await db.$transaction(
      async (tx) => {
        const outcome = await applyOrder(tx, store, payload, order, now);
        if (redacted.length > 0) await noteCustomerDataWithheld(tx, store.id, { redacted }, now);
        await options.beforeCommit?.(tx).catch((error: unknown) => {
          hookFailure = error;
          throw error;
        });
        return outcome;
      },
      { timeout: 30_000, maxWait: 30_000 },
    );
  } catch (error) {
    // A racing run won (the retry finds its result), or the job is no longer this run's: nothing to record on the order.
    if (isUniqueViolation(error) || (hookFailure !== undefined && error === hookFailure)) throw error;
    await recordFailure(db, store.id, payload, order, error, now);
    throw error;
  }
}

/**
 * A webhook changed an order while the store's sync is not active: the store's log says so,
 * if the store's Shopify has the order. A signed body sent with another store's header names an
 * order that store does not have, and leaves its log alone (ADR 021).
 */
async function noteChangeWhileInactive(deps: OrderSyncDeps, storeId: string, orderId: string): Promise<void> {
  const result = await deps.shopify.request<OrderNameData>(ORDER_NAME_QUERY, { id: orderId });
  if (!result.ok) throw new ShopifyReadError(`Could not read ${orderId} from Shopify: ${result.message}`);
  const order = result.data.order;
  if (!order) return;
  await deps.db.$transaction((tx) =>
    recordActivity(tx, {
      storeId,
      area: "orders",
      action: "order.webhook_ignored",
      outcome: "skipped",
      subject: order.name,
      subjectRef: order.id,
      message: "Shopify changed this order while sync is not active; nothing was changed. Activate sync to bring orders in.",
      at: deps.clock(),
    }),
  );
}

/** The sync's transaction: what the order's current state means for Tenon (import, changes, skip). */
async function applyOrder(tx: Tx, store: SyncStore, payload: z.output<typeof OrderSyncPayload>, order: ShopifyOrder | null, now: Date): Promise<SyncOutcome> {
  const link = await findLink(tx, store.id, payload.orderId);
  if (!order) {
    // Deleted in Shopify (only cancelled or archived orders can be): their sales order was dealt with then.
    if (link) await tx.shopifyOrderLink.update({ where: { id: link.id }, data: { message: "Deleted in Shopify." } });
    return { outcome: "ignored", reason: "deleted_in_shopify" } as const;
  }
  const forced = payload.reason === "paused_import" || payload.reason === "retry" || payload.reason === "fulfillment_order";
  if (!forced && link?.shopifyUpdatedAt && link.state !== "failed" && order.updatedAt.getTime() <= link.shopifyUpdatedAt.getTime()) {
    return { outcome: "unchanged" } as const;
  }
  const settings = parseSettings(store.settings);
  const ctx: OrderContext = { tx, store, settings, order, now };
  if (link?.importedAt) {
    const salesOrder = link.salesOrderId ? await tx.salesOrder.findUnique({ where: { id: link.salesOrderId }, select: { id: true } }) : null;
    if (!salesOrder) {
      await tx.shopifyOrderLink.update({ where: { id: link.id }, data: { shopifyUpdatedAt: order.updatedAt, orderName: order.name } });
      return { outcome: "ignored", reason: "sales_order_deleted" } as const;
    }
    return applyChanges(ctx, link.id, salesOrder.id);
  }
  const [state = null] = payload.windowStart
    ? []
    : await tx.$queryRaw<{ windowStart: Date | null }[]>`SELECT "windowStart" FROM "OrderSyncState" WHERE "storeId" = ${store.id}`;
  const windowStart = payload.windowStart ? new Date(payload.windowStart) : windowOf(state, store);
  const trackedWhileActive = !!link && link.skipRule !== null && link.skipRule !== "before_window";
  const eligibility = orderEligibility(order, { importPaymentPending: settings.orders.paymentPending, windowStart, trackedWhileActive });
  if (!eligibility.eligible) {
    const repeated = link?.state === "skipped" && link.skipRule === eligibility.rule;
    await saveSkippedLink(tx, store.id, order, eligibility, now);
    if (!repeated) {
      await recordActivity(tx, { storeId: store.id, area: "orders", action: "order.skipped", outcome: "skipped", subject: order.name, subjectRef: order.id, message: eligibility.message, at: now });
    }
    return { outcome: "skipped", rule: eligibility.rule, message: eligibility.message } as const;
  }
  return importOrder(ctx);
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

async function recordFailure(db: Db, storeId: string, payload: OrderSyncPayload, order: ShopifyOrder | null, error: unknown, now: Date) {
  const message = `Could not bring ${order?.name ?? payload.orderId} into Tenon: ${(error as Error).message.split("\n")[0]}`;
  await db.$transaction(async (tx) => {
    await tx.shopifyOrderLink.upsert({
      where: { storeId_shopifyOrderId: { storeId, shopifyOrderId: payload.orderId } },
      create: { storeId, shopifyOrderId: payload.orderId, orderName: order?.name ?? "", state: "failed", skipRule: null, message, firstSeenAt: now },
      update: { state: "failed", message },
    });
    await recordActivity(tx, {
      storeId,
      area: "orders",
      action: "order.failed",
      outcome: "failed",
      subject: order?.name,
      subjectRef: payload.orderId,
      message,
      retry: { kind: ORDER_SYNC_JOB, payload: { storeId, orderId: payload.orderId, reason: "retry" } },
      at: now,
    });
  });
}

// ───────────────────────────── hand-written statements ─────────────────────────────

// Every webhook and every run of an order read its store and link, and most runs end in a skip:
// these statements are SQL written by hand, at a third of Prisma's cost each (ADR 018).

interface SyncStore {
  id: string;
  accountId: string;
  shopDomain: string;
  connection: string;
  syncActive: boolean;
  settings: unknown;
  firstActivatedAt: Date | null;
  lastActivatedAt: Date | null;
}

interface OrderLink {
  id: string;
  state: string;
  skipRule: string | null;
  shopifyUpdatedAt: Date | null;
  importedAt: Date | null;
  salesOrderId: string | null;
}

async function findLink(tx: Tx, storeId: string, orderId: string): Promise<OrderLink | null> {
  const [link = null] = await tx.$queryRaw<OrderLink[]>`
    SELECT "id", "state", "skipRule", "shopifyUpdatedAt", "importedAt", "salesOrderId"
    FROM "ShopifyOrderLink" WHERE "storeId" = ${storeId} AND "shopifyOrderId" = ${orderId}`;
  return link;
}

/** The order's link says skipped, by which rule and why (created on first sight). */
async function saveSkippedLink(tx: Tx, storeId: string, order: ShopifyOrder, skip: { rule: string; message: string }, now: Date): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "ShopifyOrderLink" ("id", "storeId", "shopifyOrderId", "orderName", "state", "skipRule", "message", "shopifyCreatedAt", "shopifyUpdatedAt", "firstSeenAt", "updatedAt")
    VALUES (${newId()}, ${storeId}, ${order.id}, ${order.name}, 'skipped', ${skip.rule}, ${skip.message}, ${order.createdAt}, ${order.updatedAt}, ${now}, ${new Date()})
    ON CONFLICT ("storeId", "shopifyOrderId") DO UPDATE SET
      "orderName" = excluded."orderName", "state" = 'skipped', "skipRule" = excluded."skipRule", "message" = excluded."message",
      "shopifyUpdatedAt" = excluded."shopifyUpdatedAt", "updatedAt" = excluded."updatedAt"`;
}

interface OrderContext {
  tx: Tx;
  store: { id: string; accountId: string; shopDomain: string; syncActive: boolean; connection: string; settings: unknown };
  settings: Settings;
  order: ShopifyOrder;
  now: Date;
}

async function mappingContext(ctx: OrderContext, lines: OrderLine[]): Promise<MappingContext> {
  const { tx, store } = ctx;
  const variantGids = lines.map((l) => l.variantId).filter((id): id is string => !!id);
  const skus = lines.map((l) => l.sku?.trim()).filter((s): s is string => !!s);
  const [mappings, bySkuVariants, shopifyLocations, defaultLocation] = await Promise.all([
    tx.variantMapping.findMany({ where: { storeId: store.id, shopifyVariantId: { in: variantGids } }, select: { shopifyVariantId: true, variantId: true } }),
    tx.variant.findMany({
      where: { accountId: store.accountId, code: { in: skus } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { id: true, code: true, product: { select: { kind: true, defaultDeliveryDays: true } } },
    }),
    tx.shopifyLocation.findMany({ where: { storeId: store.id }, select: { shopifyLocationId: true, locationId: true, location: { select: { deletedAt: true } } } }),
    tx.location.findFirst({ where: { accountId: store.accountId, deletedAt: null, isDefaultForOrders: true }, select: { id: true } }),
  ]);
  const mappedVariants =
    mappings.length === 0
      ? []
      : await tx.variant.findMany({
          where: { id: { in: mappings.map((m) => m.variantId) } },
          select: { id: true, product: { select: { kind: true, defaultDeliveryDays: true } } },
        });
  const ref = (v: { id: string; product: { kind: string; defaultDeliveryDays: number } }): TenonItemRef => ({
    variantId: v.id,
    productKind: v.product.kind === "service" ? "service" : "physical",
    defaultDeliveryDays: v.product.defaultDeliveryDays,
  });
  const byId = new Map(mappedVariants.map((v) => [v.id, ref(v)]));
  const byShopifyVariant = new Map<string, TenonItemRef>();
  for (const m of mappings) {
    const r = byId.get(m.variantId);
    if (r) byShopifyVariant.set(m.shopifyVariantId, r);
  }
  const bySku = new Map<string, TenonItemRef>();
  for (const v of bySkuVariants) if (v.code && !bySku.has(v.code)) bySku.set(v.code, ref(v));
  const locationFor = new Map<string, string | null>(
    shopifyLocations.map((l) => [l.shopifyLocationId, l.locationId && !l.location?.deletedAt ? l.locationId : null]),
  );
  return { settings: ctx.settings, byShopifyVariant, bySku, locationFor, defaultLocationId: defaultLocation?.id ?? null };
}

/** The Tenon variant of a row item: the existing one, or one created now (reusing an earlier one by SKU or name). */
async function variantFor(ctx: OrderContext, item: RowItem, line: OrderLine): Promise<string> {
  if (item.kind === "existing") return item.variantId;
  const { tx, store } = ctx;
  let variant = item.sku
    ? await tx.variant.findFirst({ where: { accountId: store.accountId, code: item.sku }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } })
    : await tx.variant.findFirst({
        where: { accountId: store.accountId, code: null, name: item.variantName, product: { name: item.productName, kind: item.productKind } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { id: true },
      });
  if (!variant) {
    const product = await tx.product.create({
      data: {
        accountId: store.accountId,
        name: item.productName || "Shopify item",
        kind: item.productKind,
        variants: { create: { accountId: store.accountId, name: item.variantName, code: item.sku, salesPrice: item.salesPrice, needsReview: true } },
      },
      select: { variants: { select: { id: true } } },
    });
    variant = product.variants[0]!;
  }
  if (line.variantId && line.productId) {
    await tx.variantMapping.upsert({
      where: { storeId_shopifyVariantId: { storeId: store.id, shopifyVariantId: line.variantId } },
      create: { storeId: store.id, shopifyVariantId: line.variantId, shopifyProductId: line.productId, variantId: variant.id, sku: line.sku?.trim() || null },
      update: {},
    });
  }
  return variant.id;
}

async function customerFor(ctx: OrderContext, draft: CustomerDraft | null): Promise<string | null> {
  if (!draft) return null;
  const { tx, store } = ctx;
  if (draft.shopifyId) {
    const linked = await tx.customerExternalId.findUnique({ where: { storeId_externalId: { storeId: store.id, externalId: draft.shopifyId } }, select: { customerId: true } });
    if (linked) return linked.customerId;
  }
  // Email, then name — among customers not linked to another Shopify customer of this store.
  const free = { externalIds: { none: { storeId: store.id } } };
  const email = normaliseEmail(draft.email);
  let match: { id: string } | null = null;
  if (email) {
    const candidates = await tx.customer.findMany({
      // Equalities only: `email IS NOT NULL` would make SQLite range-scan every customer with an email.
      where: { accountId: store.accountId, ...free, email: { in: [...new Set([draft.email ?? email, email])] } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, email: true },
    });
    match = candidates.find((c) => normaliseEmail(c.email) === email) ?? null;
  }
  if (!match) {
    match = await tx.customer.findFirst({ where: { accountId: store.accountId, name: draft.name, ...free }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true } });
  }
  if (match) {
    if (draft.shopifyId) await tx.customerExternalId.create({ data: { customerId: match.id, storeId: store.id, externalId: draft.shopifyId } });
    return match.id;
  }
  const created = await tx.customer.create({
    data: {
      accountId: store.accountId,
      name: draft.name,
      email: draft.email,
      billingAddress: json(draft.billingAddress),
      shippingAddress: json(draft.shippingAddress),
      extraAddresses: [],
      ...(draft.shopifyId ? { externalIds: { create: { storeId: store.id, externalId: draft.shopifyId } } } : {}),
    },
    select: { id: true },
  });
  return created.id;
}

/** The order's number in Tenon: Shopify's name, made unique in the account (several stores, manual orders). */
async function uniqueNumber(ctx: OrderContext, name: string): Promise<string> {
  const taken = async (n: string) => !!(await ctx.tx.salesOrder.findFirst({ where: { accountId: ctx.store.accountId, number: n }, select: { id: true } }));
  if (!(await taken(name))) return name;
  const handle = ctx.store.shopDomain.replace(/\.myshopify\.com$/, "");
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? `${name}-${handle}` : `${name}-${handle}-${i}`;
    if (!(await taken(candidate))) return candidate;
  }
}

/** The review note with the new lines added; a line it already has is not repeated (a re-applied order flags the same again). */
const appendNote = (existing: string | null, notes: string[]) => {
  const lines = existing ? existing.split("\n") : [];
  return [...lines, ...notes.filter((n) => !lines.includes(n))].join("\n") || null;
};

async function importOrder(ctx: OrderContext): Promise<SyncOutcome> {
  const { tx, store, order, now } = ctx;
  // One read: a sales order already made for this Shopify order (adopted, never doubled), or one holding its number.
  const clashes = await tx.salesOrder.findMany({
    where: { OR: [{ storeId: store.id, externalOrderId: order.id }, { accountId: store.accountId, number: order.name }] },
    select: { id: true, storeId: true, externalOrderId: true },
  });
  const existing = clashes.find((c) => c.storeId === store.id && c.externalOrderId === order.id);
  if (existing) {
    await tx.shopifyOrderLink.upsert({
      where: { storeId_shopifyOrderId: { storeId: store.id, shopifyOrderId: order.id } },
      create: { storeId: store.id, shopifyOrderId: order.id, orderName: order.name, state: "imported", salesOrderId: existing.id, importedAt: now, shopifyCreatedAt: order.createdAt, shopifyUpdatedAt: order.updatedAt, firstSeenAt: now },
      update: { orderName: order.name, state: "imported", skipRule: null, message: null, salesOrderId: existing.id, importedAt: now, shopifyUpdatedAt: order.updatedAt },
      select: { id: true },
    });
    return { outcome: "imported", salesOrderId: existing.id };
  }
  const mapping = await mappingContext(ctx, order.lines);
  const draft = mapOrder(order, mapping);
  const customerId = await customerFor(ctx, draft.customer);
  const number = clashes.length === 0 ? draft.number : await uniqueNumber(ctx, draft.number);
  const lineById = new Map(order.lines.map((l) => [l.id, l]));
  // Scalar foreign keys, written with one INSERT (`connect` would read each variant and location first).
  const rows: Prisma.SalesOrderRowCreateManySalesOrderInput[] = [];
  const committed: StockChange[] = [];
  for (const [position, row] of draft.rows.entries()) {
    const variantId = await variantFor(ctx, row.item, lineById.get(row.externalLineId)!);
    rows.push({
      position,
      variantId,
      description: row.description,
      quantity: row.quantity,
      pricePerUnit: row.pricePerUnit,
      discountPercent: row.discountPercent,
      locationId: row.locationId ?? null,
      externalLineId: row.externalLineId,
      needsReview: row.needsReview,
    });
    if (row.item.productKind === "physical" && row.locationId) committed.push({ variantId, locationId: row.locationId });
  }
  if (draft.shippingFee) {
    rows.push({ position: rows.length, isShippingFee: true, description: "Shipping", quantity: "1", pricePerUnit: draft.shippingFee, discountPercent: "0" });
  }
  const salesOrder = await tx.salesOrder.create({
    data: {
      accountId: store.accountId,
      number,
      customerId,
      billTo: json(draft.billTo),
      shipTo: json(draft.shipTo),
      customerReference: draft.customerReference,
      currency: draft.currency,
      exchangeRate: draft.exchangeRate,
      orderDate: draft.orderDate,
      deliveryDate: draft.deliveryDate,
      source: "shopify",
      storeId: store.id,
      externalOrderId: order.id,
      needsReview: draft.needsReview,
      reviewNote: draft.reviewNotes.join("\n") || null,
      rows: { createMany: { data: rows } },
    },
    select: { id: true },
  });
  const written = await writeStockChanges(tx, store.accountId, { movements: [], committedChanges: committed });
  if (!written.ok) throw new Error(written.message);
  await tx.shopifyOrderLink.upsert({
    where: { storeId_shopifyOrderId: { storeId: store.id, shopifyOrderId: order.id } },
    create: { storeId: store.id, shopifyOrderId: order.id, orderName: order.name, state: "imported", salesOrderId: salesOrder.id, importedAt: now, shopifyCreatedAt: order.createdAt, shopifyUpdatedAt: order.updatedAt, firstSeenAt: now },
    update: { orderName: order.name, state: "imported", skipRule: null, message: null, salesOrderId: salesOrder.id, importedAt: now, shopifyUpdatedAt: order.updatedAt },
    select: { id: true },
  });
  // Shopify already fulfilled part of it: the fulfillment sync applies those fulfillments (ADR 015).
  if (order.fulfillmentStatus === "PARTIALLY_FULFILLED") await enqueueOrderFulfillmentCheck(tx, store, order.id);
  await recordActivity(tx, {
    storeId: store.id,
    area: "orders",
    action: "order.imported",
    outcome: "ok",
    subject: order.name,
    subjectRef: order.id,
    message: [`Imported as sales order ${number}.`, ...draft.reviewNotes].join(" "),
    at: now,
  });
  return { outcome: "imported", salesOrderId: salesOrder.id };
}

// ───────────────────────────── changes ─────────────────────────────

async function applyChanges(ctx: OrderContext, linkId: string, salesOrderId: string): Promise<SyncOutcome> {
  const { tx, store, order, now } = ctx;
  const so = await tx.salesOrder.findUniqueOrThrow({
    where: { id: salesOrderId },
    include: { rows: { include: { variant: { include: { product: true } }, manufacturingOrder: true }, orderBy: { position: "asc" } } },
  });
  const account = await tx.account.findUniqueOrThrow({ where: { id: store.accountId }, select: { stockClosingDate: true } });
  const mapping = await mappingContext(ctx, order.lines);
  const rows: TenonOrderRow[] = so.rows.map((r) => ({
    id: r.id,
    externalLineId: r.externalLineId,
    isShippingFee: r.isShippingFee,
    isStock: !!r.variant && !r.isShippingFee && r.variant.product.kind !== "service",
    state: r.state as TenonOrderRow["state"],
    invoiced: r.invoiced,
    quantity: r.quantity.toString(),
    locationId: r.locationId,
    mo: r.manufacturingOrder ? { id: r.manufacturingOrder.id, state: r.manufacturingOrder.state as MoState, quantity: r.manufacturingOrder.quantity.toString() } : null,
  }));
  const plan = planOrderChanges(order, rows, { settings: ctx.settings, orderNumber: so.number, orderDate: so.orderDate, closingDate: account.stockClosingDate, locationFor: mapping.locationFor });
  const rowById = new Map(so.rows.map((r) => [r.id, r]));
  const committed: StockChange[] = [];
  const commit = (row: { variantId: string | null; locationId: string | null; isShippingFee: boolean; variant?: { product: { kind: string } } | null } | undefined) => {
    if (row?.variantId && row.locationId && !row.isShippingFee && row.variant?.product.kind !== "service") committed.push({ variantId: row.variantId, locationId: row.locationId });
  };
  // MO actions first: a deleted row must not take its MO's link with it before the MO is handled.
  const order_ = (a: ChangeAction) => (a.type.endsWith("_mo") ? 0 : a.type === "delete_order" ? 2 : 1);
  const actions = [...plan.actions].sort((a, b) => order_(a) - order_(b));
  const locations = lineLocations(order);
  let deleted = false;
  for (const action of actions) {
    switch (action.type) {
      case "resize_mo":
        await tx.manufacturingOrder.update({ where: { id: action.moId }, data: { quantity: action.quantity } });
        break;
      case "delete_mo":
        await tx.manufacturingOrder.delete({ where: { id: action.moId } });
        break;
      case "unlink_mo":
        await tx.manufacturingOrder.update({ where: { id: action.moId }, data: { salesOrderRowId: null, flagged: true, flagNote: action.note } });
        break;
      case "set_quantity": {
        const row = rowById.get(action.rowId)!;
        await tx.salesOrderRow.update({ where: { id: row.id }, data: { quantity: action.quantity } });
        commit(row);
        break;
      }
      case "delete_row": {
        const row = rowById.get(action.rowId)!;
        await tx.salesOrderRow.delete({ where: { id: row.id } });
        commit(row);
        break;
      }
      case "set_location": {
        const row = rowById.get(action.rowId)!;
        commit(row);
        await tx.salesOrderRow.update({ where: { id: row.id }, data: { locationId: action.locationId } });
        commit({ ...row, locationId: action.locationId });
        break;
      }
      case "add_row": {
        const unit = order.taxesIncluded ? netOfTax(action.line.unitPrice, action.line.taxRate) : fromUnits(toUnits(action.line.unitPrice));
        const resolved = resolveLineItem(action.line, mapping, unit);
        const variantId = await variantFor(ctx, resolved.item, action.line);
        const shopifyLocation = locations.get(action.line.id);
        const physical = resolved.item.productKind === "physical";
        const locationId = physical ? ((shopifyLocation ? mapping.locationFor.get(shopifyLocation) : null) ?? mapping.defaultLocationId) : null;
        await tx.salesOrderRow.create({
          data: {
            salesOrderId: so.id,
            position: so.rows.length + 1,
            variantId,
            description: action.line.variantTitle ? `${action.line.title} — ${action.line.variantTitle}` : action.line.title,
            quantity: action.quantity,
            pricePerUnit: unit,
            discountPercent: discountPercent(action.line),
            locationId,
            externalLineId: action.line.id,
            needsReview: resolved.needsReview,
          },
        });
        if (physical && locationId) committed.push({ variantId, locationId });
        if (resolved.note) plan.flags.push(resolved.note);
        break;
      }
      case "delete_order":
        for (const row of so.rows) commit(row);
        await tx.salesOrderRow.deleteMany({ where: { salesOrderId: so.id } });
        await tx.salesOrder.delete({ where: { id: so.id } });
        deleted = true;
        break;
    }
  }
  if (committed.length > 0) {
    const written = await writeStockChanges(tx, store.accountId, { movements: [], committedChanges: committed });
    if (!written.ok) throw new Error(written.message);
  }
  if (!deleted && plan.flags.length > 0) {
    await tx.salesOrder.update({ where: { id: so.id }, data: { needsReview: true, reviewNote: appendNote(so.reviewNote, plan.flags) } });
  }
  await tx.shopifyOrderLink.update({
    where: { id: linkId },
    data: { orderName: order.name, shopifyUpdatedAt: order.updatedAt, state: deleted ? "removed" : "imported", message: deleted ? `Sales order ${so.number} deleted: the order ended in Shopify.` : null },
  });
  const base = { storeId: store.id, area: "orders" as const, subject: order.name, subjectRef: order.id, at: now };
  if (deleted) {
    await recordActivity(tx, { ...base, action: "order.deleted", outcome: "ok", message: `${order.name} ended in Shopify before anything was fulfilled; sales order ${so.number} was deleted.` });
    return { outcome: "deleted" };
  }
  const changes = plan.actions.length;
  if (plan.flags.length > 0) {
    await recordActivity(tx, { ...base, action: "order.flagged", outcome: "failed", message: plan.flags.join(" ") });
  } else if (changes > 0) {
    await recordActivity(tx, { ...base, action: "order.updated", outcome: "ok", message: `Sales order ${so.number} follows ${order.name}: ${changes} change${changes === 1 ? "" : "s"} applied.` });
  }
  return { outcome: "updated", salesOrderId: so.id, changes, flags: plan.flags };
}

// ───────────────────────────── activation, sweep, backfill ─────────────────────────────

export const SWEEP_OVERLAP_MS = 60_000;

/**
 * Sync was activated (call inside activateSync's transaction): records the import window (14
 * days back on the first activation; the activation itself later), remembers the gap since the
 * last sweep for "Import N orders created while paused", and starts a new sweep chain at once.
 * On the first activation the sweep's checkpoint is the window start, so its first run is the
 * backfill.
 */
export async function startOrderSync(
  tx: Tx,
  input: { storeId: string; now: Date; firstActivation: boolean },
  schedule: ScheduleSweep,
): Promise<void> {
  const existing = await tx.orderSyncState.findUnique({ where: { storeId: input.storeId } });
  const windowStart = importWindowStart(input.now, input.firstActivation);
  const chain = randomUUID();
  // The pause began after the last sweep; an overlap keeps the orders of that sweep's last moments in the offer.
  const lastSeen = existing?.lastSweepAt ? new Date(existing.lastSweepAt.getTime() - SWEEP_OVERLAP_MS) : (existing?.windowStart ?? null);
  const gapFrom = input.firstActivation ? null : lastSeen;
  const data = {
    windowStart,
    checkpoint: input.firstActivation ? windowStart : (existing?.checkpoint ?? input.now),
    sweepChain: chain,
    pausedGapFrom: gapFrom,
    pausedGapUntil: gapFrom ? input.now : null,
  };
  await tx.orderSyncState.upsert({ where: { storeId: input.storeId }, create: { storeId: input.storeId, ...data }, update: data });
  await schedule(tx, { storeId: input.storeId, chain }, { serialKey: sweepSerialKey(input.storeId) });
}

async function linksOf(db: Db, storeId: string, ids: string[]) {
  const links = await db.shopifyOrderLink.findMany({ where: { storeId, shopifyOrderId: { in: ids } }, select: { shopifyOrderId: true, shopifyUpdatedAt: true, state: true } });
  return new Map(links.map((l) => [l.shopifyOrderId, l]));
}

/**
 * One reconciliation sweep: every order updated since the checkpoint whose state Tenon has not
 * applied yet goes through the same per-order job as a webhook. Then the checkpoint moves to the
 * sweep's start (minus an overlap for Shopify's index lag) and the next sweep is scheduled.
 * A sweep of an older chain (sync paused or reactivated since) stops.
 */
export async function sweepOrders(deps: OrderSyncDeps, input: OrderSweepPayload): Promise<{ enqueued: number; seen: number } | null> {
  const { db } = deps;
  const payload = OrderSweepPayload.parse(input);
  const [store, state] = await Promise.all([
    db.store.findUnique({ where: { id: payload.storeId }, select: { id: true, connection: true, syncActive: true, settings: true } }),
    db.orderSyncState.findUnique({ where: { storeId: payload.storeId } }),
  ]);
  if (!store || !state || state.sweepChain !== payload.chain || !store.syncActive || store.connection !== "connected") return null;
  const startedAt = deps.clock();
  const since = state.checkpoint ?? state.windowStart ?? startedAt;
  const query = `updated_at:>='${since.toISOString()}'`;
  let after: string | null = null;
  let enqueued = 0;
  let seen = 0;
  do {
    const page: ShopifyResult<OrdersUpdatedSinceData> = await deps.shopify.request<OrdersUpdatedSinceData>(ORDERS_UPDATED_SINCE_QUERY, { query, after });
    if (!page.ok) {
      // The chain must not die with the job: record why, keep the checkpoint, try again next interval.
      const message = `The order sweep could not read orders from Shopify (${page.message}); it tries again in a few minutes from the same checkpoint.`;
      await db.$transaction(async (tx) => {
        const current = await tx.orderSyncState.findUnique({ where: { storeId: store.id }, select: { sweepChain: true, sweepIntervalSeconds: true } });
        if (current?.sweepChain !== payload.chain) return;
        await tx.orderSyncState.update({ where: { storeId: store.id }, data: { lastSweepError: message } });
        if (page.code === "SHOPIFY_CUSTOMER_DATA_REFUSED") {
          // Shopify refuses orders until it approves the app's customer data access: told once,
          // not a failure every interval; the checkpoint waits for the approval (docs/decisions/023).
          await noteCustomerDataWithheld(tx, store.id, { refused: "orders" }, startedAt);
        } else {
          await recordActivity(tx, { storeId: store.id, area: "orders", action: "orders.sweep_failed", outcome: "failed", subject: "Order sweep", subjectRef: `sweep:${store.id}`, message, at: startedAt });
        }
        await deps.schedule.sweep(tx, { storeId: store.id, chain: payload.chain }, {
          serialKey: sweepSerialKey(store.id),
          runAt: new Date(startedAt.getTime() + current.sweepIntervalSeconds * 1000),
        });
      });
      return { enqueued, seen };
    }
    const nodes = page.data.orders.nodes;
    seen += nodes.length;
    const links = await linksOf(db, store.id, nodes.map((n) => n.id));
    const due = nodes.filter((n) => {
      const link = links.get(n.id);
      return !link?.shopifyUpdatedAt || link.state === "failed" || new Date(n.updatedAt).getTime() > link.shopifyUpdatedAt.getTime();
    });
    if (due.length > 0) {
      await db.$transaction(async (tx) => {
        for (const n of due) {
          await deps.schedule.order(tx, { storeId: store.id, orderId: n.id, reason: "sweep" }, { serialKey: orderSerialKey(store.id, n.id) });
          // An imported order that changed: its fulfillments and returns are read again too (webhooks may have been lost).
          if (links.get(n.id)?.state === "imported") await enqueueOrderFulfillmentCheck(tx, store, n.id);
        }
      });
      enqueued += due.length;
    }
    after = page.data.orders.pageInfo.hasNextPage ? page.data.orders.pageInfo.endCursor : null;
  } while (after);
  await db.$transaction(async (tx) => {
    const current = await tx.orderSyncState.findUnique({ where: { storeId: store.id }, select: { sweepChain: true, sweepIntervalSeconds: true, lastSweepError: true } });
    if (current?.sweepChain !== payload.chain) return;
    await tx.orderSyncState.update({
      where: { storeId: store.id },
      data: { checkpoint: new Date(startedAt.getTime() - SWEEP_OVERLAP_MS), lastSweepAt: startedAt, lastSweepError: null },
    });
    // Logged when it caught something up, or recovered from a failure (a quiet sweep is not news).
    if (enqueued > 0 || current.lastSweepError) {
      await recordActivity(tx, {
        storeId: store.id,
        area: "orders",
        action: "orders.sweep",
        outcome: "ok",
        subject: "Order sweep",
        subjectRef: `sweep:${store.id}`,
        message: `Order sweep: ${seen} order${seen === 1 ? "" : "s"} changed since the last sweep; ${enqueued} queued to be brought up to date.`,
        at: startedAt,
      });
    }
    // One successor per chain: a sweep run on demand finds the scheduled one and adds none.
    const waiting = await tx.job.count({ where: { kind: ORDER_SWEEP_JOB, serialKey: sweepSerialKey(store.id), state: "queued" } });
    if (waiting === 0) {
      await deps.schedule.sweep(tx, { storeId: store.id, chain: payload.chain }, {
        serialKey: sweepSerialKey(store.id),
        runAt: new Date(startedAt.getTime() + current.sweepIntervalSeconds * 1000),
      });
    }
  });
  return { enqueued, seen };
}

/** Whether a sweep of the store is waiting or running, on whichever runner (JobQueue.hasUnfinished). */
export type SweepPending = (storeId: string) => Promise<boolean>;

/**
 * The sweep chain's watchdog (docs/decisions/019), at server start for every store and on every
 * app open for the store opened: a Sync-active store whose sweep chain has no sweep waiting or
 * running (its last sweep died, or the queue lost it) gets a new chain, from its kept
 * checkpoint. At start also a store that never had a chain (activated before the order sync
 * existed); `deadChainsOnly` (app open) leaves those to the start. Returns the stores started.
 */
export async function ensureOrderSweeps(
  db: Db,
  schedule: ScheduleSweep,
  sweepPending: SweepPending,
  options: { storeId?: string; deadChainsOnly?: boolean } = {},
): Promise<string[]> {
  const stores = await db.store.findMany({
    where: { syncActive: true, connection: "connected", ...(options.storeId ? { id: options.storeId } : {}) },
    select: { id: true, firstActivatedAt: true, lastActivatedAt: true },
  });
  const started: string[] = [];
  for (const store of stores) {
    if (options.deadChainsOnly) {
      const state = await db.orderSyncState.findUnique({ where: { storeId: store.id }, select: { sweepChain: true } });
      if (!state?.sweepChain) continue;
    }
    if (await sweepPending(store.id)) continue;
    await db.$transaction(async (tx) => {
      const state = await tx.orderSyncState.findUnique({ where: { storeId: store.id } });
      const chain = randomUUID();
      const windowStart = state?.windowStart ?? windowOf(null, store);
      const data = { sweepChain: chain, windowStart, checkpoint: state?.checkpoint ?? windowStart };
      await tx.orderSyncState.upsert({ where: { storeId: store.id }, create: { storeId: store.id, ...data }, update: data });
      await schedule(tx, { storeId: store.id, chain }, { serialKey: sweepSerialKey(store.id) });
    });
    started.push(store.id);
  }
  return started;
}

/** How often the sweep runs for a store (default 5 minutes). Takes effect from the next sweep. */
export async function setSweepInterval(db: Db, storeId: string, seconds: number): Promise<void> {
  const value = Math.max(30, Math.min(24 * 3600, Math.round(seconds)));
  await db.orderSyncState.upsert({ where: { storeId }, create: { storeId, sweepIntervalSeconds: value }, update: { sweepIntervalSeconds: value } });
}

// ───────────────────────────── orders created while paused ─────────────────────────────

export interface PausedOrders {
  from: Date;
  until: Date;
  /** Eligible orders created while sync was paused and not imported yet. */
  orderIds: string[];
}

/**
 * "Import N eligible orders created while paused": the orders created between the last sweep
 * before the pause and the reactivation that the eligibility rules (with that span as the
 * window) would import. Null when there was no pause since the first activation.
 */
export async function findOrdersCreatedWhilePaused(deps: Pick<OrderSyncDeps, "db" | "shopify">, storeId: string): Promise<PausedOrders | null> {
  const state = await deps.db.orderSyncState.findUnique({ where: { storeId } });
  const store = await deps.db.store.findUnique({ where: { id: storeId } });
  if (!store || !state?.pausedGapFrom || !state.pausedGapUntil) return null;
  const from = state.pausedGapFrom;
  const until = state.pausedGapUntil;
  const settings = parseSettings(store.settings);
  const query = `created_at:>='${from.toISOString()}' created_at:<'${until.toISOString()}'`;
  const candidates: string[] = [];
  let after: string | null = null;
  do {
    const page: ShopifyResult<OrdersCreatedBetweenData> = await deps.shopify.request<OrdersCreatedBetweenData>(ORDERS_CREATED_BETWEEN_QUERY, { query, after });
    if (!page.ok) throw new ShopifyReadError(`Could not read the orders created while paused: ${page.message}`);
    candidates.push(...page.data.orders.nodes.map((n) => n.id));
    after = page.data.orders.pageInfo.hasNextPage ? page.data.orders.pageInfo.endCursor : null;
  } while (after);
  const links = await linksOf(deps.db, storeId, candidates);
  const orderIds: string[] = [];
  for (const id of candidates) {
    if (links.get(id)?.state === "imported" || links.get(id)?.state === "removed") continue;
    const order = await readOrder(deps.shopify, id);
    if (order && orderEligibility(order, { importPaymentPending: settings.orders.paymentPending, windowStart: from }).eligible) orderIds.push(id);
  }
  return { from, until, orderIds };
}

/** Starts importing the orders created while paused (one job each); the offer is then withdrawn. */
export async function importOrdersCreatedWhilePaused(
  deps: Pick<OrderSyncDeps, "db" | "shopify" | "schedule">,
  accountId: string,
  storeId: string,
): Promise<{ ok: true; started: number } | { ok: false; code: "STORE_NOT_FOUND" | "NOTHING_TO_IMPORT"; message: string }> {
  const store = await deps.db.store.findFirst({ where: { id: storeId, accountId } });
  if (!store) return { ok: false, code: "STORE_NOT_FOUND", message: "This store is not connected to your Tenon account." };
  const paused = await findOrdersCreatedWhilePaused(deps, storeId);
  if (!paused || paused.orderIds.length === 0) return { ok: false, code: "NOTHING_TO_IMPORT", message: "No eligible orders were created while sync was paused." };
  await deps.db.$transaction(async (tx) => {
    for (const orderId of paused.orderIds) {
      await deps.schedule.order(tx, { storeId, orderId, reason: "paused_import", windowStart: paused.from.toISOString() }, { serialKey: orderSerialKey(storeId, orderId) });
    }
    await tx.orderSyncState.update({ where: { storeId }, data: { pausedGapFrom: null, pausedGapUntil: null } });
  });
  return { ok: true, started: paused.orderIds.length };
}

/** Sync health for the store header: last order in, the last sweep, orders failing. */
export async function orderSyncHealth(db: Db, storeId: string) {
  const [state, failed, last] = await Promise.all([
    db.orderSyncState.findUnique({ where: { storeId } }),
    db.shopifyOrderLink.count({ where: { storeId, state: "failed" } }),
    db.shopifyOrderLink.aggregate({ where: { storeId }, _max: { importedAt: true } }),
  ]);
  return {
    lastOrderInAt: last._max.importedAt ?? null,
    lastSweepAt: state?.lastSweepAt ?? null,
    lastSweepError: state?.lastSweepError ?? null,
    sweepIntervalSeconds: state?.sweepIntervalSeconds ?? 300,
    failedOrders: failed,
  };
}
