import { describe, expect, it } from "vitest";
import { kitPotential, kitPotentials, validateBom } from "./kit-potential";
import { stockLevels } from "./stock-levels";

// A soap gift set: 2 bars of soap, 0.25 l of oil, 1 box.
const giftSet = [
  { variantId: "soap", quantityPerKit: "2" },
  { variantId: "oil", quantityPerKit: "0.25" },
  { variantId: "box", quantityPerKit: 1 },
];

describe("kitPotential", () => {
  it("is the floor of the minimum over components of available / quantity per kit", () => {
    const available = new Map([
      ["soap", "21"],
      ["oil", "2.6"],
      ["box", "50"],
    ]);
    expect(kitPotential(giftSet, available)).toEqual({ potential: 10, code: "OK", limitingVariantId: "soap" });
  });

  it("names the limiting component", () => {
    const available = { soap: "100", oil: "0.9999", box: "50" };
    expect(kitPotential(giftSet, available)).toEqual({ potential: 3, code: "OK", limitingVariantId: "oil" });
  });

  it("is exact where floats are not (0.3 / 0.1 is 3 kits, not 2)", () => {
    expect(kitPotential([{ variantId: "a", quantityPerKit: "0.1" }], { a: "0.3" }).potential).toBe(3);
  });

  it("is 0, never negative, when any component is at or below zero", () => {
    expect(kitPotential(giftSet, { soap: "100", oil: "10", box: "0" })).toMatchObject({ potential: 0, limitingVariantId: "box" });
    expect(kitPotential(giftSet, { soap: "-4", oil: "10", box: "10" })).toMatchObject({ potential: 0, limitingVariantId: "soap" });
  });

  it("is 0 when a component has less than one kit's worth", () => {
    expect(kitPotential(giftSet, { soap: "1.9999", oil: "10", box: "10" }).potential).toBe(0);
  });

  it("treats a component with no stock record as nothing available", () => {
    expect(kitPotential(giftSet, { soap: "100", oil: "10" })).toMatchObject({ potential: 0, limitingVariantId: "box" });
    expect(kitPotential(giftSet, new Map())).toMatchObject({ potential: 0 });
  });

  it("ignores inherited object keys when availability is a plain object", () => {
    expect(kitPotential([{ variantId: "toString", quantityPerKit: "1" }], {}).potential).toBe(0);
  });

  it("is 0 with KIT_EMPTY_BOM for a kit without components", () => {
    expect(kitPotential([], { soap: "10" })).toEqual({ potential: 0, code: "KIT_EMPTY_BOM", limitingVariantId: null });
  });

  it("is 0 with KIT_INVALID_BOM when a quantity per kit is zero or negative", () => {
    expect(kitPotential([{ variantId: "a", quantityPerKit: "0" }], { a: "5" })).toMatchObject({ potential: 0, code: "KIT_INVALID_BOM" });
    expect(kitPotential([{ variantId: "a", quantityPerKit: "-1" }], { a: "5" })).toMatchObject({ code: "KIT_INVALID_BOM" });
  });

  it("adds the quantities of a component listed twice", () => {
    const twice = [
      { variantId: "soap", quantityPerKit: "1" },
      { variantId: "soap", quantityPerKit: "2" },
    ];
    expect(kitPotential(twice, { soap: "10" }).potential).toBe(3);
  });

  it("uses the first component on a tie", () => {
    expect(kitPotential(giftSet, { soap: "4", oil: "0.5", box: "2" })).toMatchObject({ potential: 2, limitingVariantId: "soap" });
  });
});

describe("kitPotentials", () => {
  it("computes every kit at every location from one set of levels, using Available", () => {
    const levels = stockLevels({
      ledger: [
        { variantId: "soap", locationId: "workshop", quantity: "20" },
        { variantId: "oil", locationId: "workshop", quantity: "5" },
        { variantId: "box", locationId: "workshop", quantity: "7" },
        { variantId: "soap", locationId: "market", quantity: "6" },
      ],
      openRows: [{ variantId: "soap", locationId: "workshop", quantity: "8", origin: "shopify" }],
      includeManualOrders: true,
    });
    const result = kitPotentials({
      boms: [{ kitVariantId: "gift", components: giftSet }],
      levels,
      locationIds: ["workshop", "market"],
    });
    expect(result).toEqual([
      { kitVariantId: "gift", locationId: "workshop", potential: 6, code: "OK", limitingVariantId: "soap" },
      { kitVariantId: "gift", locationId: "market", potential: 0, code: "OK", limitingVariantId: "oil" },
    ]);
  });
});

describe("validateBom", () => {
  const labels = new Map([
    ["gift", "GIFT-SET"],
    ["soap", "SOAP-1"],
    ["mini", "MINI-KIT"],
    ["oil", "OIL-250"],
  ]);

  it("accepts a valid BOM and normalizes quantities", () => {
    const result = validateBom({
      kitVariantId: "gift",
      lines: [
        { variantId: "soap", quantityPerKit: "2.0" },
        { variantId: "oil", quantityPerKit: " 0.25 " },
      ],
      existingBoms: new Map(),
    });
    expect(result).toEqual({
      ok: true,
      components: [
        { variantId: "soap", quantityPerKit: "2" },
        { variantId: "oil", quantityPerKit: "0.25" },
      ],
    });
  });

  it("accepts an empty BOM (the variant stops being a kit)", () => {
    expect(validateBom({ kitVariantId: "gift", lines: [], existingBoms: new Map() })).toEqual({ ok: true, components: [] });
  });

  it("refuses a kit containing itself", () => {
    const result = validateBom({
      kitVariantId: "gift",
      lines: [{ variantId: "gift", quantityPerKit: "1" }],
      existingBoms: new Map(),
      labels,
    });
    expect(result).toEqual({
      ok: false,
      problems: [{ code: "BOM_CONTAINS_ITSELF", line: 0, message: '"GIFT-SET" cannot be a component of itself. Remove this line.' }],
    });
  });

  it("refuses a direct cycle (the component is a kit made from this kit)", () => {
    const result = validateBom({
      kitVariantId: "gift",
      lines: [{ variantId: "mini", quantityPerKit: "1" }],
      existingBoms: new Map([["mini", ["gift", "soap"]]]),
      labels,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]).toMatchObject({ code: "BOM_CYCLE", line: 0, path: ["gift", "mini", "gift"] });
    expect(result.problems[0]!.message).toContain("GIFT-SET → MINI-KIT → GIFT-SET");
  });

  it("refuses an indirect cycle through several kits, showing the chain", () => {
    const result = validateBom({
      kitVariantId: "a",
      lines: [
        { variantId: "soap", quantityPerKit: "1" },
        { variantId: "b", quantityPerKit: "1" },
      ],
      existingBoms: new Map([
        ["b", ["c", "soap"]],
        ["c", ["d"]],
        ["d", ["a"]],
        ["x", ["b"]],
      ]),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ code: "BOM_CYCLE", line: 1, path: ["a", "b", "c", "d", "a"] });
  });

  it("ignores the kit's own current BOM (it is being replaced) and shared sub-components", () => {
    const result = validateBom({
      kitVariantId: "a",
      lines: [
        { variantId: "b", quantityPerKit: "1" },
        { variantId: "c", quantityPerKit: "1" },
      ],
      existingBoms: new Map([
        ["a", ["a"]],
        ["b", ["soap"]],
        ["c", ["soap", "b"]],
      ]),
    });
    expect(result.ok).toBe(true);
  });

  it("refuses a component listed twice, a service, and bad quantities, each on its line", () => {
    const result = validateBom({
      kitVariantId: "gift",
      lines: [
        { variantId: "soap", quantityPerKit: "2" },
        { variantId: "soap", quantityPerKit: "1" },
        { variantId: "wrapping", quantityPerKit: "1", isService: true },
        { variantId: "oil", quantityPerKit: "0" },
        { variantId: "box", quantityPerKit: "-1" },
        { variantId: "ribbon", quantityPerKit: "0.00001" },
        { variantId: "card", quantityPerKit: "one" },
      ],
      existingBoms: new Map(),
      labels,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.line, p.code])).toEqual([
      [1, "BOM_DUPLICATE_COMPONENT"],
      [2, "BOM_SERVICE_COMPONENT"],
      [3, "QUANTITY_ZERO"],
      [4, "QUANTITY_NEGATIVE"],
      [5, "QUANTITY_TOO_PRECISE"],
      [6, "QUANTITY_INVALID"],
    ]);
    expect(result.problems[0]!.message).toContain('"SOAP-1" is already a component');
    expect(result.problems[2]!.message).toBe("Enter a quantity per kit greater than 0.");
  });
});
