/**
 * Shopify global ids: `gid://shopify/{Type}/{number}`, optionally with a query string
 * (`gid://shopify/InventoryLevel/123?inventory_item_id=456`).
 */
import { AdminApiError } from "./errors";

export function gid(type: string, id: number, query?: Record<string, string | number>): string {
  const suffix = query ? `?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString()}` : "";
  return `gid://shopify/${type}/${id}${suffix}`;
}

export interface ParsedGid {
  type: string;
  id: number;
  params: URLSearchParams;
}

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?(.*))?$/;

export function parseGid(value: string): ParsedGid | null {
  const match = GID.exec(value);
  if (!match) return null;
  return { type: match[1]!, id: Number(match[2]), params: new URLSearchParams(match[3] ?? "") };
}

/**
 * The numeric id of a global id of the expected type, for arguments such as `location(id:)`.
 * A malformed id is an error in Shopify ("Invalid id: …"); a well-formed id of another type
 * simply finds nothing.
 */
export function idArgument(value: string, expectedType: string): number | null {
  const parsed = parseGid(value);
  if (!parsed) throw new AdminApiError(`Invalid id: ${value}`, "RESOURCE_NOT_FOUND");
  return parsed.type === expectedType ? parsed.id : null;
}
