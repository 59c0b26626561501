import type { ActionFunctionArgs } from "@remix-run/node";
import { jobScheduler } from "~/jobs/order-kinds.server";
import { intakeOrderWebhook } from "~/sync/orders/order-sync.server";
import { WEBHOOK_ROUTE_TOPICS } from "~/shopify/webhook-topics";
import { acceptWebhook } from "~/server/webhooks.server";

/**
 * orders/create|updated|edited|cancelled|delete (shopify.app.toml): HMAC checked, the event
 * stored once per Event-Id with one `order.sync` job for the order, then 200. The job reads the
 * order from the Admin API, so the payload's age or order of arrival does not matter
 * (docs/decisions/013).
 */
export const action = async ({ request }: ActionFunctionArgs) =>
  acceptWebhook(request, WEBHOOK_ROUTE_TOPICS["/webhooks/orders"], async (tx, webhook, inbox) => {
    await intakeOrderWebhook(tx, webhook, inbox, jobScheduler.order);
  });
