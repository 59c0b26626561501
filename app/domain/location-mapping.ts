/**
 * Tenon locations that several Shopify locations of one store feed: each of those Shopify
 * locations receives the same quantity, which the Inventory tab says beside them.
 */
export function sharedTargets(mappings: readonly { mappedLocationId: string | null; removed: boolean }[]): Set<string> {
  const counts = new Map<string, number>();
  for (const m of mappings) {
    if (m.mappedLocationId && !m.removed) counts.set(m.mappedLocationId, (counts.get(m.mappedLocationId) ?? 0) + 1);
  }
  return new Set([...counts].filter(([, n]) => n > 1).map(([id]) => id));
}

/** The one next step the store page suggests, on the way from installed to Sync active. */
export type NextStep = "connect" | "map_locations" | "import_products" | "activate" | null;

export function nextStep(input: {
  state: "not_connected" | "disabled" | "sync_inactive" | "sync_active";
  productsImported: boolean;
}): NextStep {
  switch (input.state) {
    case "not_connected":
      return "connect";
    case "disabled":
      return "map_locations";
    case "sync_inactive":
      return input.productsImported ? "activate" : "import_products";
    case "sync_active":
      return null;
  }
}
