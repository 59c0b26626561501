import { describe, expect, it } from "vitest";
import { defaultSettings } from "~/domain/settings";
import { fulfillmentFlow } from "./fulfillment-sync.server";

const store = (orders: Partial<typeof defaultSettings.orders>, syncActive = true) => ({
  syncActive,
  connection: "connected",
  settings: { ...defaultSettings, orders: { ...defaultSettings.orders, ...orders } },
});

describe("fulfillmentFlow", () => {
  it("follows the Orders tab: direction, notify customer (off by default), returns", () => {
    expect(fulfillmentFlow(store({}))).toEqual({ inbound: true, outbound: true, notifyCustomer: false, returns: false });
    expect(fulfillmentFlow(store({ notifyCustomer: true, fulfillmentDirection: "tenon_to_shopify", bringReturns: true }))).toEqual({
      inbound: false,
      outbound: true,
      notifyCustomer: true,
      returns: true,
    });
    expect(fulfillmentFlow(store({ fulfillmentDirection: "shopify_to_tenon" }))).toMatchObject({ inbound: true, outbound: false });
  });

  it("moves nothing while sync is paused or fulfillment sync is off", () => {
    expect(fulfillmentFlow(store({ bringReturns: true }, false))).toMatchObject({ inbound: false, outbound: false, returns: false });
    expect(fulfillmentFlow(store({ syncFulfillmentStatus: false }))).toMatchObject({ inbound: false, outbound: false });
  });
});
