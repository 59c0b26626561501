/**
 * Relay-style connections as the Admin API serves them: `edges { cursor node }`, `nodes`,
 * `pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`, `first`/`last` up to 250,
 * opaque cursors.
 */
import { AdminApiError } from "./errors";

export const MAX_PAGE_SIZE = 250;

/**
 * Bulk operations read connections without page limits (`first`, `after` … are ignored, as
 * Shopify ignores them in a bulk query). Execution is synchronous, so a module-level mode set
 * around one `execute` call cannot leak into another request. "probe" pages one item per
 * connection (the bulk query's check at creation).
 */
let bulkMode: "off" | "all" | "probe" = "off";

export function withBulkConnections<T>(mode: "all" | "probe", fn: () => T): T {
  const previous = bulkMode;
  bulkMode = mode;
  try {
    return fn();
  } finally {
    bulkMode = previous;
  }
}

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** Opaque like Shopify's (base64 JSON with the last id); only this module reads it. */
function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ last_id: id, last_value: String(id) })).toString("base64url");
}

function decodeCursor(cursor: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { last_id?: unknown };
    if (typeof parsed.last_id === "number") return parsed.last_id;
  } catch {
    // fall through
  }
  throw new AdminApiError(`Invalid cursor: ${cursor}`, "BAD_REQUEST");
}

/**
 * Pages an already filtered and sorted list. `reverse` reverses the underlying order before
 * paging, as Shopify's `reverse` argument does.
 */
export function paginate<T extends { id: number }>(items: readonly T[], args: ConnectionArgs, fieldName: string): Connection<T> {
  if (bulkMode !== "off") {
    const ordered = args.reverse ? [...items].reverse() : items;
    const page = bulkMode === "probe" ? ordered.slice(0, 1) : ordered;
    const connection = { nodes: page as T[], pageInfo: { hasPreviousPage: false, hasNextPage: false, startCursor: null, endCursor: null } };
    // Cursors only when asked for: a bulk export of 100,000 variants should not encode 100,000 of them.
    Object.defineProperty(connection, "edges", { enumerable: true, get: () => page.map((node) => ({ cursor: encodeCursor(node.id), node })) });
    return connection as Connection<T>;
  }
  const { first, last, after, before } = args;
  if ((first === undefined || first === null) && (last === undefined || last === null)) {
    throw new AdminApiError("you must provide one of first or last", "BAD_REQUEST", { field: fieldName });
  }
  for (const [name, value] of [["first", first], ["last", last]] as const) {
    if (value !== undefined && value !== null && (value < 0 || value > MAX_PAGE_SIZE)) {
      throw new AdminApiError(
        `Argument '${name}' on field '${fieldName}' must be between 0 and ${MAX_PAGE_SIZE}, got ${value}`,
        "BAD_REQUEST",
      );
    }
  }
  const ordered = args.reverse ? [...items].reverse() : [...items];
  let start = 0;
  let end = ordered.length;
  if (after) {
    const id = decodeCursor(after);
    const index = ordered.findIndex((item) => item.id === id);
    if (index === -1) throw new AdminApiError(`Invalid cursor: ${after}`, "BAD_REQUEST");
    start = index + 1;
  }
  if (before) {
    const id = decodeCursor(before);
    const index = ordered.findIndex((item) => item.id === id);
    if (index === -1) throw new AdminApiError(`Invalid cursor: ${before}`, "BAD_REQUEST");
    end = Math.min(end, index);
  }
  if (first !== undefined && first !== null) end = Math.min(end, start + first);
  if (last !== undefined && last !== null) start = Math.max(start, end - last);
  const page = start < end ? ordered.slice(start, end) : [];
  const edges = page.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    nodes: page,
    pageInfo: {
      hasPreviousPage: start > 0,
      hasNextPage: end < ordered.length,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** Shopify's `Count` object. */
export function count(n: number, limit: number | null | undefined = 10_000) {
  const cap = limit ?? null;
  return cap !== null && n > cap ? { count: cap, precision: "AT_LEAST" } : { count: n, precision: "EXACT" };
}
