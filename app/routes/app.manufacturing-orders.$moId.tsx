import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Card, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { useActionToast, type ActionResult } from "~/components/action-feedback";
import { formatDay } from "~/components/labels";
import db from "~/db.server";
import { moStateLabel } from "~/domain/manufacturing-order";
import { rowStateLabel, type RowState } from "~/domain/sales-order";
import { getManufacturingOrder, setManufacturingOrderState } from "~/services/manufacturing/manufacturing.server";
import { requireAppContext } from "~/server/app-context.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const mo = await getManufacturingOrder(db, context.accountId, params.moId ?? "");
  if (!mo) throw new Response("This manufacturing order does not exist (any more).", { status: 404 });
  return { mo };
};

const Intent = z.object({ intent: z.enum(["not_started", "work_in_progress", "done"]) });

const done = { not_started: "Put back to Not started", work_in_progress: "Production started", done: "Done: components consumed, item added to stock" };

export const action = async ({ request, params }: ActionFunctionArgs): Promise<ActionResult> => {
  const context = await requireAppContext(request);
  const parsed = Intent.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false, intent: "unknown", message: "Unknown action. Reload the page and try again." };
  const result = await setManufacturingOrderState(db, context.accountId, params.moId ?? "", parsed.data.intent);
  if (!result.ok) return { ok: false, intent: parsed.data.intent, code: result.code, message: result.message };
  return { ok: true, intent: parsed.data.intent, message: done[parsed.data.intent] };
};

export default function ManufacturingOrderDetail() {
  const { mo } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  useActionToast(result && result.ok ? result : undefined);
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const to = (state: string) => submit({ intent: state }, { method: "post" });
  const isDone = mo.state === "done";

  return (
    <Page
      title={mo.number}
      titleMetadata={
        <span data-testid="mo-state" data-state={mo.state}>
          <Badge tone={isDone ? "success" : mo.state === "work_in_progress" ? "info" : "attention"}>{moStateLabel[mo.state]}</Badge>
        </span>
      }
      subtitle={`${mo.quantity} × ${mo.itemLabel} at ${mo.locationName}`}
      backAction={{ content: "Manufacturing orders", url: "/app/manufacturing-orders" }}
      primaryAction={isDone ? undefined : { content: "Complete", onAction: () => to("done"), loading: busy }}
      secondaryActions={
        isDone
          ? []
          : mo.state === "not_started"
            ? [{ content: "Start", onAction: () => to("work_in_progress"), disabled: busy }]
            : [{ content: "Put back to Not started", onAction: () => to("not_started"), disabled: busy }]
      }
    >
      <Layout>
        {result && !result.ok && (
          <Layout.Section>
            <div data-testid="refusal">
              <Banner tone="critical" title="That did not work">
                <p>{result.message}</p>
              </Banner>
            </div>
          </Layout.Section>
        )}
        {mo.flagNote && (
          <Layout.Section>
            <Banner tone="warning">{mo.flagNote}</Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Production
              </Text>
              <Detail label="Item">
                <Link to={`/app/products/${mo.productId}`}>{mo.itemLabel}</Link>
              </Detail>
              <Detail label="Quantity">{mo.quantity}</Detail>
              <Detail label="Location">{mo.locationName}</Detail>
              <Detail label="Created">{formatDay(mo.createdAt)}</Detail>
              <Detail label="Started">{formatDay(mo.startedAt)}</Detail>
              <Detail label="Done">{formatDay(mo.doneAt)}</Detail>
              {!isDone && (
                <Text as="p" tone="subdued">
                  Completing consumes the components of the item&apos;s bill of materials at {mo.locationName} (oldest batches first) and adds the
                  item to stock there.
                </Text>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Made to order
              </Text>
              {mo.salesOrderRow ? (
                <div data-testid="linked-row">
                  <BlockStack gap="100">
                    <Link to={`/app/sales-orders/${mo.salesOrderRow.orderId}`}>{mo.salesOrderRow.orderNumber}</Link>
                    <Text as="span">
                      {mo.salesOrderRow.quantity} × {mo.salesOrderRow.description}
                    </Text>
                    <div>
                      <Badge>{rowStateLabel[mo.salesOrderRow.state as RowState]}</Badge>
                    </div>
                  </BlockStack>
                </div>
              ) : (
                <Text as="p" tone="subdued">
                  Made for stock, not linked to a sales order.
                </Text>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Detail(props: { label: string; children: React.ReactNode }) {
  return (
    <InlineStack gap="200">
      <div style={{ minWidth: 90 }}>
        <Text as="span" tone="subdued">
          {props.label}
        </Text>
      </div>
      <Text as="span">{props.children}</Text>
    </InlineStack>
  );
}
