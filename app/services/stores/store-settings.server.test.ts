import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activateSync } from "./connections.server";
import { mapAllUnmappedToDefault, mapShopifyLocation } from "../locations/location-mapping.server";
import { loadStoreView } from "./connections.server";
import { applySettingsDraft, changeSettings, discardSettingsDraft, readSettings } from "./store-settings.server";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db";
import { createLocation, createShopifyLocation, createStore } from "../../../tests/support/factories";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

const now = new Date("2026-11-23T12:00:00Z");

async function storeWithTwoShopifyLocations() {
  const store = await createStore(t.db);
  const a = await createShopifyLocation(t.db, store.id, { shopifyLocationId: "gid://shopify/Location/1", name: "Workshop" });
  const b = await createShopifyLocation(t.db, store.id, { shopifyLocationId: "gid://shopify/Location/2", name: "Market" });
  return { store, a, b };
}

describe("location mapping", () => {
  it("maps one location to an existing Tenon location and another to a newly created one: Disabled → Sync inactive", async () => {
    const { store } = await storeWithTwoShopifyLocations();
    const main = await createLocation(t.db, store.accountId, "Main");
    expect((await loadStoreView(t.db, store.accountId, store.id))?.state.state).toBe("disabled");
    expect(await mapShopifyLocation(t.db, store.accountId, store.id, "gid://shopify/Location/1", { locationId: main.id })).toMatchObject({ ok: true });
    expect((await loadStoreView(t.db, store.accountId, store.id))?.state.state).toBe("disabled");
    const created = await mapShopifyLocation(t.db, store.accountId, store.id, "gid://shopify/Location/2", { createName: "Market stall" });
    expect(created.ok).toBe(true);
    const view = await loadStoreView(t.db, store.accountId, store.id);
    expect(view?.state.state).toBe("sync_inactive");
    expect(view?.shopifyLocations.map((l) => l.mappedLocationName).sort()).toEqual(["Main", "Market stall"]);
  });

  it("refuses a mapping to a deleted location, changing nothing", async () => {
    const { store } = await storeWithTwoShopifyLocations();
    const gone = await createLocation(t.db, store.accountId, "Gone");
    await t.db.location.update({ where: { id: gone.id }, data: { deletedAt: now } });
    const result = await mapShopifyLocation(t.db, store.accountId, store.id, "gid://shopify/Location/1", { locationId: gone.id });
    expect(result).toMatchObject({ ok: false, code: "INPUT_INVALID" });
    expect((await t.db.shopifyLocation.findFirstOrThrow({ where: { storeId: store.id, shopifyLocationId: "gid://shopify/Location/1" } })).locationId).toBeNull();
  });

  it("maps all unmapped (and deleted-target) locations to the default location for orders, or says to set one", async () => {
    const { store } = await storeWithTwoShopifyLocations();
    expect(await mapAllUnmappedToDefault(t.db, store.accountId, store.id)).toMatchObject({ ok: false, code: "NO_DEFAULT_LOCATION" });
    const main = await createLocation(t.db, store.accountId, "Main");
    await t.db.location.update({ where: { id: main.id }, data: { isDefaultForOrders: true } });
    expect(await mapAllUnmappedToDefault(t.db, store.accountId, store.id)).toEqual({ ok: true, value: { mapped: 2 } });
    expect((await loadStoreView(t.db, store.accountId, store.id))?.state.state).toBe("sync_inactive");
  });
});

describe("settings", () => {
  async function configured(active: boolean) {
    const { store } = await storeWithTwoShopifyLocations();
    const main = await createLocation(t.db, store.accountId, "Main");
    await t.db.location.update({ where: { id: main.id }, data: { isDefaultForOrders: true } });
    await mapAllUnmappedToDefault(t.db, store.accountId, store.id);
    if (active) expect(await activateSync(t.db, store.accountId, store.id, now)).toEqual({ ok: true });
    return store;
  }

  it("autosaves while not active, numbering each applied version", async () => {
    const store = await configured(false);
    const result = await changeSettings(t.db, store.accountId, store.id, "orders", { paymentPending: "true" }, now);
    expect(result).toEqual({ ok: true, value: { mode: "applied", version: 2 } });
    const settings = await readSettings(t.db, store.accountId, store.id);
    expect(settings?.applied.orders.paymentPending).toBe(true);
    expect(settings?.appliedAt).toEqual(now);
  });

  it("holds changes as a draft while active; apply makes them take effect, discard drops them", async () => {
    const store = await configured(true);
    expect(await changeSettings(t.db, store.accountId, store.id, "inventory", { inventorySync: "on" }, now)).toEqual({ ok: true, value: { mode: "draft" } });
    let settings = await readSettings(t.db, store.accountId, store.id);
    expect(settings?.applied.inventory.inventorySync).toBe(false);
    expect(settings?.draft?.inventory.inventorySync).toBe(true);
    expect(await discardSettingsDraft(t.db, store.accountId, store.id)).toEqual({ ok: true, value: { discarded: true } });
    settings = await readSettings(t.db, store.accountId, store.id);
    expect(settings?.draft).toBeNull();
    await changeSettings(t.db, store.accountId, store.id, "inventory", { inventorySync: "on" }, now);
    await changeSettings(t.db, store.accountId, store.id, "orders", { bringReturns: "true" }, now);
    expect(await applySettingsDraft(t.db, store.accountId, store.id, now)).toEqual({ ok: true, value: { version: 2 } });
    settings = await readSettings(t.db, store.accountId, store.id);
    expect(settings?.applied.inventory.inventorySync).toBe(true);
    expect(settings?.applied.orders.bringReturns).toBe(true);
    expect(settings?.draft).toBeNull();
    expect(await applySettingsDraft(t.db, store.accountId, store.id, now)).toMatchObject({ ok: false, code: "NO_DRAFT" });
  });

  it.each([
    [{ defaultTaxRatePercent: "nineteen" }, "defaultTaxRatePercent", "Enter the rate as a percentage, e.g. 19 or 7.5."],
    [{ defaultTaxRatePercent: "150" }, "defaultTaxRatePercent", "Enter a rate between 0 and 100 %."],
    [{ nonPhysicalProducts: "gift" }, "nonPhysicalProducts", "Choose Service or Product."],
    [{ unknownSetting: "1" }, "unknownSetting", "This setting does not exist."],
  ])("refuses %j beside the field and changes nothing", async (values, field, message) => {
    const store = await configured(false);
    const result = await changeSettings(t.db, store.accountId, store.id, "products", values, now);
    expect(result).toMatchObject({ ok: false, code: "INPUT_INVALID", fieldErrors: { [field]: message } });
    expect((await readSettings(t.db, store.accountId, store.id))?.version).toBe(1);
  });

  it("accepts a tax rate written with a comma or a percent sign", async () => {
    const store = await configured(false);
    await changeSettings(t.db, store.accountId, store.id, "products", { defaultTaxRatePercent: "7,5 %" }, now);
    expect((await readSettings(t.db, store.accountId, store.id))?.applied.products.defaultTaxRatePercent).toBe(7.5);
  });
});
