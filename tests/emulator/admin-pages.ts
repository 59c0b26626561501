/**
 * HTML pages of the emulated Shopify admin: the app frame page (admin.shopify.com/store/{shop}/
 * apps/{app}), the install consent page, the shop's admin home and an index of shops.
 *
 * Deliberately plain: enough chrome to look like an admin in a demo and to give e2e tests stable
 * hooks (data-testid), with no client code besides browser/admin-frame.js.
 */
import type { AppConfig } from "./app-config";
import type { ShopState } from "./state";

/** Where the app lives under its URL: the admin path /apps/{key}/x loads {appUrl}/app/x. */
export const APP_BASE_PATH = "/app";

/** Query parameters the admin adds to the app URL (kept out of the admin URL when syncing). */
export const EMBEDDED_PARAMS = ["embedded", "hmac", "host", "id_token", "locale", "session", "shop", "timestamp"];

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/** JSON safe to embed in a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

const STYLE = `
  :root { color-scheme: light; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif; }
  * { box-sizing: border-box; }
  body { margin: 0; background: #f1f1f1; color: #303030; height: 100vh; display: flex; flex-direction: column; }
  .topbar { background: #1a1a1a; color: #e3e3e3; height: 56px; display: flex; align-items: center; gap: 16px; padding: 0 16px; flex: none; }
  .topbar .logo { font-weight: 700; color: #fff; }
  .topbar .emulated { font-size: 12px; background: #4a4a4a; border-radius: 8px; padding: 2px 8px; }
  .topbar .shop-name { margin-left: auto; }
  .layout { display: flex; flex: 1; min-height: 0; }
  .sidebar { width: 240px; flex: none; padding: 12px; border-right: 1px solid #e3e3e3; background: #ebebeb; }
  .sidebar ul { list-style: none; margin: 0; padding: 0; }
  .sidebar li a, .sidebar li span { display: block; padding: 6px 8px; border-radius: 8px; color: inherit; text-decoration: none; font-size: 14px; }
  .sidebar li span { color: #8a8a8a; }
  .sidebar a:hover { background: #fafafa; }
  .sidebar .section { margin-top: 16px; font-size: 12px; color: #616161; padding: 0 8px 4px; }
  .sidebar .app-nav { padding-left: 12px; }
  main { flex: 1; display: flex; flex-direction: column; min-width: 0; position: relative; }
  .titlebar { padding: 12px 20px; font-size: 18px; font-weight: 650; flex: none; }
  .titlebar h1 { font-size: inherit; margin: 0; }
  iframe[name="app-iframe"] { flex: 1; border: 0; width: 100%; background: #f1f1f1; }
  .loading { position: absolute; top: 0; left: 0; right: 0; height: 3px; background: #2c6ecb; }
  .toasts { position: fixed; bottom: 24px; left: 50%; transform: translateX(-50%); display: flex; flex-direction: column; gap: 8px; z-index: 10; }
  .toast { background: #303030; color: #fff; padding: 12px 16px; border-radius: 10px; font-size: 14px; }
  .toast-error { background: #8e1f0b; }
  .card { background: #fff; border-radius: 12px; padding: 24px; margin: 40px auto; max-width: 560px; box-shadow: 0 1px 2px rgba(0,0,0,.15); }
  .card h1 { font-size: 20px; margin-top: 0; }
  .card ul.scopes { font-size: 13px; color: #616161; columns: 2; }
  button { font: inherit; background: #303030; color: #fff; border: 0; border-radius: 8px; padding: 8px 16px; cursor: pointer; }
  button.secondary { background: #fff; color: #303030; border: 1px solid #c9c9c9; }
`;

function layout(params: { title: string; shop: ShopState | null; app: AppConfig; head?: string; main: string; appNav?: boolean }): string {
  const { title, shop, app, head = "", main, appNav = false } = params;
  const sidebar = shop
    ? `<nav class="sidebar" aria-label="Admin navigation">
        <ul>
          <li><a href="/store/${escapeHtml(shop.handle)}">Home</a></li>
          <li><span>Orders</span></li>
          <li><span>Products</span></li>
          <li><span>Customers</span></li>
        </ul>
        <div class="section">Apps</div>
        <ul>
          <li><a href="/store/${escapeHtml(shop.handle)}/apps/${escapeHtml(app.apiKey)}" data-testid="admin-app-link">${escapeHtml(app.name)}</a></li>
          ${appNav ? `<li><ul class="app-nav" id="admin-app-nav" aria-label="${escapeHtml(app.name)} navigation"></ul></li>` : ""}
        </ul>
      </nav>`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
${head}
</head>
<body>
<header class="topbar">
  <span class="logo">Shopify</span><span class="emulated">Tenon emulator</span>
  ${shop ? `<span class="shop-name" data-testid="admin-shop-name">${escapeHtml(shop.name)}</span>` : ""}
</header>
<div class="layout">
  ${sidebar}
  <main>${main}</main>
</div>
</body>
</html>`;
}

/** The page at /store/{shop}/apps/{apiKey}/…: admin chrome around the app iframe. */
export function appFramePage(params: { shop: ShopState; app: AppConfig; iframeSrc: string; sessionTokenUrl: string }): string {
  const { shop, app, iframeSrc, sessionTokenUrl } = params;
  const config = {
    shop: shop.domain,
    appName: app.name,
    appOrigin: new URL(app.appUrl).origin,
    appBasePath: APP_BASE_PATH,
    adminBasePath: `/store/${shop.handle}/apps/${app.apiKey}`,
    sessionTokenUrl,
    embeddedParams: EMBEDDED_PARAMS,
  };
  return layout({
    title: `${app.name} · ${shop.name} · Shopify`,
    shop,
    app,
    appNav: true,
    head: `<script type="application/json" id="tenon-admin-config">${scriptJson(config)}</script>
<script src="/_emulator/assets/admin-frame.js"></script>`,
    main: `<div class="titlebar"><h1 id="admin-title">${escapeHtml(app.name)}</h1></div>
<div id="admin-loading" class="loading" data-testid="admin-loading" hidden></div>
<iframe name="app-iframe" title="${escapeHtml(app.name)}" src="${escapeHtml(iframeSrc)}"></iframe>
<div id="admin-toasts" class="toasts" aria-live="polite"></div>`,
  });
}

/** The consent screen: "Install Tenon" lists the scopes from shopify.app.toml. */
export function installPage(params: { shop: ShopState; app: AppConfig; returnTo: string }): string {
  const { shop, app, returnTo } = params;
  const scopes = app.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join("");
  return layout({
    title: `Install ${app.name} · ${shop.name} · Shopify`,
    shop,
    app,
    main: `<section class="card" data-testid="install-consent">
  <h1>Install ${escapeHtml(app.name)}</h1>
  <p>${escapeHtml(app.name)} wants to access <strong>${escapeHtml(shop.name)}</strong> (${escapeHtml(shop.domain)}) with these permissions:</p>
  <ul class="scopes">${scopes}</ul>
  <form method="post" action="/store/${escapeHtml(shop.handle)}/oauth/install">
    <input type="hidden" name="client_id" value="${escapeHtml(app.apiKey)}">
    <input type="hidden" name="return_to" value="${escapeHtml(returnTo)}">
    <button type="submit">Install ${escapeHtml(app.name)}</button>
  </form>
</section>`,
  });
}

/** The shop's admin home: the app's install state and a way to uninstall it (for demos). */
export function adminHomePage(params: { shop: ShopState; app: AppConfig }): string {
  const { shop, app } = params;
  const appLink = `/store/${shop.handle}/apps/${app.apiKey}`;
  const body = shop.installation.installed
    ? `<p>${escapeHtml(app.name)} is installed.</p>
  <p><a href="${escapeHtml(appLink)}">Open ${escapeHtml(app.name)}</a></p>
  <form method="post" action="/store/${escapeHtml(shop.handle)}/apps/${escapeHtml(app.apiKey)}/uninstall">
    <button type="submit" class="secondary">Uninstall ${escapeHtml(app.name)}</button>
  </form>`
    : `<p>${escapeHtml(app.name)} is not installed.</p>
  <p><a href="/store/${escapeHtml(shop.handle)}/oauth/install?client_id=${encodeURIComponent(app.apiKey)}">Install ${escapeHtml(app.name)}</a></p>`;
  return layout({
    title: `Home · ${shop.name} · Shopify`,
    shop,
    app,
    main: `<section class="card" data-testid="admin-home"><h1>${escapeHtml(shop.name)}</h1>${body}</section>`,
  });
}

export function indexPage(params: { shops: ShopState[]; app: AppConfig }): string {
  const { shops, app } = params;
  const items = shops
    .map((s) => `<li><a href="/store/${escapeHtml(s.handle)}">${escapeHtml(s.name)}</a> (${escapeHtml(s.domain)})</li>`)
    .join("");
  return layout({
    title: "Tenon Shopify emulator",
    shop: null,
    app,
    main: `<section class="card"><h1>Shops</h1><ul>${items || "<li>No shops yet.</li>"}</ul></section>`,
  });
}

export function errorPage(params: { status: number; message: string; app: AppConfig }): string {
  return layout({
    title: `${params.status} · Shopify`,
    shop: null,
    app: params.app,
    main: `<section class="card"><h1>${params.status}</h1><p>${escapeHtml(params.message)}</p></section>`,
  });
}
