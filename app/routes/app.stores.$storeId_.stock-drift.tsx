import type { LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { driftReportCsv } from "~/sync/stock-push/stock-drift.server";
import { requireAppContext } from "~/server/app-context.server";

/** The store's latest drift report as CSV: /app/stores/:storeId/stock-drift. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const csv = await driftReportCsv(db, context.accountId, params.storeId ?? "");
  if (csv === null) throw new Response("This store is not connected to your Tenon account.", { status: 404 });
  const date = new Date().toISOString().slice(0, 10);
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="stock-drift-${date}.csv"`,
      "Cache-Control": "no-store",
    },
  });
};
