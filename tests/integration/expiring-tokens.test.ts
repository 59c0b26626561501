import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateShopSeed } from "../emulator/index";
import { exchangeToken } from "../emulator/testing";
import { startAppHarness, type AppHarness } from "../support/app-harness";

/**
 * Expiring offline tokens (docs/decisions/022), against the emulator, on both databases. The
 * emulator issues 60-minute tokens with 90-day refresh tokens and refuses non-expiring ones, as
 * Shopify does for a public app like Tenon. A token that runs out in the middle of a product
 * import or a stock push is refreshed and the work finishes with nothing lost; two jobs renewing
 * at once spend the refresh token once; a store still holding a non-expiring token is migrated.
 */
const SHOP = "token-shop.myshopify.com";
let app: AppHarness;
let accountId = "";
let storeId = "";
const locationIds: string[] = [];

async function drain() {
  const { jobs } = await import("~/jobs/index.server");
  await jobs.start();
  await jobs.drain({ timeoutMs: 60_000 });
  await jobs.stop();
}

/** The merchant opens Tenon in Shopify admin: App Bridge's request with a fresh session token. */
async function openTenon() {
  const response = await app.request("/app/stores", { headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(SHOP)}` } });
  expect(response.status).toBe(200);
}

const offlineSession = () => app.db.session.findUniqueOrThrow({ where: { id: `offline_${SHOP}` } });
const grants = (grant: string) => app.emulator.tokenRequests.filter((r) => r.shop === SHOP && r.grant === grant);

beforeAll(async () => {
  app = await startAppHarness();
  app.emulator.createShop(generateShopSeed({ variants: 300, locations: 2, seed: 16, handle: "token-shop" }));
  await openTenon();
  const store = await app.db.store.findUniqueOrThrow({ where: { shopDomain: SHOP } });
  accountId = store.accountId;
  storeId = store.id;
  await drain(); // the location read the install scheduled
  const { mapShopifyLocation } = await import("~/services/locations/location-mapping.server");
  for (const [i, l] of (await app.db.shopifyLocation.findMany({ where: { storeId }, orderBy: { name: "asc" } })).entries()) {
    const created = await mapShopifyLocation(app.db, accountId, storeId, l.shopifyLocationId, { createName: `Tenon ${i}` });
    if (!created.ok) throw new Error(created.message);
    locationIds.push(created.value.locationId);
  }
}, 120_000);
afterAll(async () => app.stop());

describe("expiring offline access tokens", () => {
  it("opening Tenon stores an expiring offline token with its refresh token (token exchange asked expiring=1)", async () => {
    const session = await offlineSession();
    expect(session.expires).toBeInstanceOf(Date);
    const minutesLeft = (session.expires!.getTime() - Date.now()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(55);
    expect(minutesLeft).toBeLessThanOrEqual(60);
    expect(session.refreshToken).toMatch(/^shprt_/);
    expect(session.refreshTokenExpires!.getTime() - Date.now()).toBeGreaterThan(89 * 24 * 3600_000);
  });

  it("a token that expires mid-import is refreshed and the import of 300 variants finishes with every one", async () => {
    const { startProductImport } = await import("~/sync/imports/product-import.server");
    const { enqueue } = await import("~/jobs/index.server");
    const refreshesBefore = grants("refresh_token").length;
    // The export starts with the old token; the next request (its status poll) finds it expired.
    app.emulator.expireAccessTokensAfter(SHOP, 1);
    const started = await startProductImport(app.db, accountId, storeId, (tx, importId) => enqueue(tx, "import.products", { importId }));
    if (!started.ok) throw new Error(started.message);
    await drain();

    const run = await app.db.importRun.findUniqueOrThrow({ where: { id: started.value.importId } });
    expect(run.state).toBe("succeeded");
    const shopifyVariants = app.emulator.shop(SHOP).variants.length;
    expect(shopifyVariants).toBe(300);
    expect(await app.db.variantMapping.count({ where: { storeId } })).toBe(shopifyVariants);
    expect(grants("refresh_token").slice(refreshesBefore)).toMatchObject([{ status: 200 }]);
    expect(await app.db.parkedJob.count({ where: { storeId } })).toBe(0);
    expect(await app.db.job.count({ where: { state: "dead" } })).toBe(0);
  });

  it("a token that expires mid-push is refreshed and every target Shopify stocks gets its number", async () => {
    const { adjustStock } = await import("~/services/stock/stock.server");
    const activatedAt = new Date(Date.now() - 60_000);
    await app.db.store.update({
      where: { id: storeId },
      data: { syncActive: true, settings: { inventory: { inventorySync: true, manualOrdersCountAgainstStock: true } }, firstActivatedAt: activatedAt, lastActivatedAt: activatedAt },
    });
    const variants = await app.db.variant.findMany({ where: { accountId }, select: { id: true }, orderBy: { code: "asc" } });
    const refreshesBefore = grants("refresh_token").length;
    // The first batch of 250 goes out with the old token; the second finds it expired.
    app.emulator.expireAccessTokensAfter(SHOP, 1);
    for (const [i, locationId] of locationIds.entries()) {
      const result = await adjustStock(app.db, accountId, { locationId, reason: "count", occurredAt: new Date(), lines: variants.map((v, n) => ({ variantId: v.id, quantity: 1 + ((n + i) % 7) })) });
      if (!result.ok) throw new Error(result.message);
    }
    await drain();

    const targets = await app.db.stockPushTarget.findMany({ where: { storeId } });
    expect(targets.length).toBe(600);
    const gidNumber = (gid: string) => Number(gid.split("/").pop());
    const levelOf = (t: (typeof targets)[number]) =>
      app.emulator.shop(SHOP).inventoryLevels.find((l) => l.inventoryItemId === gidNumber(t.inventoryItemId) && l.locationId === gidNumber(t.shopifyLocationId));
    // Every target Shopify stocks got Tenon's number (more than one batch of 250); the rest are
    // the items the generated shop does not stock there, which Shopify refuses either way.
    const stocked = targets.filter((t) => levelOf(t) !== undefined);
    expect(stocked.length).toBeGreaterThan(250);
    expect(stocked.filter((t) => t.state !== "synced" || levelOf(t)!.quantities.available !== t.wanted)).toEqual([]);
    expect(targets.filter((t) => levelOf(t) === undefined && t.state !== "not_stocked")).toEqual([]);
    expect(grants("refresh_token").slice(refreshesBefore)).toMatchObject([{ status: 200 }]);
    expect(await app.db.parkedJob.count({ where: { storeId } })).toBe(0);
  });

  it("two jobs finding the token about to expire both succeed with one refresh", async () => {
    const { storeAdmin } = await import("~/jobs/shopify-access.server");
    // Tenon's own reckoning says the token has a minute left: both renew before using it.
    await app.db.session.update({ where: { id: `offline_${SHOP}` }, data: { expires: new Date(Date.now() + 60_000) } });
    const refreshesBefore = grants("refresh_token").length;
    const ask = async () => (await (await storeAdmin(SHOP)).graphql("{ shop { name } }")).status;
    expect(await Promise.all([ask(), ask(), ask()])).toEqual([200, 200, 200]);
    expect(grants("refresh_token").slice(refreshesBefore)).toMatchObject([{ status: 200 }]);
    expect(await app.db.offlineTokenLease.count()).toBe(0);
    expect((await offlineSession()).expires!.getTime() - Date.now()).toBeGreaterThan(55 * 60_000);
  });

  it("a store still holding a non-expiring token is migrated by the next job, which then succeeds", async () => {
    const { storeAdmin } = await import("~/jobs/shopify-access.server");
    // As a store connected before Tenon asked for expiring tokens: a non-expiring one, stored.
    const legacy = await exchangeToken(app.emulator, SHOP, app.emulator.mintSessionToken(SHOP), {
      client_id: process.env.SHOPIFY_API_KEY!,
      client_secret: process.env.SHOPIFY_API_SECRET!,
      expiring: "0",
    });
    const token = String(legacy.body.access_token);
    await app.db.session.update({ where: { id: `offline_${SHOP}` }, data: { accessToken: token, expires: null, refreshToken: null, refreshTokenExpires: null } });
    const migrationsBefore = grants("migration").length;

    const response = await (await storeAdmin(SHOP)).graphql("{ shop { name } }");
    expect(response.status).toBe(200);
    expect(grants("migration").slice(migrationsBefore)).toMatchObject([{ status: 200 }]);
    const session = await offlineSession();
    expect(session.accessToken).not.toBe(token);
    expect(session.expires).toBeInstanceOf(Date);
    expect(session.refreshToken).toMatch(/^shprt_/);
  });

  it("opening Tenon with a non-expiring token stored migrates it too, and the page works", async () => {
    const legacy = await exchangeToken(app.emulator, SHOP, app.emulator.mintSessionToken(SHOP), {
      client_id: process.env.SHOPIFY_API_KEY!,
      client_secret: process.env.SHOPIFY_API_SECRET!,
      expiring: "0",
    });
    const token = String(legacy.body.access_token);
    await app.db.session.update({ where: { id: `offline_${SHOP}` }, data: { accessToken: token, expires: null, refreshToken: null, refreshTokenExpires: null } });
    const response = await app.request(`/app/stores/${storeId}`, { headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(SHOP)}` } });
    expect(response.status).toBe(200);
    const session = await offlineSession();
    expect(session.accessToken).not.toBe(token);
    expect(session.expires).toBeInstanceOf(Date);
  });

  it("at server start, a store nobody opens that still holds a non-expiring token is migrated by a background job", async () => {
    const { migrateNonExpiringTokensOnStart } = await import("~/jobs/store-watchdog.server");
    const legacy = await exchangeToken(app.emulator, SHOP, app.emulator.mintSessionToken(SHOP), {
      client_id: process.env.SHOPIFY_API_KEY!,
      client_secret: process.env.SHOPIFY_API_SECRET!,
      expiring: "0",
    });
    const token = String(legacy.body.access_token);
    await app.db.session.update({ where: { id: `offline_${SHOP}` }, data: { accessToken: token, expires: null, refreshToken: null, refreshTokenExpires: null } });
    const migrationsBefore = grants("migration").length;
    expect(await migrateNonExpiringTokensOnStart(app.db)).toEqual([SHOP]);
    await drain();
    expect(grants("migration").slice(migrationsBefore)).toMatchObject([{ status: 200 }]);
    expect((await offlineSession()).refreshToken).toMatch(/^shprt_/);
    // Nothing left to migrate: the next start enqueues nothing.
    expect(await migrateNonExpiringTokensOnStart(app.db)).toEqual([]);
  });

  it("a refresh Shopify refuses (invalid_grant) parks the job like a lost session, and opening Tenon brings it back", async () => {
    const { enqueue } = await import("~/jobs/index.server");
    const session = await offlineSession();
    // The refresh token is spent elsewhere (as by another copy of the app): Shopify refuses it.
    app.emulator.revokeAccessTokens(SHOP, [session.accessToken]);
    await app.db.session.update({ where: { id: session.id }, data: { expires: new Date(Date.now() + 60_000) } });
    await app.db.$transaction((tx) => enqueue(tx, "store.read_locations", { shopDomain: SHOP }));
    await drain();
    expect(grants("refresh_token").at(-1)).toMatchObject({ status: 400, error: "invalid_grant" });
    expect(await app.db.parkedJob.count({ where: { storeId, kind: "store.read_locations" } })).toBe(1);
    expect(await app.db.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await app.db.job.count({ where: { state: "dead" } })).toBe(0);

    await openTenon();
    await drain();
    expect(await app.db.parkedJob.count({ where: { storeId } })).toBe(0);
    expect((await offlineSession()).refreshToken).toMatch(/^shprt_/);
  });
});
