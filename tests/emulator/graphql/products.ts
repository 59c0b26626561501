/**
 * Products as an app creates and syncs them: `productCreate` (a product with its one initial
 * variant) and `productSet` (create or update a product with its options and the full list of
 * its variants: SKUs, prices, `inventoryItem { cost tracked requiresShipping sku }`,
 * `inventoryQuantities`). Variants left out of a productSet's list are deleted, as in Shopify;
 * variants without an id are matched to existing ones by their option values.
 * Webhooks: products/create, products/update (and inventory_levels/update for quantities set).
 *
 * Input fields the emulator does not model (metafields, media/files, collections, SEO …) answer a
 * "not implemented" error naming them rather than being dropped silently.
 */
import { indexRecord, levelsOfItem, normalizeMoney, primaryLocation, recordOf, type InventoryItemRecord, type InventoryLevelRecord, type LocationRecord, type ProductRecord, type ShopState, type VariantRecord } from "../state";
import { NotImplementedError } from "./errors";
import { idArgument, parseGid } from "./ids";
import type { AdminContext } from "./resolvers";

/** Shopify's default limit of variants per product. */
export const MAX_VARIANTS_PER_PRODUCT = 2048;
const MAX_OPTIONS = 3;
const MAX_INVENTORY_QUANTITIES = 50_000;

interface ProductFieldsInput {
  title?: string | null;
  handle?: string | null;
  status?: ProductRecord["status"] | null;
  productType?: string | null;
  vendor?: string | null;
  tags?: string[] | null;
  descriptionHtml?: string | null;
}
interface OptionInput {
  id?: string | null;
  name?: string | null;
  position?: number | null;
  values?: { id?: string | null; name?: string | null }[] | null;
}
interface InventoryItemInput {
  cost?: string | number | null;
  tracked?: boolean | null;
  requiresShipping?: boolean | null;
  sku?: string | null;
}
interface VariantSetInput {
  id?: string | null;
  sku?: string | null;
  barcode?: string | null;
  price?: string | number | null;
  compareAtPrice?: string | number | null;
  position?: number | null;
  taxable?: boolean | null;
  inventoryPolicy?: "DENY" | "CONTINUE" | null;
  inventoryItem?: InventoryItemInput | null;
  inventoryQuantities?: { locationId: string; name: string; quantity: number }[] | null;
  optionValues: { id?: string | null; name?: string | null; optionId?: string | null; optionName?: string | null; linkedMetafieldValue?: string | null }[];
}
type ProductSetInput = ProductFieldsInput & { id?: string | null; productOptions?: OptionInput[] | null; variants?: VariantSetInput[] | null };

type ProductSetUserError = { field: string[]; message: string; code: string };

const UNMODELLED_PRODUCT_FIELDS = [
  "category",
  "claimOwnership",
  "collections",
  "collectionsToJoin",
  "combinedListingRole",
  "files",
  "giftCard",
  "giftCardTemplateSuffix",
  "metafields",
  "redirectNewHandle",
  "requiresSellingPlan",
  "seo",
  "templateSuffix",
];
const UNMODELLED_VARIANT_FIELDS = ["file", "metafields", "published", "showUnitPrice", "taxCode", "unitPriceMeasurement"];
const UNMODELLED_ITEM_FIELDS = ["countryCodeOfOrigin", "countryHarmonizedSystemCodes", "harmonizedSystemCode", "measurement", "provinceCodeOfOrigin"];

function refuseUnmodelled(input: object, fields: string[], where: string): void {
  for (const field of fields) {
    const value = (input as Record<string, unknown>)[field];
    if (value !== undefined && value !== null && !(field === "requiresComponents" && value === false)) {
      throw new NotImplementedError(`${where} { ${field} }`);
    }
  }
}

function slug(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** A handle from the title, made unique with a numeric suffix as Shopify does. */
function uniqueHandle(shop: ShopState, base: string): string {
  const root = base || "product";
  let candidate = root;
  for (let n = 1; shop.products.some((p) => p.handle === candidate); n++) candidate = `${root}-${n}`;
  return candidate;
}

const money = (value: string | number) => normalizeMoney(String(value));

function newProduct(ctx: AdminContext, fields: ProductFieldsInput & { title: string }, handle: string): ProductRecord {
  const product: ProductRecord = {
    __typename: "Product",
    id: ctx.ids.take(),
    title: fields.title,
    handle,
    status: fields.status ?? "ACTIVE",
    productType: fields.productType ?? "",
    vendor: fields.vendor ?? ctx.shop.name,
    tags: fields.tags ?? [],
    descriptionHtml: fields.descriptionHtml ?? "",
    createdAt: ctx.now,
    updatedAt: ctx.now,
    variantIds: [],
  };
  ctx.shop.products.push(product);
  indexRecord(ctx.shop, product);
  return product;
}

function applyProductFields(product: ProductRecord, fields: ProductFieldsInput): void {
  if (fields.title) product.title = fields.title;
  if (fields.status) product.status = fields.status;
  if (fields.productType !== undefined && fields.productType !== null) product.productType = fields.productType;
  if (fields.vendor !== undefined && fields.vendor !== null) product.vendor = fields.vendor;
  if (fields.tags) product.tags = [...new Set(fields.tags.map((t) => t.trim()).filter(Boolean))];
  if (fields.descriptionHtml !== undefined && fields.descriptionHtml !== null) product.descriptionHtml = fields.descriptionHtml;
}

/** A new variant with its inventory item (and a level at the primary location unless told where). */
function newVariant(ctx: AdminContext, product: ProductRecord, options: { name: string; value: string }[]): VariantRecord {
  const variantId = ctx.ids.take();
  const item: InventoryItemRecord = {
    __typename: "InventoryItem",
    id: ctx.ids.take(),
    variantId,
    tracked: true,
    requiresShipping: true,
    unitCost: null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  const variant: VariantRecord = {
    __typename: "ProductVariant",
    id: variantId,
    productId: product.id,
    position: product.variantIds.length + 1,
    title: options.length === 0 ? "Default Title" : options.map((o) => o.value).join(" / "),
    sku: null,
    barcode: null,
    price: "0.00",
    compareAtPrice: null,
    selectedOptions: options.length === 0 ? [{ name: "Title", value: "Default Title" }] : options,
    taxable: true,
    inventoryPolicy: "DENY",
    inventoryItemId: item.id,
    components: [],
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  ctx.shop.variants.push(variant);
  ctx.shop.inventoryItems.push(item);
  indexRecord(ctx.shop, variant);
  indexRecord(ctx.shop, item);
  product.variantIds.push(variant.id);
  return variant;
}

function addLevel(ctx: AdminContext, itemId: number, locationId: number): InventoryLevelRecord {
  const level: InventoryLevelRecord = {
    __typename: "InventoryLevel",
    id: ctx.ids.take(),
    inventoryItemId: itemId,
    locationId,
    isActive: true,
    quantities: { available: 0, committed: 0, reserved: 0, damaged: 0, quality_control: 0, safety_stock: 0, incoming: 0 },
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  ctx.shop.inventoryLevels.push(level);
  indexRecord(ctx.shop, level);
  return level;
}

function deleteVariants(shop: ShopState, doomed: VariantRecord[]): void {
  if (doomed.length === 0) return;
  const variantIds = new Set(doomed.map((v) => v.id));
  const itemIds = new Set(doomed.map((v) => v.inventoryItemId));
  shop.variants = shop.variants.filter((v) => !variantIds.has(v.id));
  shop.inventoryItems = shop.inventoryItems.filter((i) => !itemIds.has(i.id));
  shop.inventoryLevels = shop.inventoryLevels.filter((l) => {
    if (!itemIds.has(l.inventoryItemId)) return true;
    shop.index.byId.delete(l.id);
    return false;
  });
  for (const id of [...variantIds, ...itemIds]) shop.index.byId.delete(id);
  for (const id of itemIds) shop.index.levelsByItem.delete(id);
}

/** Compares option selections; a product without options has the one option Title: Default Title. */
const optionKey = (options: { name: string; value: string }[]) =>
  (options.length === 0 ? [{ name: "Title", value: "Default Title" }] : options).map((o) => `${o.name.toLowerCase()}=${o.value.toLowerCase()}`).join("|");

/** The options of a product as Shopify lists them: names in order, with the values in use. */
export function productOptions(shop: ShopState, product: ProductRecord): { name: string; values: string[] }[] {
  const options: { name: string; values: string[] }[] = [];
  for (const variantId of product.variantIds) {
    const variant = recordOf<VariantRecord>(shop, "ProductVariant", variantId);
    for (const selected of variant?.selectedOptions ?? []) {
      let option = options.find((o) => o.name === selected.name);
      if (!option) options.push((option = { name: selected.name, values: [] }));
      if (!option.values.includes(selected.value)) option.values.push(selected.value);
    }
  }
  return options;
}

function productSet(ctx: AdminContext, args: { input: ProductSetInput; identifier?: { id?: string | null; handle?: string | null; customId?: unknown } | null; synchronous?: boolean | null }) {
  const { input } = args;
  const fail = (errors: ProductSetUserError[]) => ({ product: null, productSetOperation: null, userErrors: errors });
  if (args.synchronous === false) throw new NotImplementedError("productSet(synchronous: false)", "the emulator runs productSet synchronously");
  if (args.identifier?.customId) throw new NotImplementedError("productSet(identifier: {customId})");
  refuseUnmodelled(input, UNMODELLED_PRODUCT_FIELDS, "productSet(input:)");

  // Which product: identifier.id / input.id (must exist), identifier.handle (upsert).
  let product: ProductRecord | null = null;
  const idValue = args.identifier?.id ?? input.id ?? null;
  if (idValue) {
    product = recordOf<ProductRecord>(ctx.shop, "Product", idArgument(idValue, "Product"));
    if (!product) return fail([{ field: ["input", "id"], message: "Product does not exist", code: "PRODUCT_DOES_NOT_EXIST" }]);
    if (args.identifier?.id && input.id && input.id !== args.identifier.id) {
      return fail([{ field: ["input", "id"], message: "The id in the input does not match the identifier", code: "INPUT_MISMATCH" }]);
    }
  } else if (args.identifier?.handle) {
    product = ctx.shop.products.find((p) => p.handle === args.identifier?.handle) ?? null;
    if (input.handle && input.handle !== args.identifier.handle) {
      return fail([{ field: ["input", "handle"], message: "The handle in the input does not match the identifier", code: "INPUT_MISMATCH" }]);
    }
  }
  const creating = product === null;
  const errors: ProductSetUserError[] = [];
  if (creating && !input.title?.trim()) errors.push({ field: ["input", "title"], message: "Title can't be blank", code: "INVALID_PRODUCT" });
  const wantedHandle = input.handle ?? (creating ? args.identifier?.handle : null) ?? null;
  if (wantedHandle && ctx.shop.products.some((p) => p.handle === wantedHandle && p !== product)) {
    errors.push({ field: ["input", "handle"], message: `Handle '${wantedHandle}' already in use. Please provide a new handle.`, code: "HANDLE_NOT_UNIQUE" });
  }

  // Options and variants: each variant names one value of every option.
  const optionInputs = input.productOptions ?? null;
  const variantInputs = input.variants ?? null;
  if (creating && variantInputs === null && optionInputs !== null) {
    errors.push({ field: ["input", "variants"], message: "Variants input is required when product options are given", code: "VARIANTS_INPUT_MISSING" });
  }
  if (variantInputs !== null && variantInputs.length > 0 && optionInputs === null && (creating || variantInputs.some((v) => v.optionValues.length > 0))) {
    errors.push({ field: ["input", "productOptions"], message: "Product options input is required when variants are given", code: "PRODUCT_OPTIONS_INPUT_MISSING" });
  }
  const currentOptions: OptionInput[] = product ? productOptions(ctx.shop, product).map((o) => ({ name: o.name, values: o.values.map((name) => ({ name })) })) : [];
  const options = (optionInputs ?? currentOptions).map((o, i) => {
    if (o.id) throw new NotImplementedError("productSet(input: {productOptions: {id}})", "name options and values instead");
    return { name: o.name?.trim() ?? "", values: (o.values ?? []).map((v) => v.name?.trim() ?? ""), index: i };
  });
  if (options.length > MAX_OPTIONS) errors.push({ field: ["input", "productOptions"], message: `Options over limit of ${MAX_OPTIONS}`, code: "OPTIONS_OVER_LIMIT" });
  const optionNames = new Set<string>();
  for (const option of options) {
    if (optionNames.has(option.name.toLowerCase())) {
      errors.push({ field: ["input", "productOptions", String(option.index), "name"], message: `Duplicated option name '${option.name}'`, code: "DUPLICATED_OPTION_NAME" });
    }
    optionNames.add(option.name.toLowerCase());
    if (option.values.length === 0) errors.push({ field: ["input", "productOptions", String(option.index), "values"], message: "Option values are missing", code: "OPTION_VALUES_MISSING" });
  }
  if (variantInputs && variantInputs.length > MAX_VARIANTS_PER_PRODUCT) {
    errors.push({ field: ["input", "variants"], message: `Variants over limit of ${MAX_VARIANTS_PER_PRODUCT}`, code: "VARIANTS_OVER_LIMIT" });
  }
  const quantityCount = (variantInputs ?? []).reduce((n, v) => n + (v.inventoryQuantities?.length ?? 0), 0);
  if (quantityCount > MAX_INVENTORY_QUANTITIES) {
    errors.push({ field: ["input", "variants"], message: `Inventory quantity input exceeds the limit of ${MAX_INVENTORY_QUANTITIES}`, code: "INVENTORY_QUANTITIES_LIMIT_EXCEEDED" });
  }

  const planned: { input: VariantSetInput; selected: { name: string; value: string }[]; existing: VariantRecord | null }[] = [];
  const seenCombinations = new Set<string>();
  (variantInputs ?? []).forEach((v, i) => {
    const field = (...rest: string[]) => ["input", "variants", String(i), ...rest];
    refuseUnmodelled(v, [...UNMODELLED_VARIANT_FIELDS, "requiresComponents"], "productSet(input: {variants})");
    if (v.inventoryItem) refuseUnmodelled(v.inventoryItem, UNMODELLED_ITEM_FIELDS, "productSet(input: {variants: {inventoryItem}})");
    const selected: { name: string; value: string }[] = [];
    for (const ov of v.optionValues) {
      if (ov.id || ov.optionId || ov.linkedMetafieldValue) throw new NotImplementedError("optionValues by id or linked metafield", "use optionName and name");
      const option = options.find((o) => o.name.toLowerCase() === (ov.optionName ?? "").trim().toLowerCase());
      if (!option) {
        errors.push({ field: field("optionValues"), message: `Option '${ov.optionName ?? ""}' does not exist`, code: "OPTION_DOES_NOT_EXIST" });
        continue;
      }
      const value = option.values.find((x) => x.toLowerCase() === (ov.name ?? "").trim().toLowerCase());
      if (value === undefined) {
        errors.push({ field: field("optionValues"), message: `Option value '${ov.name ?? ""}' does not exist for option '${option.name}'`, code: "OPTION_VALUE_DOES_NOT_EXIST" });
        continue;
      }
      selected.push({ name: option.name, value });
    }
    selected.sort((a, b) => options.findIndex((o) => o.name === a.name) - options.findIndex((o) => o.name === b.name));
    if (selected.length !== options.length && !errors.some((e) => e.field.join(".").startsWith(field().join(".")))) {
      errors.push({ field: field("optionValues"), message: "The variant must have a value for each option", code: "OPTION_VALUES_MISSING" });
    }
    const key = optionKey(selected);
    if (seenCombinations.has(key)) {
      errors.push({ field: field("optionValues"), message: `The variant '${selected.map((s) => s.value).join(" / ") || "Default Title"}' already exists.`, code: "DUPLICATED_OPTION_VALUE" });
    }
    seenCombinations.add(key);
    let existing: VariantRecord | null = null;
    if (v.id) {
      existing = recordOf<VariantRecord>(ctx.shop, "ProductVariant", idArgument(v.id, "ProductVariant"));
      if (!existing || existing.productId !== product?.id) {
        errors.push({ field: field("id"), message: "Product variant does not exist", code: "PRODUCT_VARIANT_DOES_NOT_EXIST" });
        existing = null;
      }
    } else if (product) {
      const productVariants = product.variantIds.map((id) => recordOf<VariantRecord>(ctx.shop, "ProductVariant", id)).filter((x): x is VariantRecord => x !== null);
      existing = productVariants.find((pv) => optionKey(pv.selectedOptions) === key) ?? null;
    }
    for (const [q, quantity] of (v.inventoryQuantities ?? []).entries()) {
      if (quantity.name !== "available" && quantity.name !== "on_hand") {
        errors.push({ field: field("inventoryQuantities", String(q), "name"), message: "The quantity name must be one of available or on_hand", code: "INVALID_INPUT" });
      }
      const location = recordOf<LocationRecord>(ctx.shop, "Location", parseGid(quantity.locationId)?.type === "Location" ? parseGid(quantity.locationId)!.id : null);
      if (!location?.isActive) {
        errors.push({ field: field("inventoryQuantities", String(q), "locationId"), message: "Location not found or inactive", code: "NOT_FOUND" });
      } else if (existing && !levelsOfItem(ctx.shop, existing.inventoryItemId).some((l) => l.locationId === location.id && l.isActive)) {
        errors.push({
          field: field("inventoryQuantities", String(q), "locationId"),
          message: "Quantities of an existing variant can only be set at locations where it is stocked",
          code: "INVALID_INPUT",
        });
      }
    }
    planned.push({ input: v, selected, existing });
  });
  if (errors.length > 0) return fail(errors);

  // Apply.
  if (!product) product = newProduct(ctx, { ...input, title: input.title!.trim() }, wantedHandle ?? uniqueHandle(ctx.shop, slug(input.title!)));
  else {
    applyProductFields(product, input);
    if (input.handle) product.handle = input.handle;
  }
  if (variantInputs !== null) {
    const keep = new Set(planned.map((p) => p.existing?.id).filter((id): id is number => id !== undefined));
    const current = product.variantIds.map((id) => recordOf<VariantRecord>(ctx.shop, "ProductVariant", id)).filter((x): x is VariantRecord => x !== null);
    deleteVariants(ctx.shop, current.filter((v) => !keep.has(v.id)));
    product.variantIds = [];
    const primary = primaryLocation(ctx.shop);
    planned.forEach((p, i) => {
      let variant = p.existing;
      const fresh = variant === null;
      if (!variant) variant = newVariant(ctx, product, p.selected);
      else {
        product.variantIds.push(variant.id);
        variant.selectedOptions = p.selected.length > 0 ? p.selected : [{ name: "Title", value: "Default Title" }];
        variant.title = p.selected.length > 0 ? p.selected.map((s) => s.value).join(" / ") : "Default Title";
      }
      applyVariantFields(ctx, variant, p.input);
      variant.position = p.input.position ?? i + 1;
      variant.updatedAt = ctx.now;
      const quantities = p.input.inventoryQuantities ?? [];
      if (fresh && quantities.length === 0 && primary) addLevel(ctx, variant.inventoryItemId, primary.id);
      for (const q of quantities) {
        const locationId = parseGid(q.locationId)!.id;
        const level = levelsOfItem(ctx.shop, variant.inventoryItemId).find((l) => l.locationId === locationId) ?? addLevel(ctx, variant.inventoryItemId, locationId);
        const before = level.quantities.available;
        const unavailable = level.quantities.reserved + level.quantities.damaged + level.quantities.quality_control + level.quantities.safety_stock;
        level.quantities.available = q.name === "available" ? q.quantity : q.quantity - level.quantities.committed - unavailable;
        level.isActive = true;
        level.updatedAt = ctx.now;
        if (level.quantities.available !== before && !fresh) ctx.emit({ topic: "inventory_levels/update", subject: level });
      }
    });
    product.variantIds.sort((a, b) => recordOf<VariantRecord>(ctx.shop, "ProductVariant", a)!.position - recordOf<VariantRecord>(ctx.shop, "ProductVariant", b)!.position);
    product.variantIds.forEach((id, i) => (recordOf<VariantRecord>(ctx.shop, "ProductVariant", id)!.position = i + 1));
  } else if (creating) {
    const variant = newVariant(ctx, product, []);
    const primary = primaryLocation(ctx.shop);
    if (primary) addLevel(ctx, variant.inventoryItemId, primary.id);
  }
  product.updatedAt = ctx.now;
  ctx.emit({ topic: creating ? "products/create" : "products/update", subject: product });
  return { product, productSetOperation: null, userErrors: [] };
}

function applyVariantFields(ctx: AdminContext, variant: VariantRecord, input: VariantSetInput): void {
  const item = recordOf<InventoryItemRecord>(ctx.shop, "InventoryItem", variant.inventoryItemId)!;
  const sku = input.sku !== undefined ? input.sku : input.inventoryItem?.sku;
  if (sku !== undefined) variant.sku = sku === null || sku.trim() === "" ? null : sku;
  if (input.barcode !== undefined) variant.barcode = input.barcode;
  if (input.price !== undefined && input.price !== null) variant.price = money(input.price);
  if (input.compareAtPrice !== undefined) variant.compareAtPrice = input.compareAtPrice === null ? null : money(input.compareAtPrice);
  if (input.taxable !== undefined && input.taxable !== null) variant.taxable = input.taxable;
  if (input.inventoryPolicy) variant.inventoryPolicy = input.inventoryPolicy;
  const itemInput = input.inventoryItem;
  if (itemInput) {
    if (itemInput.cost !== undefined) item.unitCost = itemInput.cost === null ? null : money(itemInput.cost);
    if (itemInput.tracked !== undefined && itemInput.tracked !== null) item.tracked = itemInput.tracked;
    if (itemInput.requiresShipping !== undefined && itemInput.requiresShipping !== null) item.requiresShipping = itemInput.requiresShipping;
    item.updatedAt = ctx.now;
  }
}

function productCreate(ctx: AdminContext, args: { product?: (ProductFieldsInput & { productOptions?: { name?: string | null; values?: { name?: string | null }[] | null }[] | null }) | null; input?: unknown; media?: unknown }) {
  if (args.input) throw new NotImplementedError("productCreate(input:)", "deprecated; use productCreate(product:)");
  if (args.media) throw new NotImplementedError("productCreate(media:)");
  const input = args.product ?? {};
  refuseUnmodelled(input, UNMODELLED_PRODUCT_FIELDS, "productCreate(product:)");
  const fail = (field: string[], message: string) => ({ product: null, shop: ctx.shop, userErrors: [{ field, message }] });
  const title = input.title?.trim();
  if (!title) return fail(["title"], "Title can't be blank");
  if (input.handle && ctx.shop.products.some((p) => p.handle === input.handle)) return fail(["handle"], `Handle '${input.handle}' already in use. Please provide a new handle.`);
  const options = (input.productOptions ?? []).map((o) => ({ name: o.name?.trim() ?? "", value: o.values?.[0]?.name?.trim() ?? "" }));
  if (options.length > MAX_OPTIONS) return fail(["productOptions"], `Options over limit of ${MAX_OPTIONS}`);
  if (options.some((o) => !o.name || !o.value)) return fail(["productOptions"], "Each option needs a name and at least one value");
  if ((input.productOptions ?? []).some((o) => (o.values?.length ?? 0) > 1)) {
    throw new NotImplementedError("productCreate with more than one value per option", "the emulator keeps options as the variants' values; create the other variants with productSet");
  }
  const product = newProduct(ctx, { ...input, title }, input.handle ?? uniqueHandle(ctx.shop, slug(title)));
  const variant = newVariant(ctx, product, options);
  const primary = primaryLocation(ctx.shop);
  if (primary) addLevel(ctx, variant.inventoryItemId, primary.id);
  ctx.emit({ topic: "products/create", subject: product });
  return { product, shop: ctx.shop, userErrors: [] };
}

export const productMutations = {
  productSet: (_s: unknown, args: Parameters<typeof productSet>[1], ctx: AdminContext) => productSet(ctx, args),
  productCreate: (_s: unknown, args: Parameters<typeof productCreate>[1], ctx: AdminContext) => productCreate(ctx, args),
};
