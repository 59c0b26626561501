import type { ActionFunctionArgs } from "@remix-run/node";
import { isComplianceTopic } from "~/domain/compliance";
import { enqueue } from "~/jobs/index.server";
import { receiveComplianceRequest } from "~/sync/compliance/compliance.server";
import { WEBHOOK_ROUTE_TOPICS } from "~/shopify/webhook-topics";
import { acceptWebhook } from "~/server/webhooks.server";

// customers/data_request, customers/redact and shop/redact: recorded, then carried out by a job.
export const action = async ({ request }: ActionFunctionArgs) =>
  acceptWebhook(request, WEBHOOK_ROUTE_TOPICS["/webhooks/compliance"], async (tx, webhook, inbox) => {
    const topic = webhook.topic;
    if (!isComplianceTopic(topic)) return;
    const receipt = await receiveComplianceRequest(tx, {
      shopDomain: webhook.shopDomain,
      storeId: inbox.storeId,
      webhookEventId: inbox.eventId,
      topic,
      payload: webhook.payload,
    });
    if (receipt.ok) await enqueue(tx, "compliance.process", { requestId: receipt.requestId });
  });
