import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, EmptyState, IndexTable, InlineStack, Page, Pagination, Select, Text } from "@shopify/polaris";
import { z } from "zod";
import { useActionToast, type ActionResult } from "~/components/action-feedback";
import { ListControls } from "~/components/ListControls";
import { SyncHealth, formatMoment } from "~/components/store/SyncHealth";
import db from "~/db.server";
import { ACTIVITY_AREAS, resolutionLabel, type ActivityArea, type ActivityOutcome } from "~/domain/activity";
import { dismissActivity, listActivity, retryActivity, syncHealth } from "~/services/activity/activity.server";
import { requireAppContext } from "~/server/app-context.server";

// `$storeId_`: a page of its own under /app/stores/:storeId/activity, not nested in the store page.

const outcomes = ["needs_action", "failed", "skipped", "ok"] as const;
const outcomeLabel: Record<(typeof outcomes)[number], string> = {
  needs_action: "Needs action",
  failed: "Failed",
  skipped: "Skipped",
  ok: "Done",
};
const areaLabel: Record<ActivityArea, string> = {
  orders: "Orders",
  stock: "Stock",
  fulfillments: "Fulfillments",
  returns: "Returns",
  imports: "Imports",
  webhooks: "Webhooks",
  locations: "Locations",
  connection: "Connection",
};

const ActivityListQuery = z.object({
  search: z.string().optional(),
  outcome: z.enum(outcomes).optional().catch(undefined),
  area: z.enum(ACTIVITY_AREAS).optional().catch(undefined),
  cursor: z.string().optional(),
});

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const storeId = params.storeId ?? "";
  const query = ActivityListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const page = await listActivity(db, context.accountId, storeId, query);
  if (!page.ok) throw new Response(page.message, { status: 404 });
  return {
    ...page.value,
    health: await syncHealth(db, storeId),
    filtered: Boolean(query.search || query.outcome || query.area),
  };
};

const IntentSchema = z.object({ intent: z.enum(["retry", "dismiss"]), activityId: z.string().min(1) });

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const context = await requireAppContext(request);
  const parsed = IntentSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false, intent: "unknown", message: "Unknown action. Reload the page and try again." };
  const { intent, activityId } = parsed.data;
  const result =
    intent === "retry" ? await retryActivity(db, context.accountId, activityId) : await dismissActivity(db, context.accountId, activityId);
  if (!result.ok) return { ok: false, intent, code: result.code, message: result.message };
  return { ok: true, intent, message: intent === "retry" ? "Retry queued" : "Dismissed" };
};

const outcomeBadge: Record<ActivityOutcome, { tone: "success" | "info" | "critical"; label: string }> = {
  ok: { tone: "success", label: "Done" },
  skipped: { tone: "info", label: "Skipped" },
  failed: { tone: "critical", label: "Failed" },
};

export default function StoreActivity() {
  const { store, items, nextCursor, previousCursor, health, filtered } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [params, setParams] = useSearchParams();
  useActionToast(result);
  const pendingId = navigation.state !== "idle" ? navigation.formData?.get("activityId") : null;
  const act = (intent: "retry" | "dismiss", activityId: string) => submit({ intent, activityId }, { method: "post" });
  const goTo = (cursor: string) => {
    const next = new URLSearchParams(params);
    next.set("cursor", cursor);
    setParams(next);
  };
  const storeUrl = `/app/stores/${store.id}`;

  return (
    <Page title="Activity" subtitle={`${store.name} · ${store.shopDomain}`} backAction={{ content: store.name, url: storeUrl }}>
      <BlockStack gap="400">
        <Card>
          <SyncHealth health={health} activityUrl={`${storeUrl}/activity`} />
        </Card>
        <Card padding="0">
          <Box padding="300">
            <InlineStack gap="300" wrap={false} blockAlign="center">
              <div style={{ flexGrow: 1 }}>
                <ListControls
                  searchLabel="Search activity"
                  searchPlaceholder="Search by order number, SKU, location, Shopify id or message"
                  filter={{ name: "outcome", label: "Outcome", options: outcomes.map((o) => ({ label: outcomeLabel[o], value: o })) }}
                />
              </div>
              <div style={{ minWidth: 180 }}>
                <Select
                  label="Area"
                  labelInline
                  options={[{ label: "All", value: "" }, ...ACTIVITY_AREAS.map((a) => ({ label: areaLabel[a], value: a }))]}
                  value={params.get("area") ?? ""}
                  onChange={(value) => {
                    const next = new URLSearchParams(params);
                    if (value) next.set("area", value);
                    else next.delete("area");
                    next.delete("cursor");
                    setParams(next);
                  }}
                />
              </div>
            </InlineStack>
          </Box>
          {items.length === 0 ? (
            filtered ? (
              <Box padding="600">
                <Text as="p" alignment="center" tone="subdued">
                  No activity matches. Try another search, outcome or area.
                </Text>
              </Box>
            ) : (
              <EmptyState heading="No activity yet" image="">
                <p>Orders, stock pushes, fulfillments, returns, imports and Shopify webhooks of this store are listed here as they happen.</p>
              </EmptyState>
            )
          ) : (
            <IndexTable
              resourceName={{ singular: "entry", plural: "entries" }}
              itemCount={items.length}
              selectable={false}
              headings={[{ title: "When" }, { title: "Area" }, { title: "What" }, { title: "Outcome" }, { title: "Why" }, { title: "" }]}
            >
              {items.map((entry, index) => (
                <IndexTable.Row id={entry.id} key={entry.id} position={index} tone={entry.needsAction ? "critical" : undefined}>
                  <IndexTable.Cell>
                    <span data-testid="activity-row" data-outcome={entry.outcome} data-needs-action={entry.needsAction}>
                      <Text as="span" tone="subdued" numeric>
                        {formatMoment(entry.at)}
                      </Text>
                    </span>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{areaLabel[entry.area] ?? entry.area}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <BlockStack gap="050">
                      <Text as="span" fontWeight="semibold">
                        {entry.subject ?? "—"}
                      </Text>
                      <Text as="span" tone="subdued" variant="bodySm">
                        {entry.action}
                      </Text>
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <InlineStack gap="100">
                      <Badge tone={outcomeBadge[entry.outcome].tone}>{outcomeBadge[entry.outcome].label}</Badge>
                      {entry.outcome === "failed" && !entry.needsAction && <Badge>{entry.resolution === "dismissed" ? "Dismissed" : "Resolved"}</Badge>}
                    </InlineStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <div style={{ whiteSpace: "normal", maxWidth: 480 }}>
                      <BlockStack gap="050">
                        <Text as="span">{entry.message}</Text>
                        {entry.retriedAt && entry.needsAction && (
                          <Text as="span" tone="subdued" variant="bodySm">
                            Retried {formatMoment(entry.retriedAt)}
                          </Text>
                        )}
                        {entry.resolvedAt && (
                          <Text as="span" tone="subdued" variant="bodySm">
                            Closed {formatMoment(entry.resolvedAt)}: {resolutionLabel(entry.resolution)}
                          </Text>
                        )}
                      </BlockStack>
                    </div>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    {entry.needsAction && (
                      <InlineStack gap="200" wrap={false}>
                        {entry.canRetry && (
                          <Button size="slim" onClick={() => act("retry", entry.id)} loading={pendingId === entry.id && navigation.formData?.get("intent") === "retry"}>
                            Retry
                          </Button>
                        )}
                        <Button size="slim" variant="tertiary" onClick={() => act("dismiss", entry.id)} loading={pendingId === entry.id && navigation.formData?.get("intent") === "dismiss"}>
                          Dismiss
                        </Button>
                      </InlineStack>
                    )}
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
        {(nextCursor || previousCursor) && (
          <InlineStack align="center">
            <Pagination
              hasPrevious={navigation.state === "idle" && previousCursor !== null}
              onPrevious={() => previousCursor && goTo(previousCursor)}
              hasNext={navigation.state === "idle" && nextCursor !== null}
              onNext={() => nextCursor && goTo(nextCursor)}
              label="Newer · Older"
            />
          </InlineStack>
        )}
      </BlockStack>
    </Page>
  );
}
