import { PrismaClient } from "@prisma/client";
import { driverAdapterFor } from "./adapter";
import { databaseProvider } from "./provider";

export type Db = PrismaClient;

/** A Prisma client on the JS engine for a SQLite file or a PostgreSQL database. */
export function createPrismaClient(url: string): PrismaClient {
  return new PrismaClient({ adapter: driverAdapterFor(url) });
}

/** Connection settings applied once before first use. */
export async function prepareDatabase(client: PrismaClient, url: string): Promise<void> {
  if (databaseProvider(url) === "sqlite") {
    // WAL lets readers run beside the job runner's writes; busy_timeout waits instead of failing.
    await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await client.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
  }
}
