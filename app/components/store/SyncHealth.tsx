import { Link } from "@remix-run/react";
import { Badge, BlockStack, InlineStack, Text } from "@shopify/polaris";

/** syncHealth() as it reaches the browser (dates arrive as ISO strings from a loader). */
export interface SyncHealthView {
  lastOrderInAt: string | Date | null;
  pendingJobs: number;
  openFailures: number;
  /** Tenon has no valid credentials for the store (ADR 019). */
  accessLost?: { since: string | Date; message: string } | null;
  /** Shopify withholds customers' names, emails, phones or addresses, or orders whole (ADR 023). */
  customerDataWithheld?: { since: string | Date; message: string } | null;
}

/** A moment as the merchant reads it: the day and the minute, in UTC as stored. */
export function formatMoment(value: string | Date | null | undefined): string {
  if (!value) return "—";
  const iso = new Date(value).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * The store header's sync-health line: last order in, queue depth, errors needing action, and
 * a link to the store's activity log (ADR 010); above it, when Tenon lost access to the store,
 * what to do about it (ADR 019), and what customer data Shopify withholds (ADR 023).
 */
export function SyncHealth({ health, activityUrl }: { health: SyncHealthView; activityUrl: string }) {
  return (
    <div data-testid="sync-health">
      <BlockStack gap="200">
        {health.accessLost ? (
          <span data-testid="sync-health-access-lost">
            <Badge tone="critical">{`${health.accessLost.message} (since ${formatMoment(health.accessLost.since)})`}</Badge>
          </span>
        ) : null}
        {health.customerDataWithheld ? (
          <span data-testid="sync-health-customer-data">
            <Text as="p" tone="subdued">{`${health.customerDataWithheld.message} (since ${formatMoment(health.customerDataWithheld.since)})`}</Text>
          </span>
        ) : null}
        <InlineStack gap="400" blockAlign="center" wrap>
          <Text as="span" tone="subdued">
            Last order in: <span data-testid="sync-health-last-order">{health.lastOrderInAt ? formatMoment(health.lastOrderInAt) : "none yet"}</span>
          </Text>
          <Text as="span" tone="subdued">
            Queue: <span data-testid="sync-health-pending">{health.pendingJobs}</span> pending
          </Text>
          <span data-testid="sync-health-failures" data-count={health.openFailures}>
            {health.openFailures > 0 ? (
              <Badge tone="critical">{`${health.openFailures} need${health.openFailures === 1 ? "s" : ""} action`}</Badge>
            ) : (
              <Badge tone="success">No errors</Badge>
            )}
          </span>
          <Link to={health.openFailures > 0 ? `${activityUrl}?outcome=needs_action` : activityUrl}>View activity</Link>
        </InlineStack>
      </BlockStack>
    </div>
  );
}
