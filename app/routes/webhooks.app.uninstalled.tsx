import type { ActionFunctionArgs } from "@remix-run/node";
import { recordUninstall } from "~/services/stores/connections.server";
import { WEBHOOK_ROUTE_TOPICS } from "~/shopify/webhook-topics";
import { acceptWebhook } from "~/server/webhooks.server";

export const action = async ({ request }: ActionFunctionArgs) =>
  acceptWebhook(request, WEBHOOK_ROUTE_TOPICS["/webhooks/app/uninstalled"], async (tx, webhook) => {
    await recordUninstall(tx, webhook.shopDomain, new Date());
  });
