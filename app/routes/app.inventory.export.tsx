import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import db from "~/db.server";
import { toCsv, type CsvColumn } from "~/domain/csv";
import { inventoryForExport, type InventoryLine } from "~/services/stock/inventory.server";
import { requireAppContext } from "~/server/app-context.server";

/** The inventory list as CSV, with the list's search and location filter. */

const ExportQuery = z.object({ search: z.string().optional(), locationId: z.string().optional() });

const columns: CsvColumn<InventoryLine>[] = [
  { header: "Product", value: (l) => l.productName },
  { header: "Variant", value: (l) => l.variantName },
  { header: "Code", value: (l) => l.code },
  { header: "Location", value: (l) => l.locationName },
  { header: "In stock", value: (l) => l.inStock },
  { header: "Committed", value: (l) => l.committed },
  { header: "Available", value: (l) => l.available },
  { header: "Kit potential", value: (l) => l.potential },
];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const query = ExportQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const lines: InventoryLine[] = [];
  for await (const line of inventoryForExport(db, context.accountId, query)) lines.push(line);
  const date = new Date().toISOString().slice(0, 10);
  return new Response(toCsv(columns, lines, { byteOrderMark: true }), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="inventory-${date}.csv"`,
      "Cache-Control": "no-store",
    },
  });
};
