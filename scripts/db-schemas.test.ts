import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { POSTGRES_SCHEMA, SOURCE_SCHEMA, postgresSchemaFrom, providers, readText } from "./db-schemas";

const fix = "Run `npm run db:generate -- <migration_name>` after editing prisma/schema.prisma.";

function migrationNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

describe("the two Prisma providers stay in step", () => {
  const source = readText(SOURCE_SCHEMA)!;

  it("derives the PostgreSQL schema from the SQLite source", () => {
    expect(readText(POSTGRES_SCHEMA), fix).toBe(postgresSchemaFrom(source));
  });

  it.each(Object.entries(providers))("has a %s migration for the current schema", (_provider, p) => {
    expect(readText(p.snapshot), fix).toBe(readText(p.schema));
  });

  it("has the same migrations, by name, for both providers", () => {
    expect(migrationNames(providers.postgresql.migrations)).toEqual(
      migrationNames(providers.sqlite.migrations),
    );
  });

  it("changes only the datasource and client output for PostgreSQL", () => {
    const derived = postgresSchemaFrom(source);
    expect(derived).toContain('provider = "postgresql"');
    expect(derived).toContain('output     = "../../node_modules/.prisma/client-postgres"');
    expect(derived).not.toContain('provider = "sqlite"');
    const models = (text: string) => text.match(/model \w+ \{[^}]*\}/g);
    expect(models(derived)).toEqual(models(source));
  });
});
