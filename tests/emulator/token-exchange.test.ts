import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpResponseError, RequestedTokenType } from "@shopify/shopify-api";
import { DEMO_STORE_SEED, startEmulator, type Emulator } from "./index";
import { adminGraphql, exchangeToken, postJson, shopifyApiFor, TEST_APP, TOKEN_EXCHANGE } from "./testing";

const SHOP = "tenon-demo.myshopify.com";
const INVALID_SUBJECT_TOKEN = { error: "invalid_subject_token", error_description: expect.stringContaining("invalid subject token") };

describe("token exchange (POST /shops/{shop}/admin/oauth/access_token)", () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:3999" }, seedFiles: [DEMO_STORE_SEED] });
  });
  afterAll(() => emulator.stop());

  it("exchanges a session token for a non-expiring offline token with the toml scopes when asked without expiring=1; the Admin API refuses it", async () => {
    const { status, body } = await exchangeToken(emulator, SHOP, emulator.mintSessionToken(SHOP), { expiring: "0" });
    expect(status).toBe(200);
    expect(body).toEqual({ access_token: expect.stringMatching(/^shpat_[0-9a-f]{32}$/), scope: expect.stringContaining("read_products") });
    expect(String(body.scope).split(",")).toEqual(emulator.shop(SHOP).installation.scopes);
    // A public app's non-expiring offline token (docs/decisions/022): refused, saying what to do.
    const refused = await adminGraphql(emulator, SHOP, String(body.access_token), "{ shop { name } }");
    expect(refused).toMatchObject({ status: 403, body: { errors: expect.stringContaining("Start using expiring offline tokens") } });
  });

  it("accepts non-expiring offline tokens only when started with acceptNonExpiringOfflineTokens (an app not yet migrated, before 2027)", async () => {
    const lenient = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:3999" }, seedFiles: [DEMO_STORE_SEED], acceptNonExpiringOfflineTokens: true });
    try {
      const { body } = await exchangeToken(lenient, SHOP, lenient.mintSessionToken(SHOP), { expiring: "0" });
      expect((await adminGraphql(lenient, SHOP, String(body.access_token), "{ shop { name } }")).status).toBe(200);
    } finally {
      await lenient.stop();
    }
  });

  it("migrates a non-expiring offline token to an expiring pair, after which the old one is refused as unknown (401)", async () => {
    const old = String((await exchangeToken(emulator, SHOP, emulator.mintSessionToken(SHOP), { expiring: "0" })).body.access_token);
    const migrate = {
      client_id: TEST_APP.apiKey,
      client_secret: TEST_APP.apiSecret,
      grant_type: TOKEN_EXCHANGE.grant_type,
      subject_token: old,
      subject_token_type: TOKEN_EXCHANGE.offline,
      requested_token_type: TOKEN_EXCHANGE.offline,
      expiring: "1",
    };
    const migrated = await postJson(`${emulator.url}/shops/${SHOP}/admin/oauth/access_token`, migrate);
    expect(migrated).toMatchObject({ status: 200, body: { expires_in: 3600, refresh_token: expect.stringMatching(/^shprt_/) } });
    expect((await adminGraphql(emulator, SHOP, String(migrated.body.access_token), "{ shop { name } }")).status).toBe(200);
    expect((await adminGraphql(emulator, SHOP, old, "{ shop { name } }")).status).toBe(401);
    expect(emulator.tokenRequests.at(-1)).toMatchObject({ shop: SHOP, grant: "migration", status: 200, error: null });
  });

  it("expireAccessTokens ends the expiring tokens now (401) and their refresh tokens still work", async () => {
    const { body } = await exchangeToken(emulator, SHOP, emulator.mintSessionToken(SHOP));
    expect(emulator.expireAccessTokens(SHOP)).toBeGreaterThanOrEqual(1);
    expect((await adminGraphql(emulator, SHOP, String(body.access_token), "{ shop { name } }")).status).toBe(401);
    const refresh = { client_id: TEST_APP.apiKey, client_secret: TEST_APP.apiSecret, grant_type: "refresh_token", refresh_token: body.refresh_token };
    const refreshed = await postJson(`${emulator.url}/shops/${SHOP}/admin/oauth/access_token`, refresh);
    expect(refreshed.status).toBe(200);
    expect((await adminGraphql(emulator, SHOP, String(refreshed.body.access_token), "{ shop { name } }")).status).toBe(200);
  });

  it("issues an expiring offline token with a refresh token (expiring=1), and refreshes it once", async () => {
    const { body } = await exchangeToken(emulator, SHOP, emulator.mintSessionToken(SHOP), { expiring: "1" });
    expect(body).toMatchObject({
      access_token: expect.stringMatching(/^shpat_/),
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^shprt_/),
      refresh_token_expires_in: 90 * 24 * 3600,
    });
    const refresh = { client_id: TEST_APP.apiKey, client_secret: TEST_APP.apiSecret, grant_type: "refresh_token", refresh_token: body.refresh_token };
    const refreshed = await postJson(`${emulator.url}/shops/${SHOP}/admin/oauth/access_token`, refresh);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(body.access_token);
    // The old pair is revoked: the old access token no longer works, the refresh token is spent.
    expect((await adminGraphql(emulator, SHOP, String(body.access_token), "{ shop { name } }")).status).toBe(401);
    expect((await postJson(`${emulator.url}/shops/${SHOP}/admin/oauth/access_token`, refresh)).body.error).toBe("invalid_grant");
  });

  it("issues an online token for the session token's user", async () => {
    const token = emulator.mintSessionToken(SHOP, { userId: 73110002 });
    const { status, body } = await exchangeToken(emulator, SHOP, token, { requested_token_type: TOKEN_EXCHANGE.online });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      access_token: expect.stringMatching(/^shpua_/),
      expires_in: 86399,
      associated_user_scope: body.scope,
      associated_user: { id: 73110002, first_name: "Mika", email: "mika@tenon-demo.example", account_owner: false, locale: "de" },
    });
  });

  it("rejects an unknown client id and a wrong client secret", async () => {
    const token = emulator.mintSessionToken(SHOP);
    const unknown = await exchangeToken(emulator, SHOP, token, { client_id: "someone-else" });
    expect(unknown).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    const wrongSecret = await exchangeToken(emulator, SHOP, token, { client_secret: "not-the-secret" });
    expect(wrongSecret).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });

  it.each([
    ["a bad signature", { secret: "not-the-app-secret" }, "signature"],
    ["an expired token", { expiresInSeconds: -60 }, "expired"],
    ["another app's token", { audience: "other-app" }, "audience"],
    ["another shop's token", { destShop: "other-shop.myshopify.com" }, "dest"],
  ])("answers 400 invalid_subject_token for %s", async (_name, options, reason) => {
    const { status, body } = await exchangeToken(emulator, SHOP, emulator.mintSessionToken(SHOP, options));
    expect(status).toBe(400);
    expect(body).toEqual(INVALID_SUBJECT_TOKEN);
    expect(body.error_description).toContain(reason);
  });

  it("answers 404 for a shop it does not know", async () => {
    const { status } = await exchangeToken(emulator, "nowhere.myshopify.com", emulator.mintSessionToken(SHOP));
    expect(status).toBe(404);
  });

  it("works with @shopify/shopify-api's tokenExchange, which builds the app's sessions", async () => {
    const shopify = await shopifyApiFor(emulator);
    const { session } = await shopify.auth.tokenExchange({
      shop: SHOP,
      sessionToken: emulator.mintSessionToken(SHOP),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
    });
    expect(session).toMatchObject({ id: `offline_${SHOP}`, shop: SHOP, isOnline: false, accessToken: expect.stringMatching(/^shpat_/) });
    expect(session.scope).toContain("write_inventory");

    const online = await shopify.auth.tokenExchange({
      shop: SHOP,
      sessionToken: emulator.mintSessionToken(SHOP),
      requestedTokenType: RequestedTokenType.OnlineAccessToken,
    });
    expect(online.session).toMatchObject({ id: `${SHOP}_73110001`, isOnline: true, onlineAccessInfo: { associated_user: { id: 73110001 } } });

    const expiring = await shopify.auth.tokenExchange({
      shop: SHOP,
      sessionToken: emulator.mintSessionToken(SHOP),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
      expiring: true,
    });
    expect(expiring.session.expires).toBeInstanceOf(Date);
    expect(expiring.session.refreshToken).toMatch(/^shprt_/);
    const refreshed = await shopify.auth.refreshToken({ shop: SHOP, refreshToken: expiring.session.refreshToken ?? "" });
    expect(refreshed.session.accessToken).not.toBe(expiring.session.accessToken);
  });

  it("gives @shopify/shopify-api the error shape shopify-app-remix turns into a bounce", async () => {
    const shopify = await shopifyApiFor(emulator);
    // A token the library accepts (same secret) but the emulator does not (dest is another shop).
    const error = await shopify.auth
      .tokenExchange({
        shop: SHOP,
        sessionToken: emulator.mintSessionToken(SHOP, { destShop: "other-shop.myshopify.com" }),
        requestedTokenType: RequestedTokenType.OfflineAccessToken,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpResponseError);
    expect((error as HttpResponseError).response).toMatchObject({ code: 400, body: { error: "invalid_subject_token" } });
  });

  it("revokes the shop's tokens with the app still installed: the Admin API answers 401 and token exchange issues a working one", async () => {
    const old = String((await exchangeToken(emulator, SHOP, emulator.mintSessionToken(SHOP))).body.access_token);
    emulator.revokeAccessTokens(SHOP);
    expect(emulator.shop(SHOP).installation.installed).toBe(true);
    expect((await adminGraphql(emulator, SHOP, old, "{ shop { name } }")).status).toBe(401);
    const fresh = await exchangeToken(emulator, SHOP, emulator.mintSessionToken(SHOP));
    expect(fresh.status).toBe(200);
    expect((await adminGraphql(emulator, SHOP, String(fresh.body.access_token), "{ shop { name } }")).status).toBe(200);
  });

  it("refuses shops where the app is not installed, and revokes every token on uninstall", async () => {
    const token = await exchangeToken(emulator, SHOP, emulator.mintSessionToken(SHOP));
    const accessToken = String(token.body.access_token);
    expect((await adminGraphql(emulator, SHOP, accessToken, "{ shop { name } }")).status).toBe(200);

    await emulator.uninstall(SHOP); // no webhook receiver here: the delivery fails, which is recorded
    expect(emulator.shop(SHOP).accessTokens.every((t) => t.revokedAt !== null)).toBe(true);
    expect((await adminGraphql(emulator, SHOP, accessToken, "{ shop { name } }")).status).toBe(401);

    const afterUninstall = await exchangeToken(emulator, SHOP, emulator.mintSessionToken(SHOP));
    expect(afterUninstall).toEqual({
      status: 400,
      headers: expect.anything(),
      body: { error: "app_not_installed", error_description: "The application is not installed on this shop." },
    });

    emulator.install(SHOP);
    expect((await exchangeToken(emulator, SHOP, emulator.mintSessionToken(SHOP))).status).toBe(200);
  });
});
