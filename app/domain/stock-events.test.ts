import { describe, expect, it } from "vitest";
import { kitsByComponentFrom, stockEventsFor } from "./stock-events";

const none = new Map<string, string[]>();

describe("stockEventsFor", () => {
  it("records nothing when nothing changed", () => {
    expect(stockEventsFor({ ledgerChanges: [], committedChanges: [], kitsByComponent: none })).toEqual([]);
  });

  it("records one event for a stock adjustment", () => {
    expect(
      stockEventsFor({ ledgerChanges: [{ variantId: "soap", locationId: "w", quantity: "5" }], committedChanges: [], kitsByComponent: none }),
    ).toEqual([{ variantId: "soap", locationId: "w", inStockChanged: true, committedChanged: false, componentChanged: false }]);
  });

  it("records one event for a new open row (Committed only)", () => {
    expect(
      stockEventsFor({ ledgerChanges: [], committedChanges: [{ variantId: "soap", locationId: "w", quantity: "2" }], kitsByComponent: none }),
    ).toEqual([{ variantId: "soap", locationId: "w", inStockChanged: false, committedChanged: true, componentChanged: false }]);
  });

  it("records a delivery, which changes both In stock and Committed of one pair, once", () => {
    const events = stockEventsFor({
      ledgerChanges: [{ variantId: "soap", locationId: "w", quantity: "-2" }],
      committedChanges: [{ variantId: "soap", locationId: "w", quantity: "-2" }],
      kitsByComponent: none,
    });
    expect(events).toEqual([{ variantId: "soap", locationId: "w", inStockChanged: true, committedChanged: true, componentChanged: false }]);
  });

  it("records one event per pair for several batch movements of one delivery", () => {
    const events = stockEventsFor({
      ledgerChanges: [
        { variantId: "soap", locationId: "w", quantity: "-1" },
        { variantId: "soap", locationId: "w", quantity: "-2" },
        { variantId: "soap", locationId: "w", quantity: "-0.5" },
      ],
      committedChanges: [],
      kitsByComponent: none,
    });
    expect(events).toHaveLength(1);
  });

  it("records both ends of a transfer, and each location of a row moved between locations", () => {
    const events = stockEventsFor({
      ledgerChanges: [
        { variantId: "soap", locationId: "w", quantity: "-3" },
        { variantId: "soap", locationId: "m", quantity: "3" },
      ],
      committedChanges: [
        { variantId: "oil", locationId: "w", quantity: "-1" },
        { variantId: "oil", locationId: "m", quantity: "1" },
      ],
      kitsByComponent: none,
    });
    expect(events.map((e) => `${e.variantId}@${e.locationId}`)).toEqual(["soap@w", "soap@m", "oil@w", "oil@m"]);
  });

  it("skips a dimension whose quantified changes net to zero", () => {
    const rowEditedBack = stockEventsFor({
      ledgerChanges: [],
      committedChanges: [
        { variantId: "soap", locationId: "w", quantity: "2" },
        { variantId: "soap", locationId: "w", quantity: "-2" },
      ],
      kitsByComponent: none,
    });
    expect(rowEditedBack).toEqual([]);
    expect(
      stockEventsFor({ ledgerChanges: [{ variantId: "soap", locationId: "w", quantity: "0" }], committedChanges: [], kitsByComponent: none }),
    ).toEqual([]);
  });

  it("keeps the other dimension when one nets to zero", () => {
    const events = stockEventsFor({
      ledgerChanges: [{ variantId: "soap", locationId: "w", quantity: "1" }],
      committedChanges: [
        { variantId: "soap", locationId: "w", quantity: "1" },
        { variantId: "soap", locationId: "w", quantity: "-1" },
      ],
      kitsByComponent: none,
    });
    expect(events).toEqual([{ variantId: "soap", locationId: "w", inStockChanged: true, committedChanged: false, componentChanged: false }]);
  });

  it("counts a change without a quantity as a change, whatever the others sum to", () => {
    const events = stockEventsFor({
      ledgerChanges: [],
      committedChanges: [
        { variantId: "soap", locationId: "w", quantity: "2" },
        { variantId: "soap", locationId: "w", quantity: "-2" },
        { variantId: "soap", locationId: "w" },
      ],
      kitsByComponent: none,
    });
    expect(events).toHaveLength(1);
  });

  it("adds the kits that contain a changed component, at the same location", () => {
    const kits = new Map([
      ["soap", ["gift", "duo"]],
      ["oil", ["gift"]],
    ]);
    const events = stockEventsFor({
      ledgerChanges: [
        { variantId: "soap", locationId: "w", quantity: "-1" },
        { variantId: "oil", locationId: "w", quantity: "-0.25" },
      ],
      committedChanges: [],
      kitsByComponent: kits,
    });
    expect(events).toEqual([
      { variantId: "soap", locationId: "w", inStockChanged: true, committedChanged: false, componentChanged: false },
      { variantId: "oil", locationId: "w", inStockChanged: true, committedChanged: false, componentChanged: false },
      { variantId: "gift", locationId: "w", inStockChanged: false, committedChanged: false, componentChanged: true },
      { variantId: "duo", locationId: "w", inStockChanged: false, committedChanged: false, componentChanged: true },
    ]);
  });

  it("merges a kit's own change with its components' change into one event", () => {
    // Selling a kit that is also stocked, in the same transaction as consuming its soap.
    const events = stockEventsFor({
      ledgerChanges: [{ variantId: "soap", locationId: "w", quantity: "-2" }],
      committedChanges: [{ variantId: "gift", locationId: "w", quantity: "1" }],
      kitsByComponent: new Map([["soap", ["gift"]]]),
    });
    expect(events).toEqual([
      { variantId: "soap", locationId: "w", inStockChanged: true, committedChanged: false, componentChanged: false },
      { variantId: "gift", locationId: "w", inStockChanged: false, committedChanged: true, componentChanged: true },
    ]);
  });

  it("follows kits of kits, and survives a cycle in bad data", () => {
    const kits = new Map([
      ["soap", ["mini"]],
      ["mini", ["big"]],
      ["big", ["mini"]],
    ]);
    const events = stockEventsFor({
      ledgerChanges: [{ variantId: "soap", locationId: "w", quantity: "1" }],
      committedChanges: [],
      kitsByComponent: kits,
    });
    expect(events.map((e) => e.variantId)).toEqual(["soap", "mini", "big"]);
  });

  it("records a kit per location where its component changed", () => {
    const events = stockEventsFor({
      ledgerChanges: [
        { variantId: "soap", locationId: "w", quantity: "1" },
        { variantId: "soap", locationId: "m", quantity: "1" },
      ],
      committedChanges: [],
      kitsByComponent: new Map([["soap", ["gift"]]]),
    });
    expect(events.map((e) => `${e.variantId}@${e.locationId}`)).toEqual(["soap@w", "soap@m", "gift@w", "gift@m"]);
  });

  it("adds no kit events when the component's changes net to zero", () => {
    const events = stockEventsFor({
      ledgerChanges: [
        { variantId: "soap", locationId: "w", quantity: "1" },
        { variantId: "soap", locationId: "w", quantity: "-1" },
      ],
      committedChanges: [],
      kitsByComponent: new Map([["soap", ["gift"]]]),
    });
    expect(events).toEqual([]);
  });
});

describe("kitsByComponentFrom", () => {
  it("reverses BOM lines without duplicates", () => {
    expect(
      kitsByComponentFrom([
        { kitVariantId: "gift", componentVariantId: "soap" },
        { kitVariantId: "duo", componentVariantId: "soap" },
        { kitVariantId: "gift", componentVariantId: "oil" },
        { kitVariantId: "gift", componentVariantId: "soap" },
      ]),
    ).toEqual(
      new Map([
        ["soap", ["gift", "duo"]],
        ["oil", ["gift"]],
      ]),
    );
  });
});
