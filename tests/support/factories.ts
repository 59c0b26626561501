import type { Db } from "~/db/client";
import { defaultSettings } from "~/domain/settings";

/** Data factories: the smallest valid records, overridable where a test cares. */
let counter = 0;
const next = () => ++counter;

export async function createStore(
  db: Db,
  overrides: Partial<{ shopDomain: string; name: string; connection: string; syncActive: boolean; locationsReadAt: Date | null; accountId: string }> = {},
) {
  const n = next();
  const accountId = overrides.accountId ?? (await db.account.create({ data: { name: `Maker ${n}` } })).id;
  return db.store.create({
    data: {
      accountId,
      shopDomain: overrides.shopDomain ?? `maker-${n}-${Date.now()}.myshopify.com`,
      name: overrides.name ?? `Maker ${n}`,
      connection: overrides.connection ?? "connected",
      syncActive: overrides.syncActive ?? false,
      locationsReadAt: overrides.locationsReadAt === undefined ? new Date("2026-11-01T00:00:00Z") : overrides.locationsReadAt,
      settings: defaultSettings,
    },
  });
}

export async function createLocation(db: Db, accountId: string, name = `Location ${next()}`) {
  return db.location.create({ data: { accountId, name } });
}

export async function createShopifyLocation(
  db: Db,
  storeId: string,
  overrides: Partial<{ shopifyLocationId: string; name: string; locationId: string | null; removedAt: Date | null }> = {},
) {
  const n = next();
  return db.shopifyLocation.create({
    data: {
      storeId,
      shopifyLocationId: overrides.shopifyLocationId ?? `gid://shopify/Location/${n}`,
      name: overrides.name ?? `Shopify location ${n}`,
      locationId: overrides.locationId ?? null,
      removedAt: overrides.removedAt ?? null,
    },
  });
}
