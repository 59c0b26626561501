/**
 * The two-provider Prisma setup: prisma/schema.prisma (SQLite) is the one source of truth;
 * the PostgreSQL schema is derived from it. Each provider keeps its own migrations folder
 * and a snapshot of the schema its latest migration brings a database to, because the
 * JS schema engine cannot diff against a live database.
 */
import { readFileSync } from "node:fs";

export const SOURCE_SCHEMA = "prisma/schema.prisma";
export const POSTGRES_SCHEMA = "prisma/postgres/schema.prisma";

export const providers = {
  sqlite: {
    schema: SOURCE_SCHEMA,
    migrations: "prisma/migrations",
    snapshot: "prisma/migrations/schema.snapshot.prisma",
    placeholderUrl: "file:.data/migrations-authoring.db",
  },
  postgresql: {
    schema: POSTGRES_SCHEMA,
    migrations: "prisma/postgres/migrations",
    snapshot: "prisma/postgres/migrations/schema.snapshot.prisma",
    placeholderUrl: process.env.PG_AUTHORING_URL ?? "postgresql://tenon:tenon@127.0.0.1:5432/postgres",
  },
} as const;

const GENERATED_HEADER =
  "// GENERATED from prisma/schema.prisma by `npm run db:generate`. Do not edit: edit the source.\n";

/** The PostgreSQL schema text for a SQLite source schema. */
export function postgresSchemaFrom(source: string): string {
  const datasource = /datasource db \{[^}]*\}/m;
  if (!datasource.test(source)) throw new Error(`${SOURCE_SCHEMA} has no "datasource db" block.`);
  const generator = /generator client \{[^}]*\}/m;
  if (!generator.test(source)) throw new Error(`${SOURCE_SCHEMA} has no "generator client" block.`);
  const body = source
    .replace(/^(\/\/[^\n]*\n)+\n?/, "")
    // A second client, generated for PostgreSQL, loaded by app/db/client.ts when DATABASE_URL is postgres.
    .replace(
      generator,
      'generator client {\n  provider   = "prisma-client-js"\n  engineType = "client"\n  output     = "../../node_modules/.prisma/client-postgres"\n}',
    )
    .replace(datasource, 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}');
  return GENERATED_HEADER + "\n" + body;
}

export function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
