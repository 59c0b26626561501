import { useFetcher } from "@remix-run/react";
import { BlockStack, Button, Checkbox, InlineStack, Text } from "@shopify/polaris";
import { SettingCheckbox, SettingSelect } from "./SettingControls";
import type { StoreActionResult, StoreTabData } from "./types";

function Heading({ testId, children }: { testId: string; children: string }) {
  return (
    <div data-testid={testId}>
      <Text as="h2" variant="headingMd">
        {children}
      </Text>
    </div>
  );
}

const serviceOrProduct = [
  { label: "Service", value: "service" },
  { label: "Product", value: "product" },
];

export function ProductsTab({ data, onImport, importing }: { data: StoreTabData; onImport: () => void; importing: boolean }) {
  const s = data.settings.products;
  const connected = data.state !== "not_connected";
  return (
    <BlockStack gap="400">
      <Heading testId="tab-products">Products</Heading>
      <Text as="p" tone="subdued">
        How Shopify products and variants become Tenon products. Products are matched by SKU, case-sensitive and trimmed;
        a variant without SKU by its Shopify ID. Running the import again never duplicates.
      </Text>
      <InlineStack gap="200" blockAlign="center">
        <Button variant="primary" onClick={onImport} disabled={!connected || importing} loading={importing}>
          Start the import
        </Button>
        {!connected && (
          <Text as="span" tone="subdued">
            Connect the store to import its products.
          </Text>
        )}
      </InlineStack>
      <SettingSelect
        section="products"
        field="nonPhysicalProducts"
        label="Non-physical Shopify products become"
        options={serviceOrProduct}
        value={s.nonPhysicalProducts}
      />
      <TaxRate value={s.defaultTaxRatePercent} />
      <SettingCheckbox
        section="products"
        field="importCostPerItem"
        label="Import cost per item"
        helpText="Use Shopify's unit cost as the Tenon cost; when Shopify has none, the cost stays empty."
        checked={s.importCostPerItem}
      />
    </BlockStack>
  );
}

function TaxRate({ value }: { value: number }) {
  const options = ["0", "5", "7", "7.5", "10", "19", "20", "21", "25"].map((v) => ({ label: `${v} %`, value: v }));
  if (!options.some((o) => Number(o.value) === value)) options.push({ label: `${value} %`, value: String(value) });
  return (
    <SettingSelect
      section="products"
      field="defaultTaxRatePercent"
      label="Default tax rate"
      helpText="For stores whose prices include tax: Tenon's sales price = Shopify price / (1 + rate)."
      options={options}
      value={String(value)}
    />
  );
}

export function OrdersTab({ data }: { data: StoreTabData }) {
  const s = data.settings.orders;
  return (
    <BlockStack gap="300">
      <Heading testId="tab-orders">Orders</Heading>
      <Text as="p" tone="subdued">
        Which Shopify orders become Tenon sales orders once sync is active, and which changes follow them.
      </Text>
      <Checkbox label="Paid orders (always imported)" checked disabled />
      <SettingCheckbox section="orders" field="paymentPending" label="Orders with payment pending" checked={s.paymentPending} />
      <SettingCheckbox section="orders" field="shippingFeeLine" label="Shipping cost as one shipping-fee line" checked={s.shippingFeeLine} />
      <SettingSelect
        section="orders"
        field="customNonPhysicalLines"
        label="Custom non-physical line items become"
        options={serviceOrProduct}
        value={s.customNonPhysicalLines}
      />
      <SettingCheckbox section="orders" field="bringOrderChanges" label="Bring order changes" checked={s.bringOrderChanges} />
      <SettingCheckbox
        section="orders"
        field="bringFulfillmentLocationUpdates"
        label="Bring fulfillment-location updates per row"
        checked={s.bringFulfillmentLocationUpdates}
      />
      <SettingCheckbox section="orders" field="bringReturns" label="Bring returns" checked={s.bringReturns} />
      <SettingCheckbox section="orders" field="syncFulfillmentStatus" label="Sync fulfillment status" checked={s.syncFulfillmentStatus} />
      <SettingSelect
        section="orders"
        field="fulfillmentDirection"
        label="Fulfillment sync direction"
        options={[
          { label: "Both ways", value: "both" },
          { label: "Shopify → Tenon", value: "shopify_to_tenon" },
          { label: "Tenon → Shopify", value: "tenon_to_shopify" },
        ]}
        value={s.fulfillmentDirection}
      />
      <SettingCheckbox
        section="orders"
        field="notifyCustomer"
        label="Shopify notifies the customer when Tenon fulfils"
        helpText="Shopify's shipping confirmation email, sent for fulfillments Tenon creates (with tracking when given)."
        checked={s.notifyCustomer}
      />
    </BlockStack>
  );
}

export function CustomersTab({ data }: { data: StoreTabData }) {
  const start = useFetcher<StoreActionResult>();
  const connected = data.state !== "not_connected";
  const running = data.imports.customersRunning || start.state !== "idle";
  const refused = start.state === "idle" && start.data && !start.data.ok ? start.data.message : undefined;
  return (
    <BlockStack gap="300">
      <Heading testId="tab-customers">Customers</Heading>
      <Text as="p" tone="subdued">
        Shopify customers are matched to Tenon customers by Shopify ID, then email, then name. Tenon never writes customers
        back to Shopify. Orders bring their customer with them; import customers to have the others in Tenon too.
      </Text>
      <InlineStack gap="200" blockAlign="center">
        <Button
          onClick={() => start.submit({ intent: "import_customers" }, { method: "post" })}
          disabled={!connected || running}
          loading={running}
        >
          Start customers import
        </Button>
        {!connected && (
          <Text as="span" tone="subdued">
            Connect the store to import its customers.
          </Text>
        )}
        {refused && (
          <Text as="span" tone="critical">
            {refused}
          </Text>
        )}
      </InlineStack>
    </BlockStack>
  );
}
