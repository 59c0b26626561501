import { describe, expect, it } from "vitest";
import { describeLocationChange, locationChanges, type KnownLocation } from "./location-changes";

const known = (id: string, name: string, over: Partial<KnownLocation> = {}): KnownLocation => ({
  shopifyLocationId: id,
  name,
  removed: false,
  mappedLocationId: "loc_main",
  ...over,
});

describe("locationChanges", () => {
  it("nothing changed: no changes", () => {
    expect(locationChanges([known("1", "Shop")], [{ id: "1", name: "Shop", isActive: true }])).toEqual([]);
  });

  it("a new active location is added, unmapped", () => {
    expect(locationChanges([known("1", "Shop")], [{ id: "1", name: "Shop", isActive: true }, { id: "2", name: "Pop-up", isActive: true }])).toEqual([
      { kind: "added", shopifyLocationId: "2", name: "Pop-up", mappedLocationId: null },
    ]);
  });

  it("a new location that arrives inactive is no change (it never needs a mapping)", () => {
    expect(locationChanges([], [{ id: "2", name: "Old", isActive: false }])).toEqual([]);
  });

  it("a location active again is added with the mapping it kept", () => {
    expect(locationChanges([known("1", "Shop", { removed: true })], [{ id: "1", name: "Shop", isActive: true }])).toEqual([
      { kind: "added", shopifyLocationId: "1", name: "Shop", mappedLocationId: "loc_main" },
    ]);
  });

  it("deactivated and deleted locations are removed; already removed ones are not reported again", () => {
    expect(
      locationChanges(
        [known("1", "Shop"), known("2", "Stall"), known("3", "Gone before", { removed: true })],
        [{ id: "1", name: "Shop", isActive: false }],
      ),
    ).toEqual([
      { kind: "removed", shopifyLocationId: "1", name: "Shop", deleted: false },
      { kind: "removed", shopifyLocationId: "2", name: "Stall", deleted: true },
    ]);
  });

  it("a rename of an active location is reported; of an inactive one it is not", () => {
    expect(
      locationChanges(
        [known("1", "Shop"), known("2", "Stall", { removed: true })],
        [
          { id: "1", name: "Flagship", isActive: true },
          { id: "2", name: "Stall 2", isActive: false },
        ],
      ),
    ).toEqual([{ kind: "renamed", shopifyLocationId: "1", name: "Flagship", previousName: "Shop" }]);
  });
});

describe("describeLocationChange", () => {
  it("says what to do about a new location, and why nothing is needed otherwise", () => {
    expect(describeLocationChange({ kind: "added", shopifyLocationId: "2", name: "Pop-up", mappedLocationId: null })).toBe(
      'Shopify location "Pop-up" was added. The store is Disabled until you map it to a Tenon location on the Inventory tab.',
    );
    expect(describeLocationChange({ kind: "added", shopifyLocationId: "1", name: "Shop", mappedLocationId: "loc" }, "Warehouse")).toBe(
      'Shopify location "Shop" is active again and keeps its mapping to Tenon location "Warehouse".',
    );
    // Mapped to a Tenon location that no longer exists: the store's banner says what to fix.
    expect(describeLocationChange({ kind: "added", shopifyLocationId: "1", name: "Shop", mappedLocationId: "loc" }, null)).toContain("Disabled until you map it");
    expect(describeLocationChange({ kind: "removed", shopifyLocationId: "1", name: "Shop", deleted: true })).toContain("was deleted in Shopify");
    expect(describeLocationChange({ kind: "removed", shopifyLocationId: "1", name: "Shop", deleted: false })).toContain("was deactivated in Shopify");
    expect(describeLocationChange({ kind: "renamed", shopifyLocationId: "1", name: "B", previousName: "A" })).toBe('Shopify location "A" was renamed to "B".');
  });
});
