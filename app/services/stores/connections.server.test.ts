import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  activateSync,
  listStoreViews,
  loadStoreView,
  pauseSync,
  recordInstallation,
  recordUninstall,
  saveShopifyLocations,
} from "./connections.server";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db";
import { createLocation, createShopifyLocation, createStore } from "../../../tests/support/factories";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

const now = new Date("2026-11-23T09:00:00Z");
const facts = (locations: { id: string; name: string; isActive: boolean }[]) =>
  ({ ok: true, data: { shopName: "Oak & Ash", locations } }) as const;

describe("recordInstallation", () => {
  it("creates the account, the store with default settings and its unmapped locations: Disabled", async () => {
    const scheduled: string[] = [];
    const store = await recordInstallation({
      db: t.db,
      shopDomain: "oak-and-ash.myshopify.com",
      scopes: "read_products",
      facts: facts([
        { id: "gid://shopify/Location/1", name: "Workshop", isActive: true },
        { id: "gid://shopify/Location/2", name: "Old shop", isActive: false },
      ]),
      scheduleLocationRead: async (_tx, shop) => void scheduled.push(shop),
      now,
    });
    expect(scheduled).toEqual([]);
    const view = await loadStoreView(t.db, store.accountId, store.id);
    expect(view?.name).toBe("Oak & Ash");
    expect(view?.state.state).toBe("disabled");
    expect(view?.state.problems.map((p) => p.code)).toEqual(["LOCATION_UNMAPPED"]);
    expect(view?.settings.inventory.inventorySync).toBe(false);
  });

  it("schedules the location read when Shopify could not be asked, staying Disabled meanwhile", async () => {
    const scheduled: string[] = [];
    const store = await recordInstallation({
      db: t.db,
      shopDomain: "slow-shop.myshopify.com",
      scopes: "",
      facts: { ok: false, code: "SHOPIFY_THROTTLED", message: "Throttled" },
      scheduleLocationRead: async (_tx, shop) => void scheduled.push(shop),
      now,
    });
    expect(scheduled).toEqual(["slow-shop.myshopify.com"]);
    const view = await loadStoreView(t.db, store.accountId, store.id);
    expect(view?.state.problems.map((p) => p.code)).toEqual(["LOCATIONS_NOT_READ"]);
  });

  it("keeps settings, mappings and account on reinstall", async () => {
    const store = await createStore(t.db, { connection: "uninstalled" });
    const location = await createLocation(t.db, store.accountId, "Workshop");
    await createShopifyLocation(t.db, store.id, { shopifyLocationId: "gid://shopify/Location/7", locationId: location.id });
    await t.db.store.update({ where: { id: store.id }, data: { settings: { inventory: { inventorySync: true } } } });

    const again = await recordInstallation({
      db: t.db,
      shopDomain: store.shopDomain,
      scopes: "read_orders",
      facts: facts([{ id: "gid://shopify/Location/7", name: "Workshop", isActive: true }]),
      scheduleLocationRead: async () => undefined,
      now,
    });
    expect(again.id).toBe(store.id);
    expect(again.accountId).toBe(store.accountId);
    const view = await loadStoreView(t.db, store.accountId, store.id);
    expect(view?.state.state).toBe("sync_inactive");
    expect(view?.settings.inventory.inventorySync).toBe(true);
    expect(view?.shopifyLocations[0]?.mappedLocationName).toBe("Workshop");
  });
});

describe("saveShopifyLocations", () => {
  it("marks locations Shopify no longer lists as removed and brings back reactivated ones", async () => {
    const store = await createStore(t.db);
    await t.db.$transaction((tx) =>
      saveShopifyLocations(
        tx,
        store.id,
        [
          { id: "A", name: "A", isActive: true },
          { id: "B", name: "B", isActive: true },
        ],
        now,
      ),
    );
    await t.db.$transaction((tx) => saveShopifyLocations(tx, store.id, [{ id: "A", name: "A renamed", isActive: true }], now));
    let rows = await t.db.shopifyLocation.findMany({ where: { storeId: store.id }, orderBy: { shopifyLocationId: "asc" } });
    expect(rows.map((r) => [r.shopifyLocationId, r.name, r.removedAt !== null])).toEqual([
      ["A", "A renamed", false],
      ["B", "B", true],
    ]);
    await t.db.$transaction((tx) =>
      saveShopifyLocations(tx, store.id, [{ id: "B", name: "B", isActive: true }, { id: "A", name: "A", isActive: true }], now),
    );
    rows = await t.db.shopifyLocation.findMany({ where: { storeId: store.id } });
    expect(rows.every((r) => r.removedAt === null)).toBe(true);
  });
});

describe("uninstall, activate, pause", () => {
  async function configuredStore() {
    const store = await createStore(t.db);
    const location = await createLocation(t.db, store.accountId);
    await createShopifyLocation(t.db, store.id, { locationId: location.id });
    return store;
  }

  it("activates only a fully configured store and remembers the first activation", async () => {
    const store = await configuredStore();
    expect(await activateSync(t.db, store.accountId, store.id, now)).toEqual({ ok: true });
    const later = new Date("2026-11-24T00:00:00Z");
    expect(await pauseSync(t.db, store.accountId, store.id)).toEqual({ ok: true });
    expect(await activateSync(t.db, store.accountId, store.id, later)).toEqual({ ok: true });
    const saved = await t.db.store.findUniqueOrThrow({ where: { id: store.id } });
    expect(saved.firstActivatedAt).toEqual(now);
    expect(saved.lastActivatedAt).toEqual(later);
  });

  it("refuses Activate while Disabled, with the reason", async () => {
    const store = await createStore(t.db);
    await createShopifyLocation(t.db, store.id);
    const result = await activateSync(t.db, store.accountId, store.id, now);
    expect(result).toMatchObject({ ok: false, code: "ACTION_NOT_ALLOWED" });
  });

  it("refuses to act on another account's store", async () => {
    const store = await configuredStore();
    const other = await createStore(t.db);
    expect(await activateSync(t.db, other.accountId, store.id, now)).toMatchObject({ code: "STORE_NOT_FOUND" });
    expect(await loadStoreView(t.db, other.accountId, store.id)).toBeNull();
    expect((await listStoreViews(t.db, other.accountId)).map((s) => s.id)).toEqual([other.id]);
  });

  it("uninstall makes the store Not Connected, drops its sessions, stops sync and keeps the rest", async () => {
    const store = await configuredStore();
    await activateSync(t.db, store.accountId, store.id, now);
    await t.db.session.create({
      data: { id: `offline_${store.shopDomain}`, shop: store.shopDomain, state: "", accessToken: "shpat_x" },
    });
    const changed = await t.db.$transaction((tx) => recordUninstall(tx, store.shopDomain, now));
    expect(changed).toBe(true);
    const view = await loadStoreView(t.db, store.accountId, store.id);
    expect(view?.state.state).toBe("not_connected");
    expect(await t.db.session.count({ where: { shop: store.shopDomain } })).toBe(0);
    expect(await t.db.shopifyLocation.count({ where: { storeId: store.id } })).toBe(1);
    expect((await t.db.store.findUniqueOrThrow({ where: { id: store.id } })).syncActive).toBe(false);
    // A second delivery of the same uninstall changes nothing.
    expect(await t.db.$transaction((tx) => recordUninstall(tx, store.shopDomain, now))).toBe(false);
  });
});
