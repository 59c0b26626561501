import type { Prisma } from "@prisma/client";
import { newId } from "~/db/raw-sql";
import type { ActivityArea, ActivityOutcome, ActivityResolution } from "~/domain/activity";

/**
 * The sync activity log of a store (ADR 010): one entry per thing the integration did, skipped
 * or failed, with why in words a merchant understands. Orders, stock pushes, fulfillments,
 * returns, imports, webhooks and location changes all write here, inside the transaction of
 * the work they describe.
 *
 * "Needs action": a failed entry stays open until it is closed by
 * - a later success for the same subject (recordActivity with outcome "ok" and the same
 *   store, area and subjectRef, or resolveActivity),
 * - a newer failure of the same subject (the newest one is the one to act on), or
 * - Dismiss.
 *
 * Entries are kept ACTIVITY_RETENTION_DAYS (pruneActivity, after each reconciliation sweep);
 * a failure that still needs action is kept until it is closed.
 */

export type Tx = Prisma.TransactionClient;

/** How long the log keeps an entry (an open failure: until it is closed, then this long). */
export const ACTIVITY_RETENTION_DAYS = 90;
const PRUNE_BATCH = 2_000;

// "orders" | "stock" | "fulfillments" | "returns" | "imports" | "webhooks" | "locations" | "connection" and
// "ok" | "skipped" | "failed", defined in app/domain/activity.ts for the browser's use too.
export type { ActivityArea, ActivityOutcome, ActivityResolution } from "~/domain/activity";
export { ACTIVITY_AREAS, ACTIVITY_OUTCOMES } from "~/domain/activity";

export interface ActivityEntry {
  storeId: string;
  area: ActivityArea;
  /** e.g. "order.imported", "order.skipped", "push.failed", "webhook.received" */
  action: string;
  outcome: ActivityOutcome;
  /** What a merchant recognises: "#1001", a SKU, a location name. */
  subject?: string;
  /** A Shopify GID or Tenon id, for search and linking (and for closing earlier failures). */
  subjectRef?: string;
  /** Why, in words a merchant understands (for skips: the rule). */
  message: string;
  /** A job kind + payload; Retry re-enqueues it. */
  retry?: { kind: string; payload: Record<string, unknown> };
  at?: Date;
}

/** The lowercased text search matches (contains) on both SQLite and PostgreSQL. */
export function activitySearchText(entry: Pick<ActivityEntry, "subject" | "subjectRef" | "message">): string {
  return [entry.subject, entry.subjectRef, entry.message]
    .filter((part): part is string => !!part)
    .join(" \u2022 ")
    .toLowerCase();
}

/**
 * Records one activity entry in the caller's transaction. With a subjectRef:
 * - an "ok" entry closes the open failures of the same store, area and subject (succeeded);
 * - a "failed" entry closes the older open failures of that subject (superseded), so each
 *   subject has at most one open failure: the newest, with the newest retry.
 */
export async function recordActivity(tx: Tx, entry: ActivityEntry): Promise<void> {
  const at = entry.at ?? new Date();
  if (entry.subjectRef && entry.outcome !== "skipped") {
    await closeOpenFailures(tx, {
      storeId: entry.storeId,
      area: entry.area,
      subjectRef: entry.subjectRef,
      resolution: entry.outcome === "ok" ? "succeeded" : "superseded",
      at,
    });
  }
  // By hand (ADR 018): most orders write one entry, and Prisma's create costs ~3× this.
  await tx.$executeRaw`
    INSERT INTO "SyncActivity" ("id", "storeId", "area", "action", "outcome", "subject", "subjectRef", "message", "searchText", "retryKind", "retryPayload", "at", "createdAt")
    VALUES (${newId()}, ${entry.storeId}, ${entry.area}, ${entry.action}, ${entry.outcome}, ${entry.subject ?? null}, ${entry.subjectRef ?? null},
            ${entry.message}, ${activitySearchText(entry)}, ${entry.retry?.kind ?? null}, ${entry.retry ? JSON.stringify(entry.retry.payload) : null}, ${at}, ${new Date()})`;
}

/**
 * Records a notice the merchant is to be told once per store (what Shopify withholds,
 * docs/decisions/023): nothing when the store's log already has an entry of this action and
 * subject. Returns whether it wrote one.
 */
export async function recordActivityOnce(tx: Tx, entry: ActivityEntry & { subjectRef: string }): Promise<boolean> {
  const [told] = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "SyncActivity" WHERE "storeId" = ${entry.storeId} AND "area" = ${entry.area} AND "subjectRef" = ${entry.subjectRef} AND "action" = ${entry.action} LIMIT 1`;
  if (told) return false;
  await recordActivity(tx, entry);
  return true;
}

/**
 * Closes the open failures of one subject (a later success made them moot). Returns how many
 * were closed. recordActivity with outcome "ok" and a subjectRef does this already.
 */
export async function resolveActivity(
  tx: Tx,
  subject: { storeId: string; subjectRef: string; area: ActivityArea },
  at: Date = new Date(),
): Promise<number> {
  return closeOpenFailures(tx, { ...subject, resolution: "succeeded", at });
}

async function closeOpenFailures(
  tx: Tx,
  input: { storeId: string; area: ActivityArea; subjectRef: string; resolution: ActivityResolution; at: Date },
): Promise<number> {
  return tx.$executeRaw`
    UPDATE "SyncActivity" SET "resolvedAt" = ${input.at}, "resolution" = ${input.resolution}
    WHERE "storeId" = ${input.storeId} AND "area" = ${input.area} AND "subjectRef" = ${input.subjectRef} AND "outcome" = 'failed' AND "resolvedAt" IS NULL`;
}

/**
 * Deletes the store's entries older than ACTIVITY_RETENTION_DAYS, except failures that still
 * need action. Runs after every reconciliation sweep of the store, so each run has only the few
 * minutes that just aged out; a long backlog goes in batches, each a short write.
 */
export async function pruneActivity(db: Prisma.TransactionClient, storeId: string, now: Date = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - ACTIVITY_RETENTION_DAYS * 24 * 3600_000);
  const aged = { storeId, at: { lt: cutoff }, NOT: { outcome: "failed", resolvedAt: null } };
  let deleted = 0;
  for (;;) {
    const batch = await db.syncActivity.findMany({ where: aged, select: { id: true }, orderBy: { at: "asc" }, take: PRUNE_BATCH });
    if (batch.length === 0) return deleted;
    deleted += (await db.syncActivity.deleteMany({ where: { id: { in: batch.map((e) => e.id) } } })).count;
    if (batch.length < PRUNE_BATCH) return deleted;
  }
}

/**
 * Replaces the message of a store's entries about these subjects (a redacted customer's orders,
 * ADR 020); what happened, when and to which order number stays, for the store's history.
 */
export async function redactActivity(tx: Tx, storeId: string, subjectRefs: string[], message: string): Promise<number> {
  if (subjectRefs.length === 0) return 0;
  const entries = await tx.syncActivity.findMany({ where: { storeId, subjectRef: { in: subjectRefs } }, select: { id: true, subject: true, subjectRef: true } });
  for (const entry of entries) {
    await tx.syncActivity.update({
      where: { id: entry.id },
      data: { message, searchText: activitySearchText({ subject: entry.subject ?? undefined, subjectRef: entry.subjectRef ?? undefined, message }) },
    });
  }
  return entries.length;
}

/** Deletes a store's whole activity log (shop/redact, ADR 020). */
export async function eraseActivity(tx: Tx, storeId: string): Promise<number> {
  return (await tx.syncActivity.deleteMany({ where: { storeId } })).count;
}
