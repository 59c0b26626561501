import { useState } from "react";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { BlockStack, Button, Card, FormLayout, InlineGrid, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { z } from "zod";
import { CustomerPicker } from "~/components/CustomerPicker";
import { FormPage } from "~/components/FormPage";
import { fieldError, type ActionResult } from "~/components/action-feedback";
import db from "~/db.server";
import { listVariantOptions } from "~/services/products/products.server";
import { listLocations } from "~/services/locations/locations.server";
import { createSalesOrder } from "~/services/sales-orders/sales-orders.server";
import { requireAppContext } from "~/server/app-context.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const [items, locations] = await Promise.all([listVariantOptions(db, context.accountId), listLocations(db, context.accountId)]);
  return {
    items,
    locations: locations.map((l) => ({ id: l.id, name: l.name, isDefaultForOrders: l.isDefaultForOrders })),
    today: new Date().toISOString().slice(0, 10),
  };
};

// The form posts JSON (rows are a list); the service validates every field.
const OrderForm = z.object({
  customerId: z.string(),
  customerReference: z.string(),
  currency: z.string(),
  orderDate: z.string(),
  deliveryDate: z.string(),
  shippingFee: z.string(),
  rows: z.array(z.object({ variantId: z.string(), quantity: z.string(), pricePerUnit: z.string(), discountPercent: z.string(), locationId: z.string() })),
});

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const context = await requireAppContext(request);
  const parsed = OrderForm.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false, intent: "create", message: "The form could not be read. Reload the page and try again." };
  const form = parsed.data;
  const result = await createSalesOrder(db, context.accountId, {
    customerId: form.customerId || undefined,
    customerReference: form.customerReference || undefined,
    currency: form.currency,
    orderDate: form.orderDate,
    deliveryDate: form.deliveryDate || undefined,
    shippingFee: form.shippingFee,
    rows: form.rows.map((row) => ({ ...row, variantId: row.variantId || undefined, locationId: row.locationId || undefined })),
  });
  if (!result.ok) return { ok: false, intent: "create", code: result.code, message: result.message, fieldErrors: result.fieldErrors ?? {} };
  throw redirect(`/app/sales-orders/${result.value.orderId}`);
};

type RowDraft = { variantId: string; quantity: string; pricePerUnit: string; discountPercent: string; locationId: string };

export default function NewSalesOrder() {
  const { items, locations, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const defaultLocationId = (locations.find((l) => l.isDefaultForOrders) ?? locations[0])?.id ?? "";
  const emptyRow: RowDraft = { variantId: "", quantity: "1", pricePerUnit: "", discountPercent: "", locationId: defaultLocationId };
  const [customerId, setCustomerId] = useState("");
  const [customerReference, setCustomerReference] = useState("");
  const [currency, setCurrency] = useState("EUR");
  const [orderDate, setOrderDate] = useState(today);
  const [deliveryDate, setDeliveryDate] = useState("");
  const [shippingFee, setShippingFee] = useState("");
  const [rows, setRows] = useState<RowDraft[]>([emptyRow]);
  const setRow = (index: number, change: Partial<RowDraft>) => setRows((list) => list.map((r, i) => (i === index ? { ...r, ...change } : r)));
  const itemOptions = [{ label: "Choose an item", value: "" }, ...items.map((i) => ({ label: i.label, value: i.id }))];
  const locationOptions = locations.map((l) => ({ label: l.name, value: l.id }));

  const save = () =>
    submit({ customerId, customerReference, currency, orderDate, deliveryDate, shippingFee, rows }, { method: "post", encType: "application/json" });

  return (
    <FormPage
      title="Create sales order"
      back={{ content: "Sales orders", url: "/app/sales-orders" }}
      saveLabel="Create order"
      onSave={save}
      busy={busy}
      error={result && !result.ok ? { message: result.message, detail: fieldError(result, "form", "rows") } : undefined}
    >
          <Card>
            <FormLayout>
              <CustomerPicker value={customerId} onChange={setCustomerId} error={fieldError(result, "customerId")} />
              <FormLayout.Group>
                <TextField label="Customer reference" value={customerReference} onChange={setCustomerReference} autoComplete="off" placeholder="e.g. the customer's PO number" error={fieldError(result, "customerReference")} />
                <TextField label="Currency" value={currency} onChange={setCurrency} autoComplete="off" maxLength={3} error={fieldError(result, "currency")} />
              </FormLayout.Group>
              <FormLayout.Group>
                <TextField label="Order date" type="date" value={orderDate} onChange={setOrderDate} autoComplete="off" error={fieldError(result, "orderDate")} />
                <TextField label="Delivery date" type="date" value={deliveryDate} onChange={setDeliveryDate} autoComplete="off" error={fieldError(result, "deliveryDate")} />
              </FormLayout.Group>
            </FormLayout>
          </Card>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Rows
              </Text>
              {rows.map((row, i) => (
                <InlineGrid key={i} columns={{ xs: 1, md: "3fr 1fr 1fr 1fr 2fr auto" }} gap="200" alignItems="end">
                  <Select
                    label="Item"
                    options={itemOptions}
                    value={row.variantId}
                    onChange={(variantId) => setRow(i, { variantId, pricePerUnit: row.pricePerUnit || (items.find((it) => it.id === variantId)?.salesPrice ?? "") })}
                    error={fieldError(result, `rows.${i}.variantId`, `rows.${i}.description`)}
                  />
                  <TextField label="Quantity" value={row.quantity} onChange={(quantity) => setRow(i, { quantity })} autoComplete="off" inputMode="decimal" error={fieldError(result, `rows.${i}.quantity`)} />
                  <TextField label="Price per unit" value={row.pricePerUnit} onChange={(pricePerUnit) => setRow(i, { pricePerUnit })} autoComplete="off" inputMode="decimal" error={fieldError(result, `rows.${i}.pricePerUnit`)} />
                  <TextField label="Discount %" value={row.discountPercent} onChange={(discountPercent) => setRow(i, { discountPercent })} autoComplete="off" inputMode="decimal" error={fieldError(result, `rows.${i}.discountPercent`)} />
                  <Select label="Location" options={locationOptions} value={row.locationId} onChange={(locationId) => setRow(i, { locationId })} error={fieldError(result, `rows.${i}.locationId`)} />
                  <Button variant="plain" tone="critical" disabled={rows.length === 1} accessibilityLabel={`Remove row ${i + 1}`} onClick={() => setRows((list) => list.filter((_, j) => j !== i))}>
                    Remove
                  </Button>
                </InlineGrid>
              ))}
              <InlineStack align="space-between" blockAlign="end">
                <Button onClick={() => setRows((list) => [...list, emptyRow])}>Add row</Button>
                <div style={{ width: 200 }}>
                  <TextField label="Shipping fee" value={shippingFee} onChange={setShippingFee} autoComplete="off" inputMode="decimal" placeholder="Optional" error={fieldError(result, "shippingFee")} />
                </div>
              </InlineStack>
            </BlockStack>
          </Card>
          <InlineStack align="end">
            <Button submit variant="primary" loading={busy}>
              Create order
            </Button>
          </InlineStack>
    </FormPage>
  );
}
