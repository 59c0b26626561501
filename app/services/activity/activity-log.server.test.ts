import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { databaseProvider } from "~/db/provider";
import { createJobCatalog, defineJob } from "~/jobs/catalog";
import { EmbeddedJobQueue } from "~/jobs/embedded-runner.server";
import { PgBossJobQueue } from "~/jobs/pgboss-runner.server";
import { consoleJobLogger } from "~/jobs/queue";
import { createPrismaClient } from "~/db/client";
import { ACTIVITY_RETENTION_DAYS, pruneActivity, recordActivity, recordActivityOnce, resolveActivity, type ActivityEntry } from "./activity-log.server";
import { dismissActivity, jobBelongsToStore, listActivity, retryActivity, syncHealth, type EnqueueStoredJob } from "./activity.server";
import { createTestDatabase, testsRunOnPostgres, type TestDatabase } from "../../../tests/support/db";
import { createStore } from "../../../tests/support/factories";

let t: TestDatabase;
let enqueue: EnqueueStoredJob;
const catalog = createJobCatalog([
  defineJob({ kind: "order.import", payload: z.object({ storeId: z.string(), orderId: z.string() }), handler: async () => {} }),
]);
beforeAll(async () => {
  t = await createTestDatabase();
  // A real queue on the test database; nothing is started, so jobs stay queued.
  const queue = new EmbeddedJobQueue({ db: t.db, provider: databaseProvider(t.url), catalog });
  enqueue = (tx, kind, payload) => queue.enqueue(tx, kind as never, payload as never);
});
afterAll(async () => t.drop());

const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 12, minute));

async function record(entry: ActivityEntry) {
  await t.db.$transaction((tx) => recordActivity(tx, entry));
}

async function list(accountId: string, storeId: string, query: Parameters<typeof listActivity>[3] = {}, pageSize?: number) {
  const page = await listActivity(t.db, accountId, storeId, query, pageSize);
  if (!page.ok) throw new Error(page.message);
  return page.value;
}

const orderFailed = (storeId: string, minute: number, subjectRef = "gid://shopify/Order/1001"): ActivityEntry => ({
  storeId,
  area: "orders",
  action: "order.failed",
  outcome: "failed",
  subject: "#1001",
  subjectRef,
  message: "SKU WIDGET-1 is not in the SKU map. Import products, then retry.",
  retry: { kind: "order.import", payload: { storeId, orderId: subjectRef } },
  at: at(minute),
});

describe("recording and listing activity", () => {
  it("records a notice once per store: a second one of the same action and subject writes nothing (ADR 023)", async () => {
    const store = await createStore(t.db);
    const other = await createStore(t.db);
    const notice = (storeId: string, minute: number) => ({
      storeId,
      area: "connection" as const,
      action: "customer_data.withheld",
      outcome: "skipped" as const,
      subject: "Customer data",
      subjectRef: "shopify:protected-customer-data",
      message: `Told at ${minute}.`,
      at: at(minute),
    });
    expect(await t.db.$transaction((tx) => recordActivityOnce(tx, notice(store.id, 1)))).toBe(true);
    expect(await t.db.$transaction((tx) => recordActivityOnce(tx, notice(store.id, 2)))).toBe(false);
    expect(await t.db.$transaction((tx) => recordActivityOnce(tx, notice(other.id, 3)))).toBe(true);
    const told = await t.db.syncActivity.findMany({ where: { action: "customer_data.withheld", storeId: { in: [store.id, other.id] } }, orderBy: { at: "asc" } });
    expect(told.map((e) => [e.storeId, e.message])).toEqual([
      [store.id, "Told at 1."],
      [other.id, "Told at 3."],
    ]);
    expect((await syncHealth(t.db, store.id)).customerDataWithheld).toEqual({ since: at(1), message: "Told at 1." });
  });

  it("lists a store's entries newest first, only its own, and only for its account", async () => {
    const store = await createStore(t.db);
    const other = await createStore(t.db);
    await record({ storeId: store.id, area: "webhooks", action: "webhook.received", outcome: "ok", subject: "orders/create", message: "Received.", at: at(1) });
    await record({ storeId: store.id, area: "orders", action: "order.skipped", outcome: "skipped", subject: "#1002", message: "Not paid yet.", at: at(3) });
    await record({ storeId: store.id, area: "orders", action: "order.imported", outcome: "ok", subject: "#1001", message: "Imported as SO-0001.", at: at(2) });
    await record({ storeId: other.id, area: "orders", action: "order.imported", outcome: "ok", subject: "#9", message: "Other store.", at: at(4) });

    const page = await list(store.accountId, store.id);
    expect(page.items.map((i) => i.subject)).toEqual(["#1002", "#1001", "orders/create"]);
    expect(page.items[0]).toMatchObject({ outcome: "skipped", needsAction: false, canRetry: false });
    expect(page.nextCursor).toBeNull();
    expect(await listActivity(t.db, other.accountId, store.id)).toMatchObject({ ok: false, code: "STORE_NOT_FOUND" });
  });

  it("searches subject, reference and message case-insensitively, and filters by outcome and area", async () => {
    const store = await createStore(t.db);
    await record({ storeId: store.id, area: "stock", action: "push.failed", outcome: "failed", subject: "Ärmel-Shirt", subjectRef: "gid://shopify/InventoryItem/77", message: "Shopify says the item is not stocked at Warehouse East.", at: at(1) });
    await record({ storeId: store.id, area: "orders", action: "order.imported", outcome: "ok", subject: "#1001", subjectRef: "gid://shopify/Order/1001", message: "Imported as SO-0001.", at: at(2) });

    const subjects = async (query: Parameters<typeof listActivity>[3]) => (await list(store.accountId, store.id, query)).items.map((i) => i.subject);
    expect(await subjects({ search: "WAREHOUSE east" })).toEqual(["Ärmel-Shirt"]);
    expect(await subjects({ search: "ärmel" })).toEqual(["Ärmel-Shirt"]);
    expect(await subjects({ search: "ÄRMEL" })).toEqual(["Ärmel-Shirt"]);
    expect(await subjects({ search: "inventoryitem/77" })).toEqual(["Ärmel-Shirt"]);
    expect(await subjects({ search: "so-0001" })).toEqual(["#1001"]);
    expect(await subjects({ search: "  #1001 " })).toEqual(["#1001"]);
    expect(await subjects({ search: "nothing like it" })).toEqual([]);
    expect(await subjects({ outcome: "failed" })).toEqual(["Ärmel-Shirt"]);
    expect(await subjects({ outcome: "needs_action" })).toEqual(["Ärmel-Shirt"]);
    expect(await subjects({ area: "orders" })).toEqual(["#1001"]);
    expect(await subjects({ area: "orders", outcome: "failed" })).toEqual([]);
  });

  it("pages older and newer with cursors, entries at the same time included once", async () => {
    const store = await createStore(t.db);
    for (let n = 1; n <= 7; n++) {
      // Pairs share a timestamp: the id breaks the tie.
      await record({ storeId: store.id, area: "orders", action: "order.imported", outcome: "ok", subject: `#${n}`, message: "Imported.", at: at(Math.ceil(n / 2)) });
    }
    const first = await list(store.accountId, store.id, {}, 3);
    expect(first.previousCursor).toBeNull();
    const second = await list(store.accountId, store.id, { cursor: first.nextCursor! }, 3);
    const third = await list(store.accountId, store.id, { cursor: second.nextCursor! }, 3);
    expect(third.nextCursor).toBeNull();
    const all = [...first.items, ...second.items, ...third.items].map((i) => i.subject);
    expect(all).toHaveLength(7);
    expect(new Set(all).size).toBe(7);
    expect(all[all.length - 1]).toMatch(/^#[12]$/);
    const back = await list(store.accountId, store.id, { cursor: third.previousCursor! }, 3);
    expect(back.items.map((i) => i.id)).toEqual(second.items.map((i) => i.id));
    const backToStart = await list(store.accountId, store.id, { cursor: back.previousCursor! }, 3);
    expect(backToStart.items.map((i) => i.id)).toEqual(first.items.map((i) => i.id));
    expect(backToStart.previousCursor).toBeNull();
    // A cursor that names no entry of this store, or was made for other filters, starts from the top.
    const top = first.items.map((i) => i.id);
    expect((await list(store.accountId, store.id, { cursor: "o.nope.x" }, 3)).items.map((i) => i.id)).toEqual(top);
    expect((await list(store.accountId, store.id, { cursor: first.nextCursor!.replace(/\.[^.]*$/, ".x") }, 3)).items.map((i) => i.id)).toEqual(top);
    const searched = await list(store.accountId, store.id, { search: "imported", cursor: first.nextCursor! }, 3);
    expect(searched.items.map((i) => i.id)).toEqual(top);
    expect(searched.previousCursor).toBeNull();
  });
});

describe("failures that need action", () => {
  it("a later success for the same subject closes the open failure; other subjects stay open", async () => {
    const store = await createStore(t.db);
    await record(orderFailed(store.id, 1));
    await record(orderFailed(store.id, 2, "gid://shopify/Order/1002"));
    expect((await syncHealth(t.db, store.id)).openFailures).toBe(2);
    await record({ storeId: store.id, area: "orders", action: "order.imported", outcome: "ok", subject: "#1001", subjectRef: "gid://shopify/Order/1001", message: "Imported.", at: at(3) });
    const items = (await list(store.accountId, store.id, { outcome: "failed" })).items;
    expect(items.map((i) => [i.subjectRef, i.needsAction, i.resolution])).toEqual([
      ["gid://shopify/Order/1002", true, null],
      ["gid://shopify/Order/1001", false, "succeeded"],
    ]);
    expect((await syncHealth(t.db, store.id)).openFailures).toBe(1);
  });

  it("a success in another area, or a skip, leaves the failure open; resolveActivity closes it", async () => {
    const store = await createStore(t.db);
    await record(orderFailed(store.id, 1));
    await record({ storeId: store.id, area: "fulfillments", action: "fulfillment.applied", outcome: "ok", subjectRef: "gid://shopify/Order/1001", message: "Delivered.", at: at(2) });
    await record({ storeId: store.id, area: "orders", action: "order.skipped", outcome: "skipped", subjectRef: "gid://shopify/Order/1001", message: "Not paid.", at: at(3) });
    expect((await syncHealth(t.db, store.id)).openFailures).toBe(1);
    const closed = await t.db.$transaction((tx) => resolveActivity(tx, { storeId: store.id, area: "orders", subjectRef: "gid://shopify/Order/1001" }));
    expect(closed).toBe(1);
    expect((await syncHealth(t.db, store.id)).openFailures).toBe(0);
  });

  it("a newer failure of the same subject supersedes the older one", async () => {
    const store = await createStore(t.db);
    await record(orderFailed(store.id, 1));
    await record({ ...orderFailed(store.id, 2), message: "Still failing." });
    const open = (await list(store.accountId, store.id, { outcome: "needs_action" })).items;
    expect(open.map((i) => i.message)).toEqual(["Still failing."]);
    const old = (await list(store.accountId, store.id, { outcome: "failed" })).items.find((i) => !i.needsAction);
    expect(old?.resolution).toBe("superseded");
  });

  it("Dismiss closes a failure; only failures can be dismissed, only by their account", async () => {
    const store = await createStore(t.db);
    const stranger = await createStore(t.db);
    await record(orderFailed(store.id, 1));
    await record({ storeId: store.id, area: "orders", action: "order.imported", outcome: "ok", subject: "#5", message: "Imported.", at: at(2) });
    const [okEntry, failed] = (await list(store.accountId, store.id)).items;
    expect(await dismissActivity(t.db, stranger.accountId, failed!.id)).toMatchObject({ ok: false, code: "ACTIVITY_NOT_FOUND" });
    expect(await dismissActivity(t.db, store.accountId, okEntry!.id)).toMatchObject({ ok: false, code: "NOTHING_TO_DISMISS" });
    expect(await dismissActivity(t.db, store.accountId, failed!.id)).toEqual({ ok: true, value: { dismissed: true } });
    expect((await list(store.accountId, store.id)).items[1]).toMatchObject({ needsAction: false, canRetry: false, resolution: "dismissed" });
    expect(await dismissActivity(t.db, store.accountId, failed!.id)).toMatchObject({ ok: true });
  });
});

describe("Retry", () => {
  it("enqueues the stored job and notes it; a second click while it waits is refused", async () => {
    const store = await createStore(t.db);
    await record(orderFailed(store.id, 1));
    const [entry] = (await list(store.accountId, store.id)).items;
    expect(entry).toMatchObject({ needsAction: true, canRetry: true, retriedAt: null });

    const retried = await retryActivity(t.db, store.accountId, entry!.id, { now: at(5), enqueue });
    if (!retried.ok) throw new Error(retried.message);
    const payload = { storeId: store.id, orderId: "gid://shopify/Order/1001" };
    const job = await t.db.job.findUniqueOrThrow({ where: { id: retried.value.jobId } });
    expect(job).toMatchObject({ kind: "order.import", state: "queued", payload });
    const after = (await list(store.accountId, store.id)).items[0];
    // Still needs action until the job's own success closes it.
    expect(after).toMatchObject({ needsAction: true, retriedAt: at(5) });
    expect(await retryActivity(t.db, store.accountId, entry!.id, { enqueue })).toMatchObject({ ok: false, code: "RETRY_PENDING" });
    expect(await t.db.job.count({ where: { kind: "order.import", payload: { equals: payload } } })).toBe(1);
    expect((await syncHealth(t.db, store.id)).pendingJobs).toBe(1);

    // Once that job has finished (and failed again without a new entry), Retry is offered again.
    await t.db.job.update({ where: { id: job.id }, data: { state: "dead" } });
    expect(await retryActivity(t.db, store.accountId, entry!.id, { enqueue })).toMatchObject({ ok: true });
    expect(await t.db.job.count({ where: { kind: "order.import", payload: { equals: payload } } })).toBe(2);
  });

  it("refuses with a clear message: nothing stored, not failed, closed, disconnected store, stale job, other account", async () => {
    const store = await createStore(t.db);
    const stranger = await createStore(t.db);
    const jobsBefore = await t.db.job.count();
    const { retry: _ignored, ...withoutRetry } = orderFailed(store.id, 1, "gid://shopify/Order/1");
    await record(withoutRetry);
    await record({ storeId: store.id, area: "orders", action: "order.imported", outcome: "ok", message: "Imported.", at: at(2) });
    await record({ ...orderFailed(store.id, 3, "gid://shopify/Order/3"), retry: { kind: "order.vanished_kind", payload: { x: 1 } } });
    await record({ ...orderFailed(store.id, 4, "gid://shopify/Order/4"), retry: { kind: "order.import", payload: { wrong: true } } });
    await record(orderFailed(store.id, 5, "gid://shopify/Order/5"));
    const byMinute = new Map((await list(store.accountId, store.id)).items.map((i) => [i.at.getUTCMinutes(), i.id]));
    const retry = (minute: number) => retryActivity(t.db, store.accountId, byMinute.get(minute)!, { enqueue });

    expect(await retry(1)).toMatchObject({ ok: false, code: "NOTHING_TO_RETRY", message: expect.stringContaining("Fix what the message says") });
    expect(await retry(2)).toMatchObject({ ok: false, code: "NOTHING_TO_RETRY", message: expect.stringContaining("did not fail") });
    expect(await retry(3)).toMatchObject({ ok: false, code: "RETRY_NOT_POSSIBLE" });
    expect(await retry(4)).toMatchObject({ ok: false, code: "RETRY_NOT_POSSIBLE" });
    expect(await retryActivity(t.db, stranger.accountId, byMinute.get(5)!, { enqueue })).toMatchObject({ ok: false, code: "ACTIVITY_NOT_FOUND" });
    await dismissActivity(t.db, store.accountId, byMinute.get(5)!);
    expect(await retry(5)).toMatchObject({ ok: false, code: "NOTHING_TO_RETRY", message: expect.stringContaining("dismissed") });

    await record(orderFailed(store.id, 6, "gid://shopify/Order/6"));
    const six = (await list(store.accountId, store.id, { search: "order/6" })).items[0]!;
    await t.db.store.update({ where: { id: store.id }, data: { connection: "uninstalled" } });
    expect(await retryActivity(t.db, store.accountId, six.id, { enqueue })).toMatchObject({
      ok: false,
      code: "STORE_NOT_CONNECTED",
      message: `${store.name} is not connected. Reconnect the store, then retry.`,
    });
    expect(await t.db.job.count()).toBe(jobsBefore);
  });
});

describe("sync health", () => {
  it("counts the store's unfinished jobs, open failures and the last order in", async () => {
    const store = await createStore(t.db);
    const other = await createStore(t.db);
    const run = await t.db.importRun.create({ data: { storeId: store.id, kind: "products", state: "running" } });
    const job = (kind: string, payload: object, state: string, serialKey: string | null = null) =>
      t.db.job.create({ data: { kind, payload, state, serialKey } });
    await job("store.read_locations", { shopDomain: store.shopDomain }, "queued", `store:${store.shopDomain}`);
    await job("import.products", { importId: run.id }, "running", `import:${run.id}`);
    await job("some.order", { storeId: store.id, orderId: "1" }, "queued");
    await job("some.push", { x: 1 }, "queued", `push:${store.id}`);
    await job("some.order", { storeId: store.id, orderId: "2" }, "succeeded");
    await job("some.order", { storeId: store.id, orderId: "3" }, "dead");
    await job("some.order", { storeId: other.id, orderId: "4" }, "queued");
    await job("store.read_locations", { shopDomain: other.shopDomain }, "queued", `store:${other.shopDomain}`);
    await record(orderFailed(store.id, 1));

    expect(await syncHealth(t.db, store.id)).toEqual({ lastOrderInAt: null, pendingJobs: 4, openFailures: 1, accessLost: null, customerDataWithheld: null });
    for (const [number, createdAt, source] of [["SO-1", at(10), "shopify"], ["SO-2", at(20), "shopify"], ["SO-3", at(30), "manual"]] as const) {
      await t.db.salesOrder.create({
        data: { accountId: store.accountId, number, currency: "EUR", orderDate: createdAt, createdAt, source, storeId: source === "shopify" ? store.id : null, externalOrderId: source === "shopify" ? number : null },
      });
    }
    expect((await syncHealth(t.db, store.id)).lastOrderInAt).toEqual(at(20));
    expect(await syncHealth(t.db, other.id)).toEqual({ lastOrderInAt: null, pendingJobs: 2, openFailures: 0, accessLost: null, customerDataWithheld: null });
    expect(await syncHealth(t.db, "no-such-store")).toEqual({ lastOrderInAt: null, pendingJobs: 0, openFailures: 0, accessLost: null, customerDataWithheld: null });
  });

  it("matches jobs to a store by payload or serial key", () => {
    const store = { id: "store_1", shopDomain: "a.myshopify.com" };
    expect(jobBelongsToStore({ payload: { storeId: "store_1" }, serialKey: null }, store)).toBe(true);
    expect(jobBelongsToStore({ payload: { shopDomain: "a.myshopify.com" }, serialKey: null }, store)).toBe(true);
    expect(jobBelongsToStore({ payload: {}, serialKey: "order:store_1:42" }, store)).toBe(true);
    expect(jobBelongsToStore({ payload: { importId: "imp" }, serialKey: null }, store, new Set(["imp"]))).toBe(true);
    expect(jobBelongsToStore({ payload: { importId: "imp" }, serialKey: null }, store)).toBe(false);
    expect(jobBelongsToStore({ payload: { storeId: "store_2" }, serialKey: "store:b.myshopify.com" }, store)).toBe(false);
    expect(jobBelongsToStore({ payload: ["store_1"], serialKey: null }, store)).toBe(false);
  });
});

// pg-boss keeps its jobs in its own schema (PostgreSQL only: `npm run test:pg` runs this).
describe.skipIf(!testsRunOnPostgres())("with the pg-boss runner", () => {
  it("counts the store's pg-boss jobs as its queue depth and refuses a second Retry while the first waits", async () => {
    const client = createPrismaClient(t.url);
    const boss = new PgBossJobQueue({ db: client, databaseUrl: t.url, catalog, concurrency: 0, logger: consoleJobLogger("error") });
    await boss.start(); // installs pg-boss and creates the queues; runs nothing (concurrency 0)
    try {
      const jobStore = { runner: "pg-boss" as const };
      const bossEnqueue: EnqueueStoredJob = (tx, kind, payload) => boss.enqueue(tx, kind as never, payload as never);
      const store = await createStore(t.db);
      const other = await createStore(t.db);
      await t.db.$transaction((tx) => boss.enqueue(tx, "order.import", { storeId: other.id, orderId: "x" }));
      await record(orderFailed(store.id, 1));
      const [entry] = (await list(store.accountId, store.id)).items;
      expect(await retryActivity(t.db, store.accountId, entry!.id, { enqueue: bossEnqueue, jobStore })).toMatchObject({ ok: true });
      expect(await syncHealth(t.db, store.id, { jobStore })).toMatchObject({ pendingJobs: 1, openFailures: 1 });
      expect((await syncHealth(t.db, other.id, { jobStore })).pendingJobs).toBe(1);
      expect(await retryActivity(t.db, store.accountId, entry!.id, { enqueue: bossEnqueue, jobStore })).toMatchObject({ ok: false, code: "RETRY_PENDING" });
    } finally {
      await boss.stop();
      await client.$disconnect();
    }
  });
});

describe("retention", () => {
  it("deletes a store's entries past retention, keeps failures that still need action, and leaves other stores alone", async () => {
    const store = await createStore(t.db);
    const other = await createStore(t.db);
    const now = new Date(Date.UTC(2026, 10, 23, 12));
    const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 3600_000);
    const old = daysAgo(ACTIVITY_RETENTION_DAYS + 1);
    const entry = (storeId: string, outcome: ActivityEntry["outcome"], when: Date, ref: string): ActivityEntry => ({
      storeId,
      area: "orders",
      action: `order.${outcome}`,
      outcome,
      subject: ref,
      subjectRef: `gid://shopify/Order/${ref}`,
      message: `${outcome} ${ref}`,
      at: when,
    });
    await record(entry(store.id, "ok", old, "1"));
    await record(entry(store.id, "skipped", old, "2"));
    await record(entry(store.id, "failed", old, "3")); // still needs action: kept
    await record(entry(store.id, "failed", old, "4"));
    await t.db.syncActivity.updateMany({ where: { subjectRef: "gid://shopify/Order/4" }, data: { resolvedAt: old, resolution: "dismissed" } });
    await record(entry(store.id, "ok", daysAgo(ACTIVITY_RETENTION_DAYS - 1), "5"));
    await record(entry(other.id, "ok", old, "6"));

    expect(await pruneActivity(t.db, store.id, now)).toBe(3);
    const left = await t.db.syncActivity.findMany({ where: { storeId: { in: [store.id, other.id] } }, orderBy: { subject: "asc" } });
    expect(left.map((e) => e.subject)).toEqual(["3", "5", "6"]);
    expect(await pruneActivity(t.db, store.id, now)).toBe(0);
  });
});
