import type { Db } from "~/db/client";
import { createLocation } from "./locations.server";
import { fail, ok, type Result } from "../result";

/**
 * The Inventory tab's mapping: every Shopify location of a store → one Tenon location. One Tenon
 * location may serve several Shopify locations (each then receives the same quantity).
 */

export type MappingTarget = { locationId: string } | { createName: string };

export async function mapShopifyLocation(
  db: Db,
  accountId: string,
  storeId: string,
  shopifyLocationId: string,
  target: MappingTarget,
): Promise<Result<{ locationId: string }>> {
  const shopifyLocation = await db.shopifyLocation.findFirst({
    where: { storeId, shopifyLocationId, store: { accountId }, removedAt: null },
  });
  if (!shopifyLocation) return fail("SHOPIFY_LOCATION_NOT_FOUND", "This Shopify location is not in the store (any more). Reload the page.");
  let locationId: string;
  if ("createName" in target) {
    const created = await createLocation(db, accountId, { name: target.createName });
    if (!created.ok) return created;
    locationId = created.value.id;
  } else {
    const location = await db.location.findFirst({ where: { id: target.locationId, accountId } });
    if (!location || location.deletedAt) {
      return fail("INPUT_INVALID", "Some fields need attention.", {
        [`mapping.${shopifyLocationId}`]: "This Tenon location was deleted. Choose another one, or create a new location.",
      });
    }
    locationId = location.id;
  }
  await db.shopifyLocation.update({ where: { id: shopifyLocation.id }, data: { locationId } });
  return ok({ locationId });
}

/** One click: every unmapped Shopify location goes to the default location for orders. */
export async function mapAllUnmappedToDefault(db: Db, accountId: string, storeId: string): Promise<Result<{ mapped: number }>> {
  const store = await db.store.findFirst({ where: { id: storeId, accountId } });
  if (!store) return fail("STORE_NOT_FOUND", "This store is not connected to your Tenon account.");
  const fallback = await db.location.findFirst({ where: { accountId, deletedAt: null, isDefaultForOrders: true } });
  if (!fallback) return fail("NO_DEFAULT_LOCATION", "Choose a default location for orders first (Locations page), or map each Shopify location by hand.");
  const deleted = await db.location.findMany({ where: { accountId, deletedAt: { not: null } }, select: { id: true } });
  const result = await db.shopifyLocation.updateMany({
    where: {
      storeId,
      removedAt: null,
      OR: [{ locationId: null }, { locationId: { in: deleted.map((d) => d.id) } }],
    },
    data: { locationId: fallback.id },
  });
  return ok({ mapped: result.count });
}
