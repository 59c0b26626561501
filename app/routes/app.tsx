import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError, type ShouldRevalidateFunction } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import polarisStyles from "@shopify/polaris/build/esm/styles.css";
import { EmbeddedAppProvider } from "~/components/EmbeddedAppProvider";
import { env } from "~/env.server";
import { requireAppContext } from "~/server/app-context.server";
import { appBridgeUrlFor } from "~/shopify/local-shopify";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  return {
    apiKey: env.SHOPIFY_API_KEY,
    appBridgeUrl: env.SHOPIFY_LOCAL_URL ? appBridgeUrlFor(env.SHOPIFY_LOCAL_URL) : undefined,
    shop: context.shop,
  };
};

// A disconnect leaves the embedded store without a session: don't reload the layout after it.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) => {
  const result = actionResult as { ok?: boolean; intent?: string } | undefined;
  return result?.ok && result.intent === "disconnect" ? false : defaultShouldRevalidate;
};

export default function AppLayout() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  return (
    <EmbeddedAppProvider apiKey={apiKey} appBridgeUrl={appBridgeUrl}>
      <ui-nav-menu>
        <Link to="/app" rel="home">
          Tenon
        </Link>
        <Link to="/app/stores">Stores</Link>
        <Link to="/app/products">Products</Link>
        <Link to="/app/inventory">Inventory</Link>
        <Link to="/app/sales-orders">Sales orders</Link>
        <Link to="/app/manufacturing-orders">Manufacturing orders</Link>
        <Link to="/app/customers">Customers</Link>
        <Link to="/app/locations">Locations</Link>
      </ui-nav-menu>
      <Outlet />
    </EmbeddedAppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so that their headers reach the browser.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
