/**
 * Session tokens (App Bridge's `id_token`): HS256 JWTs signed with the app's API secret, with the
 * claims Shopify issues. Written on node:crypto directly — a JWT is three base64url segments and
 * one HMAC, and the emulator must also be able to produce deliberately broken tokens for tests.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
}

export interface MintSessionTokenOptions {
  /** Sign with this secret instead of the app's (to test signature rejection). */
  secret?: string;
  /** Lifetime; Shopify's tokens live 60 s. Negative values give an already expired token. */
  expiresInSeconds?: number;
  /** Staff member id (`sub`); defaults to the shop's account owner. */
  userId?: number;
  /** `nbf` relative to `iat` (Shopify: 0). Positive values give a not-yet-valid token. */
  notBeforeOffsetSeconds?: number;
  /** Override the audience (to test wrong-app rejection). */
  audience?: string;
  /** Override `dest`/`iss` to another shop domain (to test shop mismatch). */
  destShop?: string;
}

export function sessionTokenClaims(params: {
  shopDomain: string;
  apiKey: string;
  userId: number;
  sid: string;
  now: Date;
  options?: MintSessionTokenOptions;
}): SessionTokenClaims {
  const { shopDomain, apiKey, userId, sid, now, options = {} } = params;
  const iat = Math.floor(now.getTime() / 1000);
  const destShop = options.destShop ?? shopDomain;
  return {
    iss: `https://${destShop}/admin`,
    dest: `https://${destShop}`,
    aud: options.audience ?? apiKey,
    sub: String(options.userId ?? userId),
    exp: iat + (options.expiresInSeconds ?? 60),
    nbf: iat + (options.notBeforeOffsetSeconds ?? 0),
    iat,
    jti: randomUUID(),
    sid,
  };
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

export function signJwt(claims: object, secret: string): string {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

export type SessionTokenCheck =
  | { ok: true; claims: SessionTokenClaims }
  | { ok: false; reason: string };

/**
 * Verifies a session token the way Shopify's token endpoint must: signature with the app secret,
 * HS256 only, time window, audience = the app, and `dest` = the shop the request is for.
 */
export function verifySessionToken(
  token: string,
  expected: { secret: string; apiKey: string; shopDomain: string; now: Date; leewaySeconds?: number },
): SessionTokenCheck {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "not a JWT" };
  const [header, payload, signature] = parts as [string, string, string];
  let parsedHeader: { alg?: unknown };
  let claims: Partial<SessionTokenClaims>;
  try {
    parsedHeader = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { alg?: unknown };
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Partial<SessionTokenClaims>;
  } catch {
    return { ok: false, reason: "malformed JWT" };
  }
  if (parsedHeader.alg !== "HS256") return { ok: false, reason: `unsupported alg ${String(parsedHeader.alg)}` };
  const expectedSignature = createHmac("sha256", expected.secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expectedSignature.length || !timingSafeEqual(given, expectedSignature)) {
    return { ok: false, reason: "signature does not match the app's secret" };
  }
  const now = Math.floor(expected.now.getTime() / 1000);
  const leeway = expected.leewaySeconds ?? 5;
  if (typeof claims.exp !== "number" || claims.exp + leeway <= now) return { ok: false, reason: "token expired" };
  if (typeof claims.nbf !== "number" || claims.nbf - leeway > now) return { ok: false, reason: "token not yet valid" };
  if (claims.aud !== expected.apiKey) return { ok: false, reason: "audience is not this app" };
  if (claims.dest !== `https://${expected.shopDomain}`) return { ok: false, reason: "dest is not this shop" };
  if (claims.iss !== `https://${expected.shopDomain}/admin`) return { ok: false, reason: "issuer is not this shop's admin" };
  if (typeof claims.sub !== "string" || typeof claims.sid !== "string" || typeof claims.jti !== "string") {
    return { ok: false, reason: "missing sub, sid or jti" };
  }
  return { ok: true, claims: claims as SessionTokenClaims };
}
