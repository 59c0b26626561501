import { Banner, BlockStack, Button, Card, InlineStack, Link, Text } from "@shopify/polaris";
import type { FulfillmentSyncView } from "~/sync/fulfillments/fulfillment-sync.server";

/**
 * The sales-order page's Shopify fulfillment box (ADR 015): a pickup order's notice, fulfillments
 * or pushes that did not go through (with Retry), tracking taken from Shopify, and the return
 * orders brought from Shopify (Close also closes the Shopify return).
 */
export function FulfillmentSyncCard(props: { view: FulfillmentSyncView; busy: boolean; onRetry: () => void; onCloseReturn: (id: string) => void }) {
  const { view } = props;
  return (
    <BlockStack gap="300">
      {view.pickupNotice && (
        <div data-testid="pickup-notice">
          <Banner tone="info" title="Mark it picked up in Shopify">
            <p>{view.pickupNotice}</p>
          </Banner>
        </div>
      )}
      {view.problems.length > 0 && (
        <div data-testid="fulfillment-sync-problem">
          <Banner tone="critical" title="Fulfillment sync with Shopify needs attention" action={{ content: "Retry", onAction: props.onRetry, disabled: props.busy }}>
            <BlockStack gap="100">
              {view.problems.map((p, i) => (
                <p key={i}>{p.message}</p>
              ))}
            </BlockStack>
          </Banner>
        </div>
      )}
      {(view.tracking.length > 0 || view.returns.length > 0) && (
        <Card>
          <BlockStack gap="200">
            {view.tracking.map((t) => (
              <Text as="p" key={t.number}>
                Tracking from Shopify: {t.company ? `${t.company} ` : ""}
                {t.url ? <Link url={t.url} target="_blank">{t.number}</Link> : t.number}
              </Text>
            ))}
            {view.returns.map((r) => (
              <InlineStack key={r.id} gap="200" blockAlign="center">
                <Text as="span">
                  Return {r.number} (from Shopify){r.closed ? (r.closedInShopify ? " · closed" : " · closing in Shopify…") : ""}
                </Text>
                {!r.closed && (
                  <Button size="slim" onClick={() => props.onCloseReturn(r.id)} disabled={props.busy}>
                    Close return
                  </Button>
                )}
              </InlineStack>
            ))}
          </BlockStack>
        </Card>
      )}
    </BlockStack>
  );
}
