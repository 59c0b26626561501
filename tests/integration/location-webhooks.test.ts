import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmulatorClient } from "../emulator/client";
import { BROWSER_USER_AGENT, startAppHarness, type AppHarness } from "../support/app-harness";

/**
 * locations/* webhooks (issue 6): a Shopify location added, deactivated or deleted in the
 * emulator reaches Tenon over HTTP, the store's locations are read again by the job, and the
 * store's state and mapping table follow, each change in the activity log.
 */
const SHOP = "tenon-demo.myshopify.com";
let app: AppHarness;
let shopify: EmulatorClient;

beforeAll(async () => {
  app = await startAppHarness();
  // Install through the real path: a session token, token exchange, afterAuth (reads the locations).
  const response = await app.request("/app/stores", { headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(SHOP)}` } });
  expect(response.status).toBe(200);
  shopify = await EmulatorClient.connect({ url: app.emulator.url, shop: SHOP });
});
afterAll(async () => app.stop());

async function store() {
  return app.db.store.findUniqueOrThrow({ where: { shopDomain: SHOP } });
}

async function view() {
  const { loadStoreView } = await import("~/services/stores/connections.server");
  const s = await store();
  const loaded = await loadStoreView(app.db, s.accountId, s.id);
  if (!loaded) throw new Error("store view missing");
  return loaded;
}

/** Waits for the emulator's deliveries, then runs the jobs they caused. */
async function settle() {
  await app.emulator.webhooksIdle();
  const { jobs } = await import("~/jobs/index.server");
  await jobs.start();
  await jobs.drain({ timeoutMs: 20_000 });
  await jobs.stop();
}

const mappingTable = async () => (await view()).shopifyLocations.filter((l) => !l.removed).map((l) => l.name).sort();

async function activity(search: string) {
  const { listActivity } = await import("~/services/activity/activity.server");
  const s = await store();
  const page = await listActivity(app.db, s.accountId, s.id, { search });
  if (!page.ok) throw new Error(page.message);
  return page.value.items;
}

describe("locations/* webhooks", () => {
  it("a new Shopify location puts an active store in Disabled with the reason to map it, and logs it", async () => {
    const { mapAllUnmappedToDefault } = await import("~/services/locations/location-mapping.server");
    const { createLocation } = await import("~/services/locations/locations.server");
    const { activateSync } = await import("~/services/stores/connections.server");
    const s = await store();
    await createLocation(app.db, s.accountId, { name: "Berlin" });
    expect(await mapAllUnmappedToDefault(app.db, s.accountId, s.id)).toMatchObject({ ok: true });
    expect(await activateSync(app.db, s.accountId, s.id, new Date())).toEqual({ ok: true });
    expect((await view()).state.state).toBe("sync_active");

    await shopify.graphql(`mutation($input: LocationAddInput!) { locationAdd(input: $input) { location { id } userErrors { message } } }`, {
      input: { name: "Pop-up Dresden", address: { countryCode: "DE", city: "Dresden" }, fulfillsOnlineOrders: false },
    });
    await settle();

    const delivery = app.emulator.deliveries.findLast((d) => d.topic === "locations/create");
    expect(delivery?.status).toBe(200);
    expect(await app.db.webhookEvent.count({ where: { shopDomain: SHOP, topic: "locations/create" } })).toBe(1);
    const after = await view();
    expect(after.state.state).toBe("disabled");
    expect(after.state.problems).toEqual([
      expect.objectContaining({
        code: "LOCATION_UNMAPPED",
        message: 'Shopify location "Pop-up Dresden" is not mapped. Choose a Tenon location for it on the Inventory tab.',
      }),
    ]);
    expect(await mappingTable()).toContain("Pop-up Dresden");

    const entries = await activity("pop-up dresden");
    // The read logs the new location; the webhook's own body names a location this store did not have, so it is not logged (ADR 021).
    expect(entries.map((e) => [e.area, e.action, e.outcome])).toEqual([["locations", "location.added", "ok"]]);
    expect(entries[0]!.message).toBe('Shopify location "Pop-up Dresden" was added. The store is Disabled until you map it to a Tenon location on the Inventory tab.');

    // Mapping it brings the store back to Sync active.
    expect(await mapAllUnmappedToDefault(app.db, s.accountId, s.id)).toMatchObject({ ok: true, value: { mapped: 1 } });
    expect((await view()).state.state).toBe("sync_active");
  });

  it("a deactivated, then deleted, Shopify location leaves the mapping table; a rename is logged", async () => {
    const dresden = await shopify.location("Pop-up Dresden");
    await shopify.graphql(`mutation($id: ID!) { locationEdit(id: $id, input: { name: "Pop-up Leipzig" }) { location { id } userErrors { message } } }`, { id: dresden.id });
    await settle();
    expect(await mappingTable()).toContain("Pop-up Leipzig");
    expect((await activity("renamed")).map((e) => e.message)).toEqual(['Shopify location "Pop-up Dresden" was renamed to "Pop-up Leipzig".']);

    await shopify.graphql(
      `mutation($id: ID!, $key: String!) { locationDeactivate(locationId: $id) @idempotent(key: $key) { location { isActive } locationDeactivateUserErrors { message } } }`,
      { id: dresden.id, key: "deactivate-popup" },
    );
    await settle();
    expect(await mappingTable()).not.toContain("Pop-up Leipzig");
    expect((await view()).state.state).toBe("sync_active");
    expect((await activity("deactivated in shopify")).map((e) => e.subject)).toEqual(["Pop-up Leipzig"]);

    const deletes = app.emulator.deliveries.filter((d) => d.topic === "locations/delete" && !d.duplicate).length;
    await shopify.graphql(`mutation($id: ID!) { locationDelete(locationId: $id) { deletedLocationId locationDeleteUserErrors { message } } }`, { id: dresden.id });
    await settle();
    expect(app.emulator.deliveries.filter((d) => d.topic === "locations/delete" && d.status === 200 && !d.duplicate)).toHaveLength(deletes + 1);
    const row = await app.db.shopifyLocation.findUniqueOrThrow({ where: { storeId_shopifyLocationId: { storeId: (await store()).id, shopifyLocationId: dresden.id } } });
    expect(row.removedAt).not.toBeNull();
    // Already out of the table when deactivated: the delete is received, and no second "removed" entry.
    expect((await activity(dresden.id)).map((e) => e.action)).toEqual(expect.arrayContaining(["webhook.received", "location.removed"]));
    expect((await activity(dresden.id)).filter((e) => e.action === "location.removed")).toHaveLength(1);
    expect((await activity("was deleted")).map((e) => e.subject)).toEqual(["locations/delete"]);
  });

  it("the activity page lists and searches the entries; Retry of a failed read runs the job, whose success closes the failure", async () => {
    const { recordLocationReadFailure } = await import("~/sync/locations/location-refresh.server");
    const route = await import("~/routes/app.stores.$storeId_.activity");
    const s = await store();
    const embedded = (path: string, init: RequestInit = {}) =>
      new Request(new URL(path, app.appUrl), {
        ...init,
        headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(SHOP)}`, "User-Agent": BROWSER_USER_AGENT },
      });
    const load = async (query: string) =>
      (await route.loader({ request: embedded(`/app/stores/${s.id}/activity${query}`), params: { storeId: s.id }, context: {} })) as Awaited<
        ReturnType<typeof route.loader>
      >;

    const searched = await load("?search=POP-UP%20DRESDEN&area=locations");
    // The rename mentions the old name too; the webhook entries are in another area.
    expect(searched.items.map((i) => i.action)).toEqual(["location.renamed", "location.added"]);
    expect(searched.store.name).toBe(s.name);

    await recordLocationReadFailure(app.db, s.id, SHOP, "Shopify answered HTTP 503", new Date());
    const open = await load("?outcome=needs_action");
    expect(open.health.openFailures).toBe(1);
    expect(open.items).toEqual([expect.objectContaining({ action: "locations.read_failed", canRetry: true, needsAction: true })]);

    const form = new URLSearchParams({ intent: "retry", activityId: open.items[0]!.id });
    const retried = await route.action({ request: embedded(`/app/stores/${s.id}/activity`, { method: "POST", body: form }), params: { storeId: s.id }, context: {} });
    expect(retried).toEqual({ ok: true, intent: "retry", message: "Retry queued" });
    expect((await load("")).health.pendingJobs).toBe(1);
    await settle();
    const after = await load("");
    expect(after.health).toMatchObject({ openFailures: 0, pendingJobs: 0 });
    expect(after.items.find((i) => i.action === "locations.read_failed")).toMatchObject({ needsAction: false, resolution: "succeeded" });

    const again = await route.action({ request: embedded(`/app/stores/${s.id}/activity`, { method: "POST", body: form }), params: { storeId: s.id }, context: {} });
    expect(again).toMatchObject({ ok: false, intent: "retry", code: "NOTHING_TO_RETRY" });
  });

  it("locations/deactivate and locations/activate, sent with the same change's locations/update under one Event-Id, are each logged; the location leaves and rejoins the table", async () => {
    const { mapAllUnmappedToDefault } = await import("~/services/locations/location-mapping.server");
    const s = await store();
    const added = await shopify.addLocation({ name: "Stall Halle", address: { countryCode: "DE", city: "Halle" }, fulfillsOnlineOrders: false });
    await settle();
    expect(await mapAllUnmappedToDefault(app.db, s.accountId, s.id)).toMatchObject({ ok: true });
    expect(await mappingTable()).toContain("Stall Halle");

    await shopify.deactivateLocation(added.id);
    await settle();
    expect(await mappingTable()).not.toContain("Stall Halle");
    await shopify.graphql(
      `mutation($id: ID!, $key: String!) { locationActivate(locationId: $id) @idempotent(key: $key) { location { isActive } locationActivateUserErrors { message } } }`,
      { id: added.id, key: "activate-stall-halle" },
    );
    await settle();
    expect(await mappingTable()).toContain("Stall Halle");

    // Each change reached Tenon under two topics with one Event-Id (ADR 027); both are stored and handled.
    for (const topic of ["locations/deactivate", "locations/activate"]) {
      const delivery = app.emulator.deliveries.findLast((d) => d.topic === topic)!;
      const together = app.emulator.deliveries.find((d) => d.topic === "locations/update" && d.eventId === delivery.eventId);
      expect(together, `locations/update with ${topic}`).toBeDefined();
      expect(await app.db.webhookEvent.count({ where: { eventId: delivery.eventId } })).toBe(2);
    }
    const logged = (await activity(added.id)).filter((e) => e.action === "webhook.received").map((e) => e.subject);
    expect(logged).toEqual(expect.arrayContaining(["locations/deactivate", "locations/activate"]));
    expect((await activity("was activated")).map((e) => e.subject)).toEqual(["locations/activate"]);
  });

  it("a webhook for a disconnected store is acknowledged and changes nothing", async () => {
    await app.db.store.update({ where: { shopDomain: SHOP }, data: { connection: "uninstalled" } });
    const jobsBefore = await app.db.job.count();
    const entriesBefore = await app.db.syncActivity.count();
    await shopify.graphql(`mutation($input: LocationAddInput!) { locationAdd(input: $input) { location { id } userErrors { message } } }`, {
      input: { name: "Ghost Shop", address: { countryCode: "DE" }, fulfillsOnlineOrders: false },
    });
    await app.emulator.webhooksIdle();
    expect(app.emulator.deliveries.findLast((d) => d.topic === "locations/create")?.status).toBe(200);
    expect(await app.db.job.count()).toBe(jobsBefore);
    expect(await app.db.syncActivity.count()).toBe(entriesBefore);
    expect(await app.db.shopifyLocation.count({ where: { name: "Ghost Shop" } })).toBe(0);
  });
});
