import { z } from "zod";
import type { Db } from "~/db/client";
import { fail, invalidInput, ok, type Result } from "../result";

/**
 * Tenon locations: warehouses, workshops, market stalls. One is the default location for
 * orders. Deleting one is soft (history keeps pointing at it); deleting one that a store maps
 * needs the merchant's explicit confirmation and leaves that store Disabled until remapped.
 */

export const LocationInput = z.object({
  name: z.string().trim().min(1, "Give the location a name.").max(100, "Keep the name under 100 characters."),
});

export interface LocationView {
  id: string;
  name: string;
  isDefaultForOrders: boolean;
  /** Shopify locations (with their store) mapped to this location. */
  mappedFrom: { storeName: string; shopifyLocationName: string }[];
}

export async function listLocations(db: Db, accountId: string): Promise<LocationView[]> {
  const locations = await db.location.findMany({
    where: { accountId, deletedAt: null },
    orderBy: [{ isDefaultForOrders: "desc" }, { name: "asc" }],
    include: { shopifyLocations: { where: { removedAt: null }, include: { store: true } } },
  });
  return locations.map((l) => ({
    id: l.id,
    name: l.name,
    isDefaultForOrders: l.isDefaultForOrders,
    mappedFrom: l.shopifyLocations.map((s) => ({ storeName: s.store.name, shopifyLocationName: s.name })),
  }));
}

async function nameTaken(db: Db, accountId: string, name: string, exceptId?: string) {
  const clash = await db.location.findFirst({ where: { accountId, name, deletedAt: null, NOT: exceptId ? { id: exceptId } : undefined } });
  return clash !== null;
}

export async function createLocation(db: Db, accountId: string, input: unknown): Promise<Result<{ id: string }>> {
  const parsed = LocationInput.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  if (await nameTaken(db, accountId, parsed.data.name)) {
    return fail("INPUT_INVALID", "Some fields need attention.", { name: "Another location already has this name." });
  }
  const isFirst = (await db.location.count({ where: { accountId, deletedAt: null } })) === 0;
  const location = await db.location.create({
    data: { accountId, name: parsed.data.name, isDefaultForOrders: isFirst },
  });
  return ok({ id: location.id });
}

export async function renameLocation(db: Db, accountId: string, id: string, input: unknown): Promise<Result<{ id: string }>> {
  const parsed = LocationInput.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  const location = await db.location.findFirst({ where: { id, accountId, deletedAt: null } });
  if (!location) return fail("LOCATION_NOT_FOUND", "This location does not exist (any more).");
  if (await nameTaken(db, accountId, parsed.data.name, id)) {
    return fail("INPUT_INVALID", "Some fields need attention.", { name: "Another location already has this name." });
  }
  await db.location.update({ where: { id }, data: { name: parsed.data.name } });
  return ok({ id });
}

/** Exactly one location is the default for orders. */
export async function makeDefaultForOrders(db: Db, accountId: string, id: string): Promise<Result<{ id: string }>> {
  const location = await db.location.findFirst({ where: { id, accountId, deletedAt: null } });
  if (!location) return fail("LOCATION_NOT_FOUND", "This location does not exist (any more).");
  await db.$transaction([
    db.location.updateMany({ where: { accountId, isDefaultForOrders: true }, data: { isDefaultForOrders: false } }),
    db.location.update({ where: { id }, data: { isDefaultForOrders: true } }),
  ]);
  return ok({ id });
}

export type DeleteLocationCode =
  | "LOCATION_NOT_FOUND"
  | "LOCATION_IS_DEFAULT"
  | "LOCATION_HAS_STOCK"
  | "LOCATION_MAPPED";

/**
 * Deletes a location. Refused while it is the default for orders or still holds stock. When a
 * store maps a Shopify location to it, the first call answers LOCATION_MAPPED with the stores
 * concerned; calling again with `confirmMapped` deletes it and those stores become Disabled.
 */
export async function deleteLocation(
  db: Db,
  accountId: string,
  id: string,
  options: { confirmMapped: boolean; now: Date },
): Promise<Result<{ disabledStores: string[] }, DeleteLocationCode>> {
  const location = await db.location.findFirst({
    where: { id, accountId, deletedAt: null },
    include: { shopifyLocations: { where: { removedAt: null }, include: { store: true } } },
  });
  if (!location) return fail("LOCATION_NOT_FOUND", "This location does not exist (any more).");
  if (location.isDefaultForOrders) {
    return fail("LOCATION_IS_DEFAULT", `"${location.name}" is the default location for orders. Make another location the default first.`);
  }
  const stock = await db.stockMovement.groupBy({
    by: ["variantId"],
    where: { locationId: id },
    _sum: { quantity: true },
  });
  if (stock.some((s) => s._sum.quantity !== null && !s._sum.quantity.isZero())) {
    return fail("LOCATION_HAS_STOCK", `"${location.name}" still holds stock. Move or adjust it to zero before deleting the location.`);
  }
  const stores = [...new Set(location.shopifyLocations.map((s) => s.store.name))];
  if (stores.length > 0 && !options.confirmMapped) {
    return fail(
      "LOCATION_MAPPED",
      `"${location.name}" receives orders and stock from ${stores.join(", ")}. Deleting it puts ${
        stores.length === 1 ? "that store" : "those stores"
      } in Disabled until its Shopify locations are mapped again.`,
    );
  }
  await db.location.update({ where: { id }, data: { deletedAt: options.now } });
  return ok({ disabledStores: stores });
}
