import { describe, expect, it } from "vitest";
import { calendarDay, checkMovementDate, checkMovementDateChange, closingDay } from "./locked-period";

const closing = "2026-03-31";

describe("checkMovementDate", () => {
  it("allows everything when no period is locked", () => {
    expect(checkMovementDate(new Date("2000-01-01T00:00:00Z"), null)).toEqual({ ok: true });
    expect(checkMovementDate(new Date("2000-01-01T00:00:00Z"), undefined)).toEqual({ ok: true });
  });

  it("refuses a movement dated before the closing date", () => {
    const result = checkMovementDate(new Date("2026-03-01T12:00:00Z"), closing);
    expect(result).toMatchObject({ ok: false, code: "PERIOD_LOCKED", closingDate: closing });
  });

  it("refuses a movement on the closing date itself, at any time of that day", () => {
    expect(checkMovementDate(new Date("2026-03-31T00:00:00Z"), closing).ok).toBe(false);
    expect(checkMovementDate(new Date("2026-03-31T23:59:59.999Z"), closing).ok).toBe(false);
  });

  it("allows a movement on the day after the closing date", () => {
    expect(checkMovementDate(new Date("2026-04-01T00:00:00Z"), closing)).toEqual({ ok: true });
  });

  it.each([
    ["create", "cannot be recorded"],
    ["edit", "cannot be changed"],
    ["delete", "cannot be deleted"],
  ] as const)("refuses %s with a message saying what to do", (action, phrase) => {
    const result = checkMovementDate(new Date("2026-03-15T09:00:00Z"), closing, { action, subject: "this delivery" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain(`This delivery dated 2026-03-15 ${phrase}`);
    expect(result.message).toContain("locked up to and including 2026-03-31");
    expect(result.message).toContain("Use a later date");
  });

  it("reads the movement's day in the account's time zone", () => {
    // 23:30 UTC on the closing day is already 1 April in Berlin...
    const lateEvening = new Date("2026-03-31T23:30:00Z");
    expect(checkMovementDate(lateEvening, closing).ok).toBe(false);
    expect(checkMovementDate(lateEvening, closing, { timeZone: "Europe/Berlin" }).ok).toBe(true);
    // ...and 03:00 UTC on 1 April is still 31 March in New York.
    const earlyMorning = new Date("2026-04-01T03:00:00Z");
    expect(checkMovementDate(earlyMorning, closing).ok).toBe(true);
    expect(checkMovementDate(earlyMorning, closing, { timeZone: "America/New_York" }).ok).toBe(false);
  });

  it("accepts the closing date as a Date read as its UTC day", () => {
    const closingAsDate = new Date("2026-03-31T00:00:00Z");
    expect(checkMovementDate(new Date("2026-03-31T10:00:00Z"), closingAsDate).ok).toBe(false);
    expect(checkMovementDate(new Date("2026-04-01T10:00:00Z"), closingAsDate).ok).toBe(true);
  });

  it("throws on a malformed closing date or movement date (bugs, not merchant input)", () => {
    expect(() => checkMovementDate(new Date("2026-04-01"), "31/03/2026")).toThrow(RangeError);
    expect(() => checkMovementDate(new Date("nonsense"), closing)).toThrow(RangeError);
  });
});

describe("checkMovementDateChange", () => {
  it("allows moving a date within the open period", () => {
    expect(checkMovementDateChange(new Date("2026-04-02"), new Date("2026-04-05"), closing)).toEqual({ ok: true });
  });

  it("refuses moving a movement out of the locked period", () => {
    const result = checkMovementDateChange(new Date("2026-03-02"), new Date("2026-04-05"), closing);
    expect(result).toMatchObject({ ok: false, code: "PERIOD_LOCKED" });
    if (!result.ok) expect(result.message).toContain("cannot be changed");
  });

  it("refuses moving a movement into the locked period", () => {
    const result = checkMovementDateChange(new Date("2026-04-02"), new Date("2026-03-05"), closing);
    expect(result).toMatchObject({ ok: false, code: "PERIOD_LOCKED" });
    if (!result.ok) expect(result.message).toContain("dated 2026-03-05");
  });
});

describe("days", () => {
  it("formats calendar days and closing days", () => {
    expect(calendarDay(new Date("2026-01-05T10:00:00Z"))).toBe("2026-01-05");
    expect(calendarDay(new Date("2026-01-05T23:00:00Z"), "Asia/Tokyo")).toBe("2026-01-06");
    expect(closingDay("2026-12-31")).toBe("2026-12-31");
    expect(closingDay(new Date("2026-12-31T00:00:00Z"))).toBe("2026-12-31");
  });
});
