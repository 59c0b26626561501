/**
 * A small CSV writer for the inventory and sales-order exports (RFC 4180).
 *
 * - Fields are separated by commas, records end with CRLF (also the last one).
 * - A field containing a comma, a double quote, CR or LF is quoted; inner quotes are doubled.
 * - Formula injection (OWASP "CSV injection"): a text cell starting with =, +, -, @, tab or CR
 *   would run as a formula in Excel or Sheets, so it gets a leading single quote. Plain numbers
 *   ("-3.5", "+2", JavaScript numbers) are left alone: they cannot be formulas, and a negative
 *   stock level must stay a number in the spreadsheet.
 * - null and undefined are empty cells; booleans are "true"/"false"; Dates are ISO 8601 (UTC).
 *
 * For large exports, write `csvHeader` then one `csvRecord` per row to a stream.
 */

export type CsvValue = string | number | bigint | boolean | Date | null | undefined;

export interface CsvColumn<T> {
  header: string;
  value: (record: T) => CsvValue;
}

export interface CsvOptions {
  /** Start with a UTF-8 byte order mark so Excel reads accents right; default false. */
  byteOrderMark?: boolean;
}

const formulaStart = /^[=+\-@\t\r]/;
const plainNumber = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const needsQuotes = /[",\r\n]/;

/** One cell, escaped and guarded. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return "";
    return String(value);
  }
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  let text = value instanceof Date ? value.toISOString() : value;
  if (formulaStart.test(text) && !plainNumber.test(text)) text = `'${text}`;
  return needsQuotes.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record with its CRLF. */
export function csvRecord(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

export function csvHeader<T>(columns: readonly CsvColumn<T>[], options: CsvOptions = {}): string {
  return (options.byteOrderMark ? "\uFEFF" : "") + csvRecord(columns.map((c) => c.header));
}

/** A whole document: header then one record per item. */
export function toCsv<T>(columns: readonly CsvColumn<T>[], records: Iterable<T>, options: CsvOptions = {}): string {
  const parts = [csvHeader(columns, options)];
  for (const record of records) parts.push(csvRecord(columns.map((c) => c.value(record))));
  return parts.join("");
}
