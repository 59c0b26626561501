/**
 * `POST https://{shop}/admin/oauth/access_token`: token exchange (session token → access token),
 * refresh of expiring offline tokens, and migration of a non-expiring offline token to an
 * expiring one — the three grants @shopify/shopify-api 15 sends (lib/auth/oauth/token-exchange,
 * refresh-token, migrate-to-expiring-token). The authorization-code grant is not offered: Tenon
 * uses token exchange only.
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
  params: { kind: "offline" | "online"; now: Date; lifetimeSeconds: number | null; userId: number | null },
): AccessTokenRecord {
  const { kind, now, lifetimeSeconds, userId } = params;
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
  const token = issue(shop, { kind: "offline", now, lifetimeSeconds: null, userId: null });
  token.actsAsMerchant = true;
  return offlineBody(token);
}

/** The token behind an `X-Shopify-Access-Token` header, if it may call this shop's Admin API. */
export function authorizeAccessToken(shop: ShopState, header: string | undefined, now: Date): AccessTokenRecord | null {
  if (!header) return null;
  const record = shop.accessTokens.find((t) => t.token === header);
  return record && isTokenActive(record, now) ? record : null;
}
