import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadStoreView } from "../stores/connections.server";
import { createLocation, deleteLocation, listLocations, makeDefaultForOrders, renameLocation } from "./locations.server";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db";
import { createShopifyLocation, createStore } from "../../../tests/support/factories";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

const now = new Date("2026-11-23T12:00:00Z");
const newAccount = async () => (await t.db.account.create({ data: { name: "Maker" } })).id;

describe("locations", () => {
  it("the first location becomes the default for orders; exactly one stays default", async () => {
    const accountId = await newAccount();
    const a = await createLocation(t.db, accountId, { name: " Workshop " });
    const b = await createLocation(t.db, accountId, { name: "Warehouse" });
    if (!a.ok || !b.ok) throw new Error("create failed");
    let list = await listLocations(t.db, accountId);
    expect(list.map((l) => [l.name, l.isDefaultForOrders])).toEqual([
      ["Workshop", true],
      ["Warehouse", false],
    ]);
    await makeDefaultForOrders(t.db, accountId, b.value.id);
    list = await listLocations(t.db, accountId);
    expect(list.filter((l) => l.isDefaultForOrders).map((l) => l.name)).toEqual(["Warehouse"]);
  });

  it("refuses an empty or duplicate name beside the field and changes nothing", async () => {
    const accountId = await newAccount();
    expect(await createLocation(t.db, accountId, { name: "   " })).toMatchObject({
      ok: false,
      code: "INPUT_INVALID",
      fieldErrors: { name: "Give the location a name." },
    });
    const a = await createLocation(t.db, accountId, { name: "Shed" });
    const b = await createLocation(t.db, accountId, { name: "Barn" });
    if (!a.ok || !b.ok) throw new Error("create failed");
    expect(await renameLocation(t.db, accountId, b.value.id, { name: "Shed" })).toMatchObject({
      fieldErrors: { name: "Another location already has this name." },
    });
    expect((await listLocations(t.db, accountId)).map((l) => l.name).sort()).toEqual(["Barn", "Shed"]);
  });

  it("refuses to delete the default location, or one holding stock", async () => {
    const accountId = await newAccount();
    const main = await createLocation(t.db, accountId, { name: "Main" });
    const other = await createLocation(t.db, accountId, { name: "Other" });
    if (!main.ok || !other.ok) throw new Error("create failed");
    expect(await deleteLocation(t.db, accountId, main.value.id, { confirmMapped: true, now })).toMatchObject({
      code: "LOCATION_IS_DEFAULT",
    });
    const product = await t.db.product.create({ data: { accountId, name: "Stool", variants: { create: { accountId, code: "ST-1" } } }, include: { variants: true } });
    await t.db.stockMovement.create({
      data: { accountId, variantId: product.variants[0]!.id, locationId: other.value.id, kind: "adjustment", quantity: 2, occurredAt: now },
    });
    expect(await deleteLocation(t.db, accountId, other.value.id, { confirmMapped: true, now })).toMatchObject({
      code: "LOCATION_HAS_STOCK",
    });
  });

  it("deleting a mapped location needs confirmation, then puts the store in Disabled naming the fix", async () => {
    const store = await createStore(t.db);
    const main = await createLocation(t.db, store.accountId, { name: "Main" });
    const stall = await createLocation(t.db, store.accountId, { name: "Stall" });
    if (!main.ok || !stall.ok) throw new Error("create failed");
    await createShopifyLocation(t.db, store.id, { name: "Market", locationId: stall.value.id });
    expect((await loadStoreView(t.db, store.accountId, store.id))?.state.state).toBe("sync_inactive");

    const warned = await deleteLocation(t.db, store.accountId, stall.value.id, { confirmMapped: false, now });
    expect(warned).toMatchObject({ ok: false, code: "LOCATION_MAPPED" });
    if (!warned.ok) expect(warned.message).toContain(store.name);
    expect((await loadStoreView(t.db, store.accountId, store.id))?.state.state).toBe("sync_inactive");

    const deleted = await deleteLocation(t.db, store.accountId, stall.value.id, { confirmMapped: true, now });
    expect(deleted).toEqual({ ok: true, value: { disabledStores: [store.name] } });
    const view = await loadStoreView(t.db, store.accountId, store.id);
    expect(view?.state.state).toBe("disabled");
    expect(view?.state.problems[0]).toMatchObject({ code: "MAPPED_LOCATION_DELETED" });
    expect((await listLocations(t.db, store.accountId)).map((l) => l.name)).toEqual(["Main"]);
  });

  it("never touches another account's location", async () => {
    const mine = await newAccount();
    const theirs = await newAccount();
    const loc = await createLocation(t.db, theirs, { name: "Theirs" });
    if (!loc.ok) throw new Error("create failed");
    expect(await renameLocation(t.db, mine, loc.value.id, { name: "Mine" })).toMatchObject({ code: "LOCATION_NOT_FOUND" });
    expect(await deleteLocation(t.db, mine, loc.value.id, { confirmMapped: true, now })).toMatchObject({ code: "LOCATION_NOT_FOUND" });
  });
});
