import type { ActionFunctionArgs } from "@remix-run/node";
import { enqueue } from "~/jobs/index.server";
import { fulfillmentFlow, orderSerialKey } from "~/sync/fulfillments/fulfillment-sync.server";
import { WEBHOOK_ROUTE_TOPICS } from "~/shopify/webhook-topics";
import { acceptWebhook } from "~/server/webhooks.server";

// fulfillments/create and fulfillments/update: the order's fulfillments are read again by a job
// serialised with the order's other jobs (ADR 015). Duplicates and reordering are harmless: the
// job looks at Shopify's current state and applies each fulfillment once.
export const action = async ({ request }: ActionFunctionArgs) =>
  acceptWebhook(request, WEBHOOK_ROUTE_TOPICS["/webhooks/fulfillments"], async (tx, webhook, inbox) => {
    const payload = webhook.payload as { order_id?: number | string | null };
    if (!inbox.storeId || payload.order_id === undefined || payload.order_id === null) return;
    const store = await tx.store.findUnique({ where: { id: inbox.storeId } });
    if (!store) return;
    const flow = fulfillmentFlow(store);
    // Tenon → Shopify only still reads them: an echo settles Tenon's own pending request.
    if (!flow.inbound && !flow.outbound) return;
    const shopifyOrderId = `gid://shopify/Order/${payload.order_id}`;
    await enqueue(tx, "fulfillment.sync_order", { storeId: store.id, shopifyOrderId }, { serialKey: orderSerialKey(store.id, shopifyOrderId) });
  });
