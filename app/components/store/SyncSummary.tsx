import { useEffect, useRef } from "react";
import { Link, useFetcher } from "@remix-run/react";
import { Badge, Banner, InlineStack, Text } from "@shopify/polaris";
import type { ActionResult } from "~/components/action-feedback";
import { formatMoment } from "./SyncHealth";

/** The stock push's counters on the store header (ADR 012), linking to the stock page. */
export function StockPushSummary(props: {
  storeId: string;
  counters: { targets: number; pending: number; failed: number; negative: number; lastPushAt: string | Date | null };
}) {
  const { counters } = props;
  return (
    <div data-testid="stock-push-summary">
      <InlineStack gap="400" blockAlign="center" wrap>
        <Text as="span" tone="subdued">
          Stock to Shopify: <span data-testid="stock-push-pending">{counters.pending}</span> pending, last push{" "}
          {counters.lastPushAt ? formatMoment(counters.lastPushAt) : "none yet"}
        </Text>
        {counters.failed > 0 && <Badge tone="critical">{`${counters.failed} failed`}</Badge>}
        {counters.negative > 0 && <Badge tone="warning">{`${counters.negative} below zero (pushed as 0)`}</Badge>}
        <Link to={`/app/stores/${props.storeId}/stock`}>Push all, drift report</Link>
      </InlineStack>
    </div>
  );
}

/**
 * After a pause: "Import N eligible orders created while paused" (ADR 013). Asks Shopify when
 * the page opens; shows nothing when there are none.
 */
export function PausedOrdersBanner({ storeId }: { storeId: string }) {
  const url = `/app/stores/${storeId}/paused-orders`;
  const count = useFetcher<{ count: number }>();
  const start = useFetcher<ActionResult>();
  const asked = useRef(false);
  useEffect(() => {
    // Once per page view: the answer needs a call to Shopify.
    if (asked.current) return;
    asked.current = true;
    count.load(url);
  }, [count, url]);
  if (start.data?.ok) {
    return (
      <Banner tone="success">
        <p>{start.data.message}</p>
      </Banner>
    );
  }
  if (!count.data || count.data.count === 0) return null;
  const n = count.data.count;
  return (
    <div data-testid="paused-orders">
      <Banner
        tone="info"
        title={`${n} eligible order${n === 1 ? " was" : "s were"} created while sync was paused`}
        action={{
          content: `Import ${n} order${n === 1 ? "" : "s"}`,
          loading: start.state !== "idle",
          onAction: () => start.submit({}, { method: "post", action: url }),
        }}
      >
        <p>{start.data && !start.data.ok ? start.data.message : "They were not imported while sync was paused. Import them now, or leave them out."}</p>
      </Banner>
    </div>
  );
}
