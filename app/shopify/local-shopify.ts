/**
 * The seam to a local Shopify (docs/decisions/004-emulator-seams.md).
 *
 * With SHOPIFY_LOCAL_URL set, every request the Shopify libraries make to `https://{shop}`
 * (token exchange, Admin GraphQL) goes to `${SHOPIFY_LOCAL_URL}/shops/{shop}` instead, App
 * Bridge is loaded from `${SHOPIFY_LOCAL_URL}/cdn/app-bridge.js`, and the local admin may
 * frame the app. Nothing else about the app changes. Unset in production.
 */

export function appBridgeUrlFor(localUrl: string): string {
  return new URL("/cdn/app-bridge.js", localUrl).toString();
}

/** Where a request to Shopify really goes. */
export function resolveShopifyUrl(target: string, localUrl: string | undefined): string {
  if (!localUrl) return target;
  const url = new URL(target);
  if (url.protocol !== "https:" || !url.hostname.endsWith(".myshopify.com")) return target;
  const local = new URL(localUrl);
  local.pathname = `/shops/${url.hostname}${url.pathname}`;
  local.search = url.search;
  return local.toString();
}

/**
 * The library's document headers point the browser at Shopify's CDN and only let Shopify's
 * admin frame the app. Locally the admin is the emulator, on another origin.
 */
export function adaptDocumentHeadersForLocalShopify(headers: Headers, localUrl: string | undefined): void {
  if (!localUrl) return;
  const origin = new URL(localUrl).origin;
  const csp = headers.get("Content-Security-Policy");
  if (csp?.startsWith("frame-ancestors") && !csp.includes(origin)) {
    headers.set("Content-Security-Policy", csp.replace("frame-ancestors", `frame-ancestors ${origin}`));
  }
  if (headers.get("Link")?.includes("cdn.shopify.com")) {
    headers.set("Link", `<${appBridgeUrlFor(localUrl)}>; rel="preload"; as="script";`);
  }
}

/** Where the merchant (re)installs Tenon on a shop: Shopify admin's install page, or the local one. */
export function installUrlFor(shopDomain: string, apiKey: string, localUrl: string | undefined): string {
  const storeHandle = shopDomain.replace(/\.myshopify\.com$/, "");
  const admin = localUrl ? new URL(localUrl).origin : "https://admin.shopify.com";
  return `${admin}/store/${storeHandle}/oauth/install?client_id=${encodeURIComponent(apiKey)}`;
}

/** Where the merchant lands after disconnecting: the store's apps page in Shopify admin. */
export function adminAppsUrlFor(shopDomain: string, localUrl: string | undefined): string {
  const storeHandle = shopDomain.replace(/\.myshopify\.com$/, "");
  return localUrl ? `${new URL(localUrl).origin}/store/${storeHandle}` : `https://admin.shopify.com/store/${storeHandle}/settings/apps`;
}
