/**
 * Webhook payloads in Shopify's REST shapes, for the pinned API version. Each validates against
 * the JSON Schema of its topic in npm `shopify-webhook-schemas` (2026-07); a test checks every
 * topic the emulator sends.
 */
import type { Emitted } from "./commerce";
import type { InventoryLevelRecord, ShopState } from "./state";

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

export function inventoryLevelPayload(level: InventoryLevelRecord) {
  return {
    inventory_item_id: level.inventoryItemId,
    location_id: level.locationId,
    available: level.quantities.available,
    updated_at: iso(level.updatedAt),
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${level.id}?inventory_item_id=${level.inventoryItemId}`,
  };
}

export function webhookPayload(shop: ShopState, event: Emitted): unknown {
  switch (event.topic) {
    case "inventory_levels/update":
      return inventoryLevelPayload(event.subject as InventoryLevelRecord);
    default:
      throw new Error(`The emulator has no payload for ${event.topic} (shop ${shop.domain})`);
  }
}
