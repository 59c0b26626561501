import { randomInt } from "node:crypto";
import type { Db } from "~/db/client";
import { fail, ok, type Failure } from "../result";

/**
 * Several stores, one Tenon: a store that installed Tenon starts with an account of its own.
 * To bring it into an existing account, the merchant creates a one-time code in that account
 * and enters it in the new store's Tenon, which moves the store over (its own empty account
 * goes away). Codes last an hour and work once.
 */

const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const CODE_TTL_MS = 60 * 60 * 1000;
/**
 * Guessing: 32^8 codes live for an hour, and an account may try ten within a quarter of an hour
 * (a merchant mistyping a few times never meets the limit). Every try is recorded before the
 * code is looked at, so parallel requests cannot slip past the count; a right code's try and a
 * refused try are taken back.
 */
export const LINK_ATTEMPT_WINDOW_MS = 15 * 60 * 1000;
export const LINK_ATTEMPTS_PER_WINDOW = 10;

export async function createLinkCode(db: Db, accountId: string, now: Date): Promise<{ code: string; expiresAt: Date }> {
  const code = Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");
  const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
  await db.accountLinkCode.create({ data: { code, accountId, expiresAt } });
  return { code, expiresAt };
}

export type JoinCode =
  | "CODE_INVALID"
  | "CODE_EXPIRED"
  | "CODE_USED"
  | "ALREADY_IN_ACCOUNT"
  | "ACCOUNT_HAS_DATA"
  | "STORE_NOT_FOUND"
  | "TOO_MANY_ATTEMPTS";

/** TOO_MANY_ATTEMPTS says when the next try is allowed (the route's Retry-After). */
export type JoinFailure = Failure<JoinCode> & { retryAfterSeconds?: number };

/** Moves the store (from its own, still empty account) into the account the code belongs to. */
export async function joinAccount(
  db: Db,
  currentAccountId: string,
  storeId: string,
  rawCode: string,
  now: Date,
): Promise<{ ok: true; value: { accountId: string } } | JoinFailure> {
  const attempt = await recordAttempt(db, currentAccountId, now);
  if (!attempt.allowed) {
    const minutes = Math.ceil(attempt.retryAfterSeconds / 60);
    return {
      ...fail(
        "TOO_MANY_ATTEMPTS",
        `Too many wrong codes were entered in this store. Wait ${minutes} minute${minutes === 1 ? "" : "s"}, then enter the code again (check it in the other store's Tenon, Stores page).`,
      ),
      retryAfterSeconds: attempt.retryAfterSeconds,
    };
  }
  const code = rawCode.trim().toUpperCase().replace(/[^A-Z0-9]/g, "");
  const link = await db.accountLinkCode.findUnique({ where: { code } });
  if (!link) return fail("CODE_INVALID", "This code is not known. Check it, or create a new one in the other store's Tenon (Stores page).");
  if (link.usedAt) return fail("CODE_USED", "This code was used already. Create a new one in the other store's Tenon.");
  if (link.expiresAt <= now) return fail("CODE_EXPIRED", "This code has expired (codes last an hour). Create a new one in the other store's Tenon.");
  // The code is real: this try does not count against the store (the account may still refuse).
  await db.accountLinkAttempt.delete({ where: { id: attempt.id } });
  if (link.accountId === currentAccountId) return fail("ALREADY_IN_ACCOUNT", "This store already belongs to that Tenon account.");
  const store = await db.store.findFirst({ where: { id: storeId, accountId: currentAccountId } });
  if (!store) return fail("STORE_NOT_FOUND", "This store is not connected to your Tenon account.");
  const [stores, products, locations, orders, customers] = await Promise.all([
    db.store.count({ where: { accountId: currentAccountId } }),
    db.product.count({ where: { accountId: currentAccountId } }),
    db.location.count({ where: { accountId: currentAccountId } }),
    db.salesOrder.count({ where: { accountId: currentAccountId } }),
    db.customer.count({ where: { accountId: currentAccountId } }),
  ]);
  if (stores > 1 || products + locations + orders + customers > 0) {
    return fail(
      "ACCOUNT_HAS_DATA",
      "This store's Tenon already holds its own data (products, locations, orders or other stores), so it cannot join another account. Connect the other store to this account instead.",
    );
  }
  await db.$transaction(async (tx) => {
    // Mappings pointed at the old account's locations (there are none): start the mapping afresh.
    await tx.shopifyLocation.updateMany({ where: { storeId }, data: { locationId: null } });
    await tx.store.update({ where: { id: storeId }, data: { accountId: link.accountId } });
    await tx.accountLinkCode.update({ where: { code }, data: { usedAt: now } });
    await tx.accountLinkCode.deleteMany({ where: { accountId: currentAccountId } });
    await tx.account.delete({ where: { id: currentAccountId } });
  });
  return ok({ accountId: link.accountId });
}

type Attempt = { allowed: true; id: string } | { allowed: false; retryAfterSeconds: number };

/** Records one try and says whether it is within the account's allowance (oldest tries age out). */
async function recordAttempt(db: Db, accountId: string, now: Date): Promise<Attempt> {
  const since = new Date(now.getTime() - LINK_ATTEMPT_WINDOW_MS);
  await db.accountLinkAttempt.deleteMany({ where: { accountId, at: { lte: since } } });
  const { id } = await db.accountLinkAttempt.create({ data: { accountId, at: now }, select: { id: true } });
  const recent = await db.accountLinkAttempt.findMany({
    where: { accountId, at: { gt: since } },
    orderBy: [{ at: "asc" }, { id: "asc" }],
    select: { id: true, at: true },
  });
  if (recent.length <= LINK_ATTEMPTS_PER_WINDOW) return { allowed: true, id };
  // A refused try is not kept: the table holds at most the allowance (plus tries in flight) per
  // account, and a store hammering the form is let in again when the counted tries age out.
  await db.accountLinkAttempt.delete({ where: { id } });
  const freesUp = recent[0]!.at.getTime() + LINK_ATTEMPT_WINDOW_MS;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freesUp - now.getTime()) / 1000)) };
}
