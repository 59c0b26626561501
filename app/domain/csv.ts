/**
 * A small CSV writer for the inventory and sales-order exports (RFC 4180).
 *
 * - Fields are separated by commas, records end with CRLF (also the last one).
 * - A field containing a comma, a double quote, CR or LF is quoted; inner quotes are doubled.
 * - Formula injection (OWASP "CSV injection", ASVS 1.2.10): a text cell starting with =, +, -,
 *   @, tab, CR or NUL (after any spaces) would run as a formula in Excel or Sheets, so it gets a
 *   leading single quote. Plain numbers ("-3.5", "+2", JavaScript numbers) are left alone: they
 *   cannot be formulas, and a negative stock level must stay a number in the spreadsheet.
 * - The separator is the reader's, not ours: Excel in a locale whose list separator is ";"
 *   (de-DE, fr-FR, …) splits "a;=1+2" into "a" and a formula, and a tab-delimited import splits
 *   on tabs. So a cell containing ",", ";" or a tab is always quoted (a quote-aware reader keeps
 *   it whole, whatever its separator), and every part that such a separator (or a line break)
 *   could make the start of a field is guarded like a whole cell, so that a reader that ignores
 *   quotes still finds no formula.
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

const formulaStart = /^ *[=+\-@\t\r\0]/;
const plainNumber = /^ *[+-]?(\d+\.?\d*|\.\d+)$/;
const needsQuotes = /[",;\t\r\n]/;
/** A separator some reader may split on (list or line), and the part after it up to the next one. */
const separatedPart = /([,;\t\r\n])([^,;\t\r\n]*)/g;

/** A whole cell that would start a formula (and is not a plain number) gets a leading quote. */
function guardCell(cell: string): string {
  return formulaStart.test(cell) && !plainNumber.test(cell) ? `'${cell}` : cell;
}

/**
 * A part after a separator is guarded even when it looks like a plain number: to a reader that
 * splits there, the field runs on into the closing quote and the next cells ("+1\",…").
 */
function guardPart(part: string): string {
  return formulaStart.test(part) ? `'${part}` : part;
}

/** One cell, escaped and guarded. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return "";
    return String(value);
  }
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  const raw = value instanceof Date ? value.toISOString() : value;
  const text = guardCell(raw).replace(separatedPart, (_, separator: string, part: string) => separator + guardPart(part));
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
