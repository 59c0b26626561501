import type { Db } from "~/db/client";
import { describeLocationChange, locationChanges } from "~/domain/location-changes";
import { recordActivity, resolveActivity, type Tx } from "../../services/activity/activity-log.server";
import { saveShopifyLocations, type ShopifyFacts } from "../../services/stores/connections.server";

/**
 * Keeping a store's Shopify locations in step after locations/* webhooks (issue 6, ADR 010):
 * the webhook records what happened and schedules the `store.read_locations` job; the job
 * re-reads every location and saves them here, which
 * - adds a new Shopify location unmapped, so the store is Disabled until the merchant maps it
 *   (integrationState's LOCATION_UNMAPPED),
 * - marks deactivated and deleted ones removed, so they leave the mapping table,
 * and writes one activity entry per change.
 */

/** One area/subject for "reading this store's locations", so a success closes an earlier failure. */
const readSubject = (shopDomain: string) => ({ area: "locations" as const, subjectRef: `locations:${shopDomain}` });

/**
 * saveShopifyLocations plus the activity log: what was added, removed or renamed. The first
 * read of a store (locationsReadAt still null) is one "locations read" entry, not one per location.
 */
export async function refreshShopifyLocations(
  tx: Tx,
  storeId: string,
  locations: ShopifyFacts["locations"],
  now: Date,
): Promise<void> {
  const store = await tx.store.findUniqueOrThrow({
    where: { id: storeId },
    select: { shopDomain: true, locationsReadAt: true, shopifyLocations: { include: { location: true } } },
  });
  const known = store.shopifyLocations.map((l) => ({
    shopifyLocationId: l.shopifyLocationId,
    name: l.name,
    removed: l.removedAt !== null,
    mappedLocationId: l.locationId,
  }));
  await saveShopifyLocations(tx, storeId, locations, now);
  await resolveActivity(tx, { storeId, ...readSubject(store.shopDomain) }, now);

  if (store.locationsReadAt === null) {
    const active = locations.filter((l) => l.isActive).length;
    await recordActivity(tx, {
      storeId,
      area: "locations",
      action: "locations.read",
      outcome: "ok",
      subject: store.shopDomain,
      message: `Read ${active} active Shopify location${active === 1 ? "" : "s"}. Map each to a Tenon location on the Inventory tab.`,
      at: now,
    });
    return;
  }
  const tenonNames = new Map(
    store.shopifyLocations.flatMap((l) => (l.location && l.location.deletedAt === null ? [[l.location.id, l.location.name] as const] : [])),
  );
  for (const change of locationChanges(known, locations)) {
    await recordActivity(tx, {
      storeId,
      area: "locations",
      action: `location.${change.kind}`,
      outcome: "ok",
      subject: change.name,
      subjectRef: change.shopifyLocationId,
      message: describeLocationChange(change, change.kind === "added" && change.mappedLocationId ? tenonNames.get(change.mappedLocationId) : null),
      at: now,
    });
  }
}

/**
 * The locations could not be read after every attempt: a failure that needs action, with
 * Retry (the same job). A later successful read closes it.
 */
export async function recordLocationReadFailure(db: Db, storeId: string, shopDomain: string, reason: string, now: Date): Promise<void> {
  await db.$transaction((tx) =>
    recordActivity(tx, {
      storeId,
      ...readSubject(shopDomain),
      action: "locations.read_failed",
      outcome: "failed",
      subject: shopDomain,
      message: `Tenon could not read this store's locations from Shopify (${reason}). Retry; if it keeps failing, reconnect the store.`,
      retry: { kind: "store.read_locations", payload: { shopDomain } },
      at: now,
    }),
  );
}

/** Location topics Tenon subscribes to (shopify.app.toml). */
export const LOCATION_TOPICS = ["locations/create", "locations/update", "locations/delete", "locations/activate", "locations/deactivate"] as const;

const topicVerb: Record<string, string> = {
  "locations/create": "was added",
  "locations/update": "was changed",
  "locations/delete": "was deleted",
  "locations/activate": "was activated",
  "locations/deactivate": "was deactivated",
};

/**
 * A locations/* webhook for a connected store: the activity entry and, unless one is already
 * waiting, the job that re-reads the store's locations (all in the webhook's transaction).
 * Returns false when the store is unknown or not connected (acknowledged and ignored).
 */
export async function acceptLocationWebhook(
  tx: Tx,
  input: { storeId: string | null; topic: string; payload: unknown; now: Date },
  scheduleRead: (tx: Tx, shopDomain: string) => Promise<unknown>,
): Promise<boolean> {
  if (!input.storeId) return false;
  const store = await tx.store.findUnique({ where: { id: input.storeId } });
  if (!store || store.connection !== "connected") return false;
  const payload = (input.payload ?? {}) as { id?: unknown; name?: unknown; admin_graphql_api_id?: unknown };
  const known =
    payload.id !== undefined
      ? await tx.shopifyLocation.findUnique({
          where: { storeId_shopifyLocationId: { storeId: store.id, shopifyLocationId: `gid://shopify/Location/${String(payload.id)}` } },
        })
      : null;
  // The header naming the store is not signed (ADR 021): the body goes into a store's log only
  // when it is about a location Shopify already listed for that store. A new location is logged
  // by the read itself ("location.added"), from what this store's Shopify answers.
  if (known) {
    const name = typeof payload.name === "string" ? payload.name : known.name;
    await recordActivity(tx, {
      storeId: store.id,
      area: "webhooks",
      action: "webhook.received",
      outcome: "ok",
      subject: input.topic,
      subjectRef: known.shopifyLocationId,
      message: `Shopify says location "${name}" ${topicVerb[input.topic] ?? "changed"}. Tenon reads the store's locations again.`,
      at: input.now,
    });
  }
  // A read still waiting to start sees this change too (the embedded queue; pg-boss has no rows here).
  const waiting = await tx.job.findFirst({
    where: { kind: "store.read_locations", state: "queued", attempts: 0, serialKey: `store:${store.shopDomain}` },
  });
  if (!waiting) await scheduleRead(tx, store.shopDomain);
  return true;
}
