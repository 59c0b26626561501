/**
 * Shop seeds: the starting state of an emulated shop, as a merchant would have set it up in the
 * Shopify admin (locations, products with variants and SKUs, stock at each location).
 *
 * Seeds are JSON files (tests/emulator/seeds/*.json) or objects built by tests. They describe
 * data in the merchant's terms; ids, timestamps and derived quantities are assigned by the
 * emulator when the shop is created (see state.ts), so a seed never has to repeat Shopify's
 * bookkeeping.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

/** Shopify's inventory quantity names that a seed may set directly (`on_hand` is derived). */
export const SETTABLE_QUANTITY_NAMES = [
  "available",
  "committed",
  "reserved",
  "damaged",
  "quality_control",
  "safety_stock",
  "incoming",
] as const;

const Money = z
  .string()
  .regex(/^\d+(\.\d{1,2})?$/, "a decimal amount such as \"12.50\"");

const Address = z.object({
  address1: z.string().nullable().default(null),
  address2: z.string().nullable().default(null),
  city: z.string().nullable().default(null),
  zip: z.string().nullable().default(null),
  province: z.string().nullable().default(null),
  provinceCode: z.string().nullable().default(null),
  country: z.string().nullable().default(null),
  countryCode: z.string().length(2).nullable().default(null),
  phone: z.string().nullable().default(null),
  latitude: z.number().nullable().default(null),
  longitude: z.number().nullable().default(null),
});
export type AddressSeed = z.output<typeof Address>;

const StaffMember = z.object({
  /** Shopify user id; it is the session token's `sub` and an online token's associated_user.id. */
  id: z.number().int().positive(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string().email(),
  accountOwner: z.boolean().default(false),
  locale: z.string().default("en"),
});

const CustomerAddress = Address.extend({
  firstName: z.string().nullable().default(null),
  lastName: z.string().nullable().default(null),
  company: z.string().nullable().default(null),
});

const Customer = z.object({
  id: z.number().int().positive(),
  email: z.string().email(),
  phone: z.string(),
  firstName: z.string().nullable().default(null),
  lastName: z.string().nullable().default(null),
  /** The customer's addresses; the first is the default address. */
  addresses: z.array(CustomerAddress).default([]),
});
export type CustomerSeed = z.output<typeof Customer>;

const Location = z.object({
  /** Seed-local name other parts of the seed use to refer to this location (inventory). */
  key: z.string().min(1),
  name: z.string().min(1),
  address: Address.default({}),
  isActive: z.boolean().default(true),
  /** Online orders may be routed here. A POS-only shop (market stall) sets false. */
  fulfillsOnlineOrders: z.boolean().default(true),
  /** Can ship inventory (Shopify's fallback location uses this). A POS-only shop sets false. */
  shipsInventory: z.boolean().default(true),
  /**
   * Seed documentation only: what the merchant uses the location for. The Admin API has no
   * "retail"/POS flag on Location (2026-07), so this is not exposed over GraphQL.
   */
  kind: z.enum(["workshop", "warehouse", "retail"]).optional(),
});

const Quantities = z
  .object({
    available: z.number().int().default(0),
    committed: z.number().int().nonnegative().default(0),
    reserved: z.number().int().nonnegative().default(0),
    damaged: z.number().int().nonnegative().default(0),
    quality_control: z.number().int().nonnegative().default(0),
    safety_stock: z.number().int().nonnegative().default(0),
    incoming: z.number().int().nonnegative().default(0),
    /** Optional cross-check: if given, must equal available + committed + unavailable. */
    on_hand: z.number().int().optional(),
  })
  .superRefine((q, ctx) => {
    if (q.on_hand === undefined) return;
    const derived = q.available + q.committed + q.reserved + q.damaged + q.quality_control + q.safety_stock;
    if (q.on_hand !== derived) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `on_hand ${q.on_hand} ≠ available + committed + unavailable (${derived}), as Shopify keeps it`,
      });
    }
  });
export type QuantitiesSeed = z.output<typeof Quantities>;

const Component = z.object({
  productHandle: z.string(),
  variantTitle: z.string(),
  quantity: z.number().int().positive(),
});

const Variant = z.object({
  title: z.string().default("Default Title"),
  /** Shopify allows no SKU and duplicate SKUs across variants; so does the seed. */
  sku: z.string().min(1).nullable().default(null),
  barcode: z.string().nullable().default(null),
  price: Money,
  compareAtPrice: Money.nullable().default(null),
  /** Option values by option name, e.g. {"Size": "Small"}. */
  options: z.record(z.string()).default({}),
  taxable: z.boolean().default(true),
  inventoryPolicy: z.enum(["DENY", "CONTINUE"]).default("DENY"),
  tracked: z.boolean().default(true),
  requiresShipping: z.boolean().default(true),
  unitCost: Money.nullable().default(null),
  /** Stock by location key. A location missing here has no inventory level for the item. */
  inventory: z.record(Quantities).default({}),
  /** Bundle components: a variant with components is a kit (requiresComponents). */
  components: z.array(Component).default([]),
});
export type VariantSeed = z.output<typeof Variant>;

const Product = z.object({
  title: z.string().min(1),
  handle: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "a Shopify handle (lowercase words joined by dashes)"),
  status: z.enum(["ACTIVE", "ARCHIVED", "DRAFT", "UNLISTED"]).default("ACTIVE"),
  productType: z.string().default(""),
  vendor: z.string(),
  tags: z.array(z.string()).default([]),
  descriptionHtml: z.string().default(""),
  variants: z.array(Variant).min(1),
});
export type ProductSeed = z.output<typeof Product>;

/**
 * Orders the shop already has, created as `orderCreate` would have created them (at
 * `processedAt`, without webhooks). Lines name variants by SKU (the first variant with it).
 */
const OrderSeed = z.object({
  processedAt: z.string().datetime(),
  lineItems: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() })).min(1),
  financialStatus: z.enum(["AUTHORIZED", "PAID", "PARTIALLY_PAID", "PARTIALLY_REFUNDED", "PENDING", "REFUNDED", "VOIDED"]).default("PAID"),
  fulfillmentStatus: z.enum(["FULFILLED"]).nullable().default(null),
  email: z.string().email().nullable().default(null),
  poNumber: z.string().nullable().default(null),
  tags: z.array(z.string()).default([]),
  /** BYPASS (orderCreate's default) leaves stock alone; DECREMENT_IGNORING_POLICY claims it. */
  inventoryBehaviour: z.enum(["BYPASS", "DECREMENT_IGNORING_POLICY"]).default("BYPASS"),
});
export type OrderSeed = z.input<typeof OrderSeed>;

export const ShopSeedSchema = z
  .object({
    /** The shop's handle: `{handle}.myshopify.com`, admin at `/store/{handle}`. */
    handle: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lowercase letters, digits and dashes"),
    name: z.string().min(1),
    email: z.string().email(),
    currencyCode: z.string().regex(/^[A-Z]{3}$/),
    ianaTimezone: z.string(),
    /** The legacy "(GMT+01:00) Berlin" form Shopify shows in REST/webhook payloads. */
    timezone: z.string(),
    taxesIncluded: z.boolean(),
    /**
     * Settings › Checkout › Order processing: "After an order has been fulfilled and paid, or
     * when all items have been refunded — Automatically archive the order" (on unless a seed
     * turns it off; https://help.shopify.com/en/manual/checkout-settings/order-processing).
     */
    autoArchiveOrders: z.boolean().default(true),
    weightUnit: z.enum(["KILOGRAMS", "GRAMS", "POUNDS", "OUNCES"]).default("KILOGRAMS"),
    primaryLocale: z.string().default("en"),
    plan: z
      .object({
        displayName: z.string().default("Basic"),
        partnerDevelopment: z.boolean().default(false),
        shopifyPlus: z.boolean().default(false),
      })
      .default({}),
    address: Address.default({}),
    /** When the shop and its seeded objects were created (deterministic timestamps). */
    createdAt: z.string().datetime().default("2026-01-15T09:00:00Z"),
    /** Whether the app starts installed (as after `shopify app dev` / a merchant install). */
    installed: z.boolean().default(false),
    staff: z.array(StaffMember).min(1),
    customers: z.array(Customer).default([]),
    locations: z.array(Location).min(1),
    products: z.array(Product).default([]),
    orders: z.array(OrderSeed).default([]),
  })
  .superRefine((seed, ctx) => {
    const locationKeys = new Set(seed.locations.map((l) => l.key));
    if (locationKeys.size !== seed.locations.length) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["locations"], message: "location keys must be unique" });
    }
    if (!seed.staff.some((s) => s.accountOwner)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["staff"], message: "one staff member must be the account owner" });
    }
    const handles = new Set<string>();
    seed.products.forEach((product, p) => {
      if (handles.has(product.handle)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["products", p, "handle"], message: `duplicate handle ${product.handle}` });
      }
      handles.add(product.handle);
      product.variants.forEach((variant, v) => {
        for (const key of Object.keys(variant.inventory)) {
          if (!locationKeys.has(key)) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: ["products", p, "variants", v, "inventory", key],
              message: `unknown location key ${key}`,
            });
          }
        }
      });
    });
    const productsByHandle = new Map(seed.products.map((p) => [p.handle, p]));
    seed.products.forEach((product, p) =>
      product.variants.forEach((variant, v) =>
        variant.components.forEach((component, c) => {
          const target = productsByHandle.get(component.productHandle);
          if (!target?.variants.some((x) => x.title === component.variantTitle)) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: ["products", p, "variants", v, "components", c],
              message: `no variant "${component.variantTitle}" in product ${component.productHandle}`,
            });
          }
        }),
      ),
    );
    if (seed.orders.length > 0) {
      const skus = new Set(seed.products.flatMap((p) => p.variants.map((v) => v.sku)));
      seed.orders.forEach((order, o) =>
        order.lineItems.forEach((line, l) => {
          if (!skus.has(line.sku)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["orders", o, "lineItems", l, "sku"], message: `no variant has SKU ${line.sku}` });
        }),
      );
    }
  });

/** What a seed file or a test writes (defaults may be left out). */
export type ShopSeed = z.input<typeof ShopSeedSchema>;
/** A seed with every default filled in. */
export type ParsedShopSeed = z.output<typeof ShopSeedSchema>;

export function parseShopSeed(seed: unknown, source = "shop seed"): ParsedShopSeed {
  const result = ShopSeedSchema.safeParse(seed);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n");
    throw new Error(`Invalid ${source}:\n${problems}`);
  }
  return result.data;
}

export function loadShopSeedFile(path: string): ParsedShopSeed {
  return parseShopSeed(JSON.parse(readFileSync(path, "utf8")), path);
}
