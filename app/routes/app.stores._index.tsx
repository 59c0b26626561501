import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, Page, ResourceItem, ResourceList, Text } from "@shopify/polaris";
import { StateBadge } from "~/components/StateBadge";
import db from "~/db.server";
import { listStoreViews } from "~/services/connections.server";
import { requireAppContext } from "~/shopify/app-context.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const stores = await listStoreViews(db, context.accountId);
  return {
    stores: stores.map((s) => ({ id: s.id, name: s.name, shopDomain: s.shopDomain, state: s.state.state })),
  };
};

export default function Stores() {
  const { stores } = useLoaderData<typeof loader>();
  return (
    <Page title="Shopify stores">
      <BlockStack gap="400">
        <Text as="p" tone="subdued">
          Each connected store has its own configuration and sync. Open a store to map its locations, import
          products and activate sync.
        </Text>
        <Card padding="0">
          <ResourceList
            resourceName={{ singular: "store", plural: "stores" }}
            items={stores}
            renderItem={(store) => (
              <ResourceItem id={store.id} url={`/app/stores/${store.id}`} accessibilityLabel={`Open ${store.name}`}>
                <div data-testid="store-row">
                  <BlockStack gap="100">
                    <Text as="h3" variant="headingSm">
                      {store.name}
                    </Text>
                    <Text as="span" tone="subdued">
                      {store.shopDomain}
                    </Text>
                    <div>
                      <StateBadge state={store.state} />
                    </div>
                  </BlockStack>
                </div>
              </ResourceItem>
            )}
          />
        </Card>
      </BlockStack>
    </Page>
  );
}
