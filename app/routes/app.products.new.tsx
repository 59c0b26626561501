import { useState } from "react";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useNavigation, useSubmit } from "@remix-run/react";
import { BlockStack, Button, Card, Checkbox, FormLayout, InlineGrid, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { z } from "zod";
import { FormPage } from "~/components/FormPage";
import { fieldError, type ActionResult } from "~/components/action-feedback";
import db from "~/db.server";
import { createProduct } from "~/services/products/products.server";
import { requireAppContext } from "~/server/app-context.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireAppContext(request);
  return null;
};

// The form posts JSON (variants are a list); the service validates every field.
const ProductForm = z.object({
  name: z.string(),
  kind: z.string(),
  batchTracked: z.boolean(),
  defaultDeliveryDays: z.string(),
  variants: z.array(z.object({ name: z.string(), code: z.string(), salesPrice: z.string(), cost: z.string() })),
});

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const context = await requireAppContext(request);
  const parsed = ProductForm.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false, intent: "create", message: "The form could not be read. Reload the page and try again." };
  const result = await createProduct(db, context.accountId, parsed.data);
  if (!result.ok) return { ok: false, intent: "create", code: result.code, message: result.message, fieldErrors: result.fieldErrors ?? {} };
  const shared = result.value.sharedCodes.length > 0 ? `?sharedCodes=${encodeURIComponent(result.value.sharedCodes.join(","))}` : "";
  throw redirect(`/app/products/${result.value.productId}${shared}`);
};

type VariantDraft = { name: string; code: string; salesPrice: string; cost: string };
const emptyVariant: VariantDraft = { name: "", code: "", salesPrice: "", cost: "" };

export default function NewProduct() {
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [name, setName] = useState("");
  const [kind, setKind] = useState("physical");
  const [batchTracked, setBatchTracked] = useState(false);
  const [defaultDeliveryDays, setDefaultDeliveryDays] = useState("0");
  const [variants, setVariants] = useState<VariantDraft[]>([emptyVariant]);
  const setVariant = (index: number, field: keyof VariantDraft, value: string) =>
    setVariants((list) => list.map((v, i) => (i === index ? { ...v, [field]: value } : v)));

  const save = () =>
    submit({ name, kind, batchTracked, defaultDeliveryDays, variants }, { method: "post", encType: "application/json" });

  return (
    <FormPage
      title="Add product"
      back={{ content: "Products", url: "/app/products" }}
      saveLabel="Save product"
      onSave={save}
      busy={busy}
      error={result && !result.ok ? { message: result.message, detail: fieldError(result, "form", "variants") } : undefined}
    >
          <Card>
            <FormLayout>
              <TextField label="Name" value={name} onChange={setName} autoComplete="off" error={fieldError(result, "name")} />
              <FormLayout.Group>
                <Select
                  label="Type"
                  options={[
                    { label: "Physical product (kept in stock)", value: "physical" },
                    { label: "Service (never in stock)", value: "service" },
                  ]}
                  value={kind}
                  onChange={setKind}
                />
                <TextField
                  label="Default delivery time (days)"
                  type="number"
                  min={0}
                  value={defaultDeliveryDays}
                  onChange={setDefaultDeliveryDays}
                  autoComplete="off"
                  error={fieldError(result, "defaultDeliveryDays")}
                />
              </FormLayout.Group>
              <Checkbox
                label="Batch-tracked"
                helpText="Receipts record a batch number; deliveries take the oldest batches first."
                checked={batchTracked}
                onChange={setBatchTracked}
                error={fieldError(result, "batchTracked")}
              />
            </FormLayout>
          </Card>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Variants
              </Text>
              <Text as="p" tone="subdued">
                The code is the SKU that matches Shopify: trimmed and case-sensitive. If another variant already uses it, you will be
                warned; the newest one is the one synced.
              </Text>
              {variants.map((variant, i) => (
                <InlineGrid key={i} columns={{ xs: 1, md: "2fr 2fr 1fr 1fr auto" }} gap="200" alignItems="end">
                  <TextField label="Variant name" value={variant.name} onChange={(v) => setVariant(i, "name", v)} autoComplete="off" placeholder="e.g. Large" error={fieldError(result, `variants.${i}.name`)} />
                  <TextField label="Code (SKU)" value={variant.code} onChange={(v) => setVariant(i, "code", v)} autoComplete="off" error={fieldError(result, `variants.${i}.code`)} />
                  <TextField label="Sales price" value={variant.salesPrice} onChange={(v) => setVariant(i, "salesPrice", v)} autoComplete="off" inputMode="decimal" error={fieldError(result, `variants.${i}.salesPrice`)} />
                  <TextField label="Cost" value={variant.cost} onChange={(v) => setVariant(i, "cost", v)} autoComplete="off" inputMode="decimal" error={fieldError(result, `variants.${i}.cost`)} />
                  <Button
                    variant="plain"
                    tone="critical"
                    disabled={variants.length === 1}
                    accessibilityLabel={`Remove variant ${i + 1}`}
                    onClick={() => setVariants((list) => list.filter((_, j) => j !== i))}
                  >
                    Remove
                  </Button>
                </InlineGrid>
              ))}
              <div>
                <Button onClick={() => setVariants((list) => [...list, emptyVariant])}>Add variant</Button>
              </div>
            </BlockStack>
          </Card>
          <InlineStack align="end">
            <Button submit variant="primary" loading={busy}>
              Save product
            </Button>
          </InlineStack>
    </FormPage>
  );
}
