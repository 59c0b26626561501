import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLinkCode, joinAccount } from "./account-links.server";
import { listStoreViews } from "./connections.server";
import { createTestDatabase, type TestDatabase } from "../../tests/support/db";
import { createLocation, createStore } from "../../tests/support/factories";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

const now = new Date("2026-11-23T12:00:00Z");

describe("connecting another store", () => {
  it("moves a newly installed store into the account whose code it enters, once", async () => {
    const first = await createStore(t.db, { name: "Oak & Ash EU" });
    await createLocation(t.db, first.accountId, "Workshop");
    const second = await createStore(t.db, { name: "Oak & Ash US" });
    const { code } = await createLinkCode(t.db, first.accountId, now);
    expect(code).toMatch(/^[A-Z2-9]{8}$/);

    const joined = await joinAccount(t.db, second.accountId, second.id, ` ${code.toLowerCase().slice(0, 4)}-${code.slice(4)} `, now);
    expect(joined).toEqual({ ok: true, value: { accountId: first.accountId } });
    expect((await listStoreViews(t.db, first.accountId)).map((s) => s.name)).toEqual(["Oak & Ash EU", "Oak & Ash US"]);
    expect(await t.db.account.findUnique({ where: { id: second.accountId } })).toBeNull();

    const third = await createStore(t.db);
    expect(await joinAccount(t.db, third.accountId, third.id, code, now)).toMatchObject({ ok: false, code: "CODE_USED" });
  });

  it("refuses expired and unknown codes, and a store whose Tenon already has data", async () => {
    const target = await createStore(t.db);
    const { code } = await createLinkCode(t.db, target.accountId, now);
    const late = await createStore(t.db);
    expect(await joinAccount(t.db, late.accountId, late.id, code, new Date(now.getTime() + 61 * 60_000))).toMatchObject({ code: "CODE_EXPIRED" });
    expect(await joinAccount(t.db, late.accountId, late.id, "NOPE2345", now)).toMatchObject({ code: "CODE_INVALID" });
    const busy = await createStore(t.db);
    await createLocation(t.db, busy.accountId, "Its own workshop");
    expect(await joinAccount(t.db, busy.accountId, busy.id, code, now)).toMatchObject({ code: "ACCOUNT_HAS_DATA" });
    expect((await t.db.store.findUniqueOrThrow({ where: { id: busy.id } })).accountId).toBe(busy.accountId);
    expect(await joinAccount(t.db, target.accountId, target.id, code, now)).toMatchObject({ code: "ALREADY_IN_ACCOUNT" });
  });
});
