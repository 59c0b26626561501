import { test as base, expect, type FrameLocator, type Page } from "@playwright/test";
import { E2E_APP_PORT, E2E_SHOPIFY_PORT } from "../../playwright.config";

export const SHOP = "tenon-demo";
export const SHOP_DOMAIN = `${SHOP}.myshopify.com`;
export const API_KEY = "tenon-local-client-id";
export const APP_ORIGIN = `http://127.0.0.1:${E2E_APP_PORT}`;
export const SHOPIFY_ORIGIN = `http://127.0.0.1:${E2E_SHOPIFY_PORT}`;

/** Drives the local Shopify from outside, as a merchant's actions in Shopify admin would. */
export const shopify = {
  adminUrl: (path = "") => `${SHOPIFY_ORIGIN}/store/${SHOP}/apps/${API_KEY}${path}`,
  async post(path: string, body?: unknown) {
    const response = await fetch(`${SHOPIFY_ORIGIN}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<Record<string, unknown>>;
  },
  async deliveries(topic: string): Promise<{ status: number | null }[]> {
    const response = await fetch(`${SHOPIFY_ORIGIN}/_emulator/deliveries?topic=${encodeURIComponent(topic)}&shop=${SHOP_DOMAIN}`);
    const body = (await response.json()) as { deliveries?: { status: number | null }[] } | { status: number | null }[];
    return Array.isArray(body) ? body : (body.deliveries ?? []);
  },
};

export function appFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe[name="app-iframe"]');
}

/**
 * Every test watches the browser: a console error, or a request leaving the machine, fails it.
 */
export const test = base.extend<{ watched: { consoleErrors: string[]; externalRequests: string[] } }>({
  watched: [
    async ({ page }, use) => {
      const watched = { consoleErrors: [] as string[], externalRequests: [] as string[] };
      page.on("console", (message) => {
        if (message.type() === "error") watched.consoleErrors.push(`${message.location().url}: ${message.text()}`);
      });
      page.on("pageerror", (error) => watched.consoleErrors.push(`pageerror: ${error.message}`));
      page.on("request", (request) => {
        const url = new URL(request.url());
        if (!["127.0.0.1", "localhost"].includes(url.hostname) && !url.protocol.startsWith("data")) {
          watched.externalRequests.push(request.url());
        }
      });
      await use(watched);
      expect(watched.consoleErrors, "console errors").toEqual([]);
      expect(watched.externalRequests, "requests that left the machine").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
