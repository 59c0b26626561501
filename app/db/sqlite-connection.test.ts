import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { Prisma } from "@prisma/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, testsRunOnPostgres, type TestDatabase } from "../../tests/support/db";
import { SqliteConnection, sqlitePath } from "./sqlite-connection.server";

describe("sqlitePath", () => {
  it("reads relative, absolute and file:// URLs", () => {
    expect(sqlitePath("file:.data/tenon.db")).toBe(".data/tenon.db");
    expect(sqlitePath("file:/var/lib/tenon.db")).toBe("/var/lib/tenon.db");
    expect(sqlitePath("file:///var/lib/tenon.db")).toBe("/var/lib/tenon.db");
    expect(sqlitePath("file:tenon.db?mode=rwc")).toBe("tenon.db");
    expect(() => sqlitePath("postgresql://x")).toThrow(/starts with file:/);
  });
});

describe.skipIf(testsRunOnPostgres())("Tenon's SQLite connection (docs/decisions/017)", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => t.drop());

  const pragma = async (name: string) => Number(Object.values((await t.db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`))[0]!)[0]);

  it("keeps one connection, with its settings, across transactions", async () => {
    // A TEMP table lives only on the connection that made it: still there after two
    // transactions means no new connection was opened for them.
    await t.db.$executeRawUnsafe("CREATE TEMP TABLE connection_marker (n INTEGER)");
    await t.db.$transaction(async (tx) => tx.account.create({ data: { name: "A" } }));
    await t.db.$transaction(async (tx) => tx.account.create({ data: { name: "B" } }));
    expect(await t.db.$queryRawUnsafe("SELECT COUNT(*) AS n FROM connection_marker")).toEqual([{ n: 0 }]);
    // Lock waits are the connection's own (timers), not SQLite's blocking busy_timeout.
    expect(await pragma("busy_timeout")).toBe(0);
    expect(await pragma("foreign_keys")).toBe(1);
    expect(String(Object.values((await t.db.$queryRawUnsafe<Record<string, unknown>[]>("PRAGMA journal_mode"))[0]!)[0])).toBe("wal");
  });

  it("rolls a failed transaction back and carries on", async () => {
    await expect(
      t.db.$transaction(async (tx) => {
        await tx.account.create({ data: { name: "Rolled back" } });
        throw new Error("the handler failed");
      }),
    ).rejects.toThrow("the handler failed");
    await t.db.$transaction(async (tx) => tx.account.create({ data: { name: "Kept" } }));
    expect((await t.db.account.findMany()).map((a) => a.name)).toEqual(["Kept"]);
  });

  it("reports a unique violation as Prisma's P2002", async () => {
    const account = await t.db.account.create({ data: { name: "Maker" } });
    await t.db.store.create({ data: { accountId: account.id, shopDomain: "one.myshopify.com", name: "One", settings: {} } });
    const duplicate = t.db.store.create({ data: { accountId: account.id, shopDomain: "one.myshopify.com", name: "Again", settings: {} } });
    await expect(duplicate).rejects.toSatisfy((e) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002");
  });

  it("answers correctly past the prepared-statement cache's size", async () => {
    for (let i = 0; i < 520; i++) {
      expect(await t.db.$queryRawUnsafe(`SELECT ${i} AS n, ? AS s`, `v${i}`)).toEqual([{ n: i, s: `v${i}` }]);
    }
    // The first statements were evicted and are prepared again.
    expect(await t.db.$queryRawUnsafe("SELECT 0 AS n, ? AS s", "again")).toEqual([{ n: 0, s: "again" }]);
  });

  it("waits for another process's write lock, without blocking the event loop, instead of failing at once", async () => {
    // First a transaction, after which @libsql/client used to continue on a new connection
    // without busy_timeout (a second process's lock then failed the write with SQLITE_BUSY).
    await t.db.$transaction(async (tx) => tx.account.create({ data: { name: "Before" } }));
    const holder = otherProcess(
      t.url,
      `db.exec("BEGIN IMMEDIATE");
       db.prepare("INSERT INTO Account (id, name, createdAt) VALUES ('held', 'Other process', 0)").run();
       say("locked");
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
       db.exec("COMMIT");`,
    );
    await holder.heard("locked");
    const started = performance.now();
    // While it waits, the event loop carries on (SQLite's busy_timeout would freeze it).
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    await t.db.account.create({ data: { name: "After" } });
    clearInterval(ticker);
    expect(performance.now() - started).toBeGreaterThan(100);
    expect(ticks).toBeGreaterThanOrEqual(4);
    await holder.exited;
    expect((await t.db.account.findMany({ orderBy: { name: "asc" } })).map((a) => a.name)).toEqual(["After", "Before", "Other process"]);
  });

  it("lets another process write while a transaction that read and then writes waits its turn", async () => {
    // Deferred (Prisma's default), the transaction's read snapshot goes stale when the other
    // process commits first, and its write fails with SQLITE_BUSY at once. It begins IMMEDIATE.
    const other = otherProcess(
      t.url,
      `await heard("go");
       db.prepare("INSERT INTO Account (id, name, createdAt) VALUES ('other', 'Other process', 0)").run();
       say("written");`,
    );
    await other.heard("ready");
    await t.db.$transaction(async (tx) => {
      const before = await tx.account.count();
      other.say("go");
      await new Promise((resolve) => setTimeout(resolve, 200));
      await tx.account.create({ data: { name: `Counted ${before}` } });
    });
    await other.heard("written");
    await other.exited;
    expect((await t.db.account.findMany({ orderBy: { name: "asc" } })).map((a) => a.name)).toEqual(["Counted 0", "Other process"]);
  });

  it("refuses work once closed", async () => {
    const connection = new SqliteConnection(sqlitePath(t.url));
    expect((await connection.execute("SELECT 1 AS one")).rows[0]?.one).toBe(1);
    connection.close();
    await expect(connection.execute("SELECT 1")).rejects.toThrow(/closed/);
  });
});

/**
 * Another process on the same SQLite file, with its own libsql connection (busy_timeout 5 s).
 * `script` runs with `db`, `say(line)` (to the test) and `heard(line)` (from the test).
 */
function otherProcess(url: string, script: string) {
  const child = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { createRequire } from "node:module";
       import { createInterface } from "node:readline";
       const Database = createRequire(process.cwd() + "/")("libsql");
       const db = new Database(${JSON.stringify(sqlitePath(url))});
       db.prepare("PRAGMA busy_timeout = 5000").all();
       const lines = createInterface({ input: process.stdin });
       const waiting = new Map();
       lines.on("line", (line) => waiting.get(line)?.());
       const heard = (line) => new Promise((resolve) => waiting.set(line, resolve));
       const say = (line) => process.stdout.write(line + "\\n");
       say("ready");
       ${script}
       db.close();
       process.exit(0);`,
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const said = new Set<string>();
  const waiting = new Map<string, () => void>();
  createInterface({ input: child.stdout! }).on("line", (line) => {
    said.add(line);
    waiting.get(line)?.();
  });
  return {
    say: (line: string) => child.stdin!.write(`${line}\n`),
    heard: (line: string) => (said.has(line) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(line, resolve))),
    exited: new Promise<number | null>((resolve) => child.once("exit", resolve)),
  };
}
