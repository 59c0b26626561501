/**
 * Locked inventory periods (issue 5): the merchant closes the books up to a closing date, and
 * from then on no stock movement dated on or before that date can be created, edited or deleted.
 *
 * The closing date is a calendar day, inclusive. A movement's date is an instant; it is read as
 * a calendar day in the account's time zone (default UTC): 23:30 UTC on the closing day is locked
 * for a UTC account but is already the next (open) day for an account in Berlin.
 */

export type MovementAction = "create" | "edit" | "delete";

export type PeriodCheck = { ok: true } | { ok: false; code: "PERIOD_LOCKED"; closingDate: string; message: string };

/** "YYYY-MM-DD", or a Date read as its UTC calendar day (how a date-only column comes back). */
export type ClosingDate = string | Date;

export interface PeriodOptions {
  action?: MovementAction;
  /** IANA time zone of the account, e.g. "Europe/Berlin"; default "UTC". */
  timeZone?: string;
  /** What is being changed, for the message: "this delivery", "the manufacturing order". */
  subject?: string;
}

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar day ("YYYY-MM-DD") of an instant in a time zone. */
export function calendarDay(instant: Date, timeZone = "UTC"): string {
  if (Number.isNaN(instant.getTime())) throw new RangeError("Invalid date");
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

export function closingDay(closingDate: ClosingDate): string {
  if (typeof closingDate === "string") {
    if (!dayPattern.test(closingDate)) throw new RangeError(`Closing date must be YYYY-MM-DD, got "${closingDate}"`);
    return closingDate;
  }
  return calendarDay(closingDate, "UTC");
}

const verbs: Record<MovementAction, string> = { create: "recorded", edit: "changed", delete: "deleted" };

/**
 * Whether a movement dated `date` may be created, edited or deleted. `closingDate` null means no
 * period is locked.
 */
export function checkMovementDate(
  date: Date,
  closingDate: ClosingDate | null | undefined,
  options: PeriodOptions = {},
): PeriodCheck {
  if (closingDate === null || closingDate === undefined) return { ok: true };
  const closing = closingDay(closingDate);
  const day = calendarDay(date, options.timeZone);
  if (day > closing) return { ok: true };
  const subject = options.subject ?? "A stock movement";
  const verb = verbs[options.action ?? "create"];
  return {
    ok: false,
    code: "PERIOD_LOCKED",
    closingDate: closing,
    message: `${capitalize(subject)} dated ${day} cannot be ${verb}: inventory is locked up to and including ${closing}. Use a later date, or move the closing date back in Settings if the books allow it.`,
  };
}

/** Editing a movement's date needs both the old and the new date outside the locked period. */
export function checkMovementDateChange(
  from: Date,
  to: Date,
  closingDate: ClosingDate | null | undefined,
  options: Omit<PeriodOptions, "action"> = {},
): PeriodCheck {
  const before = checkMovementDate(from, closingDate, { ...options, action: "edit" });
  if (!before.ok) return before;
  return checkMovementDate(to, closingDate, { ...options, action: "create" });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
