import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { driverAdapterFor } from "./adapter";
import { databaseProvider } from "./provider";

export type Db = PrismaClient;

/**
 * A Prisma client on the JS engine for a SQLite file or a PostgreSQL database.
 *
 * Prisma generates one client per provider. `@prisma/client` is generated from
 * prisma/schema.prisma (SQLite); the PostgreSQL client, generated from the derived schema
 * into node_modules/.prisma/client-postgres, has the same models and API, so it is typed
 * as the same `PrismaClient`.
 */
export function createPrismaClient(url: string): Db {
  if (databaseProvider(url) === "postgresql") {
    const require = createRequire(import.meta.url);
    const postgres = require(".prisma/client-postgres") as { PrismaClient: typeof PrismaClient };
    return new postgres.PrismaClient({ adapter: driverAdapterFor(url) });
  }
  return new PrismaClient({ adapter: driverAdapterFor(url) });
}
