import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STORE_SEED, ManualClock, startEmulator, type Emulator } from "./index";
import { adminGraphql, offlineAccessToken, startWebhookReceiver, TEST_APP, type WebhookReceiver } from "./testing";
import { payloadErrors } from "./webhook-schemas";

const SHOP = "tenon-demo.myshopify.com";
const ALL_TOPICS_TOML = fileURLToPath(new URL("./fixtures/all-topics.app.toml", import.meta.url));

describe("locationAdd, locationEdit, locationDeactivate, locationDelete", () => {
  let emulator: Emulator;
  let receiver: WebhookReceiver;
  let token: string;
  const data = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await adminGraphql(emulator, SHOP, token, query, variables);
    const body = response.body as { data?: T; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data as T;
  };
  const locations = async () =>
    (await data<{ locations: { nodes: { id: string; name: string; isActive: boolean }[] } }>(`{ locations(first: 20, includeInactive: true) { nodes { id name isActive } } }`)).locations.nodes;
  const DEACTIVATE = `mutation($id: ID!, $to: ID, $key: String!) { locationDeactivate(locationId: $id, destinationLocationId: $to) @idempotent(key: $key) { location { isActive } locationDeactivateUserErrors { code field } } }`;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    emulator = await startEmulator({ app: { ...TEST_APP, appUrl: receiver.url, tomlPath: ALL_TOPICS_TOML }, seedFiles: [DEMO_STORE_SEED], clock: new ManualClock(), webhookTimeoutMs: 300 });
    token = await offlineAccessToken(emulator, SHOP);
  });
  afterAll(async () => {
    await emulator.stop();
    await receiver.close();
  });

  it("adds and edits a location, refusing blank and duplicate names", async () => {
    const ADD = `mutation($input: LocationAddInput!) { locationAdd(input: $input) { location { id name fulfillsOnlineOrders address { city countryCode country } } userErrors { code field } } }`;
    const added = await data<{ locationAdd: { location: { id: string; name: string; address: { city: string; countryCode: string; country: string } } } }>(ADD, {
      input: { name: "Pop-up Dresden", address: { address1: "Prager Str. 1", city: "Dresden", countryCode: "DE", zip: "01069" }, fulfillsOnlineOrders: false },
    });
    expect(added.locationAdd.location).toMatchObject({ name: "Pop-up Dresden", address: { city: "Dresden", countryCode: "DE", country: "Germany" } });
    const dup = await data<{ locationAdd: { userErrors: { code: string }[] } }>(ADD, { input: { name: "pop-up dresden", address: { countryCode: "DE" } } });
    expect(dup.locationAdd.userErrors[0]?.code).toBe("TAKEN");
    const edited = await data<{ locationEdit: { location: { name: string; address: { city: string } } } }>(
      `mutation($id: ID!) { locationEdit(id: $id, input: { name: "Pop-up Leipzig", address: { city: "Leipzig" } }) { location { name address { city } } userErrors { code } } }`,
      { id: added.locationAdd.location.id },
    );
    expect(edited.locationEdit.location).toEqual({ name: "Pop-up Leipzig", address: { city: "Leipzig" } });
    await emulator.webhooksIdle();
    expect(emulator.deliveries.map((d) => d.topic)).toEqual(expect.arrayContaining(["locations/create", "locations/update"]));
  });

  it("deactivates only with a destination for its stock, moves the stock there, and deletes inactive locations", async () => {
    const all = await locations();
    const stall = all.find((l) => l.name === "Market Stall")?.id;
    const workshop = all.find((l) => l.name === "Workshop")?.id;
    const stockAt = emulator.shop(SHOP).inventoryLevels.filter((l) => l.isActive).reduce((n, l) => n + l.quantities.available, 0);
    const refused = await data<{ locationDeactivate: { locationDeactivateUserErrors: { code: string }[] } }>(DEACTIVATE, { id: stall, key: "d-1" });
    expect(refused.locationDeactivate.locationDeactivateUserErrors[0]?.code).toBe("HAS_ACTIVE_INVENTORY_ERROR");
    const same = await data<{ locationDeactivate: { locationDeactivateUserErrors: { code: string }[] } }>(DEACTIVATE, { id: stall, to: stall, key: "d-2" });
    expect(same.locationDeactivate.locationDeactivateUserErrors[0]?.code).toBe("DESTINATION_LOCATION_IS_THE_SAME_LOCATION");
    const done = await data<{ locationDeactivate: { location: { isActive: boolean }; locationDeactivateUserErrors: unknown[] } }>(DEACTIVATE, { id: stall, to: workshop, key: "d-3" });
    expect(done.locationDeactivate).toEqual({ location: { isActive: false }, locationDeactivateUserErrors: [] });
    // No unit is lost: the active levels hold the same total.
    expect(emulator.shop(SHOP).inventoryLevels.filter((l) => l.isActive).reduce((n, l) => n + l.quantities.available, 0)).toBe(stockAt);
    const removed = await data<{ locationDelete: { deletedLocationId: string; locationDeleteUserErrors: unknown[] } }>(
      `mutation($id: ID!) { locationDelete(locationId: $id) { deletedLocationId locationDeleteUserErrors { code } } }`,
      { id: stall },
    );
    expect(removed.locationDelete).toEqual({ deletedLocationId: stall, locationDeleteUserErrors: [] });
    expect((await locations()).map((l) => l.id)).not.toContain(stall);
    await emulator.webhooksIdle();
    expect(emulator.deliveries.map((d) => d.topic)).toContain("locations/delete");
    expect(emulator.deliveries.flatMap((d) => payloadErrors(d.topic, JSON.parse(d.body)))).toEqual([]);
  });
});
