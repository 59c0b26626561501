import { SessionNotFoundError } from "@shopify/shopify-app-remix/server";
import db from "~/db.server";
import { freshOfflineSession, REFRESH_MARGIN_MS, type FreshSessionOptions } from "~/shopify/offline-token.server";
import { ShopifyAccessLostError, type AdminGraphql } from "~/shopify/client";
import { offlineTokenDeps, sessionStorage, unauthenticated } from "~/shopify.server";

/**
 * How background jobs reach Shopify (docs/decisions/019): every job kind that calls the Admin
 * API gets its client from `storeAdmin` and is declared through `parkOnAccessLoss` (./parking).
 * Its token is an expiring offline token (docs/decisions/022), renewed here before it expires.
 */

const statusOf = (error: unknown): number | undefined => {
  const code = (error as { response?: { code?: unknown } } | null)?.response?.code;
  return typeof code === "number" ? code : undefined;
};

type AdminContext = Awaited<ReturnType<typeof unauthenticated.admin>>;

/**
 * The store's Admin API client for a job (the offline session, as `unauthenticated.admin`).
 *
 * Before every request the session's token must have more than REFRESH_MARGIN_MS left; if not it
 * is renewed under the store's lease (freshOfflineSession: refreshed, or migrated from a
 * non-expiring token), so one client may serve an import or a push that outlasts its token. A 401
 * answer (the token ended early: clocks differ, or Shopify revoked it) renews once and sends the
 * request again — Shopify executed nothing on a 401. No session, a refused renewal, or a 401 to a
 * renewed token → ShopifyAccessLostError (the last after deleting the session, as shopify-app-remix
 * invalidates the token on a 401 in a request, so the merchant's next app open exchanges a new
 * one). The error passes through the throttle-aware client unchanged; the job parks.
 */
export async function storeAdmin(shopDomain: string): Promise<AdminGraphql> {
  let context = await contextWith(shopDomain);
  const renew = async (options: FreshSessionOptions = {}) => {
    context = await contextWith(shopDomain, options);
  };
  const send = async (query: string, options: Parameters<AdminGraphql["graphql"]>[1]) => {
    try {
      const response = await context.admin.graphql(query, options);
      return response.status === 401 ? null : response;
    } catch (error) {
      if (statusOf(error) === 401) return null;
      throw error;
    }
  };
  return {
    graphql: async (query, options) => {
      if (expiresSoon(context)) await renew();
      const first = await send(query, options);
      if (first) return first;
      await renew({ refused: context.session.accessToken });
      const second = await send(query, options);
      if (second) return second;
      await sessionStorage.deleteSession(context.session.id);
      throw new ShopifyAccessLostError(shopDomain, "Shopify refused the access token (HTTP 401: revoked or expired).");
    },
  };
}

const expiresSoon = ({ session }: AdminContext) => !session.expires || session.expires.getTime() - Date.now() <= REFRESH_MARGIN_MS;

/** A client for the session freshOfflineSession vouches for (renewed first if need be). */
async function contextWith(shopDomain: string, options: FreshSessionOptions = {}): Promise<AdminContext> {
  await freshOfflineSession(db, shopDomain, offlineTokenDeps, options);
  try {
    // Loads the session just made fresh; the library's own refresh does not trigger on it.
    return await unauthenticated.admin(shopDomain);
  } catch (error) {
    if (error instanceof SessionNotFoundError) throw new ShopifyAccessLostError(shopDomain, "there is no offline session for the store.");
    throw error;
  }
}

/**
 * Renews the store's offline token now if it needs it (migrates a non-expiring one), under the
 * store's lease: the `store.renew_token` job. ShopifyAccessLostError when Shopify refuses.
 */
export async function renewStoreToken(shopDomain: string): Promise<void> {
  await freshOfflineSession(db, shopDomain, offlineTokenDeps);
}
