import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { databaseProvider } from "~/db/provider";
import { createJobCatalog, defineJob } from "~/jobs/catalog";
import { EmbeddedJobQueue } from "~/jobs/embedded-runner.server";
import { listActivity, syncHealth } from "../../services/activity/activity.server";
import { loadStoreView } from "../../services/stores/connections.server";
import { acceptLocationWebhook, recordLocationReadFailure, refreshShopifyLocations } from "./location-refresh.server";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db";
import { createLocation, createShopifyLocation, createStore } from "../../../tests/support/factories";

let t: TestDatabase;
let queue: EmbeddedJobQueue<ReturnType<typeof readLocations>>;
const readLocations = () =>
  defineJob({
    kind: "store.read_locations",
    payload: z.object({ shopDomain: z.string() }),
    options: { serialKey: (p) => `store:${p.shopDomain}` },
    handler: async () => {},
  });
beforeAll(async () => {
  t = await createTestDatabase();
  queue = new EmbeddedJobQueue({ db: t.db, provider: databaseProvider(t.url), catalog: createJobCatalog([readLocations()]) });
});
afterAll(async () => t.drop());

const now = new Date("2026-11-23T12:00:00Z");
const gid = (n: number) => `gid://shopify/Location/${n}`;

async function entries(store: { id: string; accountId: string }) {
  const page = await listActivity(t.db, store.accountId, store.id);
  if (!page.ok) throw new Error(page.message);
  return page.value.items;
}

describe("refreshShopifyLocations", () => {
  it("the first read is one entry, not one per location", async () => {
    const store = await createStore(t.db, { locationsReadAt: null });
    await t.db.$transaction((tx) =>
      refreshShopifyLocations(tx, store.id, [{ id: gid(1), name: "Workshop", isActive: true }, { id: gid(2), name: "Old", isActive: false }], now),
    );
    expect((await entries(store)).map((e) => [e.action, e.message])).toEqual([
      ["locations.read", "Read 1 active Shopify location. Map each to a Tenon location on the Inventory tab."],
    ]);
    expect((await t.db.store.findUniqueOrThrow({ where: { id: store.id } })).locationsReadAt).toEqual(now);
  });

  it("a new location disables the store; one active again keeps its mapping; removed ones leave the table", async () => {
    const store = await createStore(t.db);
    const berlin = await createLocation(t.db, store.accountId, "Berlin");
    await createShopifyLocation(t.db, store.id, { shopifyLocationId: gid(1), name: "Workshop", locationId: berlin.id });
    await createShopifyLocation(t.db, store.id, { shopifyLocationId: gid(2), name: "Stall", locationId: berlin.id });
    await createShopifyLocation(t.db, store.id, { shopifyLocationId: gid(3), name: "Back", locationId: berlin.id, removedAt: now });
    expect((await loadStoreView(t.db, store.accountId, store.id))?.state.state).toBe("sync_inactive");

    await t.db.$transaction((tx) =>
      refreshShopifyLocations(
        tx,
        store.id,
        [
          { id: gid(1), name: "Workshop", isActive: true },
          { id: gid(3), name: "Back", isActive: true },
          { id: gid(4), name: "Pop-up", isActive: true },
        ],
        now,
      ),
    );
    const view = await loadStoreView(t.db, store.accountId, store.id);
    expect(view?.state).toMatchObject({ state: "disabled", problems: [{ code: "LOCATION_UNMAPPED", shopifyLocationId: gid(4) }] });
    expect(view?.shopifyLocations.filter((l) => !l.removed).map((l) => l.name)).toEqual(["Back", "Pop-up", "Workshop"]);
    expect((await entries(store)).map((e) => [e.action, e.subject, e.message]).sort()).toEqual([
      ["location.added", "Back", 'Shopify location "Back" is active again and keeps its mapping to Tenon location "Berlin".'],
      ["location.added", "Pop-up", 'Shopify location "Pop-up" was added. The store is Disabled until you map it to a Tenon location on the Inventory tab.'],
      ["location.removed", "Stall", 'Shopify location "Stall" was deleted in Shopify. It no longer needs a mapping and left the mapping table.'],
    ]);
  });

  it("a read that failed for good needs action with Retry, and the next successful read closes it", async () => {
    const store = await createStore(t.db);
    await recordLocationReadFailure(t.db, store.id, store.shopDomain, "Shopify answered HTTP 503", now);
    const [failed] = await entries(store);
    expect(failed).toMatchObject({ outcome: "failed", needsAction: true, canRetry: true, subject: store.shopDomain });
    expect(failed!.message).toBe("Tenon could not read this store's locations from Shopify (Shopify answered HTTP 503). Retry; if it keeps failing, reconnect the store.");
    expect((await syncHealth(t.db, store.id)).openFailures).toBe(1);
    await t.db.$transaction((tx) => refreshShopifyLocations(tx, store.id, [], now));
    expect((await syncHealth(t.db, store.id)).openFailures).toBe(0);
  });
});

describe("acceptLocationWebhook", () => {
  const schedule = (tx: Parameters<Parameters<typeof t.db.$transaction>[0]>[0], shopDomain: string) => queue.enqueue(tx, "store.read_locations", { shopDomain });

  it("logs a webhook about a location the store has, and schedules one read, however many webhooks arrive before it starts", async () => {
    const store = await createStore(t.db);
    await createShopifyLocation(t.db, store.id, { shopifyLocationId: gid(7), name: "Stall" });
    for (const [topic, payload] of [
      ["locations/create", { id: 8, name: "Pop-up", admin_graphql_api_id: gid(8) }],
      ["locations/delete", { id: 7 }],
    ] as const) {
      const accepted = await t.db.$transaction((tx) => acceptLocationWebhook(tx, { storeId: store.id, topic, payload, now }, schedule));
      expect(accepted).toBe(true);
    }
    expect(await t.db.job.count({ where: { kind: "store.read_locations", serialKey: `store:${store.shopDomain}` } })).toBe(1);
    // A location the store did not have is not logged from the body, whose store the unsigned
    // header names (ADR 021): the read logs it from the store's own Shopify.
    expect((await entries(store)).map((e) => [e.subject, e.subjectRef, e.message])).toEqual([
      ["locations/delete", gid(7), 'Shopify says location "Stall" was deleted. Tenon reads the store\'s locations again.'],
    ]);
  });

  it("ignores unknown and disconnected stores", async () => {
    const store = await createStore(t.db, { connection: "uninstalled" });
    const jobs = await t.db.job.count();
    for (const storeId of [null, store.id]) {
      expect(await t.db.$transaction((tx) => acceptLocationWebhook(tx, { storeId, topic: "locations/create", payload: { id: 1 }, now }, schedule))).toBe(false);
    }
    expect(await t.db.job.count()).toBe(jobs);
    expect(await t.db.syncActivity.count({ where: { storeId: store.id } })).toBe(0);
  });
});
