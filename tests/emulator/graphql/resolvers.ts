/**
 * Resolvers mapping the emulator's records to Admin API objects.
 *
 * One rule keeps the emulator honest: for a type listed in `resolvers`, only the fields listed
 * there exist; every other field of that type answers "not implemented" (see `fieldResolver`).
 * Types not listed (connections, edges, PageInfo, MoneyBag, LocationAddress, Count, …) are plain
 * objects built here in their exact API shape, and a field missing from such an object is
 * "not implemented" too. A query therefore never gets a silent null for something the emulator
 * does not model.
 */
import { createHash } from "node:crypto";
import type { GraphQLResolveInfo } from "graphql";
import type { AppConfig } from "../app-config";
import type { Emitted } from "../commerce";
import { decimalAmount, type BulkOperationRecord, type JobRecord } from "../commerce";
import { customerNode, customerQueries, customerTypes } from "./customers";
import { bulkMutations, bulkQueries, bulkTypes, registerBulkFieldResolver } from "./bulk";
import { inventoryMutations, inventoryTypes } from "./inventory";
import { productMutations, productOptions } from "./products";
import { fulfillmentMutations, fulfillmentOrderFields, fulfillmentTypes } from "./fulfillments";
import { locationMutations } from "./locations";
import { orderReturnFields, returnMutations, returnTypes } from "./returns";
import { orderChangeFields, orderChangeMutations, orderChangeTypes } from "./order-changes";
import { orderMutations, orderNode, orderQueries, orderTypes } from "./orders";
import {
  isQuantityName,
  levelsOfItem,
  primaryLocation,
  recordOf,
  QUANTITY_NAMES,
  quantityOf,
  type IdSequence,
  type InventoryItemRecord,
  type InventoryLevelRecord,
  type LocationRecord,
  type ProductRecord,
  type ShopState,
  type VariantRecord,
} from "../state";
import { count, paginate, type ConnectionArgs } from "./connection";
import { checkFieldAccess, checkReturnedAccess, orderVisible } from "./access";
import { AdminApiError, fieldNotImplemented, NotImplementedError } from "./errors";
import { checkProtectedAccess } from "./protected-data";
import { gid, idArgument, parseGid } from "./ids";
import { applySearch, bool, date, exact, idMatch, numeric, words, type FieldMatcher } from "./search";

export interface AdminContext {
  shop: ShopState;
  app: AppConfig;
  now: Date;
  /**
   * The scopes of the request's access token (write scopes grant their read scopes; see
   * access.ts). Undefined: the merchant or the emulator itself (script API, seeds), not limited.
   */
  scopes?: ReadonlySet<string>;
  /** Ids for records mutations create. */
  ids: IdSequence;
  /** Queues the webhook of a state change (sent after the response). */
  emit(event: Emitted): void;
  /**
   * The HTTP exchange of this request, when there is one: a resolver sets `answerLost` when the
   * mutation ran but its answer must not reach the app (graphql/idempotency.ts, a slow attempt).
   */
  transport?: { answerLost: boolean };
  /** State changes with effects beyond the shop's records (webhooks), done by the emulator. */
  actions: {
    /** Uninstalls the app from the shop; app/uninstalled is delivered after the response. */
    uninstallApp(): void;
    /** Schedules a created bulk operation on the emulator's clock (running, then its result). */
    startBulkOperation(operation: BulkOperationRecord): void;
    /**
     * Runs an asynchronous mutation's work later on the emulator's clock (`jobTiming`), with the
     * context of that moment; the mutation answers a Job that is not done yet.
     */
    runJob(kind: "orderCancel", work: (context: AdminContext) => void): JobRecord;
  };
}

// `args: never` lets each resolver declare the argument type it reads (graphql-js has already
// validated and coerced arguments against the schema).
type FieldResolver<S> = (source: S, args: never, context: AdminContext, info: GraphQLResolveInfo) => unknown;
type TypeResolvers<S> = Record<string, FieldResolver<S>>;

/** Shopify's DateTime format: ISO 8601 without milliseconds. */
const iso = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : null);

function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`Emulator state is inconsistent: ${what} is missing`);
  return value;
}

// --- Lookups -------------------------------------------------------------------------------

const locationById = (shop: ShopState, id: number | null) => recordOf<LocationRecord>(shop, "Location", id);
const productById = (shop: ShopState, id: number | null) => recordOf<ProductRecord>(shop, "Product", id);
const variantById = (shop: ShopState, id: number | null) => recordOf<VariantRecord>(shop, "ProductVariant", id);
const itemById = (shop: ShopState, id: number | null) => recordOf<InventoryItemRecord>(shop, "InventoryItem", id);
const levelById = (shop: ShopState, id: number | null) => recordOf<InventoryLevelRecord>(shop, "InventoryLevel", id);

const variantsOf = (shop: ShopState, product: ProductRecord) =>
  product.variantIds.map((id) => must(variantById(shop, id), `variant ${id} of product ${product.id}`));
const productOf = (shop: ShopState, variant: VariantRecord) => must(productById(shop, variant.productId), `product ${variant.productId}`);
const itemOf = (shop: ShopState, variant: VariantRecord) => must(itemById(shop, variant.inventoryItemId), `inventory item ${variant.inventoryItemId}`);
const variantOfItem = (shop: ShopState, item: InventoryItemRecord) => must(variantById(shop, item.variantId), `variant ${item.variantId}`);


function availableOf(shop: ShopState, variant: VariantRecord, where?: (location: LocationRecord) => boolean): number {
  return levelsOfItem(shop, variant.inventoryItemId)
    .filter((level) => level.isActive && (!where || where(must(locationById(shop, level.locationId), `location ${level.locationId}`))))
    .reduce((sum, level) => sum + quantityOf(level, "available"), 0);
}

// --- Sorting and filtering -----------------------------------------------------------------

function sortBy<T extends { id: number }>(items: readonly T[], key: (item: T) => string | number): T[] {
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -1;
    if (ka > kb) return 1;
    return a.id - b.id;
  });
}

function sortByKey<T extends { id: number }>(
  items: readonly T[],
  sortKey: string | null | undefined,
  keys: Record<string, (item: T) => string | number>,
  resource: string,
): T[] {
  const name = sortKey ?? "ID";
  // RELEVANCE only differs from ID order when a free-text query ranks results; the emulator
  // does not rank.
  if (name === "ID" || name === "RELEVANCE") return sortBy(items, (item) => item.id);
  const key = keys[name];
  if (!key) throw new NotImplementedError(`sortKey ${name} on ${resource}`);
  return sortBy(items, key);
}

const text = (value: string | null) => (value ?? "").toLowerCase();

function locationFilters(): Record<string, FieldMatcher<LocationRecord>> {
  return {
    default: (l, t) => words(l.name, t) || words(l.address.city, t),
    name: (l, t) => words(l.name, t),
    id: (l, t) => idMatch(l.id, t),
    location_id: (l, t) => idMatch(l.id, t),
    active: (l, t) => bool(l.isActive, t),
    legacy: (_l, t) => bool(false, t),
    address1: (l, t) => words(l.address.address1, t),
    city: (l, t) => words(l.address.city, t),
    country: (l, t) => exact(l.address.countryCode, t) || words(l.address.country, t),
    province: (l, t) => exact(l.address.provinceCode, t) || words(l.address.province, t),
    zip: (l, t) => exact(l.address.zip, t),
    created_at: (l, t) => date(l.createdAt, t),
  };
}

function productFilters(shop: ShopState): Record<string, FieldMatcher<ProductRecord>> {
  const skus = (p: ProductRecord) => variantsOf(shop, p).map((v) => v.sku);
  return {
    default: (p, t) => words(p.title, t) || skus(p).some((sku) => exact(sku, t)) || words(p.vendor, t) || words(p.productType, t),
    title: (p, t) => words(p.title, t),
    handle: (p, t) => exact(p.handle, t),
    status: (p, t) => exact(p.status, t),
    product_type: (p, t) => exact(p.productType, t),
    vendor: (p, t) => exact(p.vendor, t),
    tag: (p, t) => p.tags.some((tag) => exact(tag, t)),
    sku: (p, t) => skus(p).some((sku) => exact(sku, t)),
    barcode: (p, t) => variantsOf(shop, p).some((v) => exact(v.barcode, t)),
    id: (p, t) => idMatch(p.id, t),
    created_at: (p, t) => date(p.createdAt, t),
    updated_at: (p, t) => date(p.updatedAt, t),
  };
}

function variantFilters(shop: ShopState): Record<string, FieldMatcher<VariantRecord>> {
  return {
    default: (v, t) => exact(v.sku, t) || words(v.title, t) || words(productOf(shop, v).title, t),
    sku: (v, t) => exact(v.sku, t),
    barcode: (v, t) => exact(v.barcode, t),
    title: (v, t) => words(v.title, t),
    product_id: (v, t) => idMatch(v.productId, t),
    product_status: (v, t) => exact(productOf(shop, v).status, t),
    id: (v, t) => idMatch(v.id, t),
    inventory_quantity: (v, t) => numeric(availableOf(shop, v), t),
    created_at: (v, t) => date(v.createdAt, t),
    updated_at: (v, t) => date(v.updatedAt, t),
  };
}

function inventoryItemFilters(shop: ShopState): Record<string, FieldMatcher<InventoryItemRecord>> {
  return {
    sku: (i, t) => exact(variantOfItem(shop, i).sku, t),
    id: (i, t) => idMatch(i.id, t),
    created_at: (i, t) => date(i.createdAt, t),
    updated_at: (i, t) => date(i.updatedAt, t),
  };
}

function inventoryLevelFilters(): Record<string, FieldMatcher<InventoryLevelRecord>> {
  return {
    inventory_item_id: (l, t) => idMatch(l.inventoryItemId, t),
    location_id: (l, t) => idMatch(l.locationId, t),
    updated_at: (l, t) => date(l.updatedAt, t),
    created_at: (l, t) => date(l.createdAt, t),
  };
}

interface SearchArgs extends ConnectionArgs {
  query?: string | null;
  sortKey?: string | null;
}

interface LocationsArgs extends SearchArgs {
  includeInactive?: boolean | null;
  includeLegacy?: boolean | null;
}

function locationsFor(shop: ShopState, args: LocationsArgs) {
  const visible = shop.locations.filter((l) => l.isActive || args.includeInactive);
  const filtered = applySearch(visible, args.query, "locations", locationFilters());
  return sortByKey(filtered, args.sortKey ?? "NAME", { NAME: (l) => text(l.name) }, "locations");
}

function productsFor(shop: ShopState, args: SearchArgs) {
  const filtered = applySearch(shop.products, args.query, "products", productFilters(shop));
  return sortByKey(
    filtered,
    args.sortKey,
    {
      TITLE: (p) => text(p.title),
      CREATED_AT: (p) => p.createdAt.getTime(),
      UPDATED_AT: (p) => p.updatedAt.getTime(),
      PRODUCT_TYPE: (p) => text(p.productType),
      VENDOR: (p) => text(p.vendor),
      INVENTORY_TOTAL: (p) => variantsOf(shop, p).reduce((sum, v) => sum + availableOf(shop, v), 0),
    },
    "products",
  );
}

function variantsFor(shop: ShopState, variants: readonly VariantRecord[], args: SearchArgs, defaultSortKey: string) {
  const filtered = applySearch(variants, args.query, "productVariants", variantFilters(shop));
  return sortByKey(
    filtered,
    args.sortKey ?? defaultSortKey,
    {
      POSITION: (v) => v.position,
      SKU: (v) => text(v.sku),
      TITLE: (v) => text(v.title),
      FULL_TITLE: (v) => `${text(productOf(shop, v).title)} - ${text(v.title)}`,
      NAME: (v) => `${text(productOf(shop, v).title)} - ${text(v.title)}`,
      INVENTORY_QUANTITY: (v) => availableOf(shop, v),
      INVENTORY_POLICY: (v) => v.inventoryPolicy,
    },
    "productVariants",
  );
}

function levelsFor(shop: ShopState, levels: readonly InventoryLevelRecord[], args: SearchArgs & { includeInactive?: boolean | null }) {
  const visible = levels.filter((l) => l.isActive || args.includeInactive);
  return sortBy(applySearch(visible, args.query, "inventoryLevels", inventoryLevelFilters()), (l) => l.id);
}

// --- Types ---------------------------------------------------------------------------------

const QueryRoot: TypeResolvers<unknown> = {
  shop: (_s, _a, { shop }) => shop,

  locations: (_s, args: LocationsArgs, { shop }) => paginate(locationsFor(shop, args), args, "locations"),
  location: (_s, args: { id?: string | null }, { shop }) =>
    args.id ? locationById(shop, idArgument(args.id, "Location")) : primaryLocation(shop),
  locationsCount: (_s, args: { query?: string | null; limit?: number | null }, { shop }) =>
    count(locationsFor(shop, { query: args.query }).length, args.limit),

  products: (_s, args: SearchArgs, { shop }) => paginate(productsFor(shop, args), args, "products"),
  product: (_s, args: { id: string }, { shop }) => productById(shop, idArgument(args.id, "Product")),
  productsCount: (_s, args: { query?: string | null; limit?: number | null }, { shop }) =>
    count(productsFor(shop, { query: args.query }).length, args.limit),
  productByHandle: (_s, args: { handle: string }, { shop }) => shop.products.find((p) => p.handle === args.handle) ?? null,
  productByIdentifier: (_s, args: { identifier: { id?: string | null; handle?: string | null; customId?: unknown } }, { shop }) => {
    const { identifier } = args;
    if (identifier.id) return productById(shop, idArgument(identifier.id, "Product"));
    if (identifier.handle) return shop.products.find((p) => p.handle === identifier.handle) ?? null;
    throw new NotImplementedError("productByIdentifier(identifier: {customId})");
  },

  productVariants: (_s, args: SearchArgs, { shop }) => paginate(variantsFor(shop, shop.variants, args, "ID"), args, "productVariants"),
  productVariant: (_s, args: { id: string }, { shop }) => variantById(shop, idArgument(args.id, "ProductVariant")),
  productVariantsCount: (_s, args: { query?: string | null; limit?: number | null }, { shop }) =>
    count(variantsFor(shop, shop.variants, { query: args.query }, "ID").length, args.limit),
  productVariantByIdentifier: (_s, args: { identifier: { id?: string | null } }, { shop }) => {
    if (args.identifier.id) return variantById(shop, idArgument(args.identifier.id, "ProductVariant"));
    throw new NotImplementedError("productVariantByIdentifier(identifier: {customId})");
  },

  inventoryItems: (_s, args: SearchArgs, { shop }) =>
    paginate(sortBy(applySearch(shop.inventoryItems, args.query, "inventoryItems", inventoryItemFilters(shop)), (i) => i.id), args, "inventoryItems"),
  inventoryItem: (_s, args: { id: string }, { shop }) => itemById(shop, idArgument(args.id, "InventoryItem")),
  inventoryLevel: (_s, args: { id: string }, { shop }) => levelById(shop, idArgument(args.id, "InventoryLevel")),

  node: (_s, args: { id: string }, ctx) => nodeById(ctx, args.id),
  nodes: (_s, args: { ids: string[] }, ctx) => args.ids.map((id) => nodeById(ctx, id)),

  // App-specific subscriptions (declared in shopify.app.toml) are not returned by this query in
  // Shopify; only shop-specific ones created through webhookSubscriptionCreate are, and the
  // emulator has no such mutation yet, so the list is empty.
  webhookSubscriptions: (_s, args: ConnectionArgs) => paginate([], args, "webhookSubscriptions"),
  webhookSubscription: () => null,
  webhookSubscriptionsCount: () => count(0),
  ...(orderQueries as unknown as TypeResolvers<unknown>),
  ...(customerQueries as unknown as TypeResolvers<unknown>),
  ...(bulkQueries as unknown as TypeResolvers<unknown>),
};

function nodeById(ctx: AdminContext, id: string): unknown {
  const { shop } = ctx;
  const parsed = parseGid(id);
  if (!parsed) throw new AdminApiError(`Invalid id: ${id}`, "RESOURCE_NOT_FOUND");
  switch (parsed.type) {
    case "Shop":
      return parsed.id === shop.id ? shop : null;
    case "Location":
      return locationById(shop, parsed.id);
    case "Product":
      return productById(shop, parsed.id);
    case "ProductVariant":
      return variantById(shop, parsed.id);
    case "InventoryItem":
      return itemById(shop, parsed.id);
    case "InventoryLevel":
      return levelById(shop, parsed.id);
    case "BulkOperation":
      return recordOf(shop, "BulkOperation", parsed.id);
    case "Customer":
      return customerNode(shop, parsed.type, parsed.id);
    default: {
      const record = orderNode(shop, parsed.type, parsed.id);
      if (record === undefined) throw new NotImplementedError(`node(id:) for ${parsed.type} ids`);
      // An order older than 60 days is not found without read_all_orders (access.ts).
      if (parsed.type === "Order" && record !== null && !orderVisible(record as { createdAt: Date }, ctx.scopes, ctx.now)) return null;
      return record;
    }
  }
}

// Mutations change state only as the matching merchant or app action does in Shopify.
const Mutation: TypeResolvers<unknown> = {
  // The app uninstalling itself (Tenon's "Disconnect"): tokens are revoked at once and
  // app/uninstalled follows asynchronously, as in Shopify.
  appUninstall: (_s, _a, { app, actions }) => {
    actions.uninstallApp();
    return { app, userErrors: [] };
  },
  ...(inventoryMutations as unknown as TypeResolvers<unknown>),
  ...(orderMutations as unknown as TypeResolvers<unknown>),
  ...(orderChangeMutations as unknown as TypeResolvers<unknown>),
  ...(fulfillmentMutations as unknown as TypeResolvers<unknown>),
  ...(returnMutations as unknown as TypeResolvers<unknown>),
  ...(locationMutations as unknown as TypeResolvers<unknown>),
  ...(bulkMutations as unknown as TypeResolvers<unknown>),
  ...(productMutations as unknown as TypeResolvers<unknown>),
};

const App: TypeResolvers<AppConfig> = {
  // Shopify's app ids are numbers; derive a stable one from the API key.
  id: (a) => gid("App", parseInt(createHash("sha256").update(a.apiKey).digest("hex").slice(0, 8), 16)),
  title: (a) => a.name,
  handle: (a) => a.handle,
  apiKey: (a) => a.apiKey,
};

const Shop: TypeResolvers<ShopState> = {
  id: (s) => gid("Shop", s.id),
  name: (s) => s.name,
  email: (s) => s.email,
  contactEmail: (s) => s.email,
  myshopifyDomain: (s) => s.domain,
  url: (s) => `https://${s.domain}`,
  currencyCode: (s) => s.currencyCode,
  enabledPresentmentCurrencies: (s) => [s.currencyCode],
  ianaTimezone: (s) => s.ianaTimezone,
  taxesIncluded: (s) => s.taxesIncluded,
  weightUnit: (s) => s.weightUnit,
  unitSystem: (s) => (s.weightUnit === "KILOGRAMS" || s.weightUnit === "GRAMS" ? "METRIC_SYSTEM" : "IMPERIAL_SYSTEM"),
  shopOwnerName: (s) => {
    const owner = must(s.staff.find((m) => m.accountOwner), "account owner");
    return `${owner.firstName} ${owner.lastName}`;
  },
  plan: (s) => ({
    displayName: s.plan.displayName,
    publicDisplayName: s.plan.displayName,
    partnerDevelopment: s.plan.partnerDevelopment,
    shopifyPlus: s.plan.shopifyPlus,
  }),
  createdAt: (s) => iso(s.createdAt),
  updatedAt: (s) => iso(s.updatedAt),
};

function formattedAddress(address: LocationRecord["address"]): string[] {
  const cityLine = [address.zip, address.city].filter(Boolean).join(" ");
  return [address.address1, address.address2, cityLine, address.country].filter((line): line is string => Boolean(line));
}

const Location: TypeResolvers<LocationRecord> = {
  id: (l) => gid("Location", l.id),
  legacyResourceId: (l) => String(l.id),
  name: (l) => l.name,
  isActive: (l) => l.isActive,
  isPrimary: (l, _a, { shop }) => primaryLocation(shop)?.id === l.id,
  fulfillsOnlineOrders: (l) => l.fulfillsOnlineOrders,
  shipsInventory: (l) => l.shipsInventory,
  hasActiveInventory: (l, _a, { shop }) => shop.inventoryLevels.some((level) => level.locationId === l.id && level.isActive),
  // Merchant-managed locations only: fulfillment-service locations are not modelled yet.
  isFulfillmentService: () => false,
  fulfillmentService: () => null,
  activatable: (l) => !l.isActive,
  deactivatable: (l) => l.isActive,
  deletable: (l) => !l.isActive,
  deactivatedAt: (l) => iso(l.deactivatedAt),
  address: (l) => ({ ...l.address, formatted: formattedAddress(l.address) }),
  createdAt: (l) => iso(l.createdAt),
  updatedAt: (l) => iso(l.updatedAt),
  inventoryLevels: (l, args: SearchArgs & { includeInactive?: boolean | null }, { shop }) =>
    paginate(levelsFor(shop, shop.inventoryLevels.filter((level) => level.locationId === l.id), args), args, "inventoryLevels"),
  inventoryLevel: (l, args: { inventoryItemId: string; includeInactive?: boolean | null }, { shop }) => {
    const itemId = idArgument(args.inventoryItemId, "InventoryItem");
    return shop.inventoryLevels.find((level) => level.locationId === l.id && level.inventoryItemId === itemId && (level.isActive || args.includeInactive)) ?? null;
  },
};

const Product: TypeResolvers<ProductRecord> = {
  id: (p) => gid("Product", p.id),
  legacyResourceId: (p) => String(p.id),
  title: (p) => p.title,
  handle: (p) => p.handle,
  status: (p) => p.status,
  productType: (p) => p.productType,
  vendor: (p) => p.vendor,
  tags: (p) => p.tags,
  descriptionHtml: (p) => p.descriptionHtml,
  description: (p, args: { truncateAt?: number | null }) => {
    const plain = p.descriptionHtml.replace(/<[^>]*>/g, "").trim();
    return args.truncateAt && plain.length > args.truncateAt ? `${plain.slice(0, args.truncateAt)}…` : plain;
  },
  createdAt: (p) => iso(p.createdAt),
  updatedAt: (p) => iso(p.updatedAt),
  isGiftCard: () => false,
  hasOnlyDefaultVariant: (p, _a, { shop }) => {
    const variants = variantsOf(shop, p);
    return variants.length === 1 && variants[0]?.title === "Default Title";
  },
  tracksInventory: (p, _a, { shop }) => variantsOf(shop, p).some((v) => itemOf(shop, v).tracked),
  totalInventory: (p, _a, { shop }) =>
    variantsOf(shop, p)
      .filter((v) => itemOf(shop, v).tracked)
      .reduce((sum, v) => sum + availableOf(shop, v), 0),
  hasVariantsThatRequiresComponents: (p, _a, { shop }) => variantsOf(shop, p).some((v) => v.components.length > 0),
  variants: (p, args: SearchArgs, { shop }) => paginate(variantsFor(shop, variantsOf(shop, p), args, "POSITION"), args, "variants"),
  variantsCount: (p) => count(p.variantIds.length),
  options: (p, args: { first?: number | null }, { shop }) =>
    productOptions(shop, p)
      .slice(0, args.first ?? undefined)
      .map((o, i) => ({
        id: gid("ProductOption", p.id * 10 + i + 1),
        name: o.name,
        position: i + 1,
        values: o.values,
        optionValues: o.values.map((value, v) => ({ id: gid("ProductOptionValue", p.id * 1000 + (i + 1) * 100 + v), name: value, hasVariants: true })),
      })),
};

const ProductVariant: TypeResolvers<VariantRecord> = {
  id: (v) => gid("ProductVariant", v.id),
  legacyResourceId: (v) => String(v.id),
  title: (v) => v.title,
  displayName: (v, _a, { shop }) => `${productOf(shop, v).title} - ${v.title}`,
  sku: (v) => v.sku,
  barcode: (v) => v.barcode,
  price: (v) => v.price,
  compareAtPrice: (v) => v.compareAtPrice,
  position: (v) => v.position,
  taxable: (v) => v.taxable,
  inventoryPolicy: (v) => v.inventoryPolicy,
  inventoryQuantity: (v, _a, { shop }) => availableOf(shop, v),
  sellableOnlineQuantity: (v, _a, { shop }) => availableOf(shop, v, (location) => location.fulfillsOnlineOrders),
  availableForSale: (v, _a, { shop }) => {
    const product = productOf(shop, v);
    const item = itemOf(shop, v);
    return product.status === "ACTIVE" && (!item.tracked || v.inventoryPolicy === "CONTINUE" || availableOf(shop, v) > 0);
  },
  selectedOptions: (v) => v.selectedOptions.map((o) => ({ name: o.name, value: o.value })),
  product: (v, _a, { shop }) => productOf(shop, v),
  inventoryItem: (v, _a, { shop }) => itemOf(shop, v),
  requiresComponents: (v) => v.components.length > 0,
  productVariantComponents: (v, args: ConnectionArgs) =>
    paginate(
      v.components.map((c) => ({ ...c, __typename: "ProductVariantComponent" as const })),
      args,
      "productVariantComponents",
    ),
  createdAt: (v) => iso(v.createdAt),
  updatedAt: (v) => iso(v.updatedAt),
};

const ProductVariantComponent: TypeResolvers<{ id: number; variantId: number; quantity: number }> = {
  id: (c) => gid("ProductVariantComponent", c.id),
  quantity: (c) => c.quantity,
  productVariant: (c, _a, { shop }) => must(variantById(shop, c.variantId), `component variant ${c.variantId}`),
};

const InventoryItem: TypeResolvers<InventoryItemRecord> = {
  id: (i) => gid("InventoryItem", i.id),
  legacyResourceId: (i) => String(i.id),
  // The SKU belongs to the variant in Shopify's UI; the API shows it on both.
  sku: (i, _a, { shop }) => variantOfItem(shop, i).sku,
  tracked: (i) => i.tracked,
  requiresShipping: (i) => i.requiresShipping,
  unitCost: (i, _a, { shop }) => (i.unitCost === null ? null : { amount: i.unitCost, currencyCode: shop.currencyCode }),
  createdAt: (i) => iso(i.createdAt),
  updatedAt: (i) => iso(i.updatedAt),
  variant: (i, _a, { shop }) => variantOfItem(shop, i),
  duplicateSkuCount: (i, _a, { shop }) => {
    const sku = variantOfItem(shop, i).sku;
    return sku === null ? 0 : shop.variants.filter((v) => v.sku === sku && v.inventoryItemId !== i.id).length;
  },
  locationsCount: (i, _a, { shop }) => count(levelsOfItem(shop, i.id).filter((l) => l.isActive).length),
  inventoryLevels: (i, args: SearchArgs & { includeInactive?: boolean | null }, { shop }) =>
    paginate(levelsFor(shop, levelsOfItem(shop, i.id), args), args, "inventoryLevels"),
  inventoryLevel: (i, args: { locationId: string; includeInactive?: boolean | null }, { shop }) => {
    const locationId = idArgument(args.locationId, "Location");
    return levelsOfItem(shop, i.id).find((l) => l.locationId === locationId && (l.isActive || args.includeInactive)) ?? null;
  },
};

const InventoryLevel: TypeResolvers<InventoryLevelRecord> = {
  id: (l) => gid("InventoryLevel", l.id, { inventory_item_id: l.inventoryItemId }),
  isActive: (l) => l.isActive,
  // Shopify refuses to deactivate a level with committed or incoming stock.
  canDeactivate: (l) => quantityOf(l, "committed") === 0 && quantityOf(l, "incoming") === 0,
  createdAt: (l) => iso(l.createdAt),
  updatedAt: (l) => iso(l.updatedAt),
  item: (l, _a, { shop }) => must(itemById(shop, l.inventoryItemId), `inventory item ${l.inventoryItemId}`),
  location: (l, _a, { shop }) => must(locationById(shop, l.locationId), `location ${l.locationId}`),
  quantities: (l, args: { names: string[] }) => {
    if (args.names.length > QUANTITY_NAMES.length) {
      throw new AdminApiError(`At most ${QUANTITY_NAMES.length} quantity names may be requested`, "BAD_REQUEST");
    }
    return args.names.map((name) => {
      if (!isQuantityName(name)) {
        throw new AdminApiError(`The quantity name '${name}' is not valid. Valid names: ${QUANTITY_NAMES.join(", ")}`, "INVALID_QUANTITY_NAME");
      }
      return {
        id: gid("InventoryQuantity", l.id, { inventory_item_id: l.inventoryItemId, name }),
        name,
        quantity: quantityOf(l, name),
        updatedAt: iso(l.updatedAt),
      };
    });
  },
};

/**
 * Every MoneyV2 is built as `{amount, currencyCode}`; its amount is a Decimal, answered without
 * trailing zeros ("526.0") however the record keeps it (state.ts keeps "526.00").
 */
const MoneyV2 = {
  amount: (m: { amount: string | number }) => decimalAmount(m.amount),
  currencyCode: (m: { currencyCode: string }) => m.currencyCode,
};

export const resolvers: Record<string, TypeResolvers<never>> = {
  QueryRoot,
  MoneyV2,
  Mutation,
  App,
  Shop,
  Location,
  Product,
  ProductVariant,
  ProductVariantComponent,
  InventoryItem,
  InventoryLevel,
  ...(inventoryTypes as unknown as Record<string, TypeResolvers<never>>),
  ...(orderTypes as unknown as Record<string, TypeResolvers<never>>),
  ...(orderChangeTypes as unknown as Record<string, TypeResolvers<never>>),
  ...(fulfillmentTypes as unknown as Record<string, TypeResolvers<never>>),
  ...(returnTypes as unknown as Record<string, TypeResolvers<never>>),
  ...(bulkTypes as unknown as Record<string, TypeResolvers<never>>),
  ...(customerTypes as unknown as Record<string, TypeResolvers<never>>),
  Order: { ...orderTypes.Order, ...orderChangeFields, ...orderReturnFields } as unknown as TypeResolvers<never>,
  FulfillmentOrder: { ...orderTypes.FulfillmentOrder, ...fulfillmentOrderFields } as unknown as TypeResolvers<never>,
};

/**
 * graphql-js calls this for every field (the schema comes from introspection and has no
 * resolvers of its own).
 */
export function fieldResolver(source: unknown, args: unknown, context: AdminContext, info: GraphQLResolveInfo): unknown {
  // A scope the store has not granted first (ACCESS_DENIED naming the scope), then protected
  // customer data the app is not approved for (graphql/protected-data.ts).
  checkFieldAccess(info, context.scopes);
  checkProtectedAccess(context.app.protectedCustomerData, args as Record<string, unknown>, info);
  return checkReturnedAccess(info, context.scopes, resolveField(source, args, context, info));
}

function resolveField(source: unknown, args: unknown, context: AdminContext, info: GraphQLResolveInfo): unknown {
  const typeResolvers = resolvers[info.parentType.name];
  if (typeResolvers) {
    // Resolvers are stored with their own source and argument types; graphql-js guarantees them.
    const resolve = typeResolvers[info.fieldName] as
      | ((source: unknown, args: unknown, context: AdminContext, info: GraphQLResolveInfo) => unknown)
      | undefined;
    if (!resolve) throw fieldNotImplemented(info.parentType.name, info.fieldName);
    return resolve(source, args, context, info);
  }
  if (source !== null && typeof source === "object" && Object.hasOwn(source, info.fieldName)) {
    return (source as Record<string, unknown>)[info.fieldName];
  }
  throw fieldNotImplemented(info.parentType.name, info.fieldName);
}

registerBulkFieldResolver(fieldResolver);
