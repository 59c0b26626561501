/**
 * The topics each webhook route serves, as shopify.app.toml subscribes them (a test holds the two
 * equal). `acceptWebhook` refuses a signed body delivered with a topic its route does not serve:
 * the topic header is not signed, and an orders/create body sent to the uninstall route must not
 * uninstall the store (docs/decisions/021-webhook-trust.md).
 */
export const WEBHOOK_ROUTE_TOPICS = {
  "/webhooks/app/uninstalled": ["app/uninstalled"],
  "/webhooks/locations": ["locations/create", "locations/update", "locations/delete", "locations/activate", "locations/deactivate"],
  "/webhooks/orders": ["orders/create", "orders/updated", "orders/edited", "orders/cancelled", "orders/delete"],
  "/webhooks/fulfillment-orders": ["fulfillment_orders/moved", "fulfillment_orders/placed_on_hold", "fulfillment_orders/hold_released"],
  "/webhooks/fulfillments": ["fulfillments/create", "fulfillments/update"],
  "/webhooks/returns": ["returns/approve", "returns/close", "refunds/create"],
  "/webhooks/compliance": ["customers/data_request", "customers/redact", "shop/redact"],
} as const satisfies Record<string, readonly string[]>;

export type WebhookRoute = keyof typeof WEBHOOK_ROUTE_TOPICS;
