/**
 * The App Bridge stand-in and the admin frame page in a real Chromium, with a tiny app server in
 * place of Tenon that renders what @shopify/shopify-app-remix renders (its bounce and exit-iframe
 * pages are copied from the library's render-app-bridge helper).
 *
 * Needs a Chromium binary: /usr/bin/chromium (Debian's `chromium` package) or CHROMIUM_PATH.
 * Skipped where there is none.
 */
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Frame, type Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_STORE_SEED, startEmulator, type Emulator } from "./index";
import { verifySessionToken } from "./session-token";
import { TEST_APP } from "./testing";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOP = "tenon-demo.myshopify.com";

/** A stand-in for the app: pages that load App Bridge from the emulator, and an API echoing auth. */
function startFakeApp(appBridgeUrl: () => string): Promise<{ server: Server; url: string; retries: number[] }> {
  const state = { retries: [] as number[] };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://app.invalid");
    const bridge = `<script data-api-key="${TEST_APP.apiKey}" src="${appBridgeUrl()}"></script>`;
    const page = (body: string) => {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Fake Tenon</title><link rel="icon" href="data:,">${bridge}</head><body>${body}</body></html>`);
    };
    if (url.pathname === "/api/whoami") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ authorization: req.headers.authorization ?? null }));
    } else if (url.pathname === "/api/retry") {
      // First call: what shopify-app-remix answers for an expired session token.
      state.retries.push(Date.now());
      if (state.retries.length === 1) {
        res.writeHead(401, { "X-Shopify-Retry-Invalid-Session-Request": "1" });
        res.end();
      } else {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ authorization: req.headers.authorization ?? null }));
      }
    } else if (url.pathname === "/api/reauthorize") {
      // What shopify-app-remix answers a fetch that needs the merchant's consent (install page).
      res.writeHead(401, { "X-Shopify-API-Request-Failure-Reauthorize-Url": `https://${SHOP}/admin/oauth/install?client_id=${TEST_APP.apiKey}` });
      res.end();
    } else if (url.pathname === "/auth/session-token" || url.pathname === "/auth/exit-iframe") {
      // renderAppBridge: the bare script, plus window.open(destination, "_top") for exit-iframe.
      const destination = url.searchParams.get("exitIframe");
      res.writeHead(200, { "Content-Type": "text/html;charset=utf-8" });
      res.end(`
      ${bridge}
      ${destination ? `<script>window.open(${JSON.stringify(destination)}, "_top")</script>` : ""}
    `);
    } else if (url.pathname.startsWith("/app")) {
      page(`<h1 id="heading">App at ${url.pathname}</h1>
        <ui-nav-menu><a href="/app" rel="home">Home</a><a href="/app/settings">Settings</a></ui-nav-menu>
        <ui-title-bar title="Fake Tenon"></ui-title-bar>
        <script>
          // What AppProvider does with App Bridge's navigation event.
          addEventListener("shopify:navigate", (event) => {
            const href = event.target.getAttribute("href");
            history.pushState(null, "", href);
            document.getElementById("heading").textContent = "App at " + href;
          });
        </script>`);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ...state })),
  );
}

describe.skipIf(!existsSync(CHROMIUM))("App Bridge stand-in in Chromium", () => {
  let emulator: Emulator;
  let app: Awaited<ReturnType<typeof startFakeApp>>;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[];

  beforeAll(async () => {
    let emulatorUrl = "";
    app = await startFakeApp(() => `${emulatorUrl}/cdn/app-bridge.js`);
    emulator = await startEmulator({ app: { ...TEST_APP, appUrl: app.url }, seedFiles: [DEMO_STORE_SEED] });
    emulatorUrl = emulator.url;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await emulator?.stop();
    await new Promise((resolve) => app?.server.close(resolve));
  });
  beforeEach(async () => {
    page = await browser.newPage();
    consoleErrors = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(error.message));
  });

  async function openApp(path = ""): Promise<Frame> {
    await page.goto(emulator.adminUrl(SHOP, path));
    const frame = page.frame({ name: "app-iframe" });
    if (!frame) throw new Error("no app frame");
    await frame.waitForFunction(() => Boolean((window as unknown as { shopify?: unknown }).shopify));
    return frame;
  }

  const validToken = (token: unknown) =>
    typeof token === "string" &&
    verifySessionToken(token, { secret: TEST_APP.apiSecret, apiKey: TEST_APP.apiKey, shopDomain: SHOP, now: new Date() }).ok;

  it("gives the app session tokens, config, toasts and authorised fetches", async () => {
    const frame = await openApp();
    const config = await frame.evaluate(() => (window as unknown as { shopify: { config: unknown } }).shopify.config);
    expect(config).toMatchObject({ apiKey: TEST_APP.apiKey, shop: SHOP, host: expect.any(String) });

    const token = await frame.evaluate(() => (window as unknown as { shopify: { idToken(): Promise<string> } }).shopify.idToken());
    expect(validToken(token)).toBe(true);

    const whoami = await frame.evaluate(() => fetch("/api/whoami").then((r) => r.json() as Promise<{ authorization: string }>));
    expect(whoami.authorization).toMatch(/^Bearer /);
    expect(validToken(whoami.authorization.slice("Bearer ".length))).toBe(true);

    const retried = await frame.evaluate(() => fetch("/api/retry", { method: "POST", body: "x=1" }).then((r) => r.status));
    expect(retried).toBe(200);
    expect(app.retries).toHaveLength(2);
    // Chromium logs every 4xx resource load; the deliberate 401 above is the only one expected.
    const unauthorized = consoleErrors.findIndex((m) => m.includes("status of 401"));
    expect(unauthorized).not.toBe(-1);
    consoleErrors.splice(unauthorized, 1);

    await frame.evaluate(() => (window as unknown as { shopify: { toast: { show(m: string): void } } }).shopify.toast.show("Stock pushed"));
    await expect.poll(() => page.getByTestId("admin-toast").textContent()).toBe("Stock pushed");
    expect(await page.getByTestId("admin-toast").getAttribute("role")).toBe("status");

    await frame.evaluate(() => (window as unknown as { shopify: { loading(on: boolean): void } }).shopify.loading(true));
    await expect.poll(() => page.getByTestId("admin-loading").isVisible()).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it("shows the app's nav menu in the admin and keeps the admin URL on the app's page", async () => {
    const frame = await openApp();
    await page.getByTestId("admin-app-nav-link").filter({ hasText: "Settings" }).click();
    await expect.poll(() => frame.textContent("#heading")).toBe("App at /app/settings");
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/store/tenon-demo/apps/${TEST_APP.apiKey}/settings`);
    expect(await page.textContent("#admin-title")).toBe("Fake Tenon");
    expect(consoleErrors).toEqual([]);
  });

  it("reloads through the bounce page with a fresh id_token", async () => {
    const frame = await openApp();
    const reload = `${app.url}/app/orders?shop=${SHOP}&embedded=1`;
    await frame.goto(`${app.url}/auth/session-token?shop=${SHOP}&embedded=1&shopify-reload=${encodeURIComponent(reload)}`);
    await expect.poll(() => new URL(frame.url()).pathname).toBe("/app/orders");
    expect(validToken(new URL(frame.url()).searchParams.get("id_token"))).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it("leaves the iframe for the exit-iframe page and Shopify admin URLs", async () => {
    const frame = await openApp();
    const exitIframe = `${app.url}/auth/exit-iframe?shop=${SHOP}&exitIframe=${encodeURIComponent(`${emulator.url}/store/tenon-demo`)}`;
    // Not frame.goto: the frame is gone before its navigation would "complete".
    await frame.evaluate((url) => window.location.assign(url), exitIframe);
    await page.waitForURL(`${emulator.url}/store/tenon-demo`);

    const again = await openApp();
    await again.evaluate(() => window.open("https://admin.shopify.com/store/tenon-demo", "_top"));
    await page.waitForURL(`${emulator.url}/store/tenon-demo`);
    expect(await page.getByTestId("admin-home").isVisible()).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it("sends the admin to the reauthorize URL of a 401 answer", async () => {
    const frame = await openApp("/orders");
    // The app is installed, so Shopify's install URL leads straight back to the app.
    await frame.evaluate(() => void fetch("/api/reauthorize"));
    await page.waitForURL(`${emulator.url}/store/tenon-demo/apps/${TEST_APP.apiKey}`);
    expect(consoleErrors.filter((m) => !m.includes("status of 401"))).toEqual([]);
  });
});
