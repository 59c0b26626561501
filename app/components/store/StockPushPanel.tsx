import { useFetcher, useRevalidator } from "@remix-run/react";
import type { SerializeFrom } from "@remix-run/node";
import { Badge, Banner, BlockStack, Button, Card, IndexTable, InlineStack, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { useActionToast, type ActionResult } from "~/components/action-feedback";
import { CsvExportButton } from "~/components/CsvExportButton";
import type { loader } from "~/routes/app.stores.$storeId_.stock";

/**
 * The stock push of one store (issue 8): counters, Push all stock now, quantities Shopify
 * refused (Retry), and the drift report (Compare with Shopify, Fix all, CSV). Posts to
 * /app/stores/:storeId/stock; its data is that route's loader (the Inventory tab can load it
 * with `useFetcher().load("/app/stores/:storeId/stock")`).
 */
export type StockPushPanelData = SerializeFrom<typeof loader>;

const when = (value: string | Date | null) => (value ? new Date(value).toLocaleString() : "never");

/** Counters, Push all, failures with Retry, and the drift report with Fix all and CSV. */
export function StockPushPanel({ data }: { data: StockPushPanelData }) {
  const fetcher = useFetcher<ActionResult>();
  const revalidator = useRevalidator();
  useActionToast(fetcher.data);
  const busy = data.counters.pending > 0 || data.drift?.state === "queued" || data.drift?.state === "running";
  // While pushes or a report are under way, refresh the numbers every few seconds.
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 3000);
    return () => clearInterval(timer);
  }, [busy, revalidator]);
  const post = (form: Record<string, string>) => fetcher.submit(form, { method: "post", action: `/app/stores/${data.store.id}/stock` });
  const posting = (intent: string) => fetcher.state !== "idle" && fetcher.formData?.get("intent") === intent;
  const { counters, drift } = data;

  return (
    <BlockStack gap="400">
      {data.gate && (
        <Banner tone="info" title="Stock is not pushed right now">
          <p>{data.gate} Changes wait and nothing is lost.</p>
        </Banner>
      )}
      {counters.pending > 0 && !data.gate && (
        <Banner tone="info" title="Pushing stock to Shopify">
          <p>
            {counters.pending.toLocaleString("en")} of {counters.targets.toLocaleString("en")} quantities still to push.
          </p>
        </Banner>
      )}
      <Card>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Stock push
            </Text>
            <Button onClick={() => post({ intent: "push_all" })} loading={posting("push_all")} disabled={!!data.gate}>
              Push all stock now
            </Button>
          </InlineStack>
          <InlineStack gap="600">
            <span data-testid="stock-pending">
              <Text as="span">Pending pushes: {counters.pending.toLocaleString("en")}</Text>
            </span>
            <Text as="span">Last push: {when(counters.lastPushAt)}</Text>
            <span data-testid="stock-failed">
              <Text as="span" tone={counters.failed > 0 ? "critical" : undefined}>
                Failures: {counters.failed.toLocaleString("en")}
              </Text>
            </span>
            {counters.negative > 0 && <Text as="span" tone="caution">Below zero in Tenon (0 pushed): {counters.negative.toLocaleString("en")}</Text>}
          </InlineStack>
          <Text as="p" tone="subdued">
            Shopify&apos;s available quantity follows Tenon&apos;s In stock − Committed (kits: how many can be built). Several Shopify locations mapped to one Tenon location each receive the same number.
          </Text>
        </BlockStack>
      </Card>
      {data.failed.length > 0 && (
        <Card padding="0">
          <InlineStack align="space-between" blockAlign="center">
            <div style={{ padding: 16 }}>
              <Text as="h2" variant="headingMd">
                Quantities Shopify refused
              </Text>
            </div>
            <div style={{ padding: 16 }}>
              <Button onClick={() => post({ intent: "retry_failed" })} loading={posting("retry_failed")}>
                Retry all
              </Button>
            </div>
          </InlineStack>
          <IndexTable resourceName={{ singular: "quantity", plural: "quantities" }} itemCount={data.failed.length} selectable={false} headings={[{ title: "SKU" }, { title: "Shopify location" }, { title: "Tenon wants" }, { title: "Why" }]}>
            {data.failed.map((f, index) => (
              <IndexTable.Row id={f.id} key={f.id} position={index} tone="critical">
                <IndexTable.Cell>{f.sku ?? f.inventoryItemId}</IndexTable.Cell>
                <IndexTable.Cell>{f.location}</IndexTable.Cell>
                <IndexTable.Cell>{f.wanted ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>
                  <div style={{ whiteSpace: "normal", maxWidth: 480 }}>{f.failureMessage}</div>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
      )}
      <Card>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Drift report
            </Text>
            <InlineStack gap="200">
              {drift?.state === "succeeded" && drift.mismatches > 0 && (
                <>
                  <CsvExportButton path={`/app/stores/${data.store.id}/stock-drift`} fallbackName="stock-drift.csv" />
                  <Button variant="primary" onClick={() => post({ intent: "fix_all", runId: drift.runId })} loading={posting("fix_all")} disabled={!!data.gate}>
                    Fix all
                  </Button>
                </>
              )}
              <Button onClick={() => post({ intent: "drift" })} loading={posting("drift") || drift?.state === "queued" || drift?.state === "running"}>
                Compare with Shopify
              </Button>
            </InlineStack>
          </InlineStack>
          {!drift && <Text as="p" tone="subdued">Compare Tenon&apos;s wanted quantity with Shopify&apos;s available for every variant and location.</Text>}
          {drift?.state === "failed" && <Banner tone="critical">{drift.error}</Banner>}
          {drift?.state === "succeeded" && (
            <BlockStack gap="200">
              <InlineStack gap="200" blockAlign="center">
                <span data-testid="drift-mismatches">
                  <Badge tone={drift.mismatches === 0 ? "success" : "warning"}>{`${drift.mismatches.toLocaleString("en")} mismatches`}</Badge>
                </span>
                <Text as="span" tone="subdued">
                  of {drift.compared.toLocaleString("en")} compared, {when(drift.finishedAt)}
                  {drift.notStocked > 0 ? ` · ${drift.notStocked.toLocaleString("en")} not stocked in Shopify` : ""}
                </Text>
              </InlineStack>
              {drift.rows.length > 0 && (
                <IndexTable resourceName={{ singular: "mismatch", plural: "mismatches" }} itemCount={drift.rows.length} selectable={false} headings={[{ title: "SKU" }, { title: "Shopify location" }, { title: "Tenon wants" }, { title: "Shopify available" }]}>
                  {drift.rows.map((r, index) => (
                    <IndexTable.Row id={`${r.inventoryItemId}|${r.shopifyLocationId}`} key={`${r.inventoryItemId}|${r.shopifyLocationId}`} position={index}>
                      <IndexTable.Cell>{r.sku ?? "—"}</IndexTable.Cell>
                      <IndexTable.Cell>{r.location}</IndexTable.Cell>
                      <IndexTable.Cell>{r.wanted}</IndexTable.Cell>
                      <IndexTable.Cell>{r.shopify ?? "not stocked"}</IndexTable.Cell>
                    </IndexTable.Row>
                  ))}
                </IndexTable>
              )}
            </BlockStack>
          )}
        </BlockStack>
      </Card>
    </BlockStack>
  );
}
