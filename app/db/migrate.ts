import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { databaseProvider, schemaPaths } from "./provider";

/**
 * Brings a database to the latest migration. Runs at start-up and before tests.
 *
 * SQLite: `prisma migrate deploy` (JS schema engine through the libSQL adapter).
 * PostgreSQL: Prisma 6.19's JS schema engine cannot read PostgreSQL's catalog through
 * @prisma/adapter-pg ("Column type 'name' could not be deserialized", prisma/orm#27403), so
 * Tenon applies the same migration files itself and records them in `_prisma_migrations`
 * exactly as Prisma does (see docs/decisions/002-two-provider-prisma.md).
 */
export async function migrateDatabase(url: string, root = process.cwd()): Promise<string[]> {
  if (databaseProvider(url) === "sqlite") {
    await promisify(execFile)(path.join(root, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
      cwd: root,
      // The Prisma CLI child inherits the environment, with the database to migrate.
      // eslint-disable-next-line no-restricted-properties
      env: { ...process.env, DATABASE_URL: url },
    });
    return [];
  }
  return applyPostgresMigrations(url, path.join(root, schemaPaths.postgresql.migrations));
}

// The advisory lock id Prisma Migrate itself takes, so Tenon and Prisma never migrate at once.
const PRISMA_MIGRATE_LOCK = 72707369;

export function listMigrations(dir: string): { name: string; sql: string; checksum: string }[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

async function applyPostgresMigrations(url: string, dir: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const done = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const byName = new Map(done.rows.map((row) => [row.migration_name, row]));
    for (const migration of listMigrations(dir)) {
      const previous = byName.get(migration.name);
      if (previous?.finished_at) {
        if (previous.checksum !== migration.checksum) {
          throw new Error(
            `Migration ${migration.name} was edited after it was applied. Restore the file and add a new migration with \`npm run db:generate\`.`,
          );
        }
        continue;
      }
      if (previous) {
        throw new Error(
          `Migration ${migration.name} failed earlier and left the database half-migrated. Fix the database by hand, then delete its row from "_prisma_migrations".`,
        );
      }
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query("COMMIT");
        applied.push(migration.name);
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
      }
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]).catch(() => undefined);
    await client.end();
  }
  return applied;
}
