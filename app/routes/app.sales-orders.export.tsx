import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { deliveryStatusLabel } from "~/components/labels";
import { toCsv, type CsvColumn } from "~/domain/csv";
import { salesOrdersForExport, type SalesOrderListItem } from "~/services/sales-orders/sales-orders.server";
import { requireAppContext } from "~/server/app-context.server";
import { ListQuery } from "./app.sales-orders._index";

/** The sales-order list as CSV, with the list's search and delivery-status filter. */

const columns: CsvColumn<SalesOrderListItem>[] = [
  { header: "Order", value: (o) => o.number },
  { header: "Customer", value: (o) => o.customerName },
  { header: "Customer reference", value: (o) => o.customerReference },
  { header: "Order date", value: (o) => o.orderDate.toISOString().slice(0, 10) },
  { header: "Delivery date", value: (o) => o.deliveryDate?.toISOString().slice(0, 10) },
  { header: "Total", value: (o) => o.total },
  { header: "Currency", value: (o) => o.currency },
  { header: "Delivery", value: (o) => deliveryStatusLabel[o.status] },
  { header: "Invoiced", value: (o) => (o.invoiced ? "yes" : "no") },
  { header: "Source", value: (o) => o.source },
];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const { search, status } = ListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const orders: SalesOrderListItem[] = [];
  for await (const order of salesOrdersForExport(db, context.accountId, { search, status })) orders.push(order);
  const date = new Date().toISOString().slice(0, 10);
  return new Response(toCsv(columns, orders, { byteOrderMark: true }), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="sales-orders-${date}.csv"`,
      "Cache-Control": "no-store",
    },
  });
};
