import type { ActionFunctionArgs } from "@remix-run/node";
import { enqueue } from "~/jobs/index.server";
import { fulfillmentFlow, orderSerialKey } from "~/sync/fulfillments/fulfillment-sync.server";
import { WEBHOOK_ROUTE_TOPICS } from "~/shopify/webhook-topics";
import { acceptWebhook } from "~/server/webhooks.server";

// returns/approve, returns/close and refunds/create (a processed return refunds and restocks):
// the order's returns are read again by a job serialised with the order's other jobs (ADR 015).
export const action = async ({ request }: ActionFunctionArgs) =>
  acceptWebhook(request, WEBHOOK_ROUTE_TOPICS["/webhooks/returns"], async (tx, webhook, inbox) => {
    const payload = webhook.payload as { order_id?: number | string | null; order?: { id?: number | string | null } | null; return?: unknown };
    // A refund without a return is not a return: nothing to bring.
    if (webhook.topic === "refunds/create" && !payload.return) return;
    const orderId = payload.order_id ?? payload.order?.id ?? null;
    if (!inbox.storeId || orderId === null || orderId === undefined) return;
    const store = await tx.store.findUnique({ where: { id: inbox.storeId } });
    if (!store || !fulfillmentFlow(store).returns) return;
    const shopifyOrderId = `gid://shopify/Order/${orderId}`;
    await enqueue(tx, "returns.sync_order", { storeId: store.id, shopifyOrderId }, { serialKey: orderSerialKey(store.id, shopifyOrderId) });
  });
