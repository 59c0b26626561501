import type { Prisma } from "@prisma/client";
import type { Db } from "~/db/client";
import { checkAction, integrationState, type StateResult } from "~/domain/integration-state";
import { defaultSettings, parseSettings, type Settings } from "~/domain/settings";
import { shopifyQuery, type AdminGraphql, type ShopifyResult } from "~/shopify/client";
import {
  APP_UNINSTALL_MUTATION,
  SHOP_AND_LOCATIONS_QUERY,
  type AppUninstallData,
  type ShopAndLocationsData,
} from "~/shopify/documents";

/**
 * A store's connection to Tenon: install, uninstall, the Shopify locations Tenon knows, and
 * the integration state shown on every page.
 */

type Tx = Prisma.TransactionClient;

/** Schedules the background read of a store's locations when it could not be done inline. */
export type ScheduleLocationRead = (tx: Tx, shopDomain: string) => Promise<unknown>;

export interface ShopifyFacts {
  shopName: string;
  locations: { id: string; name: string; isActive: boolean }[];
}

/** Reads the shop's name and every location (active or not), following pagination. */
export async function readShopifyFacts(admin: AdminGraphql): Promise<ShopifyResult<ShopifyFacts>> {
  const locations: ShopifyFacts["locations"] = [];
  let after: string | null = null;
  let shopName = "";
  do {
    const page: ShopifyResult<ShopAndLocationsData> = await shopifyQuery<ShopAndLocationsData>(
      admin,
      SHOP_AND_LOCATIONS_QUERY,
      { after },
    );
    if (!page.ok) return page;
    shopName = page.data.shop.name;
    locations.push(...page.data.locations.nodes);
    after = page.data.locations.pageInfo.hasNextPage ? page.data.locations.pageInfo.endCursor : null;
  } while (after);
  return { ok: true, data: { shopName, locations } };
}

/**
 * Mirrors Shopify's locations: new ones arrive unmapped (which makes the store Disabled until
 * the merchant maps them), known ones keep their mapping, vanished ones are marked removed.
 */
export async function saveShopifyLocations(
  tx: Tx,
  storeId: string,
  locations: ShopifyFacts["locations"],
  now: Date,
): Promise<void> {
  const seen = new Set<string>();
  for (const location of locations) {
    seen.add(location.id);
    await tx.shopifyLocation.upsert({
      where: { storeId_shopifyLocationId: { storeId, shopifyLocationId: location.id } },
      create: {
        storeId,
        shopifyLocationId: location.id,
        name: location.name,
        isActive: location.isActive,
        removedAt: location.isActive ? null : now,
      },
      update: { name: location.name, isActive: location.isActive, removedAt: location.isActive ? null : now },
    });
  }
  await tx.shopifyLocation.updateMany({
    where: { storeId, removedAt: null, shopifyLocationId: { notIn: [...seen] } },
    data: { removedAt: now, isActive: false },
  });
  await tx.store.update({ where: { id: storeId }, data: { locationsReadAt: now } });
}

export interface InstallationInput {
  db: Db;
  shopDomain: string;
  scopes: string;
  facts: ShopifyResult<ShopifyFacts>;
  scheduleLocationRead: ScheduleLocationRead;
  now: Date;
}

/**
 * Called after Tenon obtained an offline token for a shop (first install or reinstall).
 * A first install creates the store (and the maker's account); a reinstall keeps everything
 * the store had: settings, mappings and data.
 */
export async function recordInstallation(input: InstallationInput) {
  const { db, shopDomain, scopes, facts, now } = input;
  const shopName = facts.ok ? facts.data.shopName : shopDomain.replace(/\.myshopify\.com$/, "");
  return db.$transaction(async (tx) => {
    let store = await tx.store.findUnique({ where: { shopDomain } });
    if (!store) {
      const account = await tx.account.create({ data: { name: shopName } });
      store = await tx.store.create({
        data: { accountId: account.id, shopDomain, name: shopName, scopes, settings: defaultSettings },
      });
    } else {
      store = await tx.store.update({
        where: { id: store.id },
        data: { connection: "connected", uninstalledAt: null, scopes, name: shopName },
      });
    }
    if (facts.ok) await saveShopifyLocations(tx, store.id, facts.data.locations, now);
    else await input.scheduleLocationRead(tx, shopDomain);
    return store;
  });
}

/** Deletes a shop's sessions: its tokens and the staff names and emails of online sessions. */
export async function eraseSessions(tx: Tx, shopDomain: string): Promise<number> {
  return (await tx.session.deleteMany({ where: { shop: shopDomain } })).count;
}

/**
 * app/uninstalled: the store becomes Not Connected. Its offline token is dead, so the
 * sessions go; its settings, mappings and data stay for a reconnect. Sync stops and stays
 * off after a reinstall until the merchant activates it again.
 */
export async function recordUninstall(tx: Tx, shopDomain: string, now: Date): Promise<boolean> {
  await eraseSessions(tx, shopDomain);
  const updated = await tx.store.updateMany({
    where: { shopDomain, connection: "connected" },
    data: { connection: "uninstalled", uninstalledAt: now, syncActive: false },
  });
  return updated.count > 0;
}

export interface StoreView {
  id: string;
  shopDomain: string;
  name: string;
  settings: Settings;
  state: StateResult;
  shopifyLocations: {
    shopifyLocationId: string;
    name: string;
    mappedLocationId: string | null;
    mappedLocationName: string | null;
    /** The mapped Tenon location was deleted: the row needs a new choice. */
    mappedLocationDeleted: boolean;
    removed: boolean;
  }[];
}

/** A store with its integration state, scoped to the account asking. */
export async function loadStoreView(db: Db, accountId: string, storeId: string): Promise<StoreView | null> {
  const store = await db.store.findFirst({
    where: { id: storeId, accountId },
    include: { shopifyLocations: { include: { location: true }, orderBy: { name: "asc" } } },
  });
  if (!store) return null;
  const tenonLocations = await db.location.findMany({ where: { accountId } });
  const state = integrationState({
    connection: store.connection === "connected" ? "connected" : "uninstalled",
    syncActive: store.syncActive,
    locationsReadAt: store.locationsReadAt,
    shopifyLocations: store.shopifyLocations.map((l) => ({
      shopifyLocationId: l.shopifyLocationId,
      name: l.name,
      removed: l.removedAt !== null,
      mappedLocationId: l.locationId,
    })),
    tenonLocations: tenonLocations.map((l) => ({ id: l.id, name: l.name, deleted: l.deletedAt !== null })),
  });
  return {
    id: store.id,
    shopDomain: store.shopDomain,
    name: store.name,
    settings: parseSettings(store.settings),
    state,
    shopifyLocations: store.shopifyLocations.map((l) => ({
      shopifyLocationId: l.shopifyLocationId,
      name: l.name,
      mappedLocationId: l.locationId,
      mappedLocationName: l.location?.name ?? null,
      mappedLocationDeleted: l.location?.deletedAt != null,
      removed: l.removedAt !== null,
    })),
  };
}

/** Every store of an account with its state, for the app home. */
export async function listStoreViews(db: Db, accountId: string): Promise<StoreView[]> {
  const stores = await db.store.findMany({ where: { accountId }, orderBy: { createdAt: "asc" }, select: { id: true } });
  const views = await Promise.all(stores.map((s) => loadStoreView(db, accountId, s.id)));
  return views.filter((v): v is StoreView => v !== null);
}

export type StoreCommandResult = { ok: true } | { ok: false; code: "ACTION_NOT_ALLOWED" | "STORE_NOT_FOUND"; message: string };

async function commandTarget(db: Db, accountId: string, storeId: string) {
  return loadStoreView(db, accountId, storeId);
}

/** What starts with sync, in the activation's transaction (the order sync: window, backfill and sweep). */
export type OnSyncActivated = (tx: Tx, activation: { storeId: string; now: Date; firstActivation: boolean }) => Promise<unknown>;

/** Activate sync: only from Sync inactive. The first activation is remembered for the 14-day backfill. */
export async function activateSync(
  db: Db,
  accountId: string,
  storeId: string,
  now: Date,
  onActivated?: OnSyncActivated,
): Promise<StoreCommandResult> {
  const view = await commandTarget(db, accountId, storeId);
  if (!view) return { ok: false, code: "STORE_NOT_FOUND", message: "This store is not connected to your Tenon account." };
  const check = checkAction("activate", view.state.state);
  if (!check.ok) return check;
  const store = await db.store.findUniqueOrThrow({ where: { id: storeId } });
  await db.$transaction(async (tx) => {
    await tx.store.update({
      where: { id: storeId },
      data: { syncActive: true, lastActivatedAt: now, firstActivatedAt: store.firstActivatedAt ?? now },
    });
    await onActivated?.(tx, { storeId, now, firstActivation: store.firstActivatedAt === null });
  });
  return { ok: true };
}

/** Pause sync: keeps the authorization and all data, stops every flow. */
export async function pauseSync(db: Db, accountId: string, storeId: string): Promise<StoreCommandResult> {
  const view = await commandTarget(db, accountId, storeId);
  if (!view) return { ok: false, code: "STORE_NOT_FOUND", message: "This store is not connected to your Tenon account." };
  const check = checkAction("pause", view.state.state);
  if (!check.ok) return check;
  await db.store.update({ where: { id: storeId }, data: { syncActive: false } });
  return { ok: true };
}

/**
 * Disconnect: uninstalls Tenon from the store in Shopify, then records the uninstall at once
 * (the app/uninstalled webhook that follows finds nothing left to do). Tenon's data stays.
 */
export async function disconnectStore(
  db: Db,
  accountId: string,
  storeId: string,
  admin: AdminGraphql,
  now: Date,
): Promise<StoreCommandResult | { ok: false; code: "SHOPIFY_REFUSED"; message: string }> {
  const view = await commandTarget(db, accountId, storeId);
  if (!view) return { ok: false, code: "STORE_NOT_FOUND", message: "This store is not connected to your Tenon account." };
  const check = checkAction("disconnect", view.state.state);
  if (!check.ok) return check;
  const result = await shopifyQuery<AppUninstallData>(admin, APP_UNINSTALL_MUTATION);
  const userErrors = result.ok ? result.data.appUninstall.userErrors : [];
  if (!result.ok || userErrors.length > 0) {
    const reason = result.ok ? userErrors.map((e) => e.message).join("; ") : result.message;
    return {
      ok: false,
      code: "SHOPIFY_REFUSED",
      message: `Shopify did not uninstall Tenon (${reason}). Try again, or uninstall Tenon from the store's Apps page in Shopify admin.`,
    };
  }
  await db.$transaction((tx) => recordUninstall(tx, view.shopDomain, now));
  return { ok: true };
}
