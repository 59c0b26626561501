import type { Prisma } from "@prisma/client";
import type { Db } from "~/db/client";
import { recordActivity, type Tx } from "../activity/activity-log.server";

/**
 * A store Tenon cannot reach for want of credentials (docs/decisions/019): its offline session is
 * gone (an uninstall race, shop/redact, a removed row) or Shopify refused the access token (401:
 * revoked or expired). Retrying cannot help until the merchant opens Tenon in Shopify admin and
 * token exchange stores a new session, so a background job that hits this parks its work here
 * instead of failing, and the store gets one failure needing action, however many jobs park.
 * When the merchant opens Tenon again, `resumeParkedWork` enqueues every parked job and closes
 * that failure. This service owns ParkedJob; the activity entries go through recordActivity.
 */

export const ACCESS_LOST_ACTION = "store.access_lost";
export const ACCESS_LOST_MESSAGE = "Tenon lost access to this store — open Tenon in Shopify admin to reconnect.";
/** The subject of the store's one "lost access" failure (its success closes it, ADR 010). */
export const accessSubjectRef = (storeId: string) => `access:${storeId}`;

/** Jobs re-enqueued per transaction on reconnection (a long outage may have parked thousands). */
const RESUME_BATCH = 200;

export interface ParkedWork {
  storeId: string;
  kind: string;
  /** The job's payload as it would be enqueued (the job catalog validates it again on resume). */
  payload: Record<string, unknown>;
  serialKey?: string | null;
  /** Why the job could not run, as it saw it (e.g. "no offline session", "HTTP 401"). */
  reason: string;
}

/**
 * Parks one job's work and, in the same transaction, records the store's "lost access" failure
 * unless one is open already. The same work parked twice (a webhook redelivered, a retry) is one
 * row. Returns whether this park opened the failure.
 */
export async function parkJob(db: Db, work: ParkedWork, now: Date): Promise<{ openedFailure: boolean }> {
  const payloadKey = JSON.stringify(work.payload);
  return db.$transaction(async (tx) => {
    await tx.parkedJob.upsert({
      where: { storeId_kind_payloadKey: { storeId: work.storeId, kind: work.kind, payloadKey } },
      create: {
        storeId: work.storeId,
        kind: work.kind,
        payload: work.payload as Prisma.InputJsonObject,
        payloadKey,
        serialKey: work.serialKey ?? null,
        reason: work.reason,
        parkedAt: now,
      },
      update: { reason: work.reason },
    });
    // Two jobs parking at the same moment on PostgreSQL may both find none open; the second
    // failure then supersedes the first (recordActivity), so one stays open either way.
    if (await openAccessFailure(tx, work.storeId)) return { openedFailure: false };
    await recordActivity(tx, {
      storeId: work.storeId,
      area: "connection",
      action: ACCESS_LOST_ACTION,
      outcome: "failed",
      subject: "Shopify access",
      subjectRef: accessSubjectRef(work.storeId),
      message: ACCESS_LOST_MESSAGE,
      at: now,
    });
    return { openedFailure: true };
  });
}

async function openAccessFailure(db: Db | Tx, storeId: string) {
  return db.syncActivity.findFirst({
    where: { storeId, area: "connection", subjectRef: accessSubjectRef(storeId), outcome: "failed", resolvedAt: null },
    select: { at: true, message: true },
  });
}

/** For the store header: since when Tenon has had no access to the store, or null. */
export async function storeAccessLost(db: Db, storeId: string): Promise<{ since: Date; message: string } | null> {
  const open = await openAccessFailure(db, storeId);
  return open ? { since: open.at, message: open.message } : null;
}

/** Enqueues a parked job through the app's job catalog, in the caller's transaction. */
export type EnqueueParkedJob = (tx: Tx, kind: string, payload: unknown, options: { serialKey?: string }) => Promise<string>;

export interface ResumeResult {
  /** Parked jobs enqueued again. */
  resumed: number;
  /** Parked jobs the current job catalog no longer accepts (recorded by an older version). */
  dropped: number;
}

/**
 * The store has valid credentials again (the merchant opened Tenon and a session exists): every
 * parked job is enqueued again and deleted, in batches, and the "lost access" failure is closed
 * by an ok entry. Null when there was nothing parked and no failure open (the common case, two
 * indexed reads). Each parked row is claimed by deleting it before its job is enqueued, so two app opens
 * at once enqueue each job once.
 */
export async function resumeParkedWork(db: Db, storeId: string, deps: { enqueue: EnqueueParkedJob; now: Date }): Promise<ResumeResult | null> {
  const [open, anyParked] = await Promise.all([openAccessFailure(db, storeId), db.parkedJob.findFirst({ where: { storeId }, select: { id: true } })]);
  if (!open && !anyParked) return null;
  const result: ResumeResult = { resumed: 0, dropped: 0 };
  for (;;) {
    const batch = await db.parkedJob.findMany({ where: { storeId }, orderBy: [{ parkedAt: "asc" }, { id: "asc" }], take: RESUME_BATCH });
    if (batch.length === 0) break;
    await db.$transaction(
      async (tx) => {
        for (const parked of batch) {
          const { count } = await tx.parkedJob.deleteMany({ where: { id: parked.id } });
          if (count === 0) continue; // another app open took it
          try {
            await deps.enqueue(tx, parked.kind, parked.payload, parked.serialKey ? { serialKey: parked.serialKey } : {});
            result.resumed += 1;
          } catch (error) {
            // The catalog validates before writing anything, so the transaction is still good.
            const code = (error as { code?: unknown }).code;
            if (code !== "JOB_KIND_UNKNOWN" && code !== "JOB_PAYLOAD_INVALID") throw error;
            result.dropped += 1;
          }
        }
      },
      { timeout: 30_000, maxWait: 30_000 },
    );
    if (batch.length < RESUME_BATCH) break;
  }
  const dropped = result.dropped > 0 ? ` ${result.dropped} could not be resumed: they were recorded by an older version of Tenon.` : "";
  await db.$transaction((tx) =>
    recordActivity(tx, {
      storeId,
      area: "connection",
      action: "store.access_restored",
      outcome: "ok",
      subject: "Shopify access",
      subjectRef: accessSubjectRef(storeId),
      message: `Tenon can reach this store again; ${result.resumed} waiting job${result.resumed === 1 ? "" : "s"} resumed.${dropped}`,
      at: deps.now,
    }),
  );
  return result;
}

/** shop/redact: the store's parked work goes with its data (compliance calls this in its transaction). */
export async function dropParkedWork(tx: Tx, storeId: string): Promise<number> {
  return (await tx.parkedJob.deleteMany({ where: { storeId } })).count;
}
