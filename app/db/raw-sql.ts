import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { DatabaseProvider } from "./provider";

/**
 * Helpers for the SQL Tenon writes by hand (docs/decisions/016 and 018): batched imports and
 * pushes, and the order pipeline's per-webhook statements, where Prisma's query compiler costs
 * two to four times the statement itself.
 *
 * Rules for such SQL, so it reads and writes the same rows Prisma does on both databases:
 * - quoted model and column names ("Store"."shopDomain"), standard SQL both dialects accept;
 * - values as parameters of a tagged `$queryRaw`/`$executeRaw` template (Prisma picks `?` or
 *   `$n` for the client's database); JSON values as `JSON.stringify` text;
 * - every DateTime column given explicitly as a Date (`@default(now())` is SQLite's
 *   CURRENT_TIMESTAMP text, not the format Prisma writes, and `@updatedAt` has no default);
 * - ids from {@link newId}.
 */

export type Dialect = DatabaseProvider;

/** Which SQL the client speaks, for statements whose text differs between the two. */
const dialects = new WeakMap<object, Dialect>();
export async function dialectOf(db: Prisma.TransactionClient): Promise<Dialect> {
  let dialect = dialects.get(db);
  if (!dialect) {
    dialect = await db.$queryRawUnsafe("SELECT sqlite_version()").then(
      () => "sqlite" as const,
      () => "postgresql" as const,
    );
    dialects.set(db, dialect);
  }
  return dialect;
}

/** Ids for rows inserted by hand: cuid-shaped like Prisma's, and roughly time-ordered. */
let sequence = 0;
export function newId(): string {
  sequence = (sequence + 1) % 1_679_616;
  return `c${Date.now().toString(36).padStart(8, "0")}${sequence.toString(36).padStart(4, "0")}${randomUUID().replace(/-/g, "").slice(0, 12)}`;
}

/**
 * Positional parameters for SQL whose text is built at run time (IN lists, VALUES tuples), sent
 * with `$queryRawUnsafe`/`$executeRawUnsafe`: `param(value)` records the value and returns its
 * placeholder (`?` on SQLite, `$n` on PostgreSQL). Not Prisma.sql fragments: the PostgreSQL
 * client is generated separately and does not recognise the SQLite client's Prisma.join.
 */
export function sqlParameters(dialect: Dialect) {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return dialect === "postgresql" ? `$${values.length}` : "?";
  };
  return { values, param };
}
