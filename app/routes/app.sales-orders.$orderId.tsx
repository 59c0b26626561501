import { useEffect, useState } from "react";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, IndexTable, InlineStack, Layout, Modal, Page, Text, TextField } from "@shopify/polaris";
import { z } from "zod";
import { fieldError, useActionToast, type ActionResult } from "~/components/action-feedback";
import { deliveryStatusLabel, deliveryStatusTone, formatDay } from "~/components/labels";
import db from "~/db.server";
import { moStateLabel, type MoState } from "~/domain/manufacturing-order";
import { orderDeliveryStatus, rowStateLabel, rowTotals, type RowState } from "~/domain/sales-order";
import { listLocations } from "~/services/locations/locations.server";
import { makeToOrder } from "~/services/manufacturing/manufacturing.server";
import {
  deleteRow,
  deleteSalesOrder,
  deliverOrder,
  deliverRow,
  getSalesOrder,
  invoiceOrder,
  packRows,
} from "~/services/sales-orders/sales-orders.server";
import { createReturnOrder } from "~/services/returns/returns.server";
import { FulfillmentSyncCard } from "~/components/FulfillmentSyncCard";
import { fulfillmentSyncView, retryOrderSync } from "~/sync/fulfillments/fulfillment-sync.server";
import { closeReturnOrder } from "~/sync/returns/returns-sync.server";
import { requireAppContext } from "~/server/app-context.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const found = await getSalesOrder(db, context.accountId, params.orderId ?? "");
  if (!found) throw new Response("This sales order does not exist (any more).", { status: 404 });
  const { order, totals } = found;
  const [locations, customer, batchMovements] = await Promise.all([
    listLocations(db, context.accountId),
    order.customerId ? db.customer.findFirst({ where: { id: order.customerId, accountId: context.accountId }, select: { name: true } }) : null,
    // Which batches each delivered row took (FIFO), for batch-tracked items.
    db.stockMovement.findMany({
      where: { accountId: context.accountId, kind: "sales_delivery", batchId: { not: null }, salesOrderRowId: { in: order.rows.map((r) => r.id) } },
      select: { salesOrderRowId: true, quantity: true, batch: { select: { number: true } } },
      orderBy: { createdAt: "asc" },
    }),
  ]);
  const batchesOf = (rowId: string) =>
    batchMovements
      .filter((m) => m.salesOrderRowId === rowId && m.batch)
      .map((m) => ({ number: m.batch!.number, quantity: m.quantity.negated().toString() }));
  const rows = order.rows.map((row) => ({
    id: row.id,
    description: row.description,
    code: row.variant?.code ?? null,
    isShippingFee: row.isShippingFee,
    isService: row.variant?.product.kind === "service",
    quantity: row.quantity.toString(),
    pricePerUnit: row.pricePerUnit.toString(),
    discountPercent: row.discountPercent.toString(),
    locationName: locations.find((l) => l.id === row.locationId)?.name ?? null,
    batches: batchesOf(row.id),
    state: row.state as RowState,
    invoiced: row.invoiced,
    manufacturingOrder: row.manufacturingOrder
      ? { id: row.manufacturingOrder.id, number: row.manufacturingOrder.number, state: row.manufacturingOrder.state as MoState }
      : null,
  }));
  return {
    order: {
      id: order.id,
      number: order.number,
      customerReference: order.customerReference,
      customerName: customer?.name ?? null,
      currency: order.currency,
      orderDate: order.orderDate,
      deliveryDate: order.deliveryDate,
      source: order.source,
      reviewNote: order.needsReview ? order.reviewNote : null,
    },
    rows: rows.map((row) => ({ ...row, total: rowTotals(row).net })),
    status: orderDeliveryStatus(rows),
    totals,
    fulfillmentSync: await fulfillmentSyncView(db, order.id),
  };
};

const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("pack"), rowId: z.string() }),
  z.object({
    intent: z.literal("deliverRow"),
    rowId: z.string(),
    quantity: z.string().optional(),
    trackingNumber: z.string().trim().max(200).optional(),
    trackingCompany: z.string().trim().max(200).optional(),
  }),
  z.object({ intent: z.literal("makeToOrder"), rowId: z.string() }),
  z.object({ intent: z.literal("deleteRow"), rowId: z.string() }),
  z.object({ intent: z.literal("deliverAll") }),
  z.object({ intent: z.literal("invoice") }),
  z.object({ intent: z.literal("deleteOrder") }),
  z.object({ intent: z.literal("returnRow"), rowId: z.string(), quantity: z.string(), restock: z.enum(["true", "false"]) }),
  z.object({ intent: z.literal("retrySync") }),
  z.object({ intent: z.literal("closeReturn"), returnOrderId: z.string() }),
]);

const done: Record<z.infer<typeof Intent>["intent"], string> = {
  returnRow: "Return recorded",
  pack: "Row packed",
  deliverRow: "Row delivered",
  makeToOrder: "Manufacturing order created",
  deleteRow: "Row deleted",
  deliverAll: "Order delivered",
  invoice: "Order invoiced",
  deleteOrder: "Sales order deleted",
  retrySync: "Sync with Shopify queued",
  closeReturn: "Return closed",
};

export const action = async ({ request, params }: ActionFunctionArgs): Promise<ActionResult & { rowId?: string }> => {
  const context = await requireAppContext(request);
  const parsed = Intent.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false, intent: "unknown", message: "Unknown action. Reload the page and try again." };
  const input = parsed.data;
  const orderId = params.orderId ?? "";
  const { accountId } = context;
  const result = await (() => {
    switch (input.intent) {
      case "pack":
        return packRows(db, accountId, orderId, [input.rowId]);
      case "deliverRow":
        return deliverRow(db, accountId, orderId, input.rowId, input.quantity || undefined, new Date(), {
          number: input.trackingNumber || null,
          company: input.trackingCompany || null,
        });
      case "makeToOrder":
        return makeToOrder(db, accountId, input.rowId);
      case "deleteRow":
        return deleteRow(db, accountId, orderId, input.rowId);
      case "deliverAll":
        return deliverOrder(db, accountId, orderId);
      case "invoice":
        return invoiceOrder(db, accountId, orderId);
      case "deleteOrder":
        return deleteSalesOrder(db, accountId, orderId);
      case "returnRow":
        return createReturnOrder(db, accountId, orderId, [
          { salesOrderRowId: input.rowId, quantity: input.quantity, restock: input.restock === "true" },
        ]);
      case "retrySync":
        return retryOrderSync(db, accountId, orderId);
      case "closeReturn":
        return closeReturnOrder(db, accountId, input.returnOrderId);
    }
  })();
  const rowId = "rowId" in input ? input.rowId : undefined;
  if (!result.ok)
    return { ok: false, intent: input.intent, rowId, code: result.code, message: result.message, fieldErrors: result.fieldErrors ?? {} };
  if (input.intent === "deleteOrder") throw redirect("/app/sales-orders");
  const message =
    input.intent === "returnRow" && "number" in result.value
      ? `Return ${result.value.number} recorded`
      : "number" in result.value
        ? `Manufacturing order ${result.value.number} created`
        : done[input.intent];
  return { ok: true, intent: input.intent, rowId, message };
};

export default function SalesOrderDetail() {
  const { order, rows, status, totals, fulfillmentSync } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [delivering, setDelivering] = useState<{ id: string; description: string; quantity: string } | null>(null);
  const [returning, setReturning] = useState<{ id: string; description: string; quantity: string } | null>(null);
  const [deletingOrder, setDeletingOrder] = useState(false);
  const refusal = result && !result.ok && !fieldError(result, "quantity") ? result.message : null;
  useActionToast(result && !result.ok ? undefined : result);

  useEffect(() => {
    if (result?.ok) {
      setDelivering(null);
      setReturning(null);
    }
    if (result && !result.ok) setDeletingOrder(false);
  }, [result]);

  const act = (intent: string, extra: Record<string, string> = {}) => submit({ intent, ...extra }, { method: "post" });
  const open = rows.some((r) => !r.isShippingFee && r.state !== "delivered");

  return (
    <Page
      title={order.number}
      titleMetadata={
        <InlineStack gap="100">
          <Badge tone={deliveryStatusTone[status]}>{deliveryStatusLabel[status]}</Badge>
          {rows.length > 0 && rows.every((r) => r.invoiced) && <Badge>Invoiced</Badge>}
        </InlineStack>
      }
      subtitle={`${order.customerName ? `${order.customerName} · ` : ""}Ordered ${formatDay(order.orderDate)}${order.deliveryDate ? ` · deliver by ${formatDay(order.deliveryDate)}` : ""}${
        order.customerReference ? ` · reference ${order.customerReference}` : ""
      }`}
      backAction={{ content: "Sales orders", url: "/app/sales-orders" }}
      primaryAction={{ content: "Deliver all", onAction: () => act("deliverAll"), disabled: !open || busy }}
      secondaryActions={[
        { content: "Invoice", onAction: () => act("invoice"), disabled: busy || rows.every((r) => r.invoiced) },
        { content: "Delete order", destructive: true, onAction: () => setDeletingOrder(true) },
      ]}
    >
      <Layout>
        {(refusal || order.reviewNote) && (
          <Layout.Section>
            <BlockStack gap="300">
              {refusal && (
                <div data-testid="refusal">
                  <Banner tone="critical" title="That did not work">
                    <p>{refusal}</p>
                  </Banner>
                </div>
              )}
              {order.reviewNote && <Banner tone="warning">{order.reviewNote}</Banner>}
            </BlockStack>
          </Layout.Section>
        )}
        {fulfillmentSync && (
          <Layout.Section>
            <FulfillmentSyncCard
              view={fulfillmentSync}
              busy={busy}
              onRetry={() => act("retrySync")}
              onCloseReturn={(returnOrderId) => act("closeReturn", { returnOrderId })}
            />
          </Layout.Section>
        )}
        <Layout.Section>
          <Card padding="0">
            <IndexTable
              resourceName={{ singular: "row", plural: "rows" }}
              itemCount={rows.length}
              selectable={false}
              headings={[
                { title: "Item" },
                { title: "Quantity", alignment: "end" },
                { title: "Price", alignment: "end" },
                { title: "Discount", alignment: "end" },
                { title: "Total", alignment: "end" },
                { title: "Location" },
                { title: "State" },
                { title: "" },
              ]}
            >
              {rows.map((row, index) => (
                <IndexTable.Row id={row.id} key={row.id} position={index}>
                  <IndexTable.Cell>
                    <div data-testid="sales-order-line" data-state={row.state}>
                      <BlockStack gap="050">
                        <Text as="span" fontWeight="semibold">
                          {row.description}
                        </Text>
                        {row.code && (
                          <Text as="span" tone="subdued">
                            {row.code}
                          </Text>
                        )}
                        {row.batches.length > 0 && (
                          <Text as="span" tone="subdued">
                            <span data-testid="row-batches">
                              {row.batches.map((b) => `Batch ${b.number} × ${b.quantity}`).join(", ")}
                            </span>
                          </Text>
                        )}
                        {row.manufacturingOrder && (
                          <Link to={`/app/manufacturing-orders/${row.manufacturingOrder.id}`}>
                            {row.manufacturingOrder.number} · {moStateLabel[row.manufacturingOrder.state]}
                          </Link>
                        )}
                      </BlockStack>
                    </div>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {row.quantity}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {row.pricePerUnit}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {row.discountPercent === "0" ? "—" : `${row.discountPercent} %`}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {row.total}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{row.locationName ?? "—"}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <InlineStack gap="100" wrap={false}>
                      <Badge tone={row.state === "delivered" ? "success" : row.state === "packed" ? "info" : "attention"}>
                        {rowStateLabel[row.state]}
                      </Badge>
                      {row.invoiced && <Badge>Invoiced</Badge>}
                    </InlineStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <InlineStack gap="100" wrap={false} align="end">
                      {row.state === "not_shipped" && (
                        <Button size="slim" onClick={() => act("pack", { rowId: row.id })}>
                          Pack
                        </Button>
                      )}
                      {row.state !== "delivered" && (
                        <Button
                          size="slim"
                          onClick={() => setDelivering({ id: row.id, description: row.description, quantity: row.quantity })}
                        >
                          Deliver
                        </Button>
                      )}
                      {row.state === "delivered" && !row.isShippingFee && !row.isService && (
                        <Button size="slim" onClick={() => setReturning({ id: row.id, description: row.description, quantity: row.quantity })}>
                          Return
                        </Button>
                      )}
                      {row.state !== "delivered" && !row.isShippingFee && !row.isService && !row.manufacturingOrder && (
                        <Button size="slim" onClick={() => act("makeToOrder", { rowId: row.id })}>
                          Make to order
                        </Button>
                      )}
                      <Button
                        size="slim"
                        variant="plain"
                        tone="critical"
                        accessibilityLabel={`Delete row ${row.description}`}
                        onClick={() => act("deleteRow", { rowId: row.id })}
                      >
                        Delete
                      </Button>
                    </InlineStack>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <InlineStack align="end">
            <div style={{ minWidth: 320 }}>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Totals
                  </Text>
                  <TotalLine label="Subtotal" value={totals.subtotal} currency={order.currency} />
                  <TotalLine label="Discount" value={totals.discount} currency={order.currency} />
                  <TotalLine label="Shipping" value={totals.shipping} currency={order.currency} />
                  <TotalLine label="Total" value={totals.total} currency={order.currency} strong />
                </BlockStack>
              </Card>
            </div>
          </InlineStack>
        </Layout.Section>
      </Layout>
      {delivering && <DeliverRowModal row={delivering} result={result} fromShopify={order.source === "shopify"} onClose={() => setDelivering(null)} />}
      {returning && <ReturnRowModal row={returning} result={result} onClose={() => setReturning(null)} />}
      <Modal
        open={deletingOrder}
        onClose={() => setDeletingOrder(false)}
        title={`Delete ${order.number}?`}
        primaryAction={{ content: "Delete order", destructive: true, loading: busy, onAction: () => act("deleteOrder") }}
        secondaryActions={[{ content: "Keep order", onAction: () => setDeletingOrder(false) }]}
      >
        <Modal.Section>
          <Text as="p">Delivered rows go back into stock. Invoiced orders and orders in a locked period cannot be deleted.</Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

function TotalLine(props: { label: string; value: string; currency: string; strong?: boolean }) {
  return (
    <InlineStack align="space-between">
      <Text as="span" fontWeight={props.strong ? "semibold" : undefined}>
        {props.label}
      </Text>
      <Text as="span" numeric fontWeight={props.strong ? "semibold" : undefined}>
        {props.value} {props.currency}
      </Text>
    </InlineStack>
  );
}

function DeliverRowModal(props: {
  row: { id: string; description: string; quantity: string };
  result: ActionResult | undefined;
  /** An order from Shopify: the delivery's tracking goes with the Shopify fulfillment (once). */
  fromShopify?: boolean;
  onClose: () => void;
}) {
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [quantity, setQuantity] = useState(props.row.quantity);
  const [trackingNumber, setTrackingNumber] = useState("");
  const [trackingCompany, setTrackingCompany] = useState("");
  const deliver = () => submit({ intent: "deliverRow", rowId: props.row.id, quantity, trackingNumber, trackingCompany }, { method: "post" });
  return (
    <Modal
      open
      onClose={props.onClose}
      title={`Deliver ${props.row.description}`}
      primaryAction={{ content: "Deliver", onAction: deliver, loading: busy }}
      secondaryActions={[{ content: "Cancel", onAction: props.onClose }]}
    >
      <Modal.Section>
        <TextField
          label="Quantity to deliver"
          helpText={`Less than ${props.row.quantity} delivers part of the row; the rest stays open on a new row.`}
          value={quantity}
          onChange={setQuantity}
          autoComplete="off"
          inputMode="decimal"
          error={fieldError(props.result, "quantity") ?? (props.result && !props.result.ok ? props.result.message : undefined)}
        />
        {props.fromShopify && (
          <BlockStack gap="200">
            <TextField label="Tracking number (optional)" helpText="Sent with the Shopify fulfillment; later changes are not synced." value={trackingNumber} onChange={setTrackingNumber} autoComplete="off" />
            <TextField label="Carrier (optional)" value={trackingCompany} onChange={setTrackingCompany} autoComplete="off" />
          </BlockStack>
        )}
      </Modal.Section>
    </Modal>
  );
}

/** A return of a delivered row: restocked goods go back into stock; refund-only records the return. */
function ReturnRowModal(props: {
  row: { id: string; description: string; quantity: string };
  result: ActionResult | undefined;
  onClose: () => void;
}) {
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [quantity, setQuantity] = useState(props.row.quantity);
  const [restock, setRestock] = useState(true);
  const send = () => submit({ intent: "returnRow", rowId: props.row.id, quantity, restock: String(restock) }, { method: "post" });
  const error = props.result && !props.result.ok && props.result.intent === "returnRow" ? (Object.values(props.result.fieldErrors ?? {})[0] ?? props.result.message) : undefined;
  return (
    <Modal
      open
      onClose={props.onClose}
      title={`Return ${props.row.description}`}
      primaryAction={{ content: "Record return", onAction: send, loading: busy }}
      secondaryActions={[{ content: "Cancel", onAction: props.onClose }]}
    >
      <Modal.Section>
        <BlockStack gap="300">
          <TextField label="Quantity returned" value={quantity} onChange={setQuantity} autoComplete="off" inputMode="decimal" error={error} />
          <Checkbox
            label="Put the goods back into stock"
            helpText="Off: a refund only; nothing comes back into stock."
            checked={restock}
            onChange={setRestock}
          />
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
