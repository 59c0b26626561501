import type { ActionFunctionArgs } from "@remix-run/node";
import { enqueue } from "~/jobs/index.server";
import { acceptLocationWebhook } from "~/sync/locations/location-refresh.server";
import { WEBHOOK_ROUTE_TOPICS } from "~/shopify/webhook-topics";
import { acceptWebhook } from "~/server/webhooks.server";

/**
 * locations/create, update, delete, activate, deactivate (shopify.app.toml): logged, and the
 * store's locations are read again by the store.read_locations job. Unknown or disconnected
 * stores are acknowledged and ignored.
 */
export const action = async ({ request }: ActionFunctionArgs) =>
  acceptWebhook(request, WEBHOOK_ROUTE_TOPICS["/webhooks/locations"], async (tx, webhook, inbox) => {
    await acceptLocationWebhook(
      tx,
      { storeId: inbox.storeId, topic: webhook.topic, payload: webhook.payload, now: new Date() },
      (tx, shopDomain) => enqueue(tx, "store.read_locations", { shopDomain }),
    );
  });
