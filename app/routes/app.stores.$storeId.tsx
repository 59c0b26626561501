import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  InlineStack,
  List,
  Modal,
  Page,
  Tabs,
  Text,
} from "@shopify/polaris";
import { z } from "zod";
import { StateBadge } from "~/components/StateBadge";
import { StoreHeaderMenu } from "~/components/StoreHeaderMenu";
import db from "~/db.server";
import { checkAction } from "~/domain/integration-state";
import { env } from "~/env.server";
import { activateSync, disconnectStore, loadStoreView, pauseSync } from "~/services/connections.server";
import { requireAppContext } from "~/shopify/app-context.server";
import { installUrlFor } from "~/shopify/local-shopify";
import { unauthenticated } from "~/shopify.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const view = await loadStoreView(db, context.accountId, params.storeId ?? "");
  if (!view) throw new Response("This store is not connected to your Tenon account.", { status: 404 });
  return {
    store: view,
    connectUrl: installUrlFor(view.shopDomain, env.SHOPIFY_API_KEY, env.SHOPIFY_LOCAL_URL),
  };
};

const IntentSchema = z.object({ intent: z.enum(["activate", "pause", "disconnect"]) });

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const context = await requireAppContext(request);
  const parsed = IntentSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false as const, message: "Unknown action. Reload the page and try again." };
  const storeId = params.storeId ?? "";
  const now = new Date();
  const result = await (async () => {
    switch (parsed.data.intent) {
      case "activate":
        return activateSync(db, context.accountId, storeId, now);
      case "pause":
        return pauseSync(db, context.accountId, storeId);
      case "disconnect": {
        const store = await db.store.findFirst({ where: { id: storeId, accountId: context.accountId } });
        if (!store) return { ok: false as const, message: "This store is not connected to your Tenon account." };
        const { admin } = await unauthenticated.admin(store.shopDomain);
        return disconnectStore(db, context.accountId, storeId, admin, now);
      }
    }
  })();
  if (!result.ok) return { ok: false as const, message: result.message };
  const done = { activate: "Sync activated", pause: "Sync paused", disconnect: "Store disconnected" };
  return { ok: true as const, message: done[parsed.data.intent] };
};

const tabs = [
  { id: "products", content: "Products" },
  { id: "inventory", content: "Inventory" },
  { id: "orders", content: "Orders" },
  { id: "customers", content: "Customers" },
] as const;

export default function StorePage() {
  const { store, connectUrl } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [selectedTab, setSelectedTab] = useState(1);
  const [confirmDisconnect, setConfirmDisconnect] = useState(false);
  const state = store.state.state;
  const busy = navigation.state !== "idle";

  useEffect(() => {
    if (result) window.shopify?.toast.show(result.message, { isError: !result.ok });
  }, [result]);

  const run = (intent: "activate" | "pause" | "disconnect") => submit({ intent }, { method: "post" });
  const activate = checkAction("activate", state);

  const primaryAction =
    state === "not_connected" ? (
      <Button variant="primary" url={connectUrl} target="_top">
        Connect
      </Button>
    ) : state === "sync_active" ? undefined : (
      <Button variant="primary" disabled={!activate.ok || busy} onClick={() => run("activate")}>
        Activate sync
      </Button>
    );

  return (
    <Page
      title={store.name}
      subtitle={store.shopDomain}
      titleMetadata={<StateBadge state={state} />}
      primaryAction={primaryAction}
      secondaryActions={
        <StoreHeaderMenu
          canPause={checkAction("pause", state).ok}
          canDisconnect={checkAction("disconnect", state).ok}
          onPause={() => run("pause")}
          onDisconnect={() => setConfirmDisconnect(true)}
        />
      }
    >
      <BlockStack gap="400">
        {state === "not_connected" && (
          <Banner tone="critical" title="This store is not connected">
            <p>
              Tenon was uninstalled from {store.shopDomain}. Its settings, location mapping and data are kept: connect
              the store again to pick up where it left off.
            </p>
          </Banner>
        )}
        {state === "disabled" && (
          <Banner tone="warning" title="Sync cannot be activated yet">
            <List>
              {store.state.problems.map((problem) => (
                <List.Item key={problem.message}>{problem.message}</List.Item>
              ))}
            </List>
          </Banner>
        )}
        <Card padding="0">
          <Tabs tabs={tabs.map((t) => ({ ...t }))} selected={selectedTab} onSelect={setSelectedTab}>
            <Box padding="400">
              <TabPanel tab={tabs[selectedTab]?.id ?? "inventory"} store={store} />
            </Box>
          </Tabs>
        </Card>
      </BlockStack>
      <Modal
        open={confirmDisconnect}
        onClose={() => setConfirmDisconnect(false)}
        title={`Disconnect ${store.shopDomain}?`}
        primaryAction={{
          content: "Disconnect",
          destructive: true,
          onAction: () => {
            setConfirmDisconnect(false);
            run("disconnect");
          },
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirmDisconnect(false) }]}
      >
        <Modal.Section>
          <Text as="p">
            Tenon will be uninstalled from this store and every sync stops. Tenon keeps its products, orders, stock and
            this store&apos;s configuration, so connecting again restores it.
          </Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

type StoreData = ReturnType<typeof useLoaderData<typeof loader>>["store"];

function TabPanel({ tab, store }: { tab: (typeof tabs)[number]["id"]; store: StoreData }) {
  switch (tab) {
    case "inventory":
      return <InventoryTab store={store} />;
    case "products":
      return (
        <TabIntro heading="Products" testId="tab-products">
          How Shopify products and variants become Tenon products, and the product import. Products are matched by
          SKU, case-sensitive and trimmed.
        </TabIntro>
      );
    case "orders":
      return (
        <TabIntro heading="Orders" testId="tab-orders">
          Which Shopify orders become Tenon sales orders once sync is active, and which order changes, fulfillments
          and returns follow them.
        </TabIntro>
      );
    case "customers":
      return (
        <TabIntro heading="Customers" testId="tab-customers">
          Import Shopify customers into Tenon. Customers are matched by Shopify ID, then email, then name; Tenon never
          writes customers back to Shopify.
        </TabIntro>
      );
  }
}

function TabIntro({ heading, testId, children }: { heading: string; testId: string; children: React.ReactNode }) {
  return (
    <BlockStack gap="200">
      <div data-testid={testId}>
        <Text as="h2" variant="headingMd">
          {heading}
        </Text>
      </div>
      <Text as="p" tone="subdued">
        {children}
      </Text>
    </BlockStack>
  );
}

function InventoryTab({ store }: { store: StoreData }) {
  const locations = store.shopifyLocations.filter((l) => !l.removed);
  return (
    <BlockStack gap="300">
      <div data-testid="tab-inventory">
        <Text as="h2" variant="headingMd">
          Location mapping
        </Text>
      </div>
      <Text as="p" tone="subdued">
        Every Shopify location needs a Tenon location: orders placed at it are fulfilled from there, and it receives
        that location&apos;s stock.
      </Text>
      <DataTable
        columnContentTypes={["text", "text"]}
        headings={["Shopify location", "Tenon location"]}
        rows={locations.map((l) => [
          l.name,
          l.mappedLocationName ?? (
            <InlineStack gap="100">
              <Text as="span" tone="critical">
                Not mapped
              </Text>
            </InlineStack>
          ),
        ])}
      />
    </BlockStack>
  );
}
