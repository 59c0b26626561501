import type { PrismaClient } from "@prisma/client";
import { createPrismaClient } from "./db/client";
import { env } from "./env.server";

export { createPrismaClient, type Db } from "./db/client";

declare global {
  var __tenonDb: PrismaClient | undefined;
}

// One client per process; kept on globalThis so the dev server's reloads don't leak clients.
const db = globalThis.__tenonDb ?? createPrismaClient(env.DATABASE_URL);
if (env.NODE_ENV !== "production") globalThis.__tenonDb = db;

export default db;
