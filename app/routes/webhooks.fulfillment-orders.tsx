import type { ActionFunctionArgs } from "@remix-run/node";
import { enqueue } from "~/jobs/index.server";
import { intakeFulfillmentOrderWebhook } from "~/sync/orders/order-sync.server";
import { WEBHOOK_ROUTE_TOPICS } from "~/shopify/webhook-topics";
import { acceptWebhook } from "~/server/webhooks.server";

/**
 * fulfillment_orders/moved|placed_on_hold|hold_released (shopify.app.toml): a fulfillment order
 * changed location, or was held or released. The event is stored with one job that finds the
 * fulfillment order's order and syncs it: rows follow the new location (Orders tab setting), an
 * order whose hold was released is imported (docs/decisions/013).
 */
export const action = async ({ request }: ActionFunctionArgs) =>
  acceptWebhook(request, WEBHOOK_ROUTE_TOPICS["/webhooks/fulfillment-orders"], async (tx, webhook, inbox) => {
    await intakeFulfillmentOrderWebhook(tx, webhook, inbox, (t, payload) => enqueue(t, "order.of_fulfillment_order", payload));
  });
