import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import db from "~/db.server";
import { requireAppContext } from "~/server/app-context.server";

/**
 * The app home: an account with one store goes straight to that store's configuration; an
 * account with several sees the list of its stores first.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const stores = await db.store.count({ where: { accountId: context.accountId } });
  const { search } = new URL(request.url);
  throw redirect(stores > 1 ? `/app/stores${search}` : `/app/stores/${context.storeId}${search}`);
};
