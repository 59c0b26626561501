/**
 * The emulator's state: shops, what the app may do in them (installation, access tokens) and the
 * merchant's data (locations, products, variants, inventory items and levels).
 *
 * Records keep Shopify's data model (a variant owns an inventory item; stock lives in inventory
 * levels, one per item and location, with named quantities) but not its API shapes: the GraphQL
 * resolvers map records to API objects, so a field the resolvers don't map is reported as not
 * implemented rather than leaking an internal property.
 */
import type { BulkOperationRecord, FulfillmentOrderRecord, FulfillmentRecord, OrderRecord, RefundRecord, ReturnRecord } from "./commerce";
import type { AddressSeed, CustomerSeed, ParsedShopSeed } from "./seed";
import type { IdempotencyRecord, MutationFault } from "./graphql/idempotency";

/** Shopify's named inventory quantities. `on_hand` and `unavailable` are derived, as in Shopify. */
export const QUANTITY_NAMES = [
  "available",
  "committed",
  "damaged",
  "incoming",
  "on_hand",
  "quality_control",
  "reserved",
  "safety_stock",
  "unavailable",
] as const;
export type QuantityName = (typeof QUANTITY_NAMES)[number];
export type StoredQuantityName = Exclude<QuantityName, "on_hand" | "unavailable">;

export interface LocationRecord {
  __typename: "Location";
  id: number;
  /** The seed's name for it (not a Shopify field). */
  key: string;
  name: string;
  address: AddressSeed;
  isActive: boolean;
  fulfillsOnlineOrders: boolean;
  shipsInventory: boolean;
  createdAt: Date;
  updatedAt: Date;
  deactivatedAt: Date | null;
}

export interface ProductRecord {
  __typename: "Product";
  id: number;
  title: string;
  handle: string;
  status: "ACTIVE" | "ARCHIVED" | "DRAFT" | "UNLISTED";
  productType: string;
  vendor: string;
  tags: string[];
  descriptionHtml: string;
  createdAt: Date;
  updatedAt: Date;
  variantIds: number[];
}

export interface VariantRecord {
  __typename: "ProductVariant";
  id: number;
  productId: number;
  /** 1-based, as Shopify's `position`. */
  position: number;
  title: string;
  sku: string | null;
  barcode: string | null;
  price: string;
  compareAtPrice: string | null;
  selectedOptions: { name: string; value: string }[];
  taxable: boolean;
  inventoryPolicy: "DENY" | "CONTINUE";
  inventoryItemId: number;
  /** Bundle components; non-empty makes the variant a kit (requiresComponents). */
  components: { id: number; variantId: number; quantity: number }[];
  createdAt: Date;
  updatedAt: Date;
}

export interface InventoryItemRecord {
  __typename: "InventoryItem";
  id: number;
  variantId: number;
  tracked: boolean;
  requiresShipping: boolean;
  unitCost: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface InventoryLevelRecord {
  __typename: "InventoryLevel";
  id: number;
  inventoryItemId: number;
  locationId: number;
  isActive: boolean;
  quantities: Record<StoredQuantityName, number>;
  createdAt: Date;
  updatedAt: Date;
}

export interface AccessTokenRecord {
  token: string;
  kind: "offline" | "online";
  scopes: string[];
  issuedAt: Date;
  /** null: a non-expiring offline token. */
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** Online tokens: the staff member they act for. */
  userId: number | null;
  /**
   * "app": issued to the app by the token endpoint (a public app's token: Shopify refuses its
   * non-expiring offline tokens on the Admin API, oauth.ts). "script": minted by the script API
   * for the CLI, standing for a merchant-created app's token, which the rule does not cover; it
   * stands for the merchant acting in Shopify's admin, so the app's access scopes do not limit
   * it either (graphql/access.ts).
   */
  issuedTo: "app" | "script";
  /** Expiring offline tokens come with a refresh token. */
  refreshToken: string | null;
  refreshTokenExpiresAt: Date | null;
}

export interface StaffMemberRecord {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  accountOwner: boolean;
  locale: string;
}

export interface ShopState {
  __typename: "Shop";
  id: number;
  /** `tenon-demo` in `tenon-demo.myshopify.com` and `/store/tenon-demo`. */
  handle: string;
  /** The myshopify domain, e.g. `tenon-demo.myshopify.com`. */
  domain: string;
  name: string;
  email: string;
  currencyCode: string;
  ianaTimezone: string;
  timezone: string;
  taxesIncluded: boolean;
  /** Orders fulfilled and paid, or refunded in full, are archived (closed) at once (commerce.ts `archiveIfDone`). */
  autoArchiveOrders: boolean;
  weightUnit: "KILOGRAMS" | "GRAMS" | "POUNDS" | "OUNCES";
  primaryLocale: string;
  plan: { displayName: string; partnerDevelopment: boolean; shopifyPlus: boolean };
  address: AddressSeed;
  createdAt: Date;
  updatedAt: Date;
  staff: StaffMemberRecord[];
  customers: CustomerSeed[];
  installation: {
    installed: boolean;
    scopes: string[];
    installedAt: Date | null;
    uninstalledAt: Date | null;
  };
  accessTokens: AccessTokenRecord[];
  locations: LocationRecord[];
  products: ProductRecord[];
  variants: VariantRecord[];
  inventoryItems: InventoryItemRecord[];
  inventoryLevels: InventoryLevelRecord[];
  orders: OrderRecord[];
  fulfillmentOrders: FulfillmentOrderRecord[];
  fulfillments: FulfillmentRecord[];
  returns: ReturnRecord[];
  refunds: RefundRecord[];
  adjustmentGroups: InventoryAdjustmentGroupRecord[];
  bulkOperations: BulkOperationRecord[];
  /** Requests of mutations sent with `@idempotent(key:)`, by mutation and key (graphql/idempotency.ts). */
  idempotency: Map<string, IdempotencyRecord>;
  /** Faults the next requests of a mutation meet (tests; graphql/idempotency.ts). */
  mutationFaults: MutationFault[];
  nextOrderNumber: number;
  /** Every record by id (ids are unique across types), and levels by inventory item. */
  index: { byId: Map<number, { __typename: string }>; levelsByItem: Map<number, InventoryLevelRecord[]> };
}

export interface InventoryChangeRecord {
  inventoryItemId: number;
  locationId: number;
  name: string;
  delta: number;
  quantityAfterChange: number;
  ledgerDocumentUri: string | null;
}

export interface InventoryAdjustmentGroupRecord {
  __typename: "InventoryAdjustmentGroup";
  id: number;
  createdAt: Date;
  reason: string;
  referenceDocumentUri: string | null;
  /** null: a change Shopify made itself (an order, a fulfillment). */
  byApp: boolean;
  changes: InventoryChangeRecord[];
}

/** Adds a record to the shop's index (every insert goes through this). */
export function indexRecord(shop: ShopState, record: { id: number; __typename: string }): void {
  shop.index.byId.set(record.id, record);
  if (record.__typename === "InventoryLevel") {
    const level = record as InventoryLevelRecord;
    const list = shop.index.levelsByItem.get(level.inventoryItemId);
    if (list) list.push(level);
    else shop.index.levelsByItem.set(level.inventoryItemId, [level]);
  }
}

/** A record of the expected type by id, through the index. */
export function recordOf<T extends { __typename: string }>(shop: ShopState, typename: T["__typename"], id: number | null | undefined): T | null {
  if (id === null || id === undefined) return null;
  const record = shop.index.byId.get(id);
  return record && record.__typename === typename ? (record as T) : null;
}

export function levelsOfItem(shop: ShopState, itemId: number): InventoryLevelRecord[] {
  return shop.index.levelsByItem.get(itemId) ?? [];
}

/**
 * Numeric ids, unique across the whole emulator like Shopify's (a Location and a Product never
 * share a number), and deterministic: the same seeds always give the same ids.
 */
export class IdSequence {
  constructor(private next = 1_000_001) {}
  take(): number {
    return this.next++;
  }
}

export function shopDomainOf(handleOrDomain: string): string {
  const trimmed = handleOrDomain.trim().toLowerCase();
  return trimmed.endsWith(".myshopify.com") ? trimmed : `${trimmed}.myshopify.com`;
}

export function shopHandleOf(handleOrDomain: string): string {
  return shopDomainOf(handleOrDomain).replace(/\.myshopify\.com$/, "");
}

export function createShopState(seed: ParsedShopSeed, ids: IdSequence): ShopState {
  const createdAt = new Date(seed.createdAt);
  const shop: ShopState = {
    __typename: "Shop",
    id: ids.take(),
    handle: seed.handle,
    domain: shopDomainOf(seed.handle),
    name: seed.name,
    email: seed.email,
    currencyCode: seed.currencyCode,
    ianaTimezone: seed.ianaTimezone,
    timezone: seed.timezone,
    taxesIncluded: seed.taxesIncluded,
    autoArchiveOrders: seed.autoArchiveOrders,
    weightUnit: seed.weightUnit,
    primaryLocale: seed.primaryLocale,
    plan: seed.plan,
    address: seed.address,
    createdAt,
    updatedAt: createdAt,
    staff: seed.staff,
    customers: seed.customers,
    installation: { installed: false, scopes: [], installedAt: null, uninstalledAt: null },
    accessTokens: [],
    locations: [],
    products: [],
    variants: [],
    inventoryItems: [],
    inventoryLevels: [],
    orders: [],
    fulfillmentOrders: [],
    fulfillments: [],
    returns: [],
    refunds: [],
    adjustmentGroups: [],
    bulkOperations: [],
    idempotency: new Map(),
    mutationFaults: [],
    nextOrderNumber: 1001,
    index: { byId: new Map(), levelsByItem: new Map() },
  };

  const locationIdByKey = new Map<string, number>();
  for (const location of seed.locations) {
    const record: LocationRecord = {
      __typename: "Location",
      id: ids.take(),
      key: location.key,
      name: location.name,
      address: location.address,
      isActive: location.isActive,
      fulfillsOnlineOrders: location.fulfillsOnlineOrders,
      shipsInventory: location.shipsInventory,
      createdAt,
      updatedAt: createdAt,
      deactivatedAt: location.isActive ? null : createdAt,
    };
    shop.locations.push(record);
    locationIdByKey.set(location.key, record.id);
  }

  // Components refer to variants by product handle + variant title; resolve them after all
  // variants exist so a kit may list products that come later in the seed.
  const pendingComponents: { variant: VariantRecord; seed: ParsedShopSeed["products"][number]["variants"][number] }[] = [];
  for (const productSeed of seed.products) {
    const product: ProductRecord = {
      __typename: "Product",
      id: ids.take(),
      title: productSeed.title,
      handle: productSeed.handle,
      status: productSeed.status,
      productType: productSeed.productType,
      vendor: productSeed.vendor,
      tags: productSeed.tags,
      descriptionHtml: productSeed.descriptionHtml,
      createdAt,
      updatedAt: createdAt,
      variantIds: [],
    };
    shop.products.push(product);
    productSeed.variants.forEach((variantSeed, index) => {
      const variantId = ids.take();
      const item: InventoryItemRecord = {
        __typename: "InventoryItem",
        id: ids.take(),
        variantId,
        tracked: variantSeed.tracked,
        requiresShipping: variantSeed.requiresShipping,
        unitCost: variantSeed.unitCost,
        createdAt,
        updatedAt: createdAt,
      };
      const variant: VariantRecord = {
        __typename: "ProductVariant",
        id: variantId,
        productId: product.id,
        position: index + 1,
        title: variantSeed.title,
        sku: variantSeed.sku,
        barcode: variantSeed.barcode,
        price: normalizeMoney(variantSeed.price),
        compareAtPrice: variantSeed.compareAtPrice === null ? null : normalizeMoney(variantSeed.compareAtPrice),
        selectedOptions: Object.entries(variantSeed.options).map(([name, value]) => ({ name, value })),
        taxable: variantSeed.taxable,
        inventoryPolicy: variantSeed.inventoryPolicy,
        inventoryItemId: item.id,
        components: [],
        createdAt,
        updatedAt: createdAt,
      };
      if (variant.selectedOptions.length === 0) variant.selectedOptions.push({ name: "Title", value: variant.title });
      product.variantIds.push(variant.id);
      shop.variants.push(variant);
      shop.inventoryItems.push(item);
      for (const [locationKey, q] of Object.entries(variantSeed.inventory)) {
        const locationId = locationIdByKey.get(locationKey);
        if (locationId === undefined) throw new Error(`unknown location key ${locationKey}`); // the seed schema rejects this first
        shop.inventoryLevels.push({
          __typename: "InventoryLevel",
          id: ids.take(),
          inventoryItemId: item.id,
          locationId,
          isActive: true,
          quantities: {
            available: q.available,
            committed: q.committed,
            reserved: q.reserved,
            damaged: q.damaged,
            quality_control: q.quality_control,
            safety_stock: q.safety_stock,
            incoming: q.incoming,
          },
          createdAt,
          updatedAt: createdAt,
        });
      }
      pendingComponents.push({ variant, seed: variantSeed });
    });
  }
  const productsByHandle = new Map(shop.products.map((p) => [p.handle, p]));
  const variantsById = new Map(shop.variants.map((v) => [v.id, v]));
  for (const { variant, seed: variantSeed } of pendingComponents) {
    if (variantSeed.components.length === 0) continue;
    for (const component of variantSeed.components) {
      const product = productsByHandle.get(component.productHandle);
      const target = product?.variantIds.map((id) => variantsById.get(id)).find((v) => v?.title === component.variantTitle);
      if (!target) throw new Error(`component ${component.productHandle} / ${component.variantTitle} not found`);
      variant.components.push({ id: ids.take(), variantId: target.id, quantity: component.quantity });
    }
  }
  for (const list of [shop.locations, shop.products, shop.variants, shop.inventoryItems, shop.inventoryLevels] as { id: number; __typename: string }[][]) {
    for (const record of list) indexRecord(shop, record);
  }
  return shop;
}

/** Money amounts are kept as two-decimal strings ("12.50"), the form the Money scalar answers. */
export function normalizeMoney(amount: string): string {
  return Number(amount).toFixed(2);
}

/**
 * The shop's primary location: Shopify answers `location` without an id with it and names it in
 * the shop payload. The first active location that ships inventory.
 */
export function primaryLocation(shop: ShopState): LocationRecord | null {
  return shop.locations.find((l) => l.isActive && l.shipsInventory) ?? shop.locations[0] ?? null;
}

/** A named quantity of a level, computing the derived ones as Shopify does. */
export function quantityOf(level: InventoryLevelRecord, name: QuantityName): number {
  const q = level.quantities;
  const unavailable = q.reserved + q.damaged + q.quality_control + q.safety_stock;
  switch (name) {
    case "unavailable":
      return unavailable;
    case "on_hand":
      return q.available + q.committed + unavailable;
    default:
      return q[name];
  }
}

export function isQuantityName(name: string): name is QuantityName {
  return (QUANTITY_NAMES as readonly string[]).includes(name);
}

/** A read-only summary for the script API (`GET /_emulator/shops/{shop}`). */
export function summarizeShop(shop: ShopState, now: Date) {
  const activeTokens = shop.accessTokens.filter((t) => isTokenActive(t, now));
  return {
    id: shop.id,
    domain: shop.domain,
    handle: shop.handle,
    name: shop.name,
    installed: shop.installation.installed,
    scopes: shop.installation.scopes,
    installedAt: shop.installation.installedAt?.toISOString() ?? null,
    uninstalledAt: shop.installation.uninstalledAt?.toISOString() ?? null,
    accessTokens: { active: activeTokens.length, total: shop.accessTokens.length },
    counts: {
      locations: shop.locations.length,
      products: shop.products.length,
      variants: shop.variants.length,
      inventoryLevels: shop.inventoryLevels.length,
      orders: shop.orders.length,
    },
  };
}

export function isTokenActive(token: AccessTokenRecord, now: Date): boolean {
  return token.revokedAt === null && (token.expiresAt === null || token.expiresAt.getTime() > now.getTime());
}
