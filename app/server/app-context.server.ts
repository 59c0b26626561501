import "@shopify/shopify-app-remix/adapters/node";
import { HttpResponseError, RequestedTokenType } from "@shopify/shopify-api";
import db from "~/db.server";
import { isShopDomain } from "~/domain/webhook-trust";
import { freshOfflineSession } from "~/shopify/offline-token.server";
import { authenticate, offlineTokenDeps, shopifyApiClient, unauthenticated } from "~/shopify.server";
import { ShopifyAccessLostError } from "../shopify/client";
import { resumeStoreOnAppOpen } from "~/jobs/store-watchdog.server";

/**
 * Who is asking, for every /app route: the shop from the session token, its store and the
 * maker's account. A store Tenon knows to be uninstalled renders as Not Connected instead of
 * bouncing through a token exchange Shopify would refuse; once the merchant reinstalls, the
 * exchange succeeds again and the store is back with everything it had.
 */

// What shopifyApp() does not expose (a session token's shop, a token exchange that only asks).
const api = shopifyApiClient;

function sessionTokenOf(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (header?.startsWith("Bearer ")) return header.slice("Bearer ".length);
  return new URL(request.url).searchParams.get("id_token");
}

async function shopOf(token: string): Promise<string | null> {
  try {
    const payload = await api.session.decodeSessionToken(token);
    return new URL(payload.dest).hostname;
  } catch {
    return null; // authenticate.admin answers invalid tokens the way App Bridge expects
  }
}

async function shopifyStillGrantsAccess(shop: string, sessionToken: string): Promise<boolean> {
  return (await askShopifyForAccess(shop, sessionToken)) === "granted";
}

/** "refused": Shopify answered the exchange with a 4xx (no such shop, app not installed, bad token). */
async function askShopifyForAccess(shop: string, sessionToken: string): Promise<"granted" | "refused" | "unreachable"> {
  try {
    // Expiring, as every token Tenon asks for (docs/decisions/022); this one is only a probe.
    await api.auth.tokenExchange({ shop, sessionToken, requestedTokenType: RequestedTokenType.OfflineAccessToken, expiring: true });
    return "granted";
  } catch (error) {
    const code = error instanceof HttpResponseError ? error.response.code : 0;
    return code >= 400 && code < 500 ? "refused" : "unreachable";
  }
}

export type AppContext =
  | {
      connected: true;
      shop: string;
      accountId: string;
      storeId: string;
      admin: Awaited<ReturnType<typeof authenticate.admin>>["admin"];
    }
  | { connected: false; shop: string; accountId: string; storeId: string };

export async function requireAppContext(request: Request): Promise<AppContext> {
  const token = sessionTokenOf(request);
  const shop = token ? await shopOf(token) : null;
  let known = false;
  if (token && shop) {
    // A signed token can name any host; the library throws on one outside Shopify's (a 500).
    if (!isShopDomain(shop)) {
      throw new Response(`${shop} is not a Shopify store domain (*.myshopify.com). Open Tenon from the store's Shopify admin.`, { status: 400 });
    }
    const store = await db.store.findUnique({ where: { shopDomain: shop } });
    known = store !== null;
    if (store && store.connection !== "connected" && !(await shopifyStillGrantsAccess(shop, token))) {
      return { connected: false, shop, accountId: store.accountId, storeId: store.id };
    }
  }
  const authenticated = await authenticate.admin(request).catch(async (thrown: unknown) => {
    // The library answers any failed token exchange with 500. For a shop Tenon has no record of,
    // ask once more: when Shopify refuses (no such shop, Tenon not installed there) it is a 401.
    if (thrown instanceof Response && thrown.status === 500 && token && shop && !known && (await askShopifyForAccess(shop, token)) === "refused") {
      throw new Response(`Shopify does not grant Tenon access to ${shop}. Install Tenon from that store's Shopify admin, then open it again.`, { status: 401 });
    }
    throw thrown;
  });
  const { session } = authenticated;
  const admin = session.expires ? authenticated.admin : await migratedAdmin(request, session.shop);
  const store = await db.store.findUnique({ where: { shopDomain: session.shop } });
  if (!store) {
    // The session predates the store record (e.g. the afterAuth hook failed): answer clearly.
    throw new Response(`Tenon has no record of ${session.shop} yet. Reload the app to finish installing.`, {
      status: 503,
    });
  }
  // Opening Tenon is how a store gets its access back (docs/decisions/019): a valid session
  // exists now, so work parked for want of one resumes and a dead sweep chain is re-created.
  if (store.connection === "connected") await resumeStoreOnAppOpen(store.id);
  return { connected: true, shop: session.shop, accountId: store.accountId, storeId: store.id, admin };
}

/**
 * The stored offline session holds a non-expiring token (stored before Tenon asked for expiring
 * ones): the library keeps using it while it is "active", but the Admin API refuses it
 * (docs/decisions/022). It is migrated to an expiring one now, under the same lease as the
 * background jobs' renewals; if Shopify refuses the migration the session is gone and token
 * exchange stores a new, expiring one.
 */
async function migratedAdmin(request: Request, shop: string) {
  try {
    await freshOfflineSession(db, shop, offlineTokenDeps);
    return (await unauthenticated.admin(shop)).admin;
  } catch (error) {
    if (!(error instanceof ShopifyAccessLostError)) throw error;
    return (await authenticate.admin(request)).admin;
  }
}
