import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { ActionResult } from "~/components/action-feedback";
import db from "~/db.server";
import { orderSyncDeps } from "~/jobs/order-kinds.server";
import { findOrdersCreatedWhilePaused, importOrdersCreatedWhilePaused, orderSyncHealth, ShopifyReadError } from "~/sync/orders/order-sync.server";
import { requireAppContext } from "~/server/app-context.server";
import { unauthenticated } from "~/shopify.server";

/**
 * "Import N eligible orders created while paused" (product.md, decision 3; ADR 013), for a
 * fetcher on the store page or the activity page: GET → { count, from, until, health },
 * POST → starts the import (one order.sync job per order).
 */
async function storeOf(request: Request, storeId: string) {
  const context = await requireAppContext(request);
  const store = await db.store.findFirst({ where: { id: storeId, accountId: context.accountId } });
  if (!store) throw new Response("This store is not connected to your Tenon account.", { status: 404 });
  return { context, store };
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { store } = await storeOf(request, params.storeId ?? "");
  const health = await orderSyncHealth(db, store.id);
  if (store.connection !== "connected" || !store.syncActive) return { count: 0, from: null, until: null, health };
  const { admin } = await unauthenticated.admin(store.shopDomain);
  try {
    const paused = await findOrdersCreatedWhilePaused(orderSyncDeps(admin, db), store.id);
    return { count: paused?.orderIds.length ?? 0, from: paused?.from ?? null, until: paused?.until ?? null, health };
  } catch (error) {
    // Shopify could not be asked now: the store page shows no offer instead of an error page.
    if (!(error instanceof ShopifyReadError)) throw error;
    return { count: 0, from: null, until: null, health, error: `${error.message} Reload the page to ask again.` };
  }
};

export const action = async ({ request, params }: ActionFunctionArgs): Promise<ActionResult> => {
  const { context, store } = await storeOf(request, params.storeId ?? "");
  if (store.connection !== "connected" || !store.syncActive) {
    return { ok: false, intent: "import_paused_orders", message: "Activate sync first: orders are imported only while sync is active." };
  }
  const { admin } = await unauthenticated.admin(store.shopDomain);
  const result = await importOrdersCreatedWhilePaused(orderSyncDeps(admin, db), context.accountId, store.id);
  if (!result.ok) return { ok: false, intent: "import_paused_orders", code: result.code, message: result.message };
  return {
    ok: true,
    intent: "import_paused_orders",
    message: `Importing ${result.started} order${result.started === 1 ? "" : "s"} created while sync was paused. They appear in the activity log as they land.`,
  };
};
