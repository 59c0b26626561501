import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Page } from "@shopify/polaris";
import { z } from "zod";
import type { ActionResult } from "~/components/action-feedback";
import { StockPushPanel } from "~/components/store/StockPushPanel";
import db from "~/db.server";
import { storePushGate } from "~/domain/stock-push";
import { fixAllDrift, latestDriftReport, startDriftReport } from "~/sync/stock-push/stock-drift.server";
import { listFailedTargets, pushAllStock, retryFailedTargets, stockPushCounters } from "~/sync/stock-push/stock-push.server";
import { requireAppContext } from "~/server/app-context.server";

// `$storeId_`: the store's stock push page, /app/stores/:storeId/stock (not nested in the store page).
// The Inventory tab links here (and may embed the same data through a fetcher: loader JSON).

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const store = await db.store.findFirst({
    where: { id: params.storeId ?? "", accountId: context.accountId },
    select: { id: true, name: true, shopDomain: true, connection: true, syncActive: true, settings: true },
  });
  if (!store) throw new Response("This store is not connected to your Tenon account.", { status: 404 });
  const [counters, failed, drift, locations] = await Promise.all([
    stockPushCounters(db, store.id),
    listFailedTargets(db, store.id),
    latestDriftReport(db, store.id),
    db.shopifyLocation.findMany({ where: { storeId: store.id }, select: { shopifyLocationId: true, name: true } }),
  ]);
  const gate = storePushGate(store);
  const names = new Map(locations.map((l) => [l.shopifyLocationId, l.name]));
  return {
    store: { id: store.id, name: store.name, shopDomain: store.shopDomain },
    gate: gate.push ? null : gate.message,
    counters,
    failed: failed.map((f) => ({ ...f, location: names.get(f.shopifyLocationId) ?? f.shopifyLocationId })),
    drift: drift && {
      ...drift,
      rows: drift.rows.slice(0, 100).map((r) => ({ ...r, location: names.get(r.shopifyLocationId) ?? r.shopifyLocationId })),
    },
  };
};

const IntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("push_all") }),
  z.object({ intent: z.literal("drift") }),
  z.object({ intent: z.literal("fix_all"), runId: z.string().min(1) }),
  z.object({ intent: z.literal("retry_failed"), targetId: z.string().optional() }),
]);

export const action = async ({ request, params }: ActionFunctionArgs): Promise<ActionResult> => {
  const context = await requireAppContext(request);
  const storeId = params.storeId ?? "";
  const parsed = IntentSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false, intent: "unknown", message: "Unknown action. Reload the page and try again." };
  const input = parsed.data;
  // Each service checks that the store is the account's.
  switch (input.intent) {
    case "push_all": {
      const result = await pushAllStock(db, context.accountId, storeId, new Date());
      return result.ok
        ? { ok: true, intent: input.intent, message: `Pushing ${result.value.targets.toLocaleString("en")} stock quantities to Shopify` }
        : { ok: false, intent: input.intent, code: result.code, message: result.message };
    }
    case "drift": {
      const result = await startDriftReport(db, context.accountId, storeId);
      return result.ok ? { ok: true, intent: input.intent, message: "Comparing with Shopify…" } : { ok: false, intent: input.intent, code: result.code, message: result.message };
    }
    case "fix_all": {
      const result = await fixAllDrift(db, context.accountId, storeId, input.runId, new Date());
      return result.ok
        ? { ok: true, intent: input.intent, message: `Fixing ${result.value.targets.toLocaleString("en")} quantities in Shopify` }
        : { ok: false, intent: input.intent, code: result.code, message: result.message };
    }
    case "retry_failed": {
      const result = await retryFailedTargets(db, context.accountId, storeId, input.targetId ? [input.targetId] : undefined);
      if (!result.ok) return { ok: false, intent: input.intent, code: result.code, message: result.message };
      const count = result.value.retried;
      return { ok: true, intent: input.intent, message: count === 0 ? "Nothing to retry" : `Retrying ${count} quantit${count === 1 ? "y" : "ies"}` };
    }
  }
};

export default function StockPushPage() {
  const data = useLoaderData<typeof loader>();
  return (
    <Page title="Stock in Shopify" subtitle={`${data.store.name} · ${data.store.shopDomain}`} backAction={{ content: data.store.name, url: `/app/stores/${data.store.id}` }}>
      <StockPushPanel data={data} />
    </Page>
  );
}
