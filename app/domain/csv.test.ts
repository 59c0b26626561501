import { describe, expect, it } from "vitest";
import { csvCell, csvHeader, csvRecord, toCsv, type CsvColumn } from "./csv";

describe("csvCell", () => {
  it.each([
    ["plain", "plain"],
    ["", ""],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["cr\rhere", '"cr\rhere"'],
    ["crlf\r\nhere", '"crlf\r\nhere"'],
    ['"', '""""'],
    ["Müller & Söhne", "Müller & Söhne"],
    [" padded ", " padded "],
  ])("writes %j as %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it.each([
    ["=SUM(A1:A2)", "'=SUM(A1:A2)"],
    ["+cmd", "'+cmd"],
    ["-2+3", "'-2+3"],
    ["@SUM(1)", "'@SUM(1)"],
    ["\tx", `"'\tx"`],
    ["  =1+2", "'  =1+2"],
    ["\0=1", "'\0=1"],
    ['=HYPERLINK("http://x","a,b")', `"'=HYPERLINK(""http://x"",""a,b"")"`],
    ["\r=1", `"'\r'=1"`],
  ])("guards the formula %j as %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it.each([
    ["a;=1+2", `"a;'=1+2"`],
    ["Oak;+cmd;@SUM(1)", `"Oak;'+cmd;'@SUM(1)"`],
    ["a, =HYPERLINK(1)", `"a,' =HYPERLINK(1)"`],
    ["a\t-2+3", `"a\t'-2+3"`],
    ["a;;=1", `"a;;'=1"`],
    ["two\n=1+2", `"two\n'=1+2"`],
    ["=1;=2", `"'=1;'=2"`],
    ["Size 10;-2", `"Size 10;'-2"`],
    ["x\t+1", `"x\t'+1"`],
  ])("guards %j, which a ; , or tab separator could split into a formula, as %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it.each([
    ["1,5", '"1,5"'],
    ["Oak, 45 cm", '"Oak, 45 cm"'],
    ["a;b", '"a;b"'],
  ])("quotes %j, which holds a separator, and leaves its plain parts alone: %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it.each([["-3.5"], ["+2"], ["-0.0001"], ["-7"], ["12"], ["-.5"]])("leaves the plain number %j alone", (value) => {
    expect(csvCell(value)).toBe(value);
  });

  it("writes other types", () => {
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(-3.5)).toBe("-3.5");
    expect(csvCell(0)).toBe("0");
    expect(csvCell(Number.NaN)).toBe("");
    expect(csvCell(12n)).toBe("12");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(new Date("2026-04-10T10:00:00Z"))).toBe("2026-04-10T10:00:00.000Z");
  });
});

describe("records and documents", () => {
  interface Level {
    code: string;
    location: string;
    inStock: string;
    available: string;
  }
  const columns: CsvColumn<Level>[] = [
    { header: "Variant code", value: (l) => l.code },
    { header: "Location", value: (l) => l.location },
    { header: "In stock", value: (l) => l.inStock },
    { header: "Available", value: (l) => l.available },
  ];

  it("ends every record with CRLF", () => {
    expect(csvRecord(["a", 1, null])).toBe("a,1,\r\n");
    expect(csvRecord([])).toBe("\r\n");
  });

  it("writes a header and one record per item", () => {
    const csv = toCsv(columns, [
      { code: "SOAP-1", location: "Workshop, Leipzig", inStock: "12.5", available: "-2" },
      { code: "=cmd|' /C calc'!A0", location: 'The "Stall"', inStock: "0", available: "0" },
    ]);
    expect(csv).toBe(
      "Variant code,Location,In stock,Available\r\n" +
        'SOAP-1,"Workshop, Leipzig",12.5,-2\r\n' +
        "'=cmd|' /C calc'!A0,\"The \"\"Stall\"\"\",0,0\r\n",
    );
  });

  it("writes just the header for no items, with an optional byte order mark", () => {
    expect(toCsv(columns, [])).toBe("Variant code,Location,In stock,Available\r\n");
    expect(toCsv(columns, [], { byteOrderMark: true }).startsWith("\uFEFFVariant code")).toBe(true);
    expect(csvHeader(columns)).toBe("Variant code,Location,In stock,Available\r\n");
  });

  it("round-trips through a simple RFC 4180 reader", () => {
    const tricky = ['a,"b"', "line\r\nbreak", "=1+1", "-5", "", "plain"];
    const csv = toCsv(
      tricky.map((_, i) => ({ header: `c${i}`, value: (r: string[]) => r[i] })),
      [tricky],
    );
    const parsed = parseCsv(csv);
    expect(parsed[1]).toEqual(['a,"b"', "line\r\nbreak", "'=1+1", "-5", "", "plain"]);
  });

  // What a spreadsheet reads, whatever its list separator, and even if it ignores quotes.
  const hostile = ["a;=1+2", "x,=cmd|' /C calc'!A0", "@SUM(1);b", "ok\t+1", "-2", "p;q", "y;\r\n=2", " -1+1", "=A1;-3"];
  const formulaField = (field: string) => /^ *[=+\-@\t\r\0]/.test(field) && !/^ *[+-]?(\d+\.?\d*|\.\d+)$/.test(field);

  it.each([",", ";", "\t"])("no field read with the separator %j starts a formula", (separator) => {
    const csv = toCsv(
      hostile.map((_, i) => ({ header: `c${i}`, value: (r: string[]) => r[i] })),
      [hostile],
    );
    const fields = parseCsv(csv, separator).flat();
    expect(fields.filter(formulaField)).toEqual([]);
    const naive = csv.split(/\r\n|\r|\n/).flatMap((line) => line.split(separator));
    expect(naive.filter(formulaField)).toEqual([]);
  });

  it("a comma reader gets every cell back as written, but for the guarding quotes", () => {
    const csv = toCsv(
      hostile.map((_, i) => ({ header: `c${i}`, value: (r: string[]) => r[i] })),
      [hostile],
    );
    const unguarded = (field: string) => field.replace(/(^|[,;\t\r\n])'/g, "$1");
    expect(parseCsv(csv, ",")[1]!.map(unguarded)).toEqual(hostile);
  });
});

/** A minimal RFC 4180 reader with a chosen separator (a spreadsheet's list separator), for the tests. */
function parseCsv(text: string, separator = ","): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      record.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += ch;
  }
  return records;
}
