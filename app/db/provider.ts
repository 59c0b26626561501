/**
 * Which database a URL points at. Tenon runs on a SQLite file by default and on
 * PostgreSQL when DATABASE_URL is a postgres URL; everything that differs between
 * the two (schema file, migrations folder, driver adapter) hangs off this answer.
 */
export type DatabaseProvider = "sqlite" | "postgresql";

export const DEFAULT_DATABASE_URL = "file:.data/tenon.db";

export function databaseProvider(url: string): DatabaseProvider {
  if (/^postgres(ql)?:\/\//i.test(url)) return "postgresql";
  if (/^file:/i.test(url)) return "sqlite";
  throw new Error(
    `DATABASE_URL must be a SQLite file URL (file:path/to.db) or a PostgreSQL URL (postgresql://…); got "${url}".`,
  );
}

export const schemaPaths: Record<DatabaseProvider, { schema: string; migrations: string }> = {
  sqlite: { schema: "prisma/schema.prisma", migrations: "prisma/migrations" },
  postgresql: { schema: "prisma/postgres/schema.prisma", migrations: "prisma/postgres/migrations" },
};
