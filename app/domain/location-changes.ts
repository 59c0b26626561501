/**
 * What changed between the Shopify locations Tenon knew and a fresh read from Shopify
 * (after a locations/* webhook): the activity log tells the merchant about each change.
 * Pure; the refresh itself is saveShopifyLocations.
 */

export interface KnownLocation {
  shopifyLocationId: string;
  name: string;
  /** Deactivated or deleted in Shopify (needs no mapping). */
  removed: boolean;
  /** The Tenon location it is mapped to, or null. */
  mappedLocationId: string | null;
}

export interface ReadLocation {
  id: string;
  name: string;
  isActive: boolean;
}

export type LocationChange =
  /** New in Shopify, or active again: it needs a mapping unless it kept its old one. */
  | { kind: "added"; shopifyLocationId: string; name: string; mappedLocationId: string | null }
  /** Deactivated or deleted in Shopify: it leaves the mapping table. */
  | { kind: "removed"; shopifyLocationId: string; name: string; deleted: boolean }
  | { kind: "renamed"; shopifyLocationId: string; name: string; previousName: string };

export function locationChanges(known: readonly KnownLocation[], read: readonly ReadLocation[]): LocationChange[] {
  const before = new Map(known.map((l) => [l.shopifyLocationId, l]));
  const seen = new Set<string>();
  const changes: LocationChange[] = [];
  for (const location of read) {
    seen.add(location.id);
    const previous = before.get(location.id);
    const wasActive = previous !== undefined && !previous.removed;
    if (location.isActive && !wasActive) {
      changes.push({ kind: "added", shopifyLocationId: location.id, name: location.name, mappedLocationId: previous?.mappedLocationId ?? null });
    } else if (!location.isActive && wasActive) {
      changes.push({ kind: "removed", shopifyLocationId: location.id, name: location.name, deleted: false });
    } else if (location.isActive && previous && previous.name !== location.name) {
      changes.push({ kind: "renamed", shopifyLocationId: location.id, name: location.name, previousName: previous.name });
    }
  }
  for (const previous of known) {
    if (!seen.has(previous.shopifyLocationId) && !previous.removed) {
      changes.push({ kind: "removed", shopifyLocationId: previous.shopifyLocationId, name: previous.name, deleted: true });
    }
  }
  return changes;
}

/** What the activity log says about one change, in the merchant's words. */
export function describeLocationChange(change: LocationChange, tenonLocationName?: string | null): string {
  switch (change.kind) {
    case "added":
      return change.mappedLocationId && tenonLocationName
        ? `Shopify location "${change.name}" is active again and keeps its mapping to Tenon location "${tenonLocationName}".`
        : `Shopify location "${change.name}" was added. The store is Disabled until you map it to a Tenon location on the Inventory tab.`;
    case "removed":
      return change.deleted
        ? `Shopify location "${change.name}" was deleted in Shopify. It no longer needs a mapping and left the mapping table.`
        : `Shopify location "${change.name}" was deactivated in Shopify. It no longer needs a mapping and left the mapping table.`;
    case "renamed":
      return `Shopify location "${change.previousName}" was renamed to "${change.name}".`;
  }
}
