import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import db from "~/db.server";
import { dataRequestDownload } from "~/sync/compliance/compliance.server";
import { requireAppContext } from "~/server/app-context.server";

const Params = z.object({ storeId: z.string().min(1), requestId: z.string().min(1) });

const statusOf = { DATA_REQUEST_NOT_FOUND: 404, DATA_REQUEST_NOT_READY: 409, DATA_REQUEST_ERASED: 410 } as const;

/**
 * An answered customers/data_request as JSON, for the merchant to send to the customer (ADR 020):
 * /app/stores/:storeId/data-requests/:requestId, linked from the store's activity log.
 */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const parsed = Params.safeParse(params);
  if (!parsed.success) throw new Response("Open the data request from the store's activity log.", { status: 404 });
  const download = await dataRequestDownload(db, context.accountId, parsed.data.storeId, parsed.data.requestId);
  if (!download.ok) throw new Response(download.message, { status: statusOf[download.code] });
  return new Response(download.value.body, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${download.value.filename}"`,
      "Cache-Control": "no-store",
    },
  });
};
