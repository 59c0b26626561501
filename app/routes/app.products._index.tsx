import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Box, Card, EmptyState, InlineStack, Page, ResourceItem, ResourceList, Text } from "@shopify/polaris";
import { z } from "zod";
import { ListControls, ListPagination } from "~/components/ListControls";
import db from "~/db.server";
import { listProducts } from "~/services/products/products.server";
import { requireAppContext } from "~/server/app-context.server";

const ListQuery = z.object({
  search: z.string().optional(),
  kind: z.enum(["physical", "service"]).optional().catch(undefined),
  page: z.coerce.number().int().min(1).optional().catch(undefined),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const query = ListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { ...(await listProducts(db, context.accountId, query)), filtered: Boolean(query.search || query.kind) };
};

export default function Products() {
  const { items, total, page, pageCount, filtered } = useLoaderData<typeof loader>();
  return (
    <Page title="Products" subtitle="What you make, sell and keep in stock" primaryAction={{ content: "Add product", url: "/app/products/new" }}>
      <Card padding="0">
        <Box padding="300">
          <ListControls
            searchLabel="Search products"
            searchPlaceholder="Search by name or variant code"
            filter={{ name: "kind", label: "Type", options: [{ label: "Physical", value: "physical" }, { label: "Service", value: "service" }] }}
          />
        </Box>
        {items.length === 0 ? (
          filtered ? (
            <Box padding="600">
              <Text as="p" alignment="center" tone="subdued">
                No products match. Try another search or type.
              </Text>
            </Box>
          ) : (
            <EmptyState heading="Add your first product" action={{ content: "Add product", url: "/app/products/new" }} image="">
              <p>Products are what you make and sell. Each has one or more variants; a variant&apos;s code is its SKU.</p>
            </EmptyState>
          )
        ) : (
          <ResourceList
            resourceName={{ singular: "product", plural: "products" }}
            items={items}
            renderItem={(product) => (
              <ResourceItem id={product.id} url={`/app/products/${product.id}`} accessibilityLabel={`Open ${product.name}`}>
                <div data-testid="product-row">
                  <BlockStack gap="100">
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="h3" variant="headingSm">
                        {product.name}
                      </Text>
                      {product.kind === "service" && <Badge>Service</Badge>}
                      {product.batchTracked && <Badge tone="info">Batch-tracked</Badge>}
                      {product.variants.some((v) => v.isKit) && <Badge tone="magic">Kit</Badge>}
                    </InlineStack>
                    <Text as="span" tone="subdued">
                      {product.variants
                        .map((v) => [v.name, v.code].filter(Boolean).join(" · ") || "No code")
                        .join(", ")}
                    </Text>
                  </BlockStack>
                </div>
              </ResourceItem>
            )}
          />
        )}
      </Card>
      <Box paddingBlockStart="400">
        <ListPagination page={page} pageCount={pageCount} total={total} resourceName="products" />
      </Box>
    </Page>
  );
}
