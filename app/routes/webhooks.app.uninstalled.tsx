import type { ActionFunctionArgs } from "@remix-run/node";
import { recordUninstall } from "~/services/connections.server";
import { acceptWebhook } from "~/shopify/webhooks.server";

export const action = async ({ request }: ActionFunctionArgs) =>
  acceptWebhook(request, async (tx, webhook) => {
    await recordUninstall(tx, webhook.shopDomain, new Date());
  });
