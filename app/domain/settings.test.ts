import { describe, expect, it } from "vitest";
import { defaultSettings, parseSettings } from "./settings";

describe("settings", () => {
  it("has the defaults of product.md", () => {
    expect(defaultSettings.inventory).toEqual({ inventorySync: false, manualOrdersCountAgainstStock: true });
    expect(defaultSettings.orders).toEqual({
      paymentPending: false,
      shippingFeeLine: true,
      customNonPhysicalLines: "service",
      bringOrderChanges: true,
      bringFulfillmentLocationUpdates: true,
      bringReturns: false,
      syncFulfillmentStatus: true,
      fulfillmentDirection: "both",
      notifyCustomer: false,
    });
    expect(defaultSettings.products.importCostPerItem).toBe(true);
  });

  it("fills settings added later with their defaults", () => {
    const settings = parseSettings({ inventory: { inventorySync: true } });
    expect(settings.inventory).toEqual({ inventorySync: true, manualOrdersCountAgainstStock: true });
    expect(settings.orders.bringReturns).toBe(false);
  });

  it("falls back to the defaults only for the section that no longer parses", () => {
    const settings = parseSettings({
      orders: { fulfillmentDirection: "sideways" },
      inventory: { inventorySync: true },
    });
    expect(settings.orders).toEqual(defaultSettings.orders);
    expect(settings.inventory.inventorySync).toBe(true);
    expect(parseSettings(null)).toEqual(defaultSettings);
    expect(parseSettings("garbage")).toEqual(defaultSettings);
  });
});
