import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { createPrismaClient, type Db } from "~/db/client";
import { databaseProvider } from "~/db/provider";
import { migrateDatabase } from "~/db/migrate";

/**
 * Isolated databases for tests. SQLite (default): every test file gets a copy of a template
 * file migrated once per run. PostgreSQL (TEST_DATABASE_URL=postgresql://…, used by
 * `npm run test:pg`): every test file gets `CREATE DATABASE … TEMPLATE` of a migrated template.
 */
export const TEST_DIR = path.resolve(".data/test");
/** One SQLite template per test run (handed to workers through TENON_SQLITE_TEMPLATE). */
function sqliteTemplate(): string {
  return process.env.TENON_SQLITE_TEMPLATE ?? path.join(TEST_DIR, "template.db");
}
/** One template per test run, so that runs side by side (developer and CI) never collide. */
export function pgTemplateName(runId: string | number): string {
  return `tenon_tpl_${runId}`;
}

// Set by vitest's globalSetup (tests/setup/global-setup.ts) through `provide`.
function currentTemplate(): string {
  const name = process.env.TENON_PG_TEMPLATE;
  if (!name) throw new Error("The PostgreSQL test template is not prepared: run tests through vitest (npm run test:pg).");
  return name;
}

export function testDatabaseBaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

/** Whether this test run is on PostgreSQL (TEST_DATABASE_URL) rather than SQLite. */
export function testsRunOnPostgres(): boolean {
  const url = testDatabaseBaseUrl();
  return url !== undefined && databaseProvider(url) === "postgresql";
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function onPostgres(base: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(base, "postgres") });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * Runs once per test run (vitest globalSetup). Returns the teardown. On PostgreSQL the template
 * database name is handed to the test workers through TENON_PG_TEMPLATE.
 */
export async function prepareTemplate(): Promise<() => Promise<void>> {
  mkdirSync(TEST_DIR, { recursive: true });
  const base = testDatabaseBaseUrl();
  if (base && databaseProvider(base) === "postgresql") {
    const template = pgTemplateName(process.pid);
    await onPostgres(base, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await onPostgres(base, `CREATE DATABASE ${template}`);
    await migrateDatabase(withDatabase(base, template));
    process.env.TENON_PG_TEMPLATE = template;
    return () => onPostgres(base, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  }
  const template = path.join(TEST_DIR, `template-${process.pid}.db`);
  rmSync(template, { force: true });
  await migrateDatabase(`file:${template}`);
  process.env.TENON_SQLITE_TEMPLATE = template;
  return async () => {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(template + suffix, { force: true });
  };
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
    await onPostgres(base, `CREATE DATABASE ${name} TEMPLATE ${currentTemplate()}`);
    const url = withDatabase(base, name);
    const db = createPrismaClient(url);
    return {
      db,
      url,
      async drop() {
        await db.$disconnect();
        await onPostgres(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  }
  const file = path.join(TEST_DIR, `${randomUUID()}.db`);
  copyFileSync(sqliteTemplate(), file);
  const url = `file:${file}`;
  const db = createPrismaClient(url);
  return {
    db,
    url,
    async drop() {
      await db.$disconnect();
      for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
    },
  };
}
