import { PrismaPg } from "@prisma/adapter-pg";
import { databaseProvider } from "./provider";
import { SqliteAdapterFactory } from "./sqlite-connection.server";

/** The Prisma driver adapter factory for a database URL (JS engine: no native query engine). */
export function driverAdapterFor(url: string) {
  return databaseProvider(url) === "postgresql"
    ? new PrismaPg({ connectionString: url })
    : new SqliteAdapterFactory({ url });
}
