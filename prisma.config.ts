import { mkdirSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { driverAdapterFor } from "./app/db/adapter";
import { DEFAULT_DATABASE_URL, databaseProvider, schemaPaths } from "./app/db/provider";

// Prisma's CLI (generate, migrate deploy/diff/status) runs on the JS engine through a
// driver adapter; no native engine is downloaded. DATABASE_URL picks SQLite or PostgreSQL.
const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const provider = databaseProvider(url);
if (provider === "sqlite") {
  const file = url.replace(/^file:/, "");
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => driverAdapterFor(url),
  schema: schemaPaths[provider].schema,
  migrations: { path: schemaPaths[provider].migrations },
});
