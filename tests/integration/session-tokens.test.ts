import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionTokenClaims, signJwt } from "../emulator/session-token";
import { startAppHarness, type AppHarness } from "../support/app-harness";

const SHOP = "tenon-demo.myshopify.com";
let app: AppHarness;

beforeAll(async () => {
  app = await startAppHarness();
});
afterAll(async () => app.stop());

// A data request from the embedded app, as App Bridge's authenticated fetch sends it.
const asEmbeddedFetch = (token: string) => app.request("/app/stores", { headers: { Authorization: `Bearer ${token}` } });

describe("session tokens", () => {
  it("a valid token installs the store through token exchange and opens the app", async () => {
    const response = await asEmbeddedFetch(app.emulator.mintSessionToken(SHOP));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { stores: { shopDomain: string; state: string }[] };
    expect(body.stores).toEqual([expect.objectContaining({ shopDomain: SHOP, state: "disabled" })]);
    const session = await app.db.session.findFirstOrThrow({ where: { shop: SHOP, isOnline: false } });
    expect(session.accessToken).toMatch(/^shpat_/);
    expect(await app.db.shopifyLocation.count()).toBe(3);
  });

  it("refuses a token signed with the wrong secret", async () => {
    const response = await asEmbeddedFetch(app.emulator.mintSessionToken(SHOP, { secret: "not-the-app-secret" }));
    expect(response.status).toBe(401);
    expect(response.headers.get("X-Shopify-Retry-Invalid-Session-Request")).toBe("1");
  });

  it("refuses an expired token", async () => {
    const response = await asEmbeddedFetch(app.emulator.mintSessionToken(SHOP, { expiresInSeconds: -120 }));
    expect(response.status).toBe(401);
  });

  // Signed with the app's secret, so it passes the signature check; for a shop the emulator (and
  // Tenon) does not know, or a host that is no Shopify store at all.
  const tokenFor = (shopDomain: string) =>
    signJwt(sessionTokenClaims({ shopDomain, apiKey: process.env.SHOPIFY_API_KEY!, userId: 1, sid: "s1", now: new Date() }), process.env.SHOPIFY_API_SECRET!);

  it("a signed token for a shop Shopify does not know gets 401, not a server error, and installs nothing", async () => {
    const response = await asEmbeddedFetch(tokenFor("no-such-shop.myshopify.com"));
    expect(response.status).toBe(401);
    expect(await response.text()).toContain("Shopify does not grant Tenon access to no-such-shop.myshopify.com");
    expect(await app.db.store.count({ where: { shopDomain: "no-such-shop.myshopify.com" } })).toBe(0);
  });

  it("a signed token whose shop is not a *.myshopify.com domain gets 400", async () => {
    const response = await asEmbeddedFetch(tokenFor("shop.example.com"));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("shop.example.com is not a Shopify store domain");
  });

  it("refuses a request without any token", async () => {
    const response = await app.request("/app/stores", { headers: { Authorization: "Bearer " } });
    expect(response.status).toBe(401);
  });

  it("after an uninstall the app answers Not Connected instead of failing, and a reinstall restores it", async () => {
    await app.emulator.uninstall(SHOP);
    for (let i = 0; i < 100 && (await app.db.store.findUniqueOrThrow({ where: { shopDomain: SHOP } })).connection === "connected"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    let response = await asEmbeddedFetch(app.emulator.mintSessionToken(SHOP));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { stores: { state: string }[] }).stores[0]?.state).toBe("not_connected");

    app.emulator.install(SHOP);
    response = await asEmbeddedFetch(app.emulator.mintSessionToken(SHOP));
    expect(((await response.json()) as { stores: { state: string }[] }).stores.map((s) => s.state)).toEqual(["disabled"]);
    expect(await app.db.store.count()).toBe(1);
  });
});
