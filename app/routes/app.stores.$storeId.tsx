import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
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
import { activateSync, disconnectStore, loadStoreView, pauseSync } from "~/services/stores/connections.server";
import { mapAllUnmappedToDefault, mapShopifyLocation } from "~/services/locations/location-mapping.server";
import { listLocations } from "~/services/locations/locations.server";
import { applySettingsDraft, changeSettings, discardSettingsDraft, readSettings } from "~/services/stores/store-settings.server";
import { latestImports, startProductImport } from "~/sync/imports/product-import.server";
import { startCustomerImport } from "~/sync/imports/customer-import.server";
import { checkStockImport, startStockImport } from "~/sync/imports/stock-import.server";
import { syncHealth } from "~/services/activity/activity.server";
import { onStockSyncActivated, resumeStockPush, stockPushCounters } from "~/sync/stock-push/stock-push.server";
import { startOrderSyncOnActivation } from "~/jobs/order-kinds.server";
import { SyncHealth } from "~/components/store/SyncHealth";
import { PausedOrdersBanner, StockPushSummary } from "~/components/store/SyncSummary";
import { enqueue } from "~/jobs/index.server";
import { ImportBanners } from "~/components/store/ImportBanners";
import { nextStep } from "~/domain/location-mapping";
import { InventoryTab } from "~/components/store/InventoryTab";
import { CustomersTab, OrdersTab, ProductsTab } from "~/components/store/OtherTabs";
import type { StoreActionResult, StoreTabData } from "~/components/store/types";
import { requireAppContext } from "~/server/app-context.server";
import { adminAppsUrlFor, installUrlFor } from "~/shopify/local-shopify";
import { unauthenticated } from "~/shopify.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const storeId = params.storeId ?? "";
  const [view, settings, tenonLocations, mappedVariants, imports, stockImport, health, pushCounters] = await Promise.all([
    loadStoreView(db, context.accountId, storeId),
    readSettings(db, context.accountId, storeId),
    listLocations(db, context.accountId),
    db.variantMapping.count({ where: { storeId, store: { accountId: context.accountId } } }),
    latestImports(db, context.accountId, storeId),
    checkStockImport(db, context.accountId, storeId),
    syncHealth(db, storeId),
    stockPushCounters(db, storeId),
  ]);
  if (!view || !settings || !stockImport) throw new Response("This store is not connected to your Tenon account.", { status: 404 });
  return {
    store: view,
    settings,
    tenonLocations: tenonLocations.map((l) => ({ id: l.id, name: l.name, isDefaultForOrders: l.isDefaultForOrders })),
    next: nextStep({ state: view.state.state, productsImported: mappedVariants > 0 }),
    imports: imports.map((run) => ({
      id: run.id,
      kind: run.kind,
      state: run.state,
      done: run.done,
      total: run.total,
      error: run.error,
      failures: (run.failures as { ref: string; message: string }[] | null) ?? [],
      finishedAt: run.finishedAt?.toISOString() ?? null,
    })),
    health,
    pushCounters,
    stockImport: stockImport.ok ? { ok: true as const, reason: null } : { ok: false as const, reason: stockImport.reason },
    connectUrl: installUrlFor(view.shopDomain, env.SHOPIFY_API_KEY, env.SHOPIFY_LOCAL_URL),
    adminAppsUrl: adminAppsUrlFor(view.shopDomain, env.SHOPIFY_LOCAL_URL),
    currentShop: context.shop,
  };
};

const IntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("activate") }),
  z.object({ intent: z.literal("pause") }),
  z.object({ intent: z.literal("disconnect") }),
  z.object({ intent: z.literal("map"), shopifyLocationId: z.string(), locationId: z.string().optional(), createName: z.string().optional() }),
  z.object({ intent: z.literal("map_all") }),
  z.object({ intent: z.literal("settings"), section: z.string(), field: z.string(), value: z.string() }),
  z.object({ intent: z.literal("apply") }),
  z.object({ intent: z.literal("discard") }),
  z.object({ intent: z.literal("import_products") }),
  z.object({ intent: z.literal("import_customers") }),
  z.object({ intent: z.literal("import_stock") }),
]);

const doneMessages: Record<string, string> = {
  activate: "Sync activated",
  pause: "Sync paused",
  disconnect: "Store disconnected",
  map: "Location mapped",
  map_all: "Unmapped locations mapped to the default location",
  settings: "Saved",
  apply: "New settings applied",
  discard: "Changes discarded",
  import_products: "Product import started",
  import_customers: "Customer import started",
  import_stock: "Initial stock import started",
};

export const action = async ({ request, params }: ActionFunctionArgs): Promise<StoreActionResult> => {
  const context = await requireAppContext(request);
  const parsed = IntentSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false, intent: "unknown", message: "Unknown action. Reload the page and try again." };
  const input = parsed.data;
  const storeId = params.storeId ?? "";
  const { accountId } = context;
  const now = new Date();
  const result = await (async () => {
    switch (input.intent) {
      case "activate":
        return activateSync(db, accountId, storeId, now, async (tx, activation) => {
          await startOrderSyncOnActivation(tx, activation);
          await onStockSyncActivated(tx, activation);
        });
      case "pause":
        return pauseSync(db, accountId, storeId);
      case "disconnect": {
        const store = await db.store.findFirst({ where: { id: storeId, accountId } });
        if (!store) return { ok: false as const, message: "This store is not connected to your Tenon account." };
        const { admin } = await unauthenticated.admin(store.shopDomain);
        return disconnectStore(db, accountId, storeId, admin, now);
      }
      case "map":
        return mapShopifyLocation(
          db,
          accountId,
          storeId,
          input.shopifyLocationId,
          input.createName !== undefined ? { createName: input.createName } : { locationId: input.locationId ?? "" },
        );
      case "map_all":
        return mapAllUnmappedToDefault(db, accountId, storeId);
      case "settings":
        return changeSettings(db, accountId, storeId, input.section, { [input.field]: input.value }, now);
      case "apply":
        return applySettingsDraft(db, accountId, storeId, now);
      case "discard":
        return discardSettingsDraft(db, accountId, storeId);
      case "import_products":
        return startProductImport(db, accountId, storeId, (tx, importId) => enqueue(tx, "import.products", { importId }));
      case "import_customers":
        return startCustomerImport(db, accountId, storeId, (tx, importId) => enqueue(tx, "import.customers", { importId }));
      case "import_stock":
        return startStockImport(db, accountId, storeId, (tx, importId) => enqueue(tx, "import.stock", { importId }));
    }
  })();
  // Inventory sync may have just been switched on (applied settings): push what waited.
  if (result.ok && (input.intent === "apply" || (input.intent === "settings" && input.section === "inventory"))) {
    await resumeStockPush(db, storeId);
  }
  if (!result.ok) {
    return { ok: false, intent: input.intent, message: result.message, fieldErrors: "fieldErrors" in result ? result.fieldErrors : undefined };
  }
  const value: unknown = "value" in result ? result.value : undefined;
  const mode = value && typeof value === "object" && "mode" in value && (value.mode === "draft" || value.mode === "applied") ? value.mode : undefined;
  return { ok: true, intent: input.intent, message: mode === "draft" ? "Added to the unsaved settings" : (doneMessages[input.intent] ?? "Done"), mode };
};

const tabs = [
  { id: "products", content: "Products" },
  { id: "inventory", content: "Inventory" },
  { id: "orders", content: "Orders" },
  { id: "customers", content: "Customers" },
] as const;

/** After disconnecting the store the app is embedded in, nothing here may ask for a session token. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  isDisconnected(actionResult) ? false : defaultShouldRevalidate;

function isDisconnected(actionResult: unknown): boolean {
  const r = actionResult as StoreActionResult | undefined;
  return !!r && r.ok && r.intent === "disconnect";
}

const nextStepText = {
  connect: "Next step: connect the store again.",
  map_locations: "Next step: map every Shopify location to a Tenon location on the Inventory tab.",
  import_products: "Next step: bring your Shopify products into Tenon on the Products tab.",
  activate: "Next step: activate sync when your stock in Tenon is right.",
} as const;

export default function StorePage() {
  const { store, settings, tenonLocations, next, connectUrl, adminAppsUrl, currentShop, imports, stockImport, health, pushCounters } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [selectedTab, setSelectedTab] = useState(1);
  const [confirmDisconnect, setConfirmDisconnect] = useState(false);
  const state = store.state.state;
  const busy = navigation.state !== "idle";

  useEffect(() => {
    if (!result) return;
    window.shopify?.toast.show(result.message, { isError: !result.ok });
    // Tenon is gone from the store we are embedded in: leave for Shopify admin's apps page.
    if (result.ok && result.intent === "disconnect" && store.shopDomain === currentShop) window.open(adminAppsUrl, "_top");
  }, [result, adminAppsUrl, currentShop, store.shopDomain]);

  const run = (intent: "activate" | "pause" | "disconnect" | "apply" | "discard" | "import_products") =>
    submit({ intent }, { method: "post" });
  const importRunning = (kind: string) => imports.some((i) => i.kind === kind && (i.state === "queued" || i.state === "running"));
  const activate = checkAction("activate", state);
  const tabData: StoreTabData = {
    storeId: store.id,
    state,
    settings: settings.draft ?? settings.applied,
    hasDraft: settings.draft !== null,
    shopifyLocations: store.shopifyLocations,
    tenonLocations,
    imports: {
      productsRunning: importRunning("products"),
      customersRunning: importRunning("customers"),
      stockRunning: importRunning("stock"),
      stockImportBlockedReason: stockImport.reason,
    },
  };

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
        {settings.draft && (
          <div role="region" aria-label="Unsaved settings" data-testid="save-bar" style={{ position: "sticky", top: 0, zIndex: 10 }}>
            <Card background="bg-surface-secondary">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="p" fontWeight="semibold">
                  Unsaved settings: sync keeps running with the applied ones until you apply these.
                </Text>
                <InlineStack gap="200">
                  <Button onClick={() => run("discard")} disabled={busy}>
                    Discard
                  </Button>
                  <Button variant="primary" onClick={() => run("apply")} loading={busy}>
                    Apply new settings
                  </Button>
                </InlineStack>
              </InlineStack>
            </Card>
          </div>
        )}
        {state !== "not_connected" && <SyncHealth health={health} activityUrl={`/app/stores/${store.id}/activity`} />}
        {state !== "not_connected" && <StockPushSummary storeId={store.id} counters={pushCounters} />}
        {state === "sync_active" && <PausedOrdersBanner storeId={store.id} />}
        <ImportBanners runs={imports} />
        {next && (
          <Text as="p" tone="subdued">
            <span data-testid="next-step">{nextStepText[next]}</span>
          </Text>
        )}
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
              <TabPanel
                tab={tabs[selectedTab]?.id ?? "inventory"}
                data={tabData}
                onImportProducts={() => run("import_products")}
              />
            </Box>
          </Tabs>
        </Card>
        {settings.appliedAt && (
          <Text as="p" tone="subdued" variant="bodySm">
            Settings version {settings.version}, applied {new Date(settings.appliedAt).toLocaleString("en-GB", { timeZone: "UTC" })} UTC
          </Text>
        )}
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

function TabPanel(props: { tab: (typeof tabs)[number]["id"]; data: StoreTabData; onImportProducts: () => void }) {
  const { tab, data } = props;
  switch (tab) {
    case "inventory":
      return <InventoryTab data={data} />;
    case "products":
      return <ProductsTab data={data} onImport={props.onImportProducts} importing={data.imports.productsRunning} />;
    case "orders":
      return <OrdersTab data={data} />;
    case "customers":
      return <CustomersTab data={data} />;
  }
}
