import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { createPrismaClient, prepareDatabase, type Db } from "~/db/client";
import { databaseProvider } from "~/db/provider";

/**
 * Isolated databases for tests. SQLite (default): every test file gets a copy of a template
 * file migrated once per run. PostgreSQL (TEST_DATABASE_URL=postgresql://…, used by
 * `npm run test:pg`): every test file gets `CREATE DATABASE … TEMPLATE` of a migrated template.
 */
export const TEST_DIR = path.resolve(".data/test");
export const SQLITE_TEMPLATE = path.join(TEST_DIR, "template.db");
export const PG_TEMPLATE_DB = "tenon_test_template";

export function testDatabaseBaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Applies all migrations to a database URL with Prisma's own CLI (migrate deploy). */
export function migrateDeploy(url: string): void {
  execFileSync(path.resolve("node_modules/.bin/prisma"), ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: "pipe",
  });
}

/** Runs once per test run (vitest globalSetup). */
export async function prepareTemplate(): Promise<void> {
  mkdirSync(TEST_DIR, { recursive: true });
  const base = testDatabaseBaseUrl();
  if (base && databaseProvider(base) === "postgresql") {
    const admin = new pg.Client({ connectionString: withDatabase(base, "postgres") });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${PG_TEMPLATE_DB} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${PG_TEMPLATE_DB}`);
    } finally {
      await admin.end();
    }
    migrateDeploy(withDatabase(base, PG_TEMPLATE_DB));
    return;
  }
  rmSync(SQLITE_TEMPLATE, { force: true });
  migrateDeploy(`file:${SQLITE_TEMPLATE}`);
}

export interface TestDatabase {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated, empty database of its own. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = testDatabaseBaseUrl();
  if (base && databaseProvider(base) === "postgresql") {
    const name = `tenon_test_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
    const admin = new pg.Client({ connectionString: withDatabase(base, "postgres") });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${PG_TEMPLATE_DB}`);
    await admin.end();
    const url = withDatabase(base, name);
    const db = createPrismaClient(url);
    return {
      db,
      url,
      async drop() {
        await db.$disconnect();
        const cleanup = new pg.Client({ connectionString: withDatabase(base, "postgres") });
        await cleanup.connect();
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await cleanup.end();
      },
    };
  }
  const file = path.join(TEST_DIR, `${randomUUID()}.db`);
  copyFileSync(SQLITE_TEMPLATE, file);
  const url = `file:${file}`;
  const db = createPrismaClient(url);
  await prepareDatabase(db, url);
  return {
    db,
    url,
    async drop() {
      await db.$disconnect();
      for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
    },
  };
}
