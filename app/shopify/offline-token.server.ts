import { randomUUID } from "node:crypto";
import type { Session } from "@shopify/shopify-api";
import type { Db } from "~/db/client";
import { ShopifyAccessLostError } from "~/shopify/client";

/**
 * A store's expiring offline token, kept usable for background work (docs/decisions/022).
 *
 * Shopify's offline tokens live 60 minutes and come with a 90-day refresh token; apps refresh
 * "a few minutes before they expire, and when you receive a 401"
 * (https://shopify.dev/changelog/posts/offline-access-tokens-now-support-expiry-and-refresh).
 * A refresh answers a new pair and retires the old refresh token, so two jobs that both find the
 * token about to expire must not both spend it: only the holder of the store's
 * `OfflineTokenLease` asks Shopify, the others wait for the renewed session. A store still holding
 * a non-expiring token (stored before Tenon asked for expiring ones) is migrated the same way,
 * through token exchange with that token as the subject
 * (https://shopify.dev/docs/apps/build/authentication-authorization/migrate-to-expiring-offline-access-tokens).
 * When Shopify refuses the refresh or the migration (invalid_grant, app not installed, …) the
 * session is deleted and the caller gets ShopifyAccessLostError: the job parks and the merchant's
 * next app open exchanges a new token (docs/decisions/019).
 *
 * This service owns OfflineTokenLease. The Session rows belong to the Shopify library's session
 * storage; they are read and written only through `deps`.
 */

/** Renew this long before expiry: the Shopify library's own margin (WITHIN_MILLISECONDS_OF_EXPIRY). */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** A lease older than this is taken to be its holder's death (a refresh is one HTTP request). */
export const LEASE_MS = 30_000;
const WAIT_STEP_MS = 100;

export interface OfflineTokenDeps {
  loadSession(shop: string): Promise<Session | undefined>;
  storeSession(session: Session): Promise<void>;
  deleteSession(shop: string): Promise<void>;
  /** `grant_type=refresh_token`: the new session (throws the library's HttpResponseError when refused). */
  refresh(shop: string, refreshToken: string): Promise<Session>;
  /** Token exchange of a non-expiring offline token for an expiring one. */
  migrate(shop: string, nonExpiringToken: string): Promise<Session>;
  now(): Date;
}

export interface FreshSessionOptions {
  /** An access token Shopify just answered 401 to: the session holding it is not usable however far off its expiry. */
  refused?: string;
}

/** Usable for background work now: an expiring token with more than the margin left, and not one Shopify just refused. */
function usable(session: Session, now: Date, refused?: string): boolean {
  if (refused !== undefined && session.accessToken === refused) return false;
  if (!session.accessToken || !session.expires) return false;
  return session.expires.getTime() - now.getTime() > REFRESH_MARGIN_MS;
}

/** Shopify refused the grant itself (4xx: invalid_grant, app_not_installed, invalid_client …): retrying cannot help. */
function refusedByShopify(error: unknown): string | null {
  const response = (error as { response?: { code?: unknown; body?: unknown } } | null)?.response;
  const code = typeof response?.code === "number" ? response.code : 0;
  if (code < 400 || code >= 500) return null;
  const body = response?.body as { error?: unknown; error_description?: unknown } | undefined;
  const what = typeof body?.error === "string" ? body.error : `HTTP ${code}`;
  return typeof body?.error_description === "string" ? `${what}: ${body.error_description}` : what;
}

/**
 * The store's offline session with a token good for at least REFRESH_MARGIN_MS: the stored one,
 * or one renewed (refreshed, or migrated from a non-expiring token) by this call or by a
 * concurrent one. Throws ShopifyAccessLostError when there is no session or Shopify refuses to
 * renew it; other errors (Shopify unreachable, 5xx) pass through for the job's retry.
 */
export async function freshOfflineSession(db: Db, shop: string, deps: OfflineTokenDeps, options: FreshSessionOptions = {}): Promise<Session> {
  const holder = randomUUID();
  const giveUpAt = deps.now().getTime() + 2 * LEASE_MS;
  for (;;) {
    const session = await deps.loadSession(shop);
    if (!session) throw new ShopifyAccessLostError(shop, "there is no offline session for the store.");
    if (usable(session, deps.now(), options.refused)) return session;
    if (await takeLease(db, shop, holder, deps.now())) {
      try {
        return await renew(shop, deps, options);
      } finally {
        await db.offlineTokenLease.deleteMany({ where: { shop, holder } });
      }
    }
    // Another job is renewing it: wait for its session (or for its lease to lapse).
    if (deps.now().getTime() > giveUpAt) throw new Error(`The offline token of ${shop} is being renewed by another job for over ${(2 * LEASE_MS) / 1000} s; retry later.`);
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
}

/** Holding the lease: read the session again (a renewal may have finished meanwhile), then renew it if still needed. */
async function renew(shop: string, deps: OfflineTokenDeps, options: FreshSessionOptions): Promise<Session> {
  const session = await deps.loadSession(shop);
  if (!session) throw new ShopifyAccessLostError(shop, "there is no offline session for the store.");
  const now = deps.now();
  if (usable(session, now, options.refused)) return session;
  const lost = async (reason: string) => {
    await deps.deleteSession(shop);
    return new ShopifyAccessLostError(shop, reason);
  };
  let renewed: Session;
  try {
    if (session.refreshToken) {
      if (session.refreshTokenExpires && session.refreshTokenExpires <= now) throw await lost("its refresh token expired (90 days without a refresh).");
      renewed = await deps.refresh(shop, session.refreshToken);
    } else if (!session.expires && session.accessToken) {
      renewed = await deps.migrate(shop, session.accessToken);
    } else {
      throw await lost("its access token expired and there is no refresh token.");
    }
  } catch (error) {
    if (error instanceof ShopifyAccessLostError) throw error;
    const refused = refusedByShopify(error);
    if (refused === null) throw error;
    throw await lost(`Shopify refused to renew the access token (${refused}).`);
  }
  // Stored at once: the old refresh token is spent, this pair is the only one that works now.
  await deps.storeSession(renewed);
  return renewed;
}

/** Takes the store's renewal lease if nobody holds it, or if its holder let it lapse. */
async function takeLease(db: Db, shop: string, holder: string, now: Date): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + LEASE_MS);
  try {
    await db.offlineTokenLease.create({ data: { shop, holder, expiresAt } });
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code !== "P2002") throw error; // held: is it lapsed?
  }
  // Lapsed: one UPDATE with the lapse in its WHERE, so of two takers only one sees it lapsed.
  const { count } = await db.offlineTokenLease.updateMany({ where: { shop, expiresAt: { lt: now } }, data: { holder, expiresAt } });
  return count === 1;
}

/**
 * Shops whose stored offline session still holds a non-expiring token (stored before Tenon asked
 * for expiring ones) and whose store is connected: the server migrates them at start, so a store
 * nobody opens and no job touches is migrated before Shopify stops accepting its token.
 */
export async function shopsWithNonExpiringTokens(db: Db): Promise<string[]> {
  const sessions = await db.session.findMany({ where: { isOnline: false, expires: null, refreshToken: null }, select: { shop: true } });
  if (sessions.length === 0) return [];
  const connected = await db.store.findMany({ where: { shopDomain: { in: sessions.map((s) => s.shop) }, connection: "connected" }, select: { shopDomain: true } });
  return connected.map((s) => s.shopDomain);
}
