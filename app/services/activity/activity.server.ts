import type { Prisma, SyncActivity } from "@prisma/client";
import type { Db } from "~/db/client";
import { ACTIVITY_AREAS, ACTIVITY_OUTCOMES, resolutionLabel, type ActivityArea, type ActivityOutcome } from "~/domain/activity";
import { CUSTOMER_DATA_NOTICE } from "~/domain/customer-data-access";
import type { Tx } from "./activity-log.server";
import { fail, ok, type Result } from "../result";
import { storeAccessLost } from "../stores/store-access.server";

/**
 * The activity page and the sync-health summary (ADR 010): listing and searching a store's
 * activity log, Retry and Dismiss of failed entries, and the numbers on the store header.
 * Writing entries is activity-log.server.ts (importable from any service or job).
 */

export const ACTIVITY_PAGE_SIZE = 50;

/** "needs_action" = failed and not yet resolved (retried successfully, superseded or dismissed). */
export type ActivityOutcomeFilter = ActivityOutcome | "needs_action";

export interface ActivityQuery {
  search?: string;
  outcome?: ActivityOutcomeFilter;
  area?: ActivityArea;
  /** From a previous page: nextCursor (older entries) or previousCursor (newer entries). */
  cursor?: string;
}

export interface ActivityItem {
  id: string;
  area: ActivityArea;
  action: string;
  outcome: ActivityOutcome;
  subject: string | null;
  subjectRef: string | null;
  message: string;
  at: Date;
  /** A failed entry still waiting for the merchant. */
  needsAction: boolean;
  /** Retry is offered: a failed, unresolved entry with a stored job. */
  canRetry: boolean;
  retriedAt: Date | null;
  resolvedAt: Date | null;
  resolution: string | null;
}

export interface ActivityPage {
  store: { id: string; name: string; shopDomain: string; connected: boolean };
  items: ActivityItem[];
  /** Older entries, or null on the last page. */
  nextCursor: string | null;
  /** Newer entries, or null on the first page. */
  previousCursor: string | null;
}

function toItem(row: SyncActivity): ActivityItem {
  const needsAction = row.outcome === "failed" && row.resolvedAt === null;
  return {
    id: row.id,
    area: row.area as ActivityArea,
    action: row.action,
    outcome: row.outcome as ActivityOutcome,
    subject: row.subject,
    subjectRef: row.subjectRef,
    message: row.message,
    at: row.at,
    needsAction,
    canRetry: needsAction && row.retryKind !== null,
    retriedAt: row.retriedAt,
    resolvedAt: row.resolvedAt,
    resolution: row.resolution,
  };
}

/** Only the store's own account sees its activity. */
async function findStore(db: Db, accountId: string, storeId: string) {
  return db.store.findFirst({ where: { id: storeId, accountId } });
}

export function activityWhere(storeId: string, query: Omit<ActivityQuery, "cursor">): Prisma.SyncActivityWhereInput {
  const where: Prisma.SyncActivityWhereInput = { storeId };
  const term = query.search?.trim().toLowerCase();
  // searchText is stored lowercased, so `contains` is case-insensitive on SQLite and PostgreSQL alike.
  if (term) where.searchText = { contains: term };
  if (query.area && ACTIVITY_AREAS.includes(query.area)) where.area = query.area;
  if (query.outcome === "needs_action") Object.assign(where, { outcome: "failed", resolvedAt: null });
  else if (query.outcome && ACTIVITY_OUTCOMES.includes(query.outcome)) where.outcome = query.outcome;
  return where;
}

/**
 * Cursors are "o.<id>.<filters>" (entries older than id) or "n.<id>.<filters>" (newer). A cursor
 * made for other filters (the search changed on page 3) starts again from the newest entry.
 */
function parseCursor(cursor: string | undefined, filters: string): { direction: "older" | "newer"; id: string } | null {
  const match = cursor ? /^([on])\.([^.]+)\.([^.]*)$/.exec(cursor) : null;
  if (!match || match[3] !== filters) return null;
  return { direction: match[1] === "o" ? "older" : "newer", id: match[2]! };
}

/** A short fingerprint of the search and filters a cursor belongs to. */
function filterKey(query: ActivityQuery): string {
  const text = JSON.stringify([query.search?.trim().toLowerCase() ?? "", query.outcome ?? "", query.area ?? ""]);
  let hash = 5381;
  for (let i = 0; i < text.length; i++) hash = ((hash * 33) ^ text.charCodeAt(i)) >>> 0;
  return hash.toString(36);
}

/**
 * One page of a store's activity, newest first, with search (subject, reference, message;
 * case-insensitive) and filters. Keyset-paged on (at, id), so it stays fast on a long log.
 */
export async function listActivity(
  db: Db,
  accountId: string,
  storeId: string,
  query: ActivityQuery = {},
  pageSize = ACTIVITY_PAGE_SIZE,
): Promise<Result<ActivityPage>> {
  const found = await findStore(db, accountId, storeId);
  if (!found) return fail("STORE_NOT_FOUND", "This store is not connected to your Tenon account.");
  const store = { id: found.id, name: found.name, shopDomain: found.shopDomain, connected: found.connection === "connected" };
  const where = activityWhere(storeId, query);
  const orderBy: Prisma.SyncActivityOrderByWithRelationInput[] = [{ at: "desc" }, { id: "desc" }];
  const filters = filterKey(query);
  const older = (id: string) => `o.${id}.${filters}`;
  const newer = (id: string) => `n.${id}.${filters}`;
  const cursor = parseCursor(query.cursor, filters);
  const anchor = cursor ? await db.syncActivity.findFirst({ where: { id: cursor.id, storeId }, select: { id: true } }) : null;

  if (!cursor || !anchor) {
    const rows = await db.syncActivity.findMany({ where, orderBy, take: pageSize + 1 });
    const items = rows.slice(0, pageSize);
    return ok({
      store,
      items: items.map(toItem),
      nextCursor: rows.length > pageSize ? older(items[items.length - 1]!.id) : null,
      previousCursor: null,
    });
  }
  if (cursor.direction === "older") {
    const rows = await db.syncActivity.findMany({ where, orderBy, cursor: { id: anchor.id }, skip: 1, take: pageSize + 1 });
    const items = rows.slice(0, pageSize);
    return ok({
      store,
      items: items.map(toItem),
      nextCursor: rows.length > pageSize ? older(items[items.length - 1]!.id) : null,
      previousCursor: items.length > 0 ? newer(items[0]!.id) : null,
    });
  }
  // Newer: a negative take reads backwards from the cursor and returns rows in list order.
  const rows = await db.syncActivity.findMany({ where, orderBy, cursor: { id: anchor.id }, skip: 1, take: -(pageSize + 1) });
  const items = rows.length > pageSize ? rows.slice(1) : rows;
  return ok({
    store,
    items: items.map(toItem),
    nextCursor: items.length > 0 ? older(items[items.length - 1]!.id) : null,
    previousCursor: rows.length > pageSize ? newer(items[0]!.id) : null,
  });
}

/** Enqueues a job whose kind and payload were stored as data (validated by the job catalog). */
export type EnqueueStoredJob = (tx: Tx, kind: string, payload: unknown) => Promise<string>;

/**
 * The app's queue (~/jobs/index.server), imported on first use: this module stays free of the
 * app's Shopify and queue configuration (and of an import cycle through the job kinds).
 */
async function appEnqueue(): Promise<EnqueueStoredJob> {
  const { enqueue } = await import("~/jobs/index.server");
  return (tx, kind, payload) => enqueue(tx, kind as never, payload as never);
}

async function findActivity(db: Db, accountId: string, activityId: string) {
  return db.syncActivity.findFirst({ where: { id: activityId, store: { accountId } }, include: { store: true } });
}

/**
 * Retry: enqueues the entry's stored job (kind + payload) in one transaction with the note on
 * the entry. The entry stays "needs action" until the job's own success closes it
 * (recordActivity "ok" for the same subject). Refused when there is nothing to retry, the
 * store is not connected, or a retry is already waiting to run.
 */
export async function retryActivity(
  db: Db,
  accountId: string,
  activityId: string,
  options: { now?: Date; enqueue?: EnqueueStoredJob; jobStore?: JobStore } = {},
): Promise<Result<{ jobId: string }>> {
  const now = options.now ?? new Date();
  const entry = await findActivity(db, accountId, activityId);
  if (!entry) return fail("ACTIVITY_NOT_FOUND", "This activity entry does not exist (any more). Reload the page.");
  if (entry.outcome !== "failed") return fail("NOTHING_TO_RETRY", "Only failed entries can be retried; this one did not fail.");
  if (entry.resolvedAt) {
    return fail("NOTHING_TO_RETRY", `This failure is already closed (${resolutionLabel(entry.resolution)}); there is nothing to retry.`);
  }
  if (!entry.retryKind) {
    return fail("NOTHING_TO_RETRY", "Tenon cannot redo this one by itself. Fix what the message says, then dismiss it.");
  }
  if (entry.store.connection !== "connected") {
    return fail("STORE_NOT_CONNECTED", `${entry.store.name} is not connected. Reconnect the store, then retry.`);
  }
  if (entry.retryJobId && (await isJobUnfinished(db, options.jobStore ?? (await appJobStore()), entry.retryJobId))) {
    return fail("RETRY_PENDING", "A retry of this entry is already waiting to run.");
  }
  const kind = entry.retryKind;
  const payload = entry.retryPayload ?? {};
  const enqueueJob = options.enqueue ?? (await appEnqueue());
  try {
    const jobId = await db.$transaction(async (tx) => {
      // The stored kind and payload are validated again by the job catalog (they may be from an older version).
      const id = await enqueueJob(tx, kind, payload);
      await tx.syncActivity.update({ where: { id: entry.id }, data: { retriedAt: now, retryJobId: id } });
      return id;
    });
    return ok({ jobId });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "JOB_KIND_UNKNOWN" || code === "JOB_PAYLOAD_INVALID") {
      return fail("RETRY_NOT_POSSIBLE", "This entry was recorded by an older version of Tenon and can no longer be retried. Dismiss it; the next sync handles the item again.");
    }
    throw error;
  }
}

/** Dismiss: the merchant has dealt with a failure (or decided to leave it); it stops needing action. */
export async function dismissActivity(db: Db, accountId: string, activityId: string, now: Date = new Date()): Promise<Result<{ dismissed: true }>> {
  const entry = await findActivity(db, accountId, activityId);
  if (!entry) return fail("ACTIVITY_NOT_FOUND", "This activity entry does not exist (any more). Reload the page.");
  if (entry.outcome !== "failed") return fail("NOTHING_TO_DISMISS", "Only failed entries can be dismissed.");
  if (entry.resolvedAt) return ok({ dismissed: true as const });
  await db.syncActivity.updateMany({ where: { id: entry.id, resolvedAt: null }, data: { resolvedAt: now, resolution: "dismissed" } });
  return ok({ dismissed: true as const });
}


export interface SyncHealth {
  /** When the last Shopify order of this store arrived in Tenon (null = none yet). */
  lastOrderInAt: Date | null;
  /** Jobs for this store waiting or running (queue depth). */
  pendingJobs: number;
  /** Failed activity entries that need the merchant's action. */
  openFailures: number;
  /** Tenon has no valid credentials for the store (ADR 019): since when, and what to do. */
  accessLost: { since: Date; message: string } | null;
  /** Shopify withholds customer data from Tenon (ADR 023): since when, and what that means. */
  customerDataWithheld: { since: Date; message: string } | null;
}

/**
 * Where the app's jobs are kept: the Job table (embedded runner, the default) or pg-boss's own
 * schema (JOB_RUNNER=pg-boss).
 */
export type JobStore = { runner: "embedded" } | { runner: "pg-boss"; schema?: string };

/** This process's job store, from JOB_RUNNER (imported on first use, like appEnqueue). */
async function appJobStore(): Promise<JobStore> {
  const { env } = await import("~/env.server");
  return env.JOB_RUNNER === "pg-boss" ? { runner: "pg-boss" } : { runner: "embedded" };
}

function pgBossSchema(store: { schema?: string }): string {
  const schema = store.schema ?? "pgboss";
  if (!/^[a-z_][a-z0-9_]*$/i.test(schema)) throw new Error(`Invalid pg-boss schema name "${schema}"`);
  return schema;
}

/** Waiting (first attempt or a retry) or running. */
const EMBEDDED_UNFINISHED = ["queued", "running"];
const PGBOSS_UNFINISHED = "('created', 'retry', 'active')";

async function unfinishedJobs(db: Db, store: JobStore): Promise<{ payload: unknown; serialKey: string | null }[]> {
  if (store.runner === "embedded") {
    return db.job.findMany({ where: { state: { in: EMBEDDED_UNFINISHED } }, select: { payload: true, serialKey: true } });
  }
  return db.$queryRawUnsafe<{ payload: unknown; serialKey: string | null }[]>(
    `SELECT data AS payload, singleton_key AS "serialKey" FROM ${pgBossSchema(store)}.job WHERE state::text IN ${PGBOSS_UNFINISHED}`,
  );
}

async function isJobUnfinished(db: Db, store: JobStore, id: string): Promise<boolean> {
  if (store.runner === "embedded") return (await db.job.count({ where: { id, state: { in: EMBEDDED_UNFINISHED } } })) > 0;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return false;
  const rows = await db.$queryRawUnsafe<unknown[]>(
    `SELECT 1 FROM ${pgBossSchema(store)}.job WHERE id = $1::uuid AND state::text IN ${PGBOSS_UNFINISHED}`,
    id,
  );
  return rows.length > 0;
}

/**
 * The store header's sync-health numbers. Queue depth counts the store's unfinished jobs
 * (waiting, retrying or running) in the app's job store: a payload naming the store (storeId,
 * shopDomain, or an importId of one of its imports) or a serial key containing its id or
 * domain. Jobs are not tagged with a store, so the unfinished ones (the queue's backlog, small
 * in normal operation) are read and matched here.
 */
export async function syncHealth(db: Db, storeId: string, options: { jobStore?: JobStore } = {}): Promise<SyncHealth> {
  const store = await db.store.findUnique({ where: { id: storeId }, select: { id: true, shopDomain: true } });
  // An unknown store has nothing (the caller answers its 404 from its own lookup).
  if (!store) return { lastOrderInAt: null, pendingJobs: 0, openFailures: 0, accessLost: null, customerDataWithheld: null };
  const jobStore = options.jobStore ?? (await appJobStore());
  const [lastOrder, openFailures, jobs, imports, accessLost, withheld] = await Promise.all([
    db.salesOrder.aggregate({ where: { storeId, source: "shopify" }, _max: { createdAt: true } }),
    db.syncActivity.count({ where: { storeId, outcome: "failed", resolvedAt: null } }),
    unfinishedJobs(db, jobStore),
    db.importRun.findMany({ where: { storeId, state: { in: ["queued", "running"] } }, select: { id: true } }),
    storeAccessLost(db, storeId),
    // The one notice per store (customer-data-access.server.ts).
    db.syncActivity.findFirst({
      where: { storeId, area: "connection", subjectRef: CUSTOMER_DATA_NOTICE.subjectRef, action: CUSTOMER_DATA_NOTICE.action },
      orderBy: { at: "desc" },
      select: { at: true, message: true },
    }),
  ]);
  const importIds = new Set(imports.map((run) => run.id));
  const pendingJobs = jobs.filter((job) => jobBelongsToStore(job, store, importIds)).length;
  const customerDataWithheld = withheld ? { since: withheld.at, message: withheld.message } : null;
  return { lastOrderInAt: lastOrder._max.createdAt ?? null, pendingJobs, openFailures, accessLost, customerDataWithheld };
}

export function jobBelongsToStore(
  job: { payload: unknown; serialKey: string | null },
  store: { id: string; shopDomain: string },
  importIds: ReadonlySet<string> = new Set(),
): boolean {
  if (job.serialKey && (job.serialKey.includes(store.id) || job.serialKey.includes(store.shopDomain))) return true;
  const payload = job.payload;
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) return false;
  const fields = payload as Record<string, unknown>;
  return (
    fields.storeId === store.id ||
    fields.shopDomain === store.shopDomain ||
    fields.shop === store.shopDomain ||
    (typeof fields.importId === "string" && importIds.has(fields.importId))
  );
}
