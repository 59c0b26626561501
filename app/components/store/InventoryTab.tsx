import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack, Modal, Select, Text, TextField } from "@shopify/polaris";
import { sharedTargets } from "~/domain/location-mapping";
import { SettingCheckbox } from "./SettingControls";
import type { StoreActionResult, StoreTabData } from "./types";

const CREATE_NEW = "__create__";

/** The Inventory tab: every Shopify location mapped to a Tenon location, and the stock switches. */
export function InventoryTab({ data }: { data: StoreTabData }) {
  const locations = data.shopifyLocations.filter((l) => !l.removed);
  const shared = sharedTargets(locations);
  const mapAll = useFetcher<StoreActionResult>();
  const unmapped = locations.filter((l) => !l.mappedLocationId || l.mappedLocationDeleted).length;
  return (
    <BlockStack gap="400">
      <div data-testid="tab-inventory">
        <Text as="h2" variant="headingMd">
          Location mapping
        </Text>
      </div>
      <Text as="p" tone="subdued">
        Every Shopify location needs a Tenon location: orders placed at it are fulfilled from there, and it receives that
        location&apos;s stock. One Tenon location may serve several Shopify locations.
      </Text>
      <BlockStack gap="300">
        {locations.map((location) => (
          <MappingRow key={location.shopifyLocationId} location={location} data={data} shared={!!location.mappedLocationId && shared.has(location.mappedLocationId)} />
        ))}
      </BlockStack>
      {unmapped > 0 && (
        <InlineStack gap="200" blockAlign="center">
          <Button onClick={() => mapAll.submit({ intent: "map_all" }, { method: "post" })} loading={mapAll.state !== "idle"}>
            Map all unmapped to the default location for orders
          </Button>
          {mapAll.data && !mapAll.data.ok && (
            <Text as="span" tone="critical">
              {mapAll.data.message}
            </Text>
          )}
        </InlineStack>
      )}
      <InitialStockImport data={data} />
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Stock sync
        </Text>
        <SettingCheckbox
          section="inventory"
          field="inventorySync"
          label="Sync inventory to Shopify"
          helpText="Shopify's available quantity follows Tenon (In stock − Committed). Switch it on once your Tenon stock is right."
          checked={data.settings.inventory.inventorySync}
        />
        <SettingCheckbox
          section="inventory"
          field="manualOrdersCountAgainstStock"
          label="Sales orders created in Tenon count against Shopify stock"
          checked={data.settings.inventory.manualOrdersCountAgainstStock}
        />
      </BlockStack>
    </BlockStack>
  );
}

function MappingRow({ location, data, shared }: { location: StoreTabData["shopifyLocations"][number]; data: StoreTabData; shared: boolean }) {
  const fetcher = useFetcher<StoreActionResult>();
  const [creating, setCreating] = useState(false);
  const [newName, setNewName] = useState(location.name);
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  const error = result && !result.ok ? (Object.values(result.fieldErrors ?? {})[0] ?? result.message) : undefined;
  useEffect(() => {
    if (result?.ok) setCreating(false);
  }, [result]);
  const current = location.mappedLocationDeleted ? "" : (location.mappedLocationId ?? "");
  const options = [
    { label: "Choose a Tenon location", value: "", disabled: true },
    ...data.tenonLocations.map((l) => ({ label: l.isDefaultForOrders ? `${l.name} (default for orders)` : l.name, value: l.id })),
    { label: "+ Create new location", value: CREATE_NEW },
  ];
  return (
    <div data-testid="mapping-row" data-shopify-location={location.name}>
      <BlockStack gap="100">
        <InlineStack gap="300" blockAlign="end" wrap={false}>
          <div style={{ minWidth: 200 }}>
            <Text as="p" fontWeight="semibold">
              {location.name}
            </Text>
            <Text as="p" tone="subdued" variant="bodySm">
              Shopify location
            </Text>
          </div>
          <div style={{ minWidth: 280 }}>
            <Select
              label={`Tenon location for ${location.name}`}
              labelHidden
              options={options}
              value={creating ? CREATE_NEW : current}
              error={!creating ? error : undefined}
              onChange={(value) => {
                if (value === CREATE_NEW) return setCreating(true);
                setCreating(false);
                fetcher.submit({ intent: "map", shopifyLocationId: location.shopifyLocationId, locationId: value }, { method: "post" });
              }}
            />
          </div>
          {creating && (
            <InlineStack gap="200" blockAlign="end">
              <TextField label="New location name" value={newName} onChange={setNewName} autoComplete="off" error={error} />
              <Button
                variant="primary"
                loading={fetcher.state !== "idle"}
                onClick={() =>
                  fetcher.submit({ intent: "map", shopifyLocationId: location.shopifyLocationId, createName: newName }, { method: "post" })
                }
              >
                Create and map
              </Button>
            </InlineStack>
          )}
        </InlineStack>
        {location.mappedLocationDeleted && (
          <Banner tone="warning">
            <p>&quot;{location.mappedLocationName}&quot; was deleted in Tenon. Choose another location for {location.name}.</p>
          </Banner>
        )}
        {shared && (
          <Text as="p" tone="subdued" variant="bodySm">
            {location.mappedLocationName} also serves other Shopify locations of this store: they all receive the same quantity.
          </Text>
        )}
      </BlockStack>
    </div>
  );
}

/**
 * "Import initial stock": Shopify's available + what open imported orders hold becomes one
 * stock adjustment per mapped Tenon location. Disabled with the reason until it may run; asks
 * for confirmation because running it twice adds twice.
 */
function InitialStockImport({ data }: { data: StoreTabData }) {
  const start = useFetcher<StoreActionResult>();
  const [confirming, setConfirming] = useState(false);
  const blocked = data.imports.stockImportBlockedReason;
  const running = data.imports.stockRunning || start.state !== "idle";
  const refused = start.state === "idle" && start.data && !start.data.ok ? start.data.message : undefined;
  return (
    <BlockStack gap="200">
      <Text as="h2" variant="headingMd">
        Initial stock
      </Text>
      <Text as="p" tone="subdued">
        Optional: bring Shopify&apos;s stock into Tenon once, before you activate sync. Each mapped Tenon location receives
        one stock adjustment: Shopify&apos;s available quantity plus what open imported orders already hold, summed over the
        Shopify locations mapped to it.
      </Text>
      <InlineStack gap="200" blockAlign="center">
        <Button onClick={() => setConfirming(true)} disabled={blocked !== null || running} loading={running}>
          Import initial stock
        </Button>
        {blocked !== null && !running && (
          <Text as="span" tone="subdued">
            <span data-testid="stock-import-reason">{blocked}</span>
          </Text>
        )}
        {refused && (
          <Text as="span" tone="critical">
            {refused}
          </Text>
        )}
      </InlineStack>
      <Modal
        open={confirming}
        onClose={() => setConfirming(false)}
        title="Import initial stock from Shopify?"
        primaryAction={{
          content: "Import stock",
          onAction: () => {
            setConfirming(false);
            start.submit({ intent: "import_stock" }, { method: "post" });
          },
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirming(false) }]}
      >
        <Modal.Section>
          <Text as="p">
            Tenon adds Shopify&apos;s quantities to its stock with one adjustment per location. Running the import a second
            time adds the quantities a second time: do it once, then correct stock with adjustments.
          </Text>
        </Modal.Section>
      </Modal>
    </BlockStack>
  );
}
