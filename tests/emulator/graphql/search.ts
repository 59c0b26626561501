/**
 * A subset of Shopify's search syntax for the `query:` argument of connections:
 *   sku:OAK-STOOL-45   title:"oak stool"   -status:archived   id:>=1000   sku:OAK*   a OR b
 * Terms are ANDed unless joined by OR (AND binds tighter). Parentheses are not supported.
 *
 * A filter field the emulator does not know is an error naming it, not ignored: Shopify ignores
 * unknown fields with only a warning, and silently unfiltered results would make a test pass
 * for the wrong reason.
 */
import { AdminApiError, NotImplementedError } from "./errors";

export type Comparator = ":" | ">" | ">=" | "<" | "<=";

export interface SearchTerm {
  field: string | null;
  comparator: Comparator;
  value: string;
  negated: boolean;
}

/** Disjunction of conjunctions. */
export type SearchQuery = SearchTerm[][];

export function parseSearchQuery(query: string): SearchQuery {
  const tokens = tokenize(query);
  const groups: SearchTerm[][] = [[]];
  let negateNext = false;
  for (const token of tokens) {
    if (token === "AND") continue;
    if (token === "OR") {
      groups.push([]);
      continue;
    }
    if (token === "NOT") {
      negateNext = true;
      continue;
    }
    let text = token;
    let negated = negateNext;
    negateNext = false;
    if (text.startsWith("-") && text.length > 1) {
      negated = !negated;
      text = text.slice(1);
    }
    const match = /^([a-z_][a-z0-9_.]*):(>=|<=|>|<)?(.*)$/i.exec(text);
    const term: SearchTerm = match
      ? { field: match[1]!.toLowerCase(), comparator: (match[2] as Comparator | undefined) ?? ":", value: unquote(match[3]!), negated }
      : { field: null, comparator: ":", value: unquote(text), negated };
    groups[groups.length - 1]!.push(term);
  }
  return groups.filter((g) => g.length > 0);
}

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let quoted = false;
  for (const char of query) {
    if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (!quoted && /\s/.test(char)) {
      if (current) tokens.push(current);
      current = "";
    } else if (!quoted && (char === "(" || char === ")")) {
      throw new NotImplementedError("Parentheses in search queries");
    } else {
      current += char;
    }
  }
  if (quoted) throw new AdminApiError(`Unterminated quote in query: ${query}`, "BAD_REQUEST");
  if (current) tokens.push(current);
  return tokens;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

export type FieldMatcher<T> = (item: T, term: SearchTerm) => boolean;

/**
 * Filters items by a query. `fields` maps each supported filter name to a matcher; the `default`
 * entry handles bare words.
 */
export function applySearch<T>(
  items: readonly T[],
  query: string | null | undefined,
  resource: string,
  fields: Record<string, FieldMatcher<T>>,
): T[] {
  if (!query || !query.trim()) return [...items];
  const parsed = parseSearchQuery(query);
  for (const term of parsed.flat()) {
    const name = term.field ?? "default";
    if (!fields[name]) {
      throw new NotImplementedError(`Search filter '${name}' on ${resource}`, `supported: ${Object.keys(fields).join(", ")}`);
    }
  }
  return items.filter((item) =>
    parsed.some((group) =>
      group.every((term) => {
        const matched = fields[term.field ?? "default"]!(item, term);
        return term.negated ? !matched : matched;
      }),
    ),
  );
}

// Matchers for the common field kinds.

/** Whole-value match, case-insensitive; a trailing `*` makes it a prefix match. */
export function exact(actual: string | null | undefined, term: SearchTerm): boolean {
  if (actual === null || actual === undefined) return false;
  const a = actual.toLowerCase();
  const v = term.value.toLowerCase();
  return v.endsWith("*") ? a.startsWith(v.slice(0, -1)) : a === v;
}

/** Text search as on titles: every word of the value starts a word of the field. */
export function words(actual: string | null | undefined, term: SearchTerm): boolean {
  if (!actual) return false;
  const haystack = actual.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return term.value
    .toLowerCase()
    .replace(/\*$/, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .every((word) => haystack.some((h) => h.startsWith(word)));
}

export function numeric(actual: number, term: SearchTerm): boolean {
  const value = Number(term.value);
  if (!Number.isFinite(value)) throw new AdminApiError(`'${term.value}' is not a number`, "BAD_REQUEST");
  return compare(actual, value, term.comparator);
}

export function date(actual: Date | null, term: SearchTerm): boolean {
  if (!actual) return false;
  const value = Date.parse(term.value.replace(/^'|'$/g, ""));
  if (Number.isNaN(value)) throw new AdminApiError(`'${term.value}' is not a date`, "BAD_REQUEST");
  return compare(actual.getTime(), value, term.comparator);
}

export function bool(actual: boolean, term: SearchTerm): boolean {
  return actual === (term.value.toLowerCase() === "true");
}

/** Ids in filters are numbers (`id:>=1000`, `product_id:123`); a global id's number is taken too. */
export function idMatch(actual: number, term: SearchTerm): boolean {
  const raw = term.value.replace(/^gid:\/\/shopify\/[A-Za-z]+\//, "");
  return numeric(actual, { ...term, value: raw });
}

function compare(a: number, b: number, comparator: Comparator): boolean {
  switch (comparator) {
    case ":":
      return a === b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
  }
}
