import type { Prisma } from "@prisma/client";
import { z } from "zod";
import type { Db } from "~/db/client";
import { parseSettings, SettingsSchema, type Settings } from "~/domain/settings";
import { loadStoreView } from "./connections.server";
import { fail, ok, type Result } from "../result";

/**
 * A store's settings. While the store is Disabled or Sync inactive a change applies at once
 * (autosave). While Sync active it goes into a draft that takes effect only on "Apply new
 * settings" (or is thrown away on "Discard"); each applied version is numbered and timed.
 */

const formBoolean = z.preprocess((v) => (v === "true" || v === "on" || v === true ? true : v === "false" || v === "off" || v === false ? false : v), z.boolean({ invalid_type_error: "Choose on or off." }));

const taxRate = z.preprocess(
  (v) => (typeof v === "number" ? String(v) : typeof v === "string" ? v.trim().replace(/\s*%$/, "").replace(",", ".") : v),
  z
    .string({ invalid_type_error: "Enter the rate as a percentage, e.g. 19 or 7.5." })
    .regex(/^\d{1,3}(\.\d{1,2})?$/, "Enter the rate as a percentage, e.g. 19 or 7.5.")
    .transform(Number),
).pipe(z.number().min(0, "The tax rate cannot be negative.").max(100, "Enter a rate between 0 and 100 %."));

/** What each tab's form may change, with form values (strings) coerced and checked. */
const SectionPatches = {
  products: z
    .object({
      nonPhysicalProducts: z.enum(["service", "product"], { errorMap: () => ({ message: "Choose Service or Product." }) }),
      defaultTaxRatePercent: taxRate,
      importCostPerItem: formBoolean,
    })
    .partial()
    .strict(),
  inventory: z.object({ inventorySync: formBoolean, manualOrdersCountAgainstStock: formBoolean }).partial().strict(),
  orders: z
    .object({
      paymentPending: formBoolean,
      shippingFeeLine: formBoolean,
      customNonPhysicalLines: z.enum(["service", "product"], { errorMap: () => ({ message: "Choose Service or Product." }) }),
      bringOrderChanges: formBoolean,
      bringFulfillmentLocationUpdates: formBoolean,
      bringReturns: formBoolean,
      syncFulfillmentStatus: formBoolean,
      fulfillmentDirection: z.enum(["shopify_to_tenon", "tenon_to_shopify", "both"], {
        errorMap: () => ({ message: "Choose a direction." }),
      }),
    })
    .partial()
    .strict(),
} as const;

export type SettingsSection = keyof typeof SectionPatches;

export interface SettingsView {
  applied: Settings;
  /** The unsaved draft while Sync active, or null. */
  draft: Settings | null;
  version: number;
  appliedAt: Date | null;
}

export async function readSettings(db: Db, accountId: string, storeId: string): Promise<SettingsView | null> {
  const store = await db.store.findFirst({ where: { id: storeId, accountId } });
  if (!store) return null;
  return {
    applied: parseSettings(store.settings),
    draft: store.settingsDraft ? parseSettings(store.settingsDraft) : null,
    version: store.settingsVersion,
    appliedAt: store.settingsAppliedAt,
  };
}

/**
 * Clears the draft with plain SQL: Prisma 6.19's JS engine writes `Prisma.DbNull` as `{}` through
 * @prisma/adapter-pg (seen in this repo's PostgreSQL suite), so the NULL is written directly.
 */
async function clearDraft(db: Db | Prisma.TransactionClient, storeId: string): Promise<void> {
  await db.$executeRaw`UPDATE "Store" SET "settingsDraft" = NULL WHERE "id" = ${storeId}`;
}

export type SettingsChange = { mode: "applied"; version: number } | { mode: "draft" };

export async function changeSettings(
  db: Db,
  accountId: string,
  storeId: string,
  section: string,
  values: Record<string, unknown>,
  now: Date,
): Promise<Result<SettingsChange>> {
  if (!(section in SectionPatches)) return fail("SECTION_UNKNOWN", `There are no "${section}" settings.`);
  const parsed = SectionPatches[section as SettingsSection].safeParse(values);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.code === "unrecognized_keys" ? issue.keys.join(",") : issue.path.join(".");
      fieldErrors[field] ??= issue.code === "unrecognized_keys" ? "This setting does not exist." : issue.message;
    }
    return fail("INPUT_INVALID", "Some settings need attention.", fieldErrors);
  }
  const view = await loadStoreView(db, accountId, storeId);
  const store = await db.store.findFirst({ where: { id: storeId, accountId } });
  if (!view || !store) return fail("STORE_NOT_FOUND", "This store is not connected to your Tenon account.");
  const active = view.state.state === "sync_active";
  const base = active && store.settingsDraft ? parseSettings(store.settingsDraft) : parseSettings(store.settings);
  const next = SettingsSchema.parse({ ...base, [section]: { ...base[section as SettingsSection], ...parsed.data } });
  if (active) {
    await db.store.update({ where: { id: storeId }, data: { settingsDraft: next as Prisma.InputJsonValue } });
    return ok({ mode: "draft" as const });
  }
  const saved = await db.$transaction(async (tx) => {
    await clearDraft(tx, storeId);
    return tx.store.update({
      where: { id: storeId },
      data: { settings: next as Prisma.InputJsonValue, settingsVersion: { increment: 1 }, settingsAppliedAt: now },
    });
  });
  return ok({ mode: "applied" as const, version: saved.settingsVersion });
}

/** "Apply new settings": the draft becomes the applied settings, as a new version. */
export async function applySettingsDraft(db: Db, accountId: string, storeId: string, now: Date): Promise<Result<{ version: number }>> {
  const store = await db.store.findFirst({ where: { id: storeId, accountId } });
  if (!store) return fail("STORE_NOT_FOUND", "This store is not connected to your Tenon account.");
  if (!store.settingsDraft) return fail("NO_DRAFT", "There are no unsaved settings to apply.");
  const saved = await db.$transaction(async (tx) => {
    await clearDraft(tx, storeId);
    return tx.store.update({
      where: { id: storeId },
      data: {
        settings: parseSettings(store.settingsDraft) as Prisma.InputJsonValue,
        settingsVersion: { increment: 1 },
        settingsAppliedAt: now,
      },
    });
  });
  return ok({ version: saved.settingsVersion });
}

export async function discardSettingsDraft(db: Db, accountId: string, storeId: string): Promise<Result<{ discarded: boolean }>> {
  const store = await db.store.findFirst({ where: { id: storeId, accountId } });
  if (!store) return fail("STORE_NOT_FOUND", "This store is not connected to your Tenon account.");
  await clearDraft(db, storeId);
  return ok({ discarded: store.settingsDraft !== null });
}
