import { describe, expect, it } from "vitest";
import { nextStep, sharedTargets } from "./location-mapping";

describe("sharedTargets", () => {
  it("names Tenon locations fed by two or more live Shopify locations", () => {
    expect(
      sharedTargets([
        { mappedLocationId: "a", removed: false },
        { mappedLocationId: "a", removed: false },
        { mappedLocationId: "b", removed: false },
        { mappedLocationId: "b", removed: true },
        { mappedLocationId: null, removed: false },
        { mappedLocationId: null, removed: false },
      ]),
    ).toEqual(new Set(["a"]));
  });
});

describe("nextStep", () => {
  it("guides from connect through mapping and import to activation", () => {
    expect(nextStep({ state: "not_connected", productsImported: false })).toBe("connect");
    expect(nextStep({ state: "disabled", productsImported: true })).toBe("map_locations");
    expect(nextStep({ state: "sync_inactive", productsImported: false })).toBe("import_products");
    expect(nextStep({ state: "sync_inactive", productsImported: true })).toBe("activate");
    expect(nextStep({ state: "sync_active", productsImported: true })).toBeNull();
  });
});
