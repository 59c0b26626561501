import { z } from "zod";

/**
 * A store's integration settings with the defaults of product.md ("Configuration tabs and
 * their defaults"). Stored as JSON on the store; always read through `parseSettings`, so a
 * setting added later gets its default on stores saved before it existed.
 */
export const SettingsSchema = z.object({
  products: z
    .object({
      physicalProducts: z.enum(["product"]).default("product"),
      nonPhysicalProducts: z.enum(["service", "product"]).default("service"),
      /** Percent; used when the store's prices include tax: price / (1 + rate). */
      defaultTaxRatePercent: z.number().min(0).max(100).default(0),
      importCostPerItem: z.boolean().default(true),
    })
    .default({}),
  inventory: z
    .object({
      inventorySync: z.boolean().default(false),
      manualOrdersCountAgainstStock: z.boolean().default(true),
    })
    .default({}),
  orders: z
    .object({
      paymentPending: z.boolean().default(false),
      shippingFeeLine: z.boolean().default(true),
      customNonPhysicalLines: z.enum(["service", "product"]).default("service"),
      bringOrderChanges: z.boolean().default(true),
      bringFulfillmentLocationUpdates: z.boolean().default(true),
      bringReturns: z.boolean().default(false),
      syncFulfillmentStatus: z.boolean().default(true),
      fulfillmentDirection: z.enum(["shopify_to_tenon", "tenon_to_shopify", "both"]).default("both"),
      // Shopify emails the customer when a fulfillment Tenon creates arrives (off: Tenon stays quiet).
      notifyCustomer: z.boolean().default(false),
    })
    .default({}),
});

export type Settings = z.infer<typeof SettingsSchema>;

export const defaultSettings: Settings = SettingsSchema.parse({});

/**
 * Settings from stored JSON. Missing values get their defaults; a section that no longer parses
 * (a value a later version dropped) falls back to its defaults alone, keeping the others.
 */
export function parseSettings(stored: unknown): Settings {
  const parsed = SettingsSchema.safeParse(stored ?? {});
  if (parsed.success) return parsed.data;
  const raw = (stored && typeof stored === "object" ? stored : {}) as Record<string, unknown>;
  const section = <K extends keyof Settings>(key: K): Settings[K] => {
    const result = SettingsSchema.shape[key].safeParse(raw[key]);
    return (result.success ? result.data : defaultSettings[key]) as Settings[K];
  };
  return { products: section("products"), inventory: section("inventory"), orders: section("orders") };
}
