import "@shopify/shopify-app-remix/adapters/node";
import { LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import db from "./db.server";
import { env } from "./env.server";
import { ADMIN_API_VERSION } from "./shopify/api-version";
import { resolveShopifyUrl } from "./shopify/local-shopify";
import { readShopifyFacts, recordInstallation } from "./services/stores/connections.server";
import { enqueue } from "./jobs/index.server";
import type { OfflineTokenDeps } from "./shopify/offline-token.server";

// Every request of @shopify/shopify-api goes through this fetch: the local-Shopify seam.
setAbstractFetchFunc((input, init) => {
  const target = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
  return fetch(resolveShopifyUrl(target, env.SHOPIFY_LOCAL_URL), init);
});

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: ADMIN_API_VERSION,
  // Scopes and webhook subscriptions live in shopify.app.toml (app-specific subscriptions).
  scopes: env.SCOPES?.split(","),
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(db),
  distribution: AppDistribution.AppStore,
  isEmbeddedApp: true,
  logger: { level: env.NODE_ENV === "test" ? LogSeverity.Error : LogSeverity.Warning },
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    // Offline tokens that live 60 minutes with a 90-day refresh token: required of public apps
    // created since 2026-04-01, and the only kind the Admin API accepts from any public app from
    // 2027-01-01 (docs/decisions/022). Token exchange then sends expiring=1.
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    afterAuth: async ({ session, admin }) => {
      await recordInstallation({
        db,
        shopDomain: session.shop,
        scopes: session.scope ?? "",
        facts: await readShopifyFacts(admin),
        scheduleLocationRead: (tx, shopDomain) => enqueue(tx, "store.read_locations", { shopDomain }),
        now: new Date(),
      });
    },
  },
});

export default shopify;
export const apiVersion = ADMIN_API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const sessionStorage = shopify.sessionStorage;

/**
 * A bare API client for what shopifyApp() does not expose, with the same credentials and fetch
 * seam: reading a session token's shop, asking whether Shopify still grants a token
 * (app/server/app-context.server.ts), and the token endpoint's refresh and migration grants
 * (docs/decisions/022), through which background jobs renew tokens under the store's lease
 * (app/shopify/offline-token.server.ts) instead of the library's unguarded refresh inside
 * `unauthenticated.admin`.
 */
export const shopifyApiClient = shopifyApi({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: ADMIN_API_VERSION,
  hostName: new URL(env.SHOPIFY_APP_URL).host,
  hostScheme: new URL(env.SHOPIFY_APP_URL).protocol === "http:" ? "http" : "https",
  isEmbeddedApp: true,
  logger: { level: 0, log: () => undefined },
});

const offlineId = (shop: string) => shopifyApiClient.session.getOfflineId(shop);

export const offlineTokenDeps: OfflineTokenDeps = {
  loadSession: (shop) => sessionStorage.loadSession(offlineId(shop)),
  storeSession: async (session) => {
    await sessionStorage.storeSession(session);
  },
  deleteSession: async (shop) => {
    await sessionStorage.deleteSession(offlineId(shop));
  },
  refresh: async (shop, refreshToken) => (await shopifyApiClient.auth.refreshToken({ shop, refreshToken })).session,
  migrate: async (shop, nonExpiringOfflineAccessToken) => (await shopifyApiClient.auth.migrateToExpiringToken({ shop, nonExpiringOfflineAccessToken })).session,
  now: () => new Date(),
};
