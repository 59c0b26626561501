import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { ShopifyAccessLostError } from "~/shopify/client";
import { freshOfflineSession, LEASE_MS, type OfflineTokenDeps } from "./offline-token.server";
import { DEMO_STORE_SEED, startEmulator, type Emulator } from "../../tests/emulator/index";
import { exchangeToken, shopifyApiFor, TEST_APP } from "../../tests/emulator/testing";
import { createTestDatabase, type TestDatabase } from "../../tests/support/db";

/**
 * The renewal lease and its edges (docs/decisions/022), on the real database, with Shopify's own
 * API library talking to the emulator's token endpoint. The everyday paths (refresh before
 * expiry, on a 401, migration, a refused refresh) run end to end in
 * tests/integration/expiring-tokens.test.ts.
 */
const SHOP = "tenon-demo.myshopify.com";
let t: TestDatabase;
let emulator: Emulator;
let deps: OfflineTokenDeps;

beforeAll(async () => {
  t = await createTestDatabase();
  emulator = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:3999" }, seedFiles: [DEMO_STORE_SEED] });
  const api = await shopifyApiFor(emulator);
  const storage = new PrismaSessionStorage(t.db as never);
  const id = (shop: string) => api.session.getOfflineId(shop);
  deps = {
    loadSession: (shop) => storage.loadSession(id(shop)),
    storeSession: async (session) => {
      await storage.storeSession(session);
    },
    deleteSession: async (shop) => {
      await storage.deleteSession(id(shop));
    },
    refresh: async (shop, refreshToken) => (await api.auth.refreshToken({ shop, refreshToken })).session,
    migrate: async (shop, token) => (await api.auth.migrateToExpiringToken({ shop, nonExpiringOfflineAccessToken: token })).session,
    now: () => new Date(),
  };
});
afterAll(async () => {
  await emulator.stop();
  await t.drop();
});

/** A stored offline session from a real token exchange, with Tenon's expiry moved to `expiresInMs`. */
async function storedSession(expiresInMs: number): Promise<Session> {
  const { body } = await exchangeToken(emulator, SHOP, emulator.mintSessionToken(SHOP));
  await t.db.session.upsert({
    where: { id: `offline_${SHOP}` },
    create: { id: `offline_${SHOP}`, shop: SHOP, state: "", accessToken: String(body.access_token) },
    update: {},
  });
  await t.db.session.update({
    where: { id: `offline_${SHOP}` },
    data: {
      accessToken: String(body.access_token),
      expires: new Date(Date.now() + expiresInMs),
      refreshToken: String(body.refresh_token),
      refreshTokenExpires: new Date(Date.now() + 90 * 24 * 3600_000),
    },
  });
  return (await deps.loadSession(SHOP))!;
}

const refreshes = () => emulator.tokenRequests.filter((r) => r.grant === "refresh_token").length;

describe("freshOfflineSession", () => {
  it("a token with more than 5 minutes left is used as it is: no request to Shopify", async () => {
    const stored = await storedSession(30 * 60_000);
    const before = emulator.tokenRequests.length;
    expect((await freshOfflineSession(t.db, SHOP, deps)).accessToken).toBe(stored.accessToken);
    expect(emulator.tokenRequests.length).toBe(before);
  });

  it("while another job holds the lease it waits for that job's session instead of spending the refresh token", async () => {
    await storedSession(60_000);
    await t.db.offlineTokenLease.create({ data: { shop: SHOP, holder: "other-job", expiresAt: new Date(Date.now() + LEASE_MS) } });
    const before = refreshes();
    const waiting = freshOfflineSession(t.db, SHOP, deps);
    // The other job finishes its renewal: a fresh session, then it releases the lease.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const renewed = await storedSession(60 * 60_000);
    await t.db.offlineTokenLease.deleteMany({ where: { holder: "other-job" } });
    expect((await waiting).accessToken).toBe(renewed.accessToken);
    expect(refreshes()).toBe(before);
  });

  it("a lease whose holder died (lapsed) is taken over and the token renewed once", async () => {
    const stored = await storedSession(60_000);
    await t.db.offlineTokenLease.create({ data: { shop: SHOP, holder: "dead-job", expiresAt: new Date(Date.now() - 1_000) } });
    const before = refreshes();
    const fresh = await freshOfflineSession(t.db, SHOP, deps);
    expect(fresh.accessToken).not.toBe(stored.accessToken);
    expect(refreshes()).toBe(before + 1);
    expect(await t.db.offlineTokenLease.count()).toBe(0);
  });

  it("a refresh token past its 90 days: access is lost without asking Shopify, and the session is deleted", async () => {
    await storedSession(60_000);
    await t.db.session.update({ where: { id: `offline_${SHOP}` }, data: { refreshTokenExpires: new Date(Date.now() - 1_000) } });
    const before = emulator.tokenRequests.length;
    const error = await freshOfflineSession(t.db, SHOP, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyAccessLostError);
    expect((error as Error).message).toContain("refresh token expired");
    expect(emulator.tokenRequests.length).toBe(before);
    expect(await t.db.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await t.db.offlineTokenLease.count()).toBe(0);
  });

  it("Shopify unreachable during a refresh: the error passes through for the job's retry, the session and its refresh token stay", async () => {
    const stored = await storedSession(60_000);
    const unreachable: OfflineTokenDeps = { ...deps, refresh: () => Promise.reject(new TypeError("fetch failed")) };
    await expect(freshOfflineSession(t.db, SHOP, unreachable)).rejects.toThrow("fetch failed");
    expect((await deps.loadSession(SHOP))?.refreshToken).toBe(stored.refreshToken);
    expect(await t.db.offlineTokenLease.count()).toBe(0);
    // The next attempt renews with the same refresh token.
    expect((await freshOfflineSession(t.db, SHOP, deps)).accessToken).not.toBe(stored.accessToken);
  });
});
