import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LINK_ATTEMPT_WINDOW_MS, LINK_ATTEMPTS_PER_WINDOW, createLinkCode, joinAccount } from "./account-links.server";
import { listStoreViews } from "./connections.server";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db";
import { createLocation, createStore } from "../../../tests/support/factories";

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

describe("guessing codes", () => {
  const later = (ms: number) => new Date(now.getTime() + ms);

  it("allows ten wrong codes a quarter of an hour, then refuses even the right one until the oldest ages out", async () => {
    const target = await createStore(t.db);
    const { code } = await createLinkCode(t.db, target.accountId, now);
    const guesser = await createStore(t.db);
    for (let i = 0; i < LINK_ATTEMPTS_PER_WINDOW; i++) {
      expect(await joinAccount(t.db, guesser.accountId, guesser.id, `WRONG${i}AB`, later(i * 1000))).toMatchObject({ code: "CODE_INVALID" });
    }
    const refused = await joinAccount(t.db, guesser.accountId, guesser.id, code, later(60_000));
    expect(refused).toMatchObject({ ok: false, code: "TOO_MANY_ATTEMPTS", retryAfterSeconds: LINK_ATTEMPT_WINDOW_MS / 1000 - 60 });
    expect(refused.ok === false && refused.message).toMatch(/Wait 14 minutes/);
    // Refused tries are not counted: once the first wrong try is older than the window, one more is allowed.
    expect(await joinAccount(t.db, guesser.accountId, guesser.id, code, later(LINK_ATTEMPT_WINDOW_MS + 1))).toEqual({
      ok: true,
      value: { accountId: target.accountId },
    });
    expect(await t.db.accountLinkAttempt.count({ where: { accountId: guesser.accountId } })).toBe(0);
  });

  it("counts only wrong codes, per joining account", async () => {
    const target = await createStore(t.db);
    const { code } = await createLinkCode(t.db, target.accountId, now);
    const busy = await createStore(t.db);
    await createLocation(t.db, busy.accountId, "Its own workshop");
    for (let i = 0; i < LINK_ATTEMPTS_PER_WINDOW + 3; i++) {
      // A real code refused for another reason is not a guess.
      expect(await joinAccount(t.db, busy.accountId, busy.id, code, now)).toMatchObject({ code: "ACCOUNT_HAS_DATA" });
    }
    const other = await createStore(t.db);
    for (let i = 0; i < LINK_ATTEMPTS_PER_WINDOW; i++) await joinAccount(t.db, other.accountId, other.id, "NOPE2345", now);
    expect(await joinAccount(t.db, other.accountId, other.id, "NOPE2345", now)).toMatchObject({ code: "TOO_MANY_ATTEMPTS" });
    const fresh = await createStore(t.db);
    expect(await joinAccount(t.db, fresh.accountId, fresh.id, code, now)).toMatchObject({ ok: true });
  });

  it("lets no more than the allowance through when the guesses arrive at once", async () => {
    const guesser = await createStore(t.db);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => joinAccount(t.db, guesser.accountId, guesser.id, `PAR${String(i).padStart(3, "0")}XY`, now)),
    );
    const looked = results.filter((r) => !r.ok && r.code === "CODE_INVALID").length;
    expect(looked).toBeLessThanOrEqual(LINK_ATTEMPTS_PER_WINDOW);
    expect(results.filter((r) => !r.ok && r.code === "TOO_MANY_ATTEMPTS").length).toBe(30 - looked);
    expect(await t.db.accountLinkAttempt.count({ where: { accountId: guesser.accountId } })).toBe(looked);
  });
});
