import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, InlineGrid, InlineStack, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { z } from "zod";
import { fieldError, useActionToast, type ActionResult } from "~/components/action-feedback";
import db from "~/db.server";
import { getProduct, listVariantOptions, setKitComponents } from "~/services/products/products.server";
import { requireAppContext } from "~/server/app-context.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const [product, componentOptions] = await Promise.all([
    getProduct(db, context.accountId, params.productId ?? ""),
    listVariantOptions(db, context.accountId, { kind: "physical" }),
  ]);
  if (!product) throw new Response("This product does not exist (any more).", { status: 404 });
  return { product, componentOptions };
};

const KitForm = z.object({
  intent: z.literal("setKit"),
  variantId: z.string(),
  components: z.array(z.object({ variantId: z.string(), quantityPerKit: z.string() })),
});

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult & { variantId?: string }> => {
  const context = await requireAppContext(request);
  const parsed = KitForm.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false, intent: "unknown", message: "Unknown action. Reload the page and try again." };
  const { variantId, components } = parsed.data;
  const result = await setKitComponents(db, context.accountId, variantId, components);
  if (!result.ok) return { ok: false, intent: "setKit", variantId, code: result.code, message: result.message, fieldErrors: result.fieldErrors ?? {} };
  return {
    ok: true,
    intent: "setKit",
    variantId,
    message: result.value.components === 0 ? "No longer a kit" : `Bill of materials saved (${result.value.components} component${result.value.components === 1 ? "" : "s"})`,
  };
};

export default function ProductDetail() {
  const { product, componentOptions } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const sharedCodes = params.get("sharedCodes")?.split(",").filter(Boolean) ?? [];
  return (
    <Page
      title={product.name}
      titleMetadata={
        <InlineStack gap="200">
          {product.kind === "service" && <Badge>Service</Badge>}
          {product.batchTracked && <Badge tone="info">Batch-tracked</Badge>}
        </InlineStack>
      }
      subtitle={`Default delivery time: ${product.defaultDeliveryDays} day${product.defaultDeliveryDays === 1 ? "" : "s"}`}
      backAction={{ content: "Products", url: "/app/products" }}
    >
      <Layout>
        {sharedCodes.length > 0 && (
          <Layout.Section>
            <Banner tone="warning" title={`Another variant already uses ${sharedCodes.length === 1 ? "this code" : "these codes"}: ${sharedCodes.join(", ")}`}>
              <p>Several variants may share a code, but only the newest one is synced with Shopify. Change a code if they are different items.</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card padding="0">
            <DataTable
              columnContentTypes={["text", "text", "numeric", "numeric"]}
              headings={["Variant", "Code (SKU)", "Sales price", "Cost"]}
              rows={product.variants.map((v) => [v.name || "—", v.code ?? "—", v.salesPrice ?? "—", v.cost ?? "—"])}
            />
          </Card>
        </Layout.Section>
        {product.kind === "physical" &&
          product.variants.map((variant) => (
            <Layout.Section key={variant.id}>
              <KitEditor
                variant={variant}
                options={componentOptions.filter((o) => o.id !== variant.id)}
                title={product.variants.length > 1 ? `Bill of materials — ${variant.name || variant.code || "variant"}` : "Bill of materials"}
              />
            </Layout.Section>
          ))}
      </Layout>
    </Page>
  );
}

type Line = { variantId: string; quantityPerKit: string };

function KitEditor(props: {
  title: string;
  variant: { id: string; components: { variantId: string; quantityPerKit: string }[] };
  options: { id: string; label: string }[];
}) {
  const all = useActionData<typeof action>();
  const result = all?.variantId === props.variant.id ? all : undefined;
  useActionToast(result);
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [lines, setLines] = useState<Line[]>(props.variant.components.map((c) => ({ variantId: c.variantId, quantityPerKit: c.quantityPerKit })));
  const setLine = (index: number, change: Partial<Line>) => setLines((list) => list.map((l, i) => (i === index ? { ...l, ...change } : l)));
  const options = [{ label: "Choose a component", value: "" }, ...props.options.map((o) => ({ label: o.label, value: o.id }))];

  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {props.title}
          </Text>
          {props.variant.components.length > 0 && <Badge tone="magic">Kit</Badge>}
        </InlineStack>
        <Text as="p" tone="subdued">
          A kit is made of components. Its potential stock is how many complete kits the components&apos; available stock allows.
        </Text>
        {result && !result.ok && result.code === "BOM_INVALID" && <Banner tone="critical">{result.message}</Banner>}
        {lines.map((line, i) => (
          <InlineGrid key={i} columns={{ xs: 1, md: "3fr 1fr auto" }} gap="200" alignItems="end">
            <Select
              label="Component"
              options={options}
              value={line.variantId}
              onChange={(value) => setLine(i, { variantId: value })}
              error={fieldError(result, `components.${i}.variantId`, `components.${i}`)}
            />
            <TextField
              label="Quantity per kit"
              value={line.quantityPerKit}
              onChange={(value) => setLine(i, { quantityPerKit: value })}
              autoComplete="off"
              inputMode="decimal"
              error={fieldError(result, `components.${i}.quantityPerKit`)}
            />
            <Button variant="plain" tone="critical" accessibilityLabel={`Remove component ${i + 1}`} onClick={() => setLines((list) => list.filter((_, j) => j !== i))}>
              Remove
            </Button>
          </InlineGrid>
        ))}
        <InlineStack gap="200" align="space-between">
          <Button onClick={() => setLines((list) => [...list, { variantId: "", quantityPerKit: "1" }])}>Add component</Button>
          <Button
            variant="primary"
            loading={busy}
            onClick={() => submit({ intent: "setKit", variantId: props.variant.id, components: lines }, { method: "post", encType: "application/json" })}
          >
            Save bill of materials
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
