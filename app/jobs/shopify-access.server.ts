import { SessionNotFoundError } from "@shopify/shopify-app-remix/server";
import { ShopifyAccessLostError, type AdminGraphql } from "~/shopify/client";
import { sessionStorage, unauthenticated } from "~/shopify.server";

/**
 * How background jobs reach Shopify (docs/decisions/019): every job kind that calls the Admin
 * API gets its client from `storeAdmin` and is declared through `parkOnAccessLoss` (./parking).
 */

const statusOf = (error: unknown): number | undefined => {
  const code = (error as { response?: { code?: unknown } } | null)?.response?.code;
  return typeof code === "number" ? code : undefined;
};

/**
 * The store's Admin API client for a job (the offline session, as `unauthenticated.admin`).
 * No session → ShopifyAccessLostError. A 401 answer → the stored session is deleted, as
 * shopify-app-remix invalidates the token on a 401 in a request (token-exchange strategy,
 * handleClientError), so the merchant's next app open exchanges a new one; then
 * ShopifyAccessLostError. Both pass through the throttle-aware client unchanged.
 */
export async function storeAdmin(shopDomain: string): Promise<AdminGraphql> {
  let context: Awaited<ReturnType<typeof unauthenticated.admin>>;
  try {
    context = await unauthenticated.admin(shopDomain);
  } catch (error) {
    if (error instanceof SessionNotFoundError) throw new ShopifyAccessLostError(shopDomain, "there is no offline session for the store.");
    throw error;
  }
  const { admin, session } = context;
  const refused = async () => {
    await sessionStorage.deleteSession(session.id);
    return new ShopifyAccessLostError(shopDomain, "Shopify refused the access token (HTTP 401: revoked or expired).");
  };
  return {
    graphql: async (query, options) => {
      let response: Response;
      try {
        response = await admin.graphql(query, options);
      } catch (error) {
        if (statusOf(error) === 401) throw await refused();
        throw error;
      }
      if (response.status === 401) throw await refused();
      return response;
    },
  };
}
