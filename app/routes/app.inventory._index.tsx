import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Badge, Banner, Box, Card, EmptyState, FormLayout, IndexTable, InlineStack, Modal, Page, Select, Text, TextField } from "@shopify/polaris";
import { z } from "zod";
import { CsvExportButton } from "~/components/CsvExportButton";
import { ListControls, ListPagination } from "~/components/ListControls";
import { fieldError, useActionToast, type ActionResult } from "~/components/action-feedback";
import db from "~/db.server";
import { listVariantOptions } from "~/services/products/products.server";
import { listInventory } from "~/services/stock/inventory.server";
import { listLocations } from "~/services/locations/locations.server";
import { adjustStock, receivePurchase } from "~/services/stock/stock.server";
import { requireAppContext } from "~/server/app-context.server";

const ListQuery = z.object({
  search: z.string().optional(),
  locationId: z.string().optional(),
  page: z.coerce.number().int().min(1).optional().catch(undefined),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const query = ListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [inventory, locations, items] = await Promise.all([
    listInventory(db, context.accountId, query),
    listLocations(db, context.accountId),
    listVariantOptions(db, context.accountId, { kind: "physical" }),
  ]);
  return {
    ...inventory,
    locations: locations.map((l) => ({ id: l.id, name: l.name, isDefaultForOrders: l.isDefaultForOrders })),
    items,
    today: new Date().toISOString().slice(0, 10),
  };
};

const Intent = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("adjust"),
    variantId: z.string(),
    locationId: z.string(),
    quantity: z.string(),
    reason: z.string(),
    occurredAt: z.string(),
  }),
  z.object({
    intent: z.literal("receive"),
    variantId: z.string(),
    locationId: z.string(),
    quantity: z.string(),
    unitCost: z.string().optional(),
    batchNumber: z.string().optional(),
    receivedAt: z.string(),
  }),
]);

// Both forms show one item, so a line's errors are shown beside the form's own fields.
const lineField: Record<string, string> = { "lines.0.quantity": "quantity", "lines.0.variantId": "variantId", lines: "variantId" };

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const context = await requireAppContext(request);
  const parsed = Intent.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false, intent: "unknown", message: "Unknown action. Reload the page and try again." };
  const input = parsed.data;
  const result =
    input.intent === "adjust"
      ? await adjustStock(db, context.accountId, {
          locationId: input.locationId,
          reason: input.reason,
          occurredAt: input.occurredAt,
          lines: [{ variantId: input.variantId, quantity: input.quantity }],
        })
      : await receivePurchase(db, context.accountId, {
          ...input,
          unitCost: input.unitCost || undefined,
          batchNumber: input.batchNumber || undefined,
        });
  if (!result.ok) {
    const fieldErrors = Object.fromEntries(Object.entries(result.fieldErrors ?? {}).map(([field, message]) => [lineField[field] ?? field, message]));
    return { ok: false, intent: input.intent, code: result.code, message: result.message, fieldErrors };
  }
  return { ok: true, intent: input.intent, message: input.intent === "adjust" ? "Stock adjusted" : "Purchase received" };
};

type Dialog = "adjust" | "receive" | null;

export default function Inventory() {
  const { lines, total, page, pageCount, locations, items, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  useActionToast(result);
  const [dialog, setDialog] = useState<Dialog>(null);

  useEffect(() => {
    if (result?.ok) setDialog(null);
  }, [result]);

  return (
    <Page
      title="Inventory"
      subtitle="In stock, committed to open orders, and available, per item and location"
      primaryAction={{ content: "Receive purchase", onAction: () => setDialog("receive"), disabled: locations.length === 0 }}
      secondaryActions={[{ content: "Adjust stock", onAction: () => setDialog("adjust"), disabled: locations.length === 0 }]}
    >
      <Card padding="0">
        <Box padding="300">
          <InlineStack gap="300" wrap={false} blockAlign="center">
            <div style={{ flexGrow: 1 }}>
              <ListControls
                searchLabel="Search inventory"
                searchPlaceholder="Search by product name or code"
                filter={{ name: "locationId", label: "Location", options: locations.map((l) => ({ label: l.name, value: l.id })) }}
              />
            </div>
            <CsvExportButton path="/app/inventory/export" fallbackName="inventory.csv" />
          </InlineStack>
        </Box>
        {lines.length === 0 ? (
          <EmptyState
            heading={locations.length === 0 ? "Add a location first" : "Nothing to show"}
            action={locations.length === 0 ? { content: "Add a location", url: "/app/locations" } : { content: "Add product", url: "/app/products/new" }}
            image=""
          >
            <p>
              {locations.length === 0
                ? "Stock is kept per location: add your workshop or warehouse."
                : "No physical products match. Services are never in stock."}
            </p>
          </EmptyState>
        ) : (
          <IndexTable
            resourceName={{ singular: "line", plural: "lines" }}
            itemCount={lines.length}
            selectable={false}
            headings={[
              { title: "Item" },
              { title: "Code" },
              { title: "Location" },
              { title: "In stock", alignment: "end" },
              { title: "Committed", alignment: "end" },
              { title: "Available", alignment: "end" },
              { title: "Potential", alignment: "end" },
            ]}
          >
            {lines.map((line, index) => (
              <IndexTable.Row id={`${line.variantId}:${line.locationId}`} key={`${line.variantId}:${line.locationId}`} position={index}>
                <IndexTable.Cell>
                  <div data-testid="inventory-row" data-code={line.code ?? ""} data-location={line.locationName}>
                    <InlineStack gap="200" blockAlign="center" wrap={false}>
                      <Text as="span" fontWeight="semibold">
                        {[line.productName, line.variantName].filter(Boolean).join(" — ")}
                      </Text>
                      {line.isKit && <Badge tone="magic">Kit</Badge>}
                      {line.batchTracked && <Badge tone="info">Batches</Badge>}
                    </InlineStack>
                  </div>
                </IndexTable.Cell>
                <IndexTable.Cell>{line.code ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>{line.locationName}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Quantity testId="in-stock" value={line.inStock} />
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Quantity testId="committed" value={line.committed} />
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Quantity testId="available" value={line.available} critical={line.available.startsWith("-")} />
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Quantity testId="potential" value={line.potential === null ? "—" : String(line.potential)} />
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        )}
      </Card>
      <Box paddingBlockStart="400">
        <ListPagination page={page} pageCount={pageCount} total={total} resourceName="items" />
      </Box>
      {dialog && (
        <StockDialog
          kind={dialog}
          result={result && result.intent === dialog ? result : undefined}
          items={items}
          locations={locations}
          today={today}
          onClose={() => setDialog(null)}
        />
      )}
    </Page>
  );
}

function Quantity(props: { value: string; testId: string; critical?: boolean }) {
  return (
    <Text as="span" alignment="end" numeric tone={props.critical ? "critical" : undefined}>
      <span data-testid={props.testId}>{props.value}</span>
    </Text>
  );
}

function StockDialog(props: {
  kind: "adjust" | "receive";
  result: ActionResult | undefined;
  items: { id: string; label: string; batchTracked: boolean }[];
  locations: { id: string; name: string; isDefaultForOrders: boolean }[];
  today: string;
  onClose: () => void;
}) {
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const { result } = props;
  const defaultLocation = props.locations.find((l) => l.isDefaultForOrders) ?? props.locations[0];
  const [variantId, setVariantId] = useState("");
  const [locationId, setLocationId] = useState(defaultLocation?.id ?? "");
  const [quantity, setQuantity] = useState("");
  const [reason, setReason] = useState("");
  const [unitCost, setUnitCost] = useState("");
  const [batchNumber, setBatchNumber] = useState("");
  const [date, setDate] = useState(props.today);
  const batchTracked = props.items.find((i) => i.id === variantId)?.batchTracked ?? false;
  const adjusting = props.kind === "adjust";

  const save = () =>
    submit(
      adjusting
        ? { intent: "adjust", variantId, locationId, quantity, reason, occurredAt: date }
        : { intent: "receive", variantId, locationId, quantity, unitCost, batchNumber, receivedAt: date },
      { method: "post" },
    );

  return (
    <Modal
      open
      onClose={props.onClose}
      title={adjusting ? "Adjust stock" : "Receive purchase"}
      primaryAction={{ content: adjusting ? "Adjust" : "Receive", onAction: save, loading: busy }}
      secondaryActions={[{ content: "Cancel", onAction: props.onClose }]}
    >
      <Modal.Section>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            save();
          }}
        >
          <FormLayout>
            {result && !result.ok && (!result.fieldErrors || Object.keys(result.fieldErrors).length === 0) && <Banner tone="critical">{result.message}</Banner>}
            <Select
              label="Item"
              options={[{ label: "Choose an item", value: "" }, ...props.items.map((i) => ({ label: i.label, value: i.id }))]}
              value={variantId}
              onChange={setVariantId}
              error={fieldError(result, "variantId")}
            />
            <Select
              label="Location"
              options={props.locations.map((l) => ({ label: l.name, value: l.id }))}
              value={locationId}
              onChange={setLocationId}
              error={fieldError(result, "locationId")}
            />
            <FormLayout.Group>
              <TextField
                label={adjusting ? "Change in quantity" : "Quantity received"}
                helpText={adjusting ? "Negative to take stock out, e.g. -2" : undefined}
                value={quantity}
                onChange={setQuantity}
                autoComplete="off"
                inputMode="decimal"
                error={fieldError(result, "quantity")}
              />
              <TextField
                label={adjusting ? "Date" : "Received on"}
                type="date"
                value={date}
                onChange={setDate}
                autoComplete="off"
                error={fieldError(result, "occurredAt", "receivedAt")}
              />
            </FormLayout.Group>
            {adjusting ? (
              <TextField label="Reason" value={reason} onChange={setReason} autoComplete="off" placeholder="e.g. Stocktake, breakage" error={fieldError(result, "reason")} />
            ) : (
              <FormLayout.Group>
                <TextField label="Unit cost" value={unitCost} onChange={setUnitCost} autoComplete="off" inputMode="decimal" error={fieldError(result, "unitCost")} />
                {batchTracked || fieldError(result, "batchNumber") ? (
                  <TextField label="Batch number" value={batchNumber} onChange={setBatchNumber} autoComplete="off" error={fieldError(result, "batchNumber")} />
                ) : (
                  <div />
                )}
              </FormLayout.Group>
            )}
            <button type="submit" hidden />
          </FormLayout>
        </form>
      </Modal.Section>
    </Modal>
  );
}
