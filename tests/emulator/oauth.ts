/**
 * `POST https://{shop}/admin/oauth/access_token`: token exchange (session token → access token),
 * refresh of expiring offline tokens, and migration of a non-expiring offline token to an
 * expiring one — the three grants @shopify/shopify-api 15 sends (lib/auth/oauth/token-exchange,
 * refresh-token, migrate-to-expiring-token). The authorization-code grant is not offered: Tenon
 * uses token exchange only.
 *
 * Expiring offline tokens (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/offline-access-tokens#expiring-vs-non-expiring-offline-tokens):
 * an access token lives 60 minutes (`expires_in` 3600) and comes with a refresh token that lives
 * 90 days (`refresh_token_expires_in`); the refresh grant answers a new pair and retires the old
 * one. Public apps created since 2026-04-01 must use them, and from 2027-01-01 Shopify answers
 * Admin API requests made with a non-expiring offline token with an error
 * (https://shopify.dev/changelog/expiring-offline-access-tokens-required-for-all-public-apps-as-of-january-1-2027).
 * Tenon is such an app, so `checkAccessToken` refuses the app's non-expiring offline tokens
 * by default; the token endpoint still issues one when asked without `expiring=1` (an app that
 * has not migrated) and migrates it (docs/decisions/022).
 *
 * Error bodies follow what Shopify answers (as reported by app developers, since the endpoint is
 * not documented in detail): `{error, error_description}` with 400 for a bad request or subject
 * token, 401 for bad client credentials. @shopify/shopify-app-remix treats exactly
 * `400 + error=invalid_subject_token` as "get a fresh session token and retry".
 */
import { randomBytes } from "node:crypto";
import type { AppConfig } from "./app-config";
import { verifySessionToken } from "./session-token";
import { isTokenActive, type AccessTokenRecord, type ShopState } from "./state";

export const GRANT_TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
export const GRANT_REFRESH_TOKEN = "refresh_token";
export const TOKEN_TYPE_ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
export const TOKEN_TYPE_OFFLINE = "urn:shopify:params:oauth:token-type:offline-access-token";
export const TOKEN_TYPE_ONLINE = "urn:shopify:params:oauth:token-type:online-access-token";

/** Lifetimes Shopify uses: online tokens ~1 day, expiring offline 1 h with a 90-day refresh token. */
export const ONLINE_TOKEN_SECONDS = 86_399;
export const EXPIRING_OFFLINE_TOKEN_SECONDS = 3_600;
export const REFRESH_TOKEN_SECONDS = 90 * 24 * 3_600;

export interface TokenEndpointResult {
  status: number;
  body: Record<string, unknown>;
}

const fail = (status: number, error: string, description: string): TokenEndpointResult => ({
  status,
  body: { error, error_description: description },
});

/** Which of the three grants a token request is (for the emulator's log of token requests). */
export function grantOf(body: Record<string, unknown>): "token_exchange" | "refresh_token" | "migration" | "other" {
  if (body.grant_type === GRANT_REFRESH_TOKEN) return "refresh_token";
  if (body.grant_type !== GRANT_TOKEN_EXCHANGE) return "other";
  return body.subject_token_type === TOKEN_TYPE_OFFLINE ? "migration" : "token_exchange";
}

const INVALID_SUBJECT_TOKEN = "Token exchange cannot be performed due to an invalid subject token.";

export function handleAccessTokenRequest(params: {
  app: AppConfig;
  shop: ShopState;
  body: Record<string, unknown>;
  now: Date;
}): TokenEndpointResult {
  const { app, shop, body, now } = params;
  const field = (name: string) => (typeof body[name] === "string" ? (body[name] as string) : undefined);

  const clientId = field("client_id");
  if (!clientId) return fail(400, "invalid_request", "Missing client_id");
  if (clientId !== app.apiKey) {
    return fail(400, "invalid_request", `Could not find Shopify API application with api_key ${clientId}`);
  }
  if (field("client_secret") !== app.apiSecret) {
    return fail(401, "invalid_client", "Client authentication failed: the client_secret does not match the app.");
  }

  const grantType = field("grant_type");
  if (grantType === GRANT_REFRESH_TOKEN) return refresh(shop, field("refresh_token"), now);
  if (grantType !== GRANT_TOKEN_EXCHANGE) {
    return fail(400, "unsupported_grant_type", `The grant type ${grantType ?? "(none)"} is not supported by the Tenon Shopify emulator.`);
  }

  const subjectToken = field("subject_token");
  const subjectTokenType = field("subject_token_type");
  const requested = field("requested_token_type");
  const expiring = field("expiring") === "1";
  if (!subjectToken) return fail(400, "invalid_request", "Missing subject_token");
  if (requested !== TOKEN_TYPE_OFFLINE && requested !== TOKEN_TYPE_ONLINE) {
    return fail(400, "invalid_request", `Unsupported requested_token_type ${requested ?? "(none)"}`);
  }

  if (subjectTokenType === TOKEN_TYPE_OFFLINE) {
    return migrateToExpiring(shop, subjectToken, requested, expiring, now);
  }
  if (subjectTokenType !== TOKEN_TYPE_ID_TOKEN) {
    return fail(400, "invalid_request", `Unsupported subject_token_type ${subjectTokenType ?? "(none)"}`);
  }

  const check = verifySessionToken(subjectToken, { secret: app.apiSecret, apiKey: app.apiKey, shopDomain: shop.domain, now });
  if (!check.ok) return fail(400, "invalid_subject_token", `${INVALID_SUBJECT_TOKEN} (${check.reason})`);

  // A valid session token for a shop that has (meanwhile) uninstalled the app: Shopify answers
  // 400 app_not_installed (seen in the field right after an uninstall).
  if (!shop.installation.installed) {
    return fail(400, "app_not_installed", "The application is not installed on this shop.");
  }

  if (requested === TOKEN_TYPE_ONLINE) {
    const userId = Number(check.claims.sub);
    const user = shop.staff.find((s) => s.id === userId);
    if (!user) return fail(400, "invalid_subject_token", `${INVALID_SUBJECT_TOKEN} (unknown user ${check.claims.sub})`);
    const token = issue(shop, { kind: "online", now, lifetimeSeconds: ONLINE_TOKEN_SECONDS, userId });
    return {
      status: 200,
      body: {
        access_token: token.token,
        scope: token.scopes.join(","),
        expires_in: ONLINE_TOKEN_SECONDS,
        associated_user_scope: token.scopes.join(","),
        session: check.claims.sid,
        account_number: 0,
        associated_user: {
          id: user.id,
          first_name: user.firstName,
          last_name: user.lastName,
          email: user.email,
          account_owner: user.accountOwner,
          locale: user.locale,
          collaborator: false,
          email_verified: true,
        },
      },
    };
  }

  const token = issue(shop, {
    kind: "offline",
    now,
    lifetimeSeconds: expiring ? EXPIRING_OFFLINE_TOKEN_SECONDS : null,
    userId: null,
  });
  return { status: 200, body: offlineBody(token) };
}

function refresh(shop: ShopState, refreshToken: string | undefined, now: Date): TokenEndpointResult {
  const record = shop.accessTokens.find((t) => refreshToken !== undefined && t.refreshToken === refreshToken);
  if (!record || record.revokedAt !== null || !record.refreshTokenExpiresAt || record.refreshTokenExpiresAt <= now) {
    return fail(400, "invalid_grant", "The refresh token is invalid, expired or revoked.");
  }
  if (!shop.installation.installed) return fail(400, "app_not_installed", "The application is not installed on this shop.");
  // Refresh tokens are single use: the old pair is revoked when the new one is issued.
  record.revokedAt = now;
  const token = issue(shop, { kind: "offline", now, lifetimeSeconds: EXPIRING_OFFLINE_TOKEN_SECONDS, userId: null });
  return { status: 200, body: offlineBody(token) };
}

function migrateToExpiring(
  shop: ShopState,
  subjectToken: string,
  requested: string,
  expiring: boolean,
  now: Date,
): TokenEndpointResult {
  const existing = shop.accessTokens.find((t) => t.token === subjectToken);
  if (!existing || existing.kind !== "offline" || existing.expiresAt !== null || !isTokenActive(existing, now)) {
    return fail(400, "invalid_subject_token", `${INVALID_SUBJECT_TOKEN} (not an active non-expiring offline token)`);
  }
  if (requested !== TOKEN_TYPE_OFFLINE || !expiring) {
    return fail(400, "invalid_request", "Only migration to an expiring offline token is supported (expiring=1).");
  }
  // The non-expiring token stops working once it has been migrated.
  existing.revokedAt = now;
  const token = issue(shop, { kind: "offline", now, lifetimeSeconds: EXPIRING_OFFLINE_TOKEN_SECONDS, userId: null });
  return { status: 200, body: offlineBody(token) };
}

function offlineBody(token: AccessTokenRecord): Record<string, unknown> {
  const body: Record<string, unknown> = { access_token: token.token, scope: token.scopes.join(",") };
  if (token.expiresAt && token.refreshToken && token.refreshTokenExpiresAt) {
    body.expires_in = EXPIRING_OFFLINE_TOKEN_SECONDS;
    body.refresh_token = token.refreshToken;
    body.refresh_token_expires_in = REFRESH_TOKEN_SECONDS;
  }
  return body;
}

function issue(
  shop: ShopState,
  params: { kind: "offline" | "online"; now: Date; lifetimeSeconds: number | null; userId: number | null; issuedTo?: "app" | "script" },
): AccessTokenRecord {
  const { kind, now, lifetimeSeconds, userId, issuedTo = "app" } = params;
  const expiringOffline = kind === "offline" && lifetimeSeconds !== null;
  const record: AccessTokenRecord = {
    // Shopify's prefixes: shpat_ (offline/admin API), shpua_ (online, user access).
    token: `${kind === "online" ? "shpua" : "shpat"}_${randomBytes(16).toString("hex")}`,
    kind,
    scopes: [...shop.installation.scopes],
    issuedAt: now,
    expiresAt: lifetimeSeconds === null ? null : new Date(now.getTime() + lifetimeSeconds * 1000),
    revokedAt: null,
    userId,
    issuedTo,
    refreshToken: expiringOffline ? `shprt_${randomBytes(16).toString("hex")}` : null,
    refreshTokenExpiresAt: expiringOffline ? new Date(now.getTime() + REFRESH_TOKEN_SECONDS * 1000) : null,
  };
  shop.accessTokens.push(record);
  return record;
}

/**
 * An offline access token for scripts (the CLI, the typed client) minted through the script API:
 * the same kind of token token exchange gives the app, without needing the app's secret. It acts
 * for the merchant in Shopify's admin (creating orders, adding locations …), so the app's access
 * scopes do not limit it; it shares the app's rate-limit bucket.
 */
export function issueScriptAccessToken(shop: ShopState, now: Date): Record<string, unknown> {
  return offlineBody(issue(shop, { kind: "offline", now, lifetimeSeconds: null, userId: null, issuedTo: "script" }));
}

/**
 * What Shopify answers an Admin API request made with a public app's non-expiring offline token
 * once they are refused. Not documented beyond "error responses"; an app developer reported 403
 * with this message for a public app created after 2026-04-01
 * (https://gh.composio.io/ComposioHQ/mercury/pulls/22964) — unverified on Shopify's own pages.
 */
export const NON_EXPIRING_REFUSED = {
  status: 403,
  message: "Non-expiring access tokens are no longer accepted for the Admin API. Start using expiring offline tokens.",
} as const;

export type AccessTokenCheck = { ok: true; token: AccessTokenRecord } | { ok: false; status: 401 | 403; message: string };

/**
 * Whether an `X-Shopify-Access-Token` header may call this shop's Admin API: an active token
 * (not revoked, not expired on the emulator's clock), and, unless `acceptNonExpiring`, not a
 * non-expiring offline token issued to the app (see the top of this file).
 */
export function checkAccessToken(shop: ShopState, header: string | undefined, now: Date, options: { acceptNonExpiring: boolean }): AccessTokenCheck {
  const record = header ? shop.accessTokens.find((t) => t.token === header) : undefined;
  if (!record || !isTokenActive(record, now)) {
    return { ok: false, status: 401, message: "[API] Invalid API key or access token (unrecognized login or wrong password)" };
  }
  if (!options.acceptNonExpiring && record.kind === "offline" && record.expiresAt === null && record.issuedTo === "app") {
    return { ok: false, status: NON_EXPIRING_REFUSED.status, message: NON_EXPIRING_REFUSED.message };
  }
  return { ok: true, token: record };
}
