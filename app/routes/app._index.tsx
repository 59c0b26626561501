import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireAppContext } from "~/shopify/app-context.server";

// Opened from a store's admin, Tenon shows that store's configuration first.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const url = new URL(request.url);
  throw redirect(`/app/stores/${context.storeId}${url.search}`);
};
