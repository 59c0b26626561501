import { randomInt } from "node:crypto";
import type { Db } from "~/db/client";
import { fail, ok, type Result } from "./result";

/**
 * Several stores, one Tenon: a store that installed Tenon starts with an account of its own.
 * To bring it into an existing account, the merchant creates a one-time code in that account
 * and enters it in the new store's Tenon, which moves the store over (its own empty account
 * goes away). Codes last an hour and work once.
 */

const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const CODE_TTL_MS = 60 * 60 * 1000;

export async function createLinkCode(db: Db, accountId: string, now: Date): Promise<{ code: string; expiresAt: Date }> {
  const code = Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");
  const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
  await db.accountLinkCode.create({ data: { code, accountId, expiresAt } });
  return { code, expiresAt };
}

export type JoinCode = "CODE_INVALID" | "CODE_EXPIRED" | "CODE_USED" | "ALREADY_IN_ACCOUNT" | "ACCOUNT_HAS_DATA" | "STORE_NOT_FOUND";

/** Moves the store (from its own, still empty account) into the account the code belongs to. */
export async function joinAccount(
  db: Db,
  currentAccountId: string,
  storeId: string,
  rawCode: string,
  now: Date,
): Promise<Result<{ accountId: string }, JoinCode>> {
  const code = rawCode.trim().toUpperCase().replace(/[^A-Z0-9]/g, "");
  const link = await db.accountLinkCode.findUnique({ where: { code } });
  if (!link) return fail("CODE_INVALID", "This code is not known. Check it, or create a new one in the other store's Tenon (Stores page).");
  if (link.usedAt) return fail("CODE_USED", "This code was used already. Create a new one in the other store's Tenon.");
  if (link.expiresAt <= now) return fail("CODE_EXPIRED", "This code has expired (codes last an hour). Create a new one in the other store's Tenon.");
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
