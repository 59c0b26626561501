import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmulatorClient } from "../emulator/client";
import { IDEMPOTENCY_RETENTION_MS } from "../emulator/index";
import { startAppHarness, type AppHarness } from "../support/app-harness";

/**
 * The stock push meets every answer Shopify gives about an idempotency key (docs/decisions/025)
 * and ends: synced, with Shopify showing Tenon's number once, and the activity log saying what
 * happened. Faults come from the emulator (`queueMutationFault`: a failing or a slow attempt).
 */
const SHOP = "tenon-demo.myshopify.com";
let app: AppHarness;
let accountId = "";
let storeId = "";
let berlin = "";

const gidNumber = (gid: string) => Number(gid.split("/").pop()!.split("?")[0]);

function shopifyAvailable(inventoryItemId: string, locationId: string): number | null {
  const level = app.emulator.shop(SHOP).inventoryLevels.find((l) => l.inventoryItemId === gidNumber(inventoryItemId) && l.locationId === gidNumber(locationId));
  return level ? level.quantities.available : null;
}

async function drain() {
  const { jobs } = await import("~/jobs/index.server");
  await jobs.start();
  await jobs.drain({ timeoutMs: 60_000 });
  await jobs.stop();
}

async function adjust(code: string, quantity: number) {
  const { adjustStock } = await import("~/services/stock/stock.server");
  const variant = await app.db.variant.findFirstOrThrow({ where: { accountId, code }, orderBy: { createdAt: "desc" } });
  const result = await adjustStock(app.db, accountId, { locationId: berlin, reason: "test", occurredAt: new Date(), lines: [{ variantId: variant.id, quantity }] });
  if (!result.ok) throw new Error(result.message);
}

/** Plans the outbox without pushing (so a test can prepare Shopify for the call Tenon will send). */
async function planOnly() {
  const { planStockEvents } = await import("~/sync/stock-push/stock-push.server");
  await planStockEvents(app.db, accountId, new Date(), async () => undefined);
}

async function enqueuePush() {
  const { enqueueStockPush } = await import("~/sync/stock-push/stock-push.server");
  await app.db.$transaction((tx) => enqueueStockPush(tx, storeId));
}

const pendingTargets = () => app.db.stockPushTarget.findMany({ where: { storeId, state: "pending" }, orderBy: [{ dirtyAt: "asc" }, { id: "asc" }] });

/**
 * The key Tenon's next call carries: the pending targets Shopify confirmed before, in the push's
 * order (one never confirmed is read first and, not stocked there, left out of the call).
 */
async function nextKey() {
  const { pushIdempotencyKey } = await import("~/sync/stock-push/stock-push.server");
  const pending = (await pendingTargets()).filter((t) => t.confirmed !== null);
  expect(pending.length).toBeGreaterThan(0);
  expect(pending.every((t) => t.unimported === 0)).toBe(true);
  return pushIdempotencyKey(
    storeId,
    pending.map((t) => ({ targetId: t.id, version: t.version, quantity: t.wanted!, changeFromQuantity: t.confirmed! })),
  );
}

/** Every target of the SKU at Berlin is synced and Shopify shows what Tenon wants. */
async function expectSynced(code: string) {
  const targets = await app.db.stockPushTarget.findMany({ where: { storeId, sku: code, locationId: berlin, state: { not: "not_stocked" } } });
  expect(targets.length).toBeGreaterThan(0);
  for (const t of targets) {
    expect({ code, state: t.state, shopify: shopifyAvailable(t.inventoryItemId, t.shopifyLocationId) }).toEqual({ code, state: "synced", shopify: t.wanted });
  }
  return targets;
}

const activity = (action: string, since: Date) => app.db.syncActivity.findMany({ where: { storeId, area: "stock", action, at: { gte: since } }, orderBy: { at: "asc" } });

/** Adjustment groups that changed `available` of these inventory items, since `from` (index in the shop's list). */
function applications(from: number, items: readonly string[]) {
  const numbers = new Set(items.map(gidNumber));
  return app.emulator
    .shop(SHOP)
    .adjustmentGroups.slice(from)
    .filter((g) => g.changes.some((c) => c.name === "available" && numbers.has(c.inventoryItemId)));
}

beforeAll(async () => {
  app = await startAppHarness();
  const response = await app.request("/app/stores", { headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(SHOP)}` } });
  expect(response.status).toBe(200);
  const store = await app.db.store.findUniqueOrThrow({ where: { shopDomain: SHOP } });
  accountId = store.accountId;
  storeId = store.id;
  const { mapShopifyLocation } = await import("~/services/locations/location-mapping.server");
  for (const l of await app.db.shopifyLocation.findMany({ where: { storeId } })) {
    const mapped = berlin
      ? await mapShopifyLocation(app.db, accountId, storeId, l.shopifyLocationId, { locationId: berlin })
      : await mapShopifyLocation(app.db, accountId, storeId, l.shopifyLocationId, { createName: "Berlin" });
    if (!mapped.ok) throw new Error(mapped.message);
    berlin ||= mapped.value.locationId;
  }
  const { startProductImport } = await import("~/sync/imports/product-import.server");
  const { enqueue } = await import("~/jobs/index.server");
  const started = await startProductImport(app.db, accountId, storeId, (tx, importId) => enqueue(tx, "import.products", { importId }));
  if (!started.ok) throw new Error(started.message);
  await drain();
  const activatedAt = new Date(Date.now() - 60_000);
  await app.db.store.update({
    where: { id: storeId },
    data: { syncActive: true, settings: { inventory: { inventorySync: true, manualOrdersCountAgainstStock: true } }, firstActivatedAt: activatedAt, lastActivatedAt: activatedAt },
  });
  // Every SKU the tests use is in step with Shopify before they start.
  for (const code of ["OAK-STOOL-45", "WAL-BOARD-S", "OAK-SHELF-60", "WAL-TRAY-01", "WAL-BOARD-L"]) await adjust(code, 5);
  await drain();
}, 120_000);
afterAll(async () => app.stop());

describe("the stock push and Shopify's idempotency answers", () => {
  it("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED: the call is sent again under a new key, once; never the refused key again", async () => {
    const since = new Date();
    await adjust("OAK-STOOL-45", 3);
    await planOnly();
    const key = await nextKey();
    const items = (await pendingTargets()).map((t) => t.inventoryItemId);
    const from = app.emulator.shop(SHOP).adjustmentGroups.length;
    // Shopify fails the first attempt (500); the client sends the same key again, as it must after
    // an unknown outcome, and Shopify answers that a key whose attempt failed is never accepted.
    app.emulator.queueMutationFault(SHOP, { field: "inventorySetQuantities", kind: "fail" });
    await enqueuePush();
    await drain();

    await expectSynced("OAK-STOOL-45");
    expect(applications(from, items)).toHaveLength(1);
    const records = app.emulator.shop(SHOP).idempotency;
    expect(records.get(`inventorySetQuantities:${key}`)?.state).toBe("failed");
    const [renewed] = await activity("push.key_renewed", since);
    expect(renewed).toMatchObject({ outcome: "skipped", message: expect.stringContaining("new key") });
    expect(await app.db.job.count({ where: { kind: "stock.push", lastError: { not: null }, updatedAt: { gte: since } } })).toBe(0);
  });

  it("IDEMPOTENCY_CONCURRENT_REQUEST: waits for the attempt still running at Shopify and takes its result under the same key", async () => {
    const since = new Date();
    await adjust("WAL-BOARD-S", 2);
    await planOnly();
    const key = await nextKey();
    const items = (await pendingTargets()).map((t) => t.inventoryItemId);
    const from = app.emulator.shop(SHOP).adjustmentGroups.length;
    // Shopify runs the call but answers after the connection is gone (504); the key stays in
    // progress for 2.5 s, during which the same key answers "in progress".
    app.emulator.queueMutationFault(SHOP, { field: "inventorySetQuantities", kind: "slow", holdMs: 2_500 });
    await enqueuePush();
    await drain();

    await expectSynced("WAL-BOARD-S");
    // Applied once: by the first attempt, whose result the same key then answered.
    expect(applications(from, items)).toHaveLength(1);
    expect(app.emulator.shop(SHOP).idempotency.get(`inventorySetQuantities:${key}`)).toMatchObject({ state: "succeeded" });
    const [waiting] = await activity("push.waiting", since);
    expect(waiting).toMatchObject({ outcome: "skipped", message: expect.stringContaining("same key") });
    // Waited within the run: the job did not fail and retry.
    expect(await app.db.job.count({ where: { kind: "stock.push", lastError: { not: null }, updatedAt: { gte: since } } })).toBe(0);
  });

  it("IDEMPOTENCY_KEY_PARAMETER_MISMATCH: reads Shopify again, plans again and sends under a new key", async () => {
    const since = new Date();
    await adjust("OAK-SHELF-60", 4);
    await planOnly();
    const key = await nextKey();
    const items = (await pendingTargets()).map((t) => t.inventoryItemId);
    const from = app.emulator.shop(SHOP).adjustmentGroups.length;
    // Shopify already holds this key with other arguments (e.g. sent by an earlier Tenon version).
    const other = await EmulatorClient.connect({ url: app.emulator.url, shop: SHOP });
    await other.setInventory({ sku: "OAK-LEG-45", location: "Warehouse Leipzig", quantity: 1, changeFromQuantity: null, idempotencyKey: key });
    await enqueuePush();
    await drain();

    await expectSynced("OAK-SHELF-60");
    expect(applications(from, items)).toHaveLength(1);
    const [renewed] = await activity("push.key_renewed", since);
    expect(renewed).toMatchObject({ outcome: "skipped", message: expect.stringContaining("other quantities") });
    expect(await app.db.job.count({ where: { kind: "stock.push", lastError: { not: null }, updatedAt: { gte: since } } })).toBe(0);
  });

  it("a key answered with a refusal is never sent again: a replayed \"stale\" after the quantity came back goes out under a new key", async () => {
    const { runStockPush } = await import("~/sync/stock-push/stock-push.server");
    const { storeAdmin } = await import("~/jobs/shopify-access.server");
    const { createShopifyClient } = await import("~/shopify/client");
    await adjust("WAL-BOARD-L", 2);
    await planOnly();
    const key = await nextKey();
    const targets = (await pendingTargets()).filter((t) => t.confirmed !== null);
    const levels = targets.map((t) => app.emulator.shop(SHOP).inventoryLevels.find((l) => l.inventoryItemId === gidNumber(t.inventoryItemId) && l.locationId === gidNumber(t.shopifyLocationId))!);
    // A sale in Shopify: the call compares with a quantity Shopify no longer shows and is refused
    // as stale; the job stops right after that answer (it died, or ran out of time).
    for (const level of levels) level.quantities.available -= 1;
    const client = createShopifyClient(await storeAdmin(SHOP));
    const first = await runStockPush(storeId, { db: app.db, client, now: () => new Date(), maxCalls: 1 });
    expect(first).toMatchObject({ calls: 1, stale: targets.length });
    const refused = app.emulator.shop(SHOP).idempotency.get(`inventorySetQuantities:${key}`)?.payload as { userErrors: { code: string }[] };
    expect(new Set(refused.userErrors.map((e) => e.code))).toEqual(new Set(["CHANGE_FROM_QUANTITY_STALE"]));
    // The order is cancelled and restocked: Shopify shows what Tenon compared with again, so the
    // same content — the same key — would be replayed "stale" for ever.
    for (const level of levels) level.quantities.available += 1;
    const since = new Date();
    await enqueuePush();
    await drain();

    await expectSynced("WAL-BOARD-L");
    expect(await app.db.job.count({ where: { kind: "stock.push", lastError: { not: null }, updatedAt: { gte: since } } })).toBe(0);
  });

  it("a key past Shopify's 24-hour window is run as new: the compare-and-set refuses it, Tenon reads Shopify and ends in step, applied once", async () => {
    await adjust("WAL-TRAY-01", 6);
    await planOnly();
    const key = await nextKey();
    const before = await pendingTargets();
    const from = app.emulator.shop(SHOP).adjustmentGroups.length;
    await enqueuePush();
    await drain();
    await expectSynced("WAL-TRAY-01");
    expect(applications(from, before.map((t) => t.inventoryItemId))).toHaveLength(1);

    // Tenon never recorded Shopify's answer (the process died before the settle committed), and
    // the job runs again a day later (a store parked for a day, ADR 019): the same key, 25 h on.
    for (const t of before) {
      await app.db.stockPushTarget.update({
        where: { id: t.id },
        data: { state: "pending", confirmed: t.confirmed, unimported: t.unimported, importedBase: t.importedBase, confirmedAt: t.confirmedAt, pushedAt: t.pushedAt },
      });
    }
    const record = app.emulator.shop(SHOP).idempotency.get(`inventorySetQuantities:${key}`)!;
    record.at = new Date(record.at.getTime() - IDEMPOTENCY_RETENTION_MS - 3600_000);
    await enqueuePush();
    await drain();

    await expectSynced("WAL-TRAY-01");
    // Shopify ran the key as new (its record is fresh) and refused it as stale; nothing applied twice.
    expect(app.emulator.shop(SHOP).idempotency.get(`inventorySetQuantities:${key}`)!.at.getTime()).toBeGreaterThan(record.at.getTime() + IDEMPOTENCY_RETENTION_MS);
    expect(applications(from, before.map((t) => t.inventoryItemId))).toHaveLength(1);
  });
});
