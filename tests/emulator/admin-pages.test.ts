import { createHmac } from "node:crypto";
import { Script } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STORE_SEED, startEmulator, type Emulator, type ShopSeed } from "./index";
import { verifySessionToken } from "./session-token";
import { TEST_APP } from "./testing";

const APP_URL = "http://127.0.0.1:3999";

const SMALL_SHOP: ShopSeed = {
  handle: "second-shop",
  name: "Second Shop",
  email: "owner@second-shop.example",
  currencyCode: "EUR",
  ianaTimezone: "Europe/Berlin",
  timezone: "(GMT+01:00) Europe/Berlin",
  taxesIncluded: true,
  staff: [{ id: 5001, firstName: "Ole", lastName: "Owner", email: "ole@second-shop.example", accountOwner: true }],
  locations: [{ key: "main", name: "Main" }],
};

function iframeSrc(html: string): URL {
  const match = /<iframe name="app-iframe"[^>]* src="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error("no app iframe in the page");
  return new URL(match[1].replaceAll("&amp;", "&"));
}

describe("admin pages", () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ app: { ...TEST_APP, appUrl: APP_URL }, seedFiles: [DEMO_STORE_SEED] });
    emulator.createShop(SMALL_SHOP);
  });
  afterAll(() => emulator.stop());

  it("frames the app with the query Shopify's admin sends", async () => {
    const response = await fetch(emulator.adminUrl("tenon-demo", "/products?view=kits"));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/<title>[^<]*Tenon Demo Workshop[^<]*<\/title>/);
    expect(html).toContain('data-testid="admin-shop-name"');

    const src = iframeSrc(html);
    expect(`${src.origin}${src.pathname}`).toBe(`${APP_URL}/app/products`);
    const params = Object.fromEntries(src.searchParams);
    expect(Object.keys(params).sort()).toEqual(["embedded", "hmac", "host", "id_token", "locale", "session", "shop", "timestamp", "view"]);
    expect(params).toMatchObject({ embedded: "1", shop: "tenon-demo.myshopify.com", locale: "en", view: "kits" });
    expect(atob(params.host ?? "")).toBe("admin.shopify.com/store/tenon-demo");
    expect(params.host).toMatch(/^[0-9a-zA-Z+/]+$/); // what @shopify/shopify-api's sanitizeHost accepts
    expect(Math.abs(Number(params.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const check = verifySessionToken(params.id_token ?? "", {
      secret: TEST_APP.apiSecret,
      apiKey: TEST_APP.apiKey,
      shopDomain: "tenon-demo.myshopify.com",
      now: new Date(),
    });
    expect(check.ok).toBe(true);

    // Shopify signs the other parameters, sorted, with the app secret.
    const { hmac, ...rest } = params;
    const message = Object.keys(rest)
      .sort()
      .map((key) => `${key}=${rest[key]}`)
      .join("&");
    expect(hmac).toBe(createHmac("sha256", TEST_APP.apiSecret).update(message).digest("hex"));
  });

  it("frames /app for the app's root and accepts the app handle in the admin URL", async () => {
    const root = iframeSrc(await (await fetch(emulator.adminUrl("tenon-demo.myshopify.com"))).text());
    expect(root.pathname).toBe("/app");
    const byHandle = await fetch(`${emulator.url}/store/tenon-demo/apps/tenon/settings`);
    expect(iframeSrc(await byHandle.text()).pathname).toBe("/app/settings");
    expect((await fetch(`${emulator.url}/store/tenon-demo/apps/some-other-app`)).status).toBe(404);
  });

  it("mints session tokens for the admin page's App Bridge", async () => {
    const response = await fetch(`${emulator.url}/store/tenon-demo/apps/${TEST_APP.apiKey}/session-token`, { method: "POST" });
    const { token } = (await response.json()) as { token: string };
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(verifySessionToken(token, { secret: TEST_APP.apiSecret, apiKey: TEST_APP.apiKey, shopDomain: "tenon-demo.myshopify.com", now: new Date() }).ok).toBe(true);
  });

  it("asks for consent where the app is not installed, then installs and opens it", async () => {
    expect(emulator.shop("second-shop").installation.installed).toBe(false);
    const page = await (await fetch(emulator.adminUrl("second-shop", "/orders"))).text();
    expect(page).toContain('data-testid="install-consent"');
    expect(page).toContain("Install Tenon");
    expect(page).not.toContain("<iframe");
    expect(page).toContain("write_inventory"); // scopes from shopify.app.toml

    const install = await fetch(`${emulator.url}/store/second-shop/oauth/install`, {
      method: "POST",
      body: new URLSearchParams({ client_id: TEST_APP.apiKey, return_to: `/store/second-shop/apps/${TEST_APP.apiKey}/orders` }),
      redirect: "manual",
    });
    expect(install.status).toBe(303);
    expect(install.headers.get("location")).toBe(`/store/second-shop/apps/${TEST_APP.apiKey}/orders`);
    expect(emulator.shop("second-shop").installation).toMatchObject({ installed: true, scopes: expect.arrayContaining(["write_inventory"]) });
    expect(iframeSrc(await (await fetch(emulator.adminUrl("second-shop", "/orders"))).text()).pathname).toBe("/app/orders");
  });

  it("serves the install page where the app's Connect button and Shopify's install URL lead", async () => {
    emulator.createShop({ ...SMALL_SHOP, handle: "third-shop", name: "Third Shop" });
    const viaShopDomain = await fetch(`${emulator.url}/shops/third-shop.myshopify.com/admin/oauth/install?client_id=${TEST_APP.apiKey}&scope=read_products`, {
      redirect: "manual",
    });
    expect(viaShopDomain.status).toBe(302);
    const location = viaShopDomain.headers.get("location") ?? "";
    expect(location).toBe(`/store/third-shop/oauth/install?client_id=${TEST_APP.apiKey}&scope=read_products`);
    const consent = await (await fetch(`${emulator.url}${location}`)).text();
    expect(consent).toContain('data-testid="install-consent"');
    expect((await fetch(`${emulator.url}/store/third-shop/oauth/install?client_id=unknown`)).status).toBe(404);

    const installed = await fetch(`${emulator.url}/store/tenon-demo/oauth/install?client_id=${TEST_APP.apiKey}`, { redirect: "manual" });
    expect(installed.headers.get("location")).toBe(`/store/tenon-demo/apps/${TEST_APP.apiKey}`);
  });

  it("serves the App Bridge stand-in and the admin page script as valid JavaScript", async () => {
    for (const path of ["/cdn/app-bridge.js", "/_emulator/assets/admin-frame.js"]) {
      const response = await fetch(`${emulator.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/javascript");
      const source = await response.text();
      expect(() => new Script(source, { filename: path })).not.toThrow();
    }
  });

  it("exposes shop state over the script API", async () => {
    const summary = (await (await fetch(`${emulator.url}/_emulator/shops/tenon-demo`)).json()) as Record<string, unknown>;
    expect(summary).toMatchObject({
      domain: "tenon-demo.myshopify.com",
      installed: true,
      counts: { locations: 3, products: emulator.shop("tenon-demo").products.length },
      webhookSubscriptions: expect.arrayContaining([
        expect.objectContaining({ topic: "app/uninstalled", uri: `${APP_URL}/webhooks/app/uninstalled` }),
        expect.objectContaining({ topic: "shop/redact", compliance: true }),
      ]),
    });
    expect((await fetch(`${emulator.url}/_emulator/shops/nowhere`)).status).toBe(404);

    const created = await fetch(`${emulator.url}/_emulator/shops`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...SMALL_SHOP, handle: "fourth-shop", installed: true }),
    });
    expect(created.status).toBe(201);
    expect(emulator.shop("fourth-shop.myshopify.com").installation.installed).toBe(true);

    const uninstall = await fetch(`${emulator.url}/_emulator/shops/fourth-shop/uninstall`, { method: "POST" });
    expect(uninstall.status).toBe(200);
    const install = await fetch(`${emulator.url}/_emulator/shops/fourth-shop/install`, { method: "POST" });
    expect(((await install.json()) as { installed: boolean }).installed).toBe(true);
  });
});
