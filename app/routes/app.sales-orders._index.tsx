import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate } from "@remix-run/react";
import { Badge, Box, Card, EmptyState, IndexTable, InlineStack, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { CsvExportButton } from "~/components/CsvExportButton";
import { ListControls, ListPagination } from "~/components/ListControls";
import { deliveryStatusLabel, deliveryStatusTone, formatDay } from "~/components/labels";
import db from "~/db.server";
import { listSalesOrders } from "~/services/sales-orders/sales-orders.server";
import { requireAppContext } from "~/server/app-context.server";

const statuses = ["not_shipped", "partially_packed", "packed", "partially_delivered", "delivered"] as const;

export const ListQuery = z.object({
  search: z.string().optional(),
  status: z.enum(statuses).optional().catch(undefined),
  page: z.coerce.number().int().min(1).optional().catch(undefined),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const query = ListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return { ...(await listSalesOrders(db, context.accountId, query)), filtered: Boolean(query.search || query.status) };
};

export default function SalesOrders() {
  const { items, total, page, pageCount, filtered } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  return (
    <Page title="Sales orders" primaryAction={{ content: "Create sales order", url: "/app/sales-orders/new" }}>
      <Card padding="0">
        <Box padding="300">
          <InlineStack gap="300" wrap={false} blockAlign="center">
            <div style={{ flexGrow: 1 }}>
              <ListControls
                searchLabel="Search sales orders"
                searchPlaceholder="Search by number, customer or customer reference"
                filter={{ name: "status", label: "Delivery", options: statuses.map((s) => ({ label: deliveryStatusLabel[s], value: s })) }}
              />
            </div>
            <CsvExportButton path="/app/sales-orders/export" fallbackName="sales-orders.csv" />
          </InlineStack>
        </Box>
        {items.length === 0 ? (
          filtered ? (
            <Box padding="600">
              <Text as="p" alignment="center" tone="subdued">
                No sales orders match. Try another search or status.
              </Text>
            </Box>
          ) : (
            <EmptyState heading="No sales orders yet" action={{ content: "Create sales order", url: "/app/sales-orders/new" }} image="">
              <p>Orders from your Shopify stores arrive here once sync is active; you can also enter orders yourself.</p>
            </EmptyState>
          )
        ) : (
          <IndexTable
            resourceName={{ singular: "sales order", plural: "sales orders" }}
            itemCount={items.length}
            selectable={false}
            headings={[
              { title: "Order" },
              { title: "Customer" },
              { title: "Reference" },
              { title: "Order date" },
              { title: "Delivery date" },
              { title: "Total", alignment: "end" },
              { title: "Delivery" },
            ]}
          >
            {items.map((order, index) => (
              <IndexTable.Row id={order.id} key={order.id} position={index} onClick={() => navigate(`/app/sales-orders/${order.id}`)}>
                <IndexTable.Cell>
                  <span data-testid="sales-order-row">
                    <Text as="span" fontWeight="semibold">
                      {order.number}
                    </Text>
                  </span>
                </IndexTable.Cell>
                <IndexTable.Cell>{order.customerName ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>{order.customerReference ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>{formatDay(order.orderDate)}</IndexTable.Cell>
                <IndexTable.Cell>{formatDay(order.deliveryDate)}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {order.total} {order.currency}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <InlineStack gap="100">
                    <Badge tone={deliveryStatusTone[order.status]}>{deliveryStatusLabel[order.status]}</Badge>
                    {order.invoiced && <Badge>Invoiced</Badge>}
                  </InlineStack>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        )}
      </Card>
      <Box paddingBlockStart="400">
        <ListPagination page={page} pageCount={pageCount} total={total} resourceName="orders" />
      </Box>
    </Page>
  );
}
