import type { z } from "zod";

/**
 * What every service returns: a value, or a code the caller maps to a response (a route shows
 * the message, beside the field when `fieldErrors` names one; a job decides retry or give up).
 */
export type Failure<Code extends string = string> = {
  ok: false;
  code: Code;
  message: string;
  fieldErrors?: Record<string, string>;
};

export type Result<T, Code extends string = string> = { ok: true; value: T } | Failure<Code>;

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export function fail<Code extends string>(code: Code, message: string, fieldErrors?: Record<string, string>): Failure<Code> {
  return fieldErrors ? { ok: false, code, message, fieldErrors } : { ok: false, code, message };
}

/** A zod failure as field-level errors: the first message per field. */
export function invalidInput(error: z.ZodError): Failure<"INPUT_INVALID"> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.join(".") || "form";
    fieldErrors[field] ??= issue.message;
  }
  return fail("INPUT_INVALID", "Some fields need attention.", fieldErrors);
}

/**
 * The next free document number (SO-0001, MO-0001, …): one past the count, skipping numbers a
 * deleted or hand-numbered document still holds.
 */
export async function nextDocumentNumber(prefix: string, count: number, taken: (number: string) => Promise<boolean>): Promise<string> {
  for (let n = count + 1; ; n++) {
    const number = `${prefix}-${String(n).padStart(4, "0")}`;
    if (!(await taken(number))) return number;
  }
}
