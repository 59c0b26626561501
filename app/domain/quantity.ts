/**
 * Quantities and money in the domain.
 *
 * Decision: values cross the domain boundary as **canonical decimal strings** ("12", "0.25",
 * "-3.5": no exponent, no trailing zeros, "0" never "-0"). Inputs accept anything decimal-like
 * (`DecimalLike`): strings, numbers, and Prisma's `Decimal` (its `toString()` is read, exponent
 * notation included), so a service passes database values straight in and writes the strings
 * straight back (Prisma accepts a string for a Decimal column).
 *
 * Inside, arithmetic is exact: a value is a `bigint` count of 1/10,000 units (4 decimal places
 * for both quantities and money). No float ever holds a quantity; decimal.js is not a dependency
 * of the app and is not needed.
 *
 * Two kinds of input:
 * - From a merchant (forms, CSV, API): `parseQuantity` / `parseMoney` validate and refuse with a
 *   code and a message that says what to type. Nothing is rounded silently.
 * - From the database or another domain function (trusted): the arithmetic helpers accept
 *   them and round anything finer than 4 places half away from zero (a float from a raw SQLite
 *   SUM such as 0.30000000000000004 becomes "0.3"). Garbage (not a number) throws: it is a bug.
 *
 * Limits: at most 14 digits before the point (fits NUMERIC(18,4)); 4 after it.
 */

export type DecimalString = string;
export type DecimalLike = string | number | bigint | { toString(): string };

export const DECIMAL_PLACES = 4;
export const MAX_INTEGER_DIGITS = 14;

const SCALE = 10_000n;

// ───────────────────────────── exact core ─────────────────────────────

const decimalPattern = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Scaled units (1/10,000) of a trusted value, rounded half away from zero. Throws on garbage. */
export function toUnits(value: DecimalLike): bigint {
  if (typeof value === "bigint") return value * SCALE;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`Not a finite number: ${value}`);
    if (Number.isInteger(value) && Number.isSafeInteger(value)) return BigInt(value) * SCALE;
  }
  const text = String(value).trim();
  const units = textToUnits(text);
  if (units === null) throw new RangeError(`Not a decimal number: "${text}"`);
  return units;
}

function textToUnits(text: string): bigint | null {
  const match = decimalPattern.exec(text);
  if (!match) return null;
  const [, sign, intPart = "", fracPart = "", expPart] = match;
  if (intPart === "" && fracPart === "") return null;
  const exponent = expPart === undefined ? 0 : Number(expPart);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 400) return null;
  const digits = BigInt((intPart + fracPart).replace(/^0+(?=\d)/, "") || "0");
  const shift = exponent - fracPart.length + DECIMAL_PLACES;
  let units: bigint;
  if (shift >= 0) {
    units = digits * 10n ** BigInt(shift);
  } else {
    units = roundedDivide(digits, 10n ** BigInt(-shift));
  }
  return sign === "-" ? -units : units;
}

/** a / b rounded half away from zero; b > 0. */
function roundedDivide(a: bigint, b: bigint): bigint {
  const negative = a < 0n;
  const abs = negative ? -a : a;
  const q = (abs + b / 2n) / b;
  return negative ? -q : q;
}

/** The canonical string of scaled units. */
export function fromUnits(units: bigint): DecimalString {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = (abs / SCALE).toString();
  const fraction = (abs % SCALE).toString().padStart(DECIMAL_PLACES, "0").replace(/0+$/, "");
  const text = fraction === "" ? whole : `${whole}.${fraction}`;
  return negative && text !== "0" ? `-${text}` : text;
}

// ───────────────────────────── arithmetic helpers ─────────────────────────────

/** The canonical string of a trusted value ("1.50" → "1.5", 2 → "2", Decimal("1e-4") → "0.0001"). */
export function toDecimalString(value: DecimalLike): DecimalString {
  return fromUnits(toUnits(value));
}

export function addDecimal(a: DecimalLike, b: DecimalLike): DecimalString {
  return fromUnits(toUnits(a) + toUnits(b));
}

export function subtractDecimal(a: DecimalLike, b: DecimalLike): DecimalString {
  return fromUnits(toUnits(a) - toUnits(b));
}

export function sumDecimals(values: Iterable<DecimalLike>): DecimalString {
  let total = 0n;
  for (const value of values) total += toUnits(value);
  return fromUnits(total);
}

/** a × b rounded half away from zero to 4 places (e.g. 0.25 l per kit × 3.5 kits = 0.875 l). */
export function multiplyDecimal(a: DecimalLike, b: DecimalLike): DecimalString {
  return fromUnits(roundedDivide(toUnits(a) * toUnits(b), SCALE));
}

export function negateDecimal(a: DecimalLike): DecimalString {
  return fromUnits(-toUnits(a));
}

export function compareDecimal(a: DecimalLike, b: DecimalLike): -1 | 0 | 1 {
  const x = toUnits(a);
  const y = toUnits(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZeroDecimal(a: DecimalLike): boolean {
  return toUnits(a) === 0n;
}

export function isPositiveDecimal(a: DecimalLike): boolean {
  return toUnits(a) > 0n;
}

export function isNegativeDecimal(a: DecimalLike): boolean {
  return toUnits(a) < 0n;
}

export function minDecimal(first: DecimalLike, ...rest: DecimalLike[]): DecimalString {
  let min = toUnits(first);
  for (const value of rest) {
    const units = toUnits(value);
    if (units < min) min = units;
  }
  return fromUnits(min);
}

export function maxDecimal(first: DecimalLike, ...rest: DecimalLike[]): DecimalString {
  let max = toUnits(first);
  for (const value of rest) {
    const units = toUnits(value);
    if (units > max) max = units;
  }
  return fromUnits(max);
}

/** floor(a / b) as an integer count (how many whole b fit in a); b must be > 0. */
export function floorDivideDecimal(a: DecimalLike, b: DecimalLike): number {
  return floorDivideUnits(toUnits(a), toUnits(b));
}

export function floorDivideUnits(a: bigint, b: bigint): number {
  if (b <= 0n) throw new RangeError("Divisor must be greater than 0");
  const q = a / b; // truncates toward zero
  const floored = a < 0n && q * b !== a ? q - 1n : q;
  return Number(floored);
}

// ───────────────────────────── merchant input ─────────────────────────────

export type QuantityErrorCode =
  | "QUANTITY_INVALID"
  | "QUANTITY_NEGATIVE"
  | "QUANTITY_ZERO"
  | "QUANTITY_TOO_PRECISE"
  | "QUANTITY_TOO_LARGE";

export type MoneyErrorCode = "MONEY_INVALID" | "MONEY_NEGATIVE" | "MONEY_TOO_PRECISE" | "MONEY_TOO_LARGE";

export type ParseResult<Code extends string> =
  | { ok: true; value: DecimalString }
  | { ok: false; code: Code; message: string };

export interface QuantityOptions {
  /** Default false: 0 is refused with QUANTITY_ZERO. */
  allowZero?: boolean;
  /** Default false: stock adjustments pass true. */
  allowNegative?: boolean;
  /** The field's name in messages, lower case ("quantity per kit"); default "quantity". */
  label?: string;
}

type Reading =
  | { kind: "ok"; units: bigint }
  | { kind: "invalid" | "too_precise" | "too_large" }
  | { kind: "empty" };

/**
 * Reads a merchant's number: "12", " 0.25 ", "+3", ".5", "1.50000" (trailing zeros are not
 * precision). A JSON number is accepted too. Refused: "", "1,5", "1 000", "1e3", "abc", NaN.
 */
function readMerchantNumber(input: unknown): Reading {
  let text: string;
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return { kind: "invalid" };
    text = String(input);
    if (/e/i.test(text)) {
      // 1e21 or 1e-7: JavaScript's own notation for very large or very small numbers.
      return Math.abs(input) >= 1 ? { kind: "too_large" } : { kind: "too_precise" };
    }
  } else if (typeof input === "string") {
    text = input.trim();
    if (text === "") return { kind: "empty" };
  } else if (input === null || input === undefined) {
    return { kind: "empty" };
  } else {
    return { kind: "invalid" };
  }
  const match = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match) return { kind: "invalid" };
  const [, sign, intPart = "", rawFraction = ""] = match;
  if (intPart === "" && rawFraction === "") return { kind: "invalid" };
  const fraction = rawFraction.replace(/0+$/, "");
  if (fraction.length > DECIMAL_PLACES) return { kind: "too_precise" };
  if (intPart.replace(/^0+/, "").length > MAX_INTEGER_DIGITS) return { kind: "too_large" };
  const units = BigInt(intPart || "0") * SCALE + BigInt(fraction.padEnd(DECIMAL_PLACES, "0"));
  return { kind: "ok", units: sign === "-" ? -units : units };
}

/** A quantity typed by a merchant, validated; the value is canonical ("0.25"). */
export function parseQuantity(input: unknown, options: QuantityOptions = {}): ParseResult<QuantityErrorCode> {
  const label = options.label ?? "quantity";
  const least = options.allowZero ? "0 or more" : "greater than 0";
  const reading = readMerchantNumber(input);
  switch (reading.kind) {
    case "empty":
      return { ok: false, code: "QUANTITY_INVALID", message: `Enter a ${label}.` };
    case "invalid":
      return {
        ok: false,
        code: "QUANTITY_INVALID",
        message: `Enter the ${label} as a number, like 12 or 0.25 (a dot for decimals, no thousands separators).`,
      };
    case "too_precise":
      return {
        ok: false,
        code: "QUANTITY_TOO_PRECISE",
        message: `Use at most ${DECIMAL_PLACES} decimal places for the ${label} (for example 0.0125).`,
      };
    case "too_large":
      return {
        ok: false,
        code: "QUANTITY_TOO_LARGE",
        message: `The ${label} is too large. Enter at most ${MAX_INTEGER_DIGITS} digits before the decimal point.`,
      };
  }
  const { units } = reading;
  if (units < 0n && !options.allowNegative) {
    return { ok: false, code: "QUANTITY_NEGATIVE", message: `The ${label} cannot be negative. Enter a number ${least}.` };
  }
  if (units === 0n && !options.allowZero) {
    return {
      ok: false,
      code: "QUANTITY_ZERO",
      message: options.allowNegative
        ? `The ${label} cannot be 0. Enter a positive number to add stock or a negative one to remove it.`
        : `Enter a ${label} greater than 0.`,
    };
  }
  return { ok: true, value: fromUnits(units) };
}

export interface MoneyOptions {
  /** Default false. Zero is always allowed (a free item). */
  allowNegative?: boolean;
  /** The field's name in messages ("price per unit"); default "amount". */
  label?: string;
}

/** An amount typed by a merchant (price, cost, fee), up to 4 decimal places. */
export function parseMoney(input: unknown, options: MoneyOptions = {}): ParseResult<MoneyErrorCode> {
  const label = options.label ?? "amount";
  const reading = readMerchantNumber(input);
  switch (reading.kind) {
    case "empty":
      return { ok: false, code: "MONEY_INVALID", message: `Enter the ${label}.` };
    case "invalid":
      return {
        ok: false,
        code: "MONEY_INVALID",
        message: `Enter the ${label} as a number, like 12 or 9.95 (a dot for decimals, no currency sign or thousands separators).`,
      };
    case "too_precise":
      return {
        ok: false,
        code: "MONEY_TOO_PRECISE",
        message: `Use at most ${DECIMAL_PLACES} decimal places for the ${label}.`,
      };
    case "too_large":
      return {
        ok: false,
        code: "MONEY_TOO_LARGE",
        message: `The ${label} is too large. Enter at most ${MAX_INTEGER_DIGITS} digits before the decimal point.`,
      };
  }
  if (reading.units < 0n && !options.allowNegative) {
    return { ok: false, code: "MONEY_NEGATIVE", message: `The ${label} cannot be negative. Enter 0 or more.` };
  }
  return { ok: true, value: fromUnits(reading.units) };
}
