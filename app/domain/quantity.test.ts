import { describe, expect, it } from "vitest";
import {
  addDecimal,
  compareDecimal,
  floorDivideDecimal,
  fromUnits,
  isNegativeDecimal,
  isPositiveDecimal,
  isZeroDecimal,
  maxDecimal,
  minDecimal,
  multiplyDecimal,
  negateDecimal,
  parseMoney,
  parseQuantity,
  subtractDecimal,
  sumDecimals,
  toDecimalString,
  toUnits,
} from "./quantity";

/** Prisma's Decimal prints itself with toString(), in exponent notation when very small. */
const prismaDecimal = (text: string) => ({ toString: () => text });

describe("parseQuantity", () => {
  it.each([
    ["12", "12"],
    [" 0.25 ", "0.25"],
    ["+3", "3"],
    [".5", "0.5"],
    ["5.", "5"],
    ["007", "7"],
    ["1.50000", "1.5"],
    ["0.0001", "0.0001"],
    ["99999999999999.9999", "99999999999999.9999"],
    [2, "2"],
    [0.25, "0.25"],
  ])("reads %j as %s", (input, value) => {
    expect(parseQuantity(input)).toEqual({ ok: true, value });
  });

  it.each([
    [""],
    ["   "],
    [null],
    [undefined],
  ])("asks for a quantity when %j is given", (input) => {
    const result = parseQuantity(input);
    expect(result).toMatchObject({ ok: false, code: "QUANTITY_INVALID", message: "Enter a quantity." });
  });

  it.each([["abc"], ["1,5"], ["1 000"], ["1e3"], ["--1"], ["."], ["+"], ["0x10"], ["1.2.3"], [Number.NaN], [Infinity], [{}], [true]])(
    "refuses %j as not a number, saying how to type one",
    (input) => {
      const result = parseQuantity(input);
      expect(result).toMatchObject({ ok: false, code: "QUANTITY_INVALID" });
      if (!result.ok) expect(result.message).toContain("like 12 or 0.25");
    },
  );

  it.each([["0.00001"], ["1.23456"], [0.00001], [1e-7]])("refuses %j as too precise", (input) => {
    const result = parseQuantity(input);
    expect(result).toMatchObject({ ok: false, code: "QUANTITY_TOO_PRECISE" });
    if (!result.ok) expect(result.message).toContain("4 decimal places");
  });

  it.each([["100000000000000"], [1e21]])("refuses %j as too large", (input) => {
    expect(parseQuantity(input)).toMatchObject({ ok: false, code: "QUANTITY_TOO_LARGE" });
  });

  it("refuses negatives by default and accepts them when allowed", () => {
    expect(parseQuantity("-2")).toMatchObject({ ok: false, code: "QUANTITY_NEGATIVE" });
    expect(parseQuantity(-2)).toMatchObject({ ok: false, code: "QUANTITY_NEGATIVE" });
    expect(parseQuantity("-2.5", { allowNegative: true })).toEqual({ ok: true, value: "-2.5" });
  });

  it("checks negativity before zero, so -0.0000 is zero, not negative", () => {
    expect(parseQuantity("-0.0000")).toMatchObject({ ok: false, code: "QUANTITY_ZERO" });
    expect(parseQuantity("-0", { allowZero: true })).toEqual({ ok: true, value: "0" });
  });

  it("refuses zero by default and accepts it when allowed", () => {
    expect(parseQuantity("0")).toMatchObject({ ok: false, code: "QUANTITY_ZERO", message: "Enter a quantity greater than 0." });
    expect(parseQuantity("0", { allowZero: true })).toEqual({ ok: true, value: "0" });
  });

  it("explains a zero adjustment in terms of adding or removing stock", () => {
    const result = parseQuantity("0", { allowNegative: true });
    expect(result).toMatchObject({ ok: false, code: "QUANTITY_ZERO" });
    if (!result.ok) expect(result.message).toContain("negative one to remove it");
  });

  it("names the field in its messages", () => {
    const result = parseQuantity("-1", { label: "quantity per kit", allowZero: true });
    expect(result).toEqual({
      ok: false,
      code: "QUANTITY_NEGATIVE",
      message: "The quantity per kit cannot be negative. Enter a number 0 or more.",
    });
  });
});

describe("parseMoney", () => {
  it("reads prices, zero included", () => {
    expect(parseMoney("9.95")).toEqual({ ok: true, value: "9.95" });
    expect(parseMoney("0")).toEqual({ ok: true, value: "0" });
    expect(parseMoney(12.5)).toEqual({ ok: true, value: "12.5" });
    expect(parseMoney("1.23450")).toEqual({ ok: true, value: "1.2345" });
  });

  it("reads Shopify's amounts in each form it answers: GraphQL Decimal (\"526.0\"), REST (\"526.00\"), whole (\"526\")", () => {
    for (const amount of ["526.0", "526.00", "526", "526.000"]) expect(parseMoney(amount)).toEqual({ ok: true, value: "526" });
    expect(parseMoney("0.0")).toEqual({ ok: true, value: "0" });
    expect(parseMoney("12.5")).toEqual(parseMoney("12.50"));
  });

  it("refuses each kind of bad input with its code", () => {
    expect(parseMoney("")).toMatchObject({ ok: false, code: "MONEY_INVALID", message: "Enter the amount." });
    expect(parseMoney("€5")).toMatchObject({ ok: false, code: "MONEY_INVALID" });
    expect(parseMoney("1.23456")).toMatchObject({ ok: false, code: "MONEY_TOO_PRECISE" });
    expect(parseMoney("1000000000000000")).toMatchObject({ ok: false, code: "MONEY_TOO_LARGE" });
    expect(parseMoney(1e22)).toMatchObject({ ok: false, code: "MONEY_TOO_LARGE" });
    expect(parseMoney("-1", { label: "price per unit" })).toEqual({
      ok: false,
      code: "MONEY_NEGATIVE",
      message: "The price per unit cannot be negative. Enter 0 or more.",
    });
    expect(parseMoney("-1", { allowNegative: true })).toEqual({ ok: true, value: "-1" });
  });
});

describe("trusted values and arithmetic", () => {
  it("normalizes strings, numbers, bigints and Prisma decimals", () => {
    expect(toDecimalString("1.50")).toBe("1.5");
    expect(toDecimalString(2)).toBe("2");
    expect(toDecimalString(3n)).toBe("3");
    expect(toDecimalString(prismaDecimal("1e-4"))).toBe("0.0001");
    expect(toDecimalString(prismaDecimal("1.2e+3"))).toBe("1200");
    expect(toDecimalString("-0")).toBe("0");
    expect(toDecimalString("-0.00001")).toBe("0");
    expect(toDecimalString(".5")).toBe("0.5");
  });

  it("rounds float noise from a database sum half away from zero to 4 places", () => {
    expect(toDecimalString(0.1 + 0.2)).toBe("0.3");
    expect(toDecimalString("0.00005")).toBe("0.0001");
    expect(toDecimalString("-0.00005")).toBe("-0.0001");
    expect(toDecimalString("0.00004999")).toBe("0");
  });

  it("throws on garbage, which is a bug and not merchant input", () => {
    expect(() => toUnits("abc")).toThrow(RangeError);
    expect(() => toUnits("")).toThrow(RangeError);
    expect(() => toUnits(Number.NaN)).toThrow(RangeError);
    expect(() => toUnits("1e9999")).toThrow(RangeError);
  });

  it("adds, subtracts and sums exactly where floats would not", () => {
    expect(addDecimal("0.1", "0.2")).toBe("0.3");
    expect(subtractDecimal("1", "0.9999")).toBe("0.0001");
    expect(subtractDecimal("2", "5.5")).toBe("-3.5");
    expect(sumDecimals(["0.1", 0.2, prismaDecimal("0.3")])).toBe("0.6");
    expect(sumDecimals([])).toBe("0");
    expect(addDecimal("99999999999999.9999", "0.0001")).toBe("100000000000000");
  });

  it("multiplies with one rounding to 4 places", () => {
    expect(multiplyDecimal("0.25", "3.5")).toBe("0.875");
    expect(multiplyDecimal("0.3333", "3")).toBe("0.9999");
    expect(multiplyDecimal("0.0001", "0.5")).toBe("0.0001");
    expect(multiplyDecimal("-0.0001", "0.5")).toBe("-0.0001");
    expect(multiplyDecimal("0.0001", "0.4")).toBe("0");
    expect(multiplyDecimal("12", "-2")).toBe("-24");
  });

  it("compares and classifies", () => {
    expect(compareDecimal("1.0", 1)).toBe(0);
    expect(compareDecimal("0.9999", "1")).toBe(-1);
    expect(compareDecimal("-1", "-2")).toBe(1);
    expect(isZeroDecimal("0.0000")).toBe(true);
    expect(isPositiveDecimal("0.0001")).toBe(true);
    expect(isPositiveDecimal("0")).toBe(false);
    expect(isNegativeDecimal("-0.0001")).toBe(true);
    expect(isNegativeDecimal("0")).toBe(false);
    expect(negateDecimal("2.5")).toBe("-2.5");
    expect(negateDecimal("0")).toBe("0");
    expect(minDecimal("3", "1.5", 2)).toBe("1.5");
    expect(maxDecimal("3", "1.5", 4)).toBe("4");
    expect(minDecimal("7")).toBe("7");
  });

  it("floor-divides into whole counts, negatives rounding down", () => {
    expect(floorDivideDecimal("10", "3")).toBe(3);
    expect(floorDivideDecimal("1", "0.25")).toBe(4);
    expect(floorDivideDecimal("0.9999", "0.25")).toBe(3);
    expect(floorDivideDecimal("0", "2")).toBe(0);
    expect(floorDivideDecimal("-1", "3")).toBe(-1);
    expect(floorDivideDecimal("-3", "3")).toBe(-1);
    expect(() => floorDivideDecimal("1", "0")).toThrow(RangeError);
  });

  it("round-trips units", () => {
    for (const text of ["0", "1", "-1", "0.0001", "-0.0001", "123.4567", "10"]) {
      expect(fromUnits(toUnits(text))).toBe(text);
    }
  });
});
