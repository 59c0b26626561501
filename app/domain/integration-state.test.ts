import { describe, expect, it } from "vitest";
import { checkAction, integrationState, type IntegrationState, type StateInput } from "./integration-state";

const readAt = new Date("2026-11-01T10:00:00Z");
const workshop = { id: "loc_workshop", name: "Workshop", deleted: false };

function input(overrides: Partial<StateInput> = {}): StateInput {
  return {
    connection: "connected",
    syncActive: false,
    locationsReadAt: readAt,
    shopifyLocations: [
      { shopifyLocationId: "gid://shopify/Location/1", name: "Main", removed: false, mappedLocationId: "loc_workshop" },
    ],
    tenonLocations: [workshop],
    ...overrides,
  };
}

describe("integrationState", () => {
  it("is Not Connected when the store never installed Tenon", () => {
    expect(integrationState(input({ connection: null }))).toEqual({ state: "not_connected", problems: [] });
  });

  it("is Not Connected after uninstall, whatever the mapping and sync flag", () => {
    const result = integrationState(input({ connection: "uninstalled", syncActive: true, shopifyLocations: [] }));
    expect(result.state).toBe("not_connected");
  });

  it("is Disabled while Shopify locations were never read", () => {
    const result = integrationState(input({ locationsReadAt: null }));
    expect(result.state).toBe("disabled");
    expect(result.problems.map((p) => p.code)).toEqual(["LOCATIONS_NOT_READ"]);
  });

  it("is Disabled with one problem per unmapped Shopify location", () => {
    const result = integrationState(
      input({
        shopifyLocations: [
          { shopifyLocationId: "1", name: "Workshop", removed: false, mappedLocationId: null },
          { shopifyLocationId: "2", name: "Market Stall", removed: false, mappedLocationId: null },
          { shopifyLocationId: "3", name: "Leipzig", removed: false, mappedLocationId: "loc_workshop" },
        ],
      }),
    );
    expect(result.state).toBe("disabled");
    expect(result.problems).toHaveLength(2);
    expect(result.problems[1]).toMatchObject({ code: "LOCATION_UNMAPPED", shopifyLocationId: "2" });
    expect(result.problems[1]!.message).toContain('"Market Stall"');
    expect(result.problems[1]!.message).toContain("Inventory tab");
  });

  it("is Disabled when a mapped Tenon location was deleted, naming it", () => {
    const result = integrationState(input({ tenonLocations: [{ ...workshop, deleted: true }], syncActive: true }));
    expect(result.state).toBe("disabled");
    expect(result.problems[0]).toMatchObject({ code: "MAPPED_LOCATION_DELETED", locationId: "loc_workshop" });
    expect(result.problems[0]!.message).toContain('"Workshop"');
  });

  it("treats a mapping to a location Tenon no longer knows as deleted", () => {
    const result = integrationState(input({ tenonLocations: [] }));
    expect(result.problems[0]!.code).toBe("MAPPED_LOCATION_DELETED");
  });

  it("ignores Shopify locations that were deactivated or deleted in Shopify", () => {
    const result = integrationState(
      input({
        shopifyLocations: [
          { shopifyLocationId: "1", name: "Main", removed: false, mappedLocationId: "loc_workshop" },
          { shopifyLocationId: "2", name: "Closed shop", removed: true, mappedLocationId: null },
        ],
      }),
    );
    expect(result.state).toBe("sync_inactive");
  });

  it("is Sync inactive when fully configured and never activated or paused", () => {
    expect(integrationState(input()).state).toBe("sync_inactive");
  });

  it("is Sync active when fully configured and the sync flag is on", () => {
    expect(integrationState(input({ syncActive: true }))).toEqual({ state: "sync_active", problems: [] });
  });

  it("is Sync inactive for a store with no Shopify locations at all once they were read", () => {
    expect(integrationState(input({ shopifyLocations: [] })).state).toBe("sync_inactive");
  });
});

describe("transitions (product.md)", () => {
  const states: IntegrationState[] = ["not_connected", "disabled", "sync_inactive", "sync_active"];

  it.each([
    ["activate", ["sync_inactive"]],
    ["pause", ["sync_active"]],
    ["disconnect", ["disabled", "sync_inactive", "sync_active"]],
    ["connect", ["not_connected"]],
  ] as const)("%s is allowed exactly from %j", (action, from) => {
    const allowedFrom: readonly IntegrationState[] = from;
    for (const state of states) {
      expect(checkAction(action, state).ok, `${action} from ${state}`).toBe(allowedFrom.includes(state));
    }
  });

  it("explains why Activate is impossible while Disabled", () => {
    const check = checkAction("activate", "disabled");
    expect(check).toMatchObject({ ok: false, code: "ACTION_NOT_ALLOWED" });
    if (!check.ok) expect(check.message).toContain("Disabled");
  });

  it("activate then pause returns to Sync inactive", () => {
    const activated = integrationState(input({ syncActive: true })).state;
    expect(activated).toBe("sync_active");
    expect(checkAction("pause", activated).ok).toBe(true);
    expect(integrationState(input({ syncActive: false })).state).toBe("sync_inactive");
  });

  it("a new unmapped Shopify location moves an active store to Disabled, and mapping it restores Sync active", () => {
    const withNew = input({
      syncActive: true,
      shopifyLocations: [
        ...input().shopifyLocations,
        { shopifyLocationId: "9", name: "Pop-up", removed: false, mappedLocationId: null },
      ],
    });
    expect(integrationState(withNew).state).toBe("disabled");
    const fixed = {
      ...withNew,
      shopifyLocations: withNew.shopifyLocations.map((l) => ({ ...l, mappedLocationId: "loc_workshop" })),
    };
    expect(integrationState(fixed).state).toBe("sync_active");
  });

  it("uninstall moves any state to Not Connected and reinstall restores the state from kept data", () => {
    for (const base of [input(), input({ syncActive: true }), input({ locationsReadAt: null })]) {
      const before = integrationState(base).state;
      expect(integrationState({ ...base, connection: "uninstalled" }).state).toBe("not_connected");
      expect(integrationState({ ...base, connection: "connected" }).state).toBe(before);
    }
  });
});
