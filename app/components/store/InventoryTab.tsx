import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack, Select, Text, TextField } from "@shopify/polaris";
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
