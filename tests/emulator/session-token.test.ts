import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STORE_SEED, startEmulator, type Emulator } from "./index";
import { verifySessionToken } from "./session-token";
import { jwtPayload, shopifyApiFor, TEST_APP } from "./testing";

const SHOP = "tenon-demo.myshopify.com";
const OWNER_ID = 73110001; // the demo seed's account owner

describe("session tokens", () => {
  let emulator: Emulator;
  let now = new Date("2026-03-02T10:00:00Z");

  beforeAll(async () => {
    emulator = await startEmulator({
      app: { ...TEST_APP, appUrl: "http://127.0.0.1:3999" },
      seedFiles: [DEMO_STORE_SEED],
      clock: () => now,
    });
  });
  afterAll(() => emulator.stop());

  it("carries Shopify's claims, timed by the emulator clock", () => {
    const claims = jwtPayload(emulator.mintSessionToken(SHOP));
    const iat = Math.floor(now.getTime() / 1000);
    expect(claims).toEqual({
      iss: `https://${SHOP}/admin`,
      dest: `https://${SHOP}`,
      aud: TEST_APP.apiKey,
      sub: String(OWNER_ID),
      exp: iat + 60,
      nbf: iat,
      iat,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sid: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(JSON.parse(Buffer.from(emulator.mintSessionToken(SHOP).split(".")[0] ?? "", "base64url").toString())).toEqual({
      alg: "HS256",
      typ: "JWT",
    });
  });

  it("keeps one admin session (sid) per staff member and a new jti per token", () => {
    const a = jwtPayload(emulator.mintSessionToken(SHOP));
    const b = jwtPayload(emulator.mintSessionToken(SHOP));
    const other = jwtPayload(emulator.mintSessionToken(SHOP, { userId: 73110002 }));
    expect(a.sid).toBe(b.sid);
    expect(a.jti).not.toBe(b.jti);
    expect(other.sub).toBe("73110002");
    expect(other.sid).not.toBe(a.sid);
  });

  it("honours lifetime and not-before options", () => {
    const claims = jwtPayload(emulator.mintSessionToken(SHOP, { expiresInSeconds: -30, notBeforeOffsetSeconds: 5 }));
    expect(Number(claims.exp) - Number(claims.iat)).toBe(-30);
    expect(Number(claims.nbf) - Number(claims.iat)).toBe(5);
  });

  it("verifies signature, time window, audience and shop", () => {
    const expected = { secret: TEST_APP.apiSecret, apiKey: TEST_APP.apiKey, shopDomain: SHOP, now };
    expect(verifySessionToken(emulator.mintSessionToken(SHOP), expected).ok).toBe(true);
    expect(verifySessionToken(emulator.mintSessionToken(SHOP, { secret: "another-secret" }), expected)).toEqual({
      ok: false,
      reason: "signature does not match the app's secret",
    });
    expect(verifySessionToken(emulator.mintSessionToken(SHOP, { expiresInSeconds: -60 }), expected)).toMatchObject({ reason: "token expired" });
    expect(verifySessionToken(emulator.mintSessionToken(SHOP, { notBeforeOffsetSeconds: 30 }), expected)).toMatchObject({
      reason: "token not yet valid",
    });
    expect(verifySessionToken(emulator.mintSessionToken(SHOP, { audience: "other-app" }), expected)).toMatchObject({
      reason: "audience is not this app",
    });
    expect(verifySessionToken(emulator.mintSessionToken(SHOP, { destShop: "other.myshopify.com" }), expected)).toMatchObject({
      reason: "dest is not this shop",
    });
    const later = { ...expected, now: new Date(now.getTime() + 120_000) };
    expect(verifySessionToken(emulator.mintSessionToken(SHOP), later)).toMatchObject({ reason: "token expired" });
  });

  it("is accepted by @shopify/shopify-api's decodeSessionToken (on real time)", async () => {
    now = new Date();
    const shopify = await shopifyApiFor(emulator);
    const payload = await shopify.session.decodeSessionToken(emulator.mintSessionToken(SHOP));
    expect(payload.dest).toBe(`https://${SHOP}`);
    expect(shopify.session.getJwtSessionId(SHOP, payload.sub)).toBe(`${SHOP}_${OWNER_ID}`);
    await expect(shopify.session.decodeSessionToken(emulator.mintSessionToken(SHOP, { secret: "wrong" }))).rejects.toThrow(/signature/);
  });

  it("is served over the script API", async () => {
    now = new Date("2026-03-02T10:00:00Z");
    const response = await fetch(`${emulator.url}/_emulator/shops/tenon-demo/session-token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ expiresInSeconds: 120 }),
    });
    const { token } = (await response.json()) as { token: string };
    const claims = jwtPayload(token);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(120);
    expect(claims.iat).toBe(Math.floor(now.getTime() / 1000));
  });
});
