import { Prisma } from "@prisma/client";
import { z } from "zod";
import type { Db } from "~/db/client";
import { validateBom } from "~/domain/kit-potential";
import { fail, invalidInput, ok, type Result } from "../result";
import { scheduleStockPushPlan } from "../stock/stock-push-trigger.server";

/**
 * Products and variants. A variant's code is its SKU: trimmed, case-sensitive, optional.
 * Several variants may share a code (Tenon warns); the newest of them is the one synced.
 */

const money = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === "string" ? v.trim() : String(v)))
  .refine((v) => v === "" || /^\d+(\.\d{1,4})?$/.test(v), "Enter an amount like 12.50 (up to 4 decimals, not negative).")
  .transform((v) => (v === "" ? null : v));

export const VariantInput = z.object({
  id: z.string().optional(),
  name: z.string().trim().max(200).default(""),
  code: z
    .string()
    .trim()
    .max(255, "Keep the code under 255 characters.")
    .transform((v) => (v === "" ? null : v))
    .nullish(),
  salesPrice: money.nullish(),
  cost: money.nullish(),
});

export const ProductInput = z.object({
  name: z.string().trim().min(1, "Give the product a name.").max(255),
  kind: z.enum(["physical", "service"]).default("physical"),
  batchTracked: z.boolean().default(false),
  defaultDeliveryDays: z.coerce
    .number({ invalid_type_error: "Enter a number of days." })
    .int("Enter whole days.")
    .min(0, "Delivery time cannot be negative.")
    .max(3650)
    .default(0),
  variants: z.array(VariantInput).min(1, "A product needs at least one variant.").max(100),
});

export type ProductInputData = z.input<typeof ProductInput>;

export async function createProduct(
  db: Db,
  accountId: string,
  input: unknown,
): Promise<Result<{ productId: string; variantIds: string[]; sharedCodes: string[] }>> {
  const parsed = ProductInput.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  const { variants, ...product } = parsed.data;
  if (product.kind === "service" && product.batchTracked) {
    return fail("INPUT_INVALID", "Some fields need attention.", { batchTracked: "Services are not kept in stock, so they cannot be batch-tracked." });
  }
  const created = await db.product.create({
    data: {
      accountId,
      ...product,
      variants: {
        create: variants.map((v) => ({
          accountId,
          name: v.name,
          code: v.code ?? null,
          salesPrice: v.salesPrice ?? null,
          cost: v.cost ?? null,
        })),
      },
    },
    include: { variants: { orderBy: { createdAt: "asc" } } },
  });
  const codes = variants.map((v) => v.code).filter((c): c is string => !!c);
  return ok({
    productId: created.id,
    variantIds: created.variants.map((v) => v.id),
    sharedCodes: await sharedCodes(db, accountId, codes),
  });
}

/** Codes that more than one variant of the account carries (to warn about). */
export async function sharedCodes(db: Db, accountId: string, codes: string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const groups = await db.variant.groupBy({
    by: ["code"],
    where: { accountId, code: { in: codes } },
    _count: { _all: true },
  });
  return groups.filter((g) => g._count._all > 1 && g.code !== null).map((g) => g.code!);
}

/** The variant synced for a code: the newest of those that carry it. */
export async function variantForCode(db: Db, accountId: string, code: string) {
  return db.variant.findFirst({
    where: { accountId, code: code.trim() },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
}

export interface ProductListItem {
  id: string;
  name: string;
  kind: string;
  batchTracked: boolean;
  variants: { id: string; name: string; code: string | null; salesPrice: string | null; isKit: boolean }[];
}

export const PAGE_SIZE = 50;

/** Products matching a search (name or variant code), newest first, one page at a time. */
export async function listProducts(
  db: Db,
  accountId: string,
  options: { search?: string; kind?: "physical" | "service"; page?: number },
): Promise<{ items: ProductListItem[]; total: number; page: number; pageCount: number }> {
  const search = options.search?.trim();
  const where: Prisma.ProductWhereInput = {
    accountId,
    ...(options.kind ? { kind: options.kind } : {}),
    ...(search ? { OR: [{ name: { contains: search } }, { variants: { some: { code: { contains: search } } } }] } : {}),
  };
  const page = Math.max(1, options.page ?? 1);
  const [total, products] = await Promise.all([
    db.product.count({ where }),
    db.product.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      include: { variants: { orderBy: { createdAt: "asc" }, include: { _count: { select: { components: true } } } } },
    }),
  ]);
  return {
    total,
    page,
    pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    items: products.map((p) => ({
      id: p.id,
      name: p.name,
      kind: p.kind,
      batchTracked: p.batchTracked,
      variants: p.variants.map((v) => ({
        id: v.id,
        name: v.name,
        code: v.code,
        salesPrice: v.salesPrice?.toFixed(2) ?? null,
        isKit: v._count.components > 0,
      })),
    })),
  };
}

/**
 * Makes a variant a kit: replaces its bill of materials. Refuses a kit containing itself (also
 * through other kits), a component listed twice, a service component or a bad quantity, with
 * the line at fault. An empty list turns the kit back into a plain variant.
 */
export async function setKitComponents(
  db: Db,
  accountId: string,
  kitVariantId: string,
  lines: { variantId: string; quantityPerKit: unknown }[],
): Promise<Result<{ components: number }>> {
  const kit = await db.variant.findFirst({ where: { id: kitVariantId, accountId } });
  if (!kit) return fail("VARIANT_NOT_FOUND", "This item does not exist (any more).");
  const variants = await db.variant.findMany({
    where: { accountId, id: { in: lines.map((l) => l.variantId) } },
    include: { product: true },
  });
  const fieldErrors: Record<string, string> = {};
  lines.forEach((line, i) => {
    if (!variants.some((v) => v.id === line.variantId)) fieldErrors[`components.${i}.variantId`] = "This item does not exist (any more).";
  });
  if (Object.keys(fieldErrors).length > 0) return fail("INPUT_INVALID", "Some fields need attention.", fieldErrors);
  const existing = await db.bomLine.findMany({
    where: { kitVariant: { accountId } },
    select: { kitVariantId: true, componentVariantId: true },
  });
  const existingBoms = new Map<string, string[]>();
  for (const line of existing) existingBoms.set(line.kitVariantId, [...(existingBoms.get(line.kitVariantId) ?? []), line.componentVariantId]);
  const validation = validateBom({
    kitVariantId,
    lines: lines.map((line) => ({
      variantId: line.variantId,
      quantityPerKit: line.quantityPerKit,
      isService: variants.find((v) => v.id === line.variantId)?.product.kind === "service",
    })),
    existingBoms,
    labels: new Map(variants.map((v) => [v.id, v.code ?? v.name ?? v.product.name])),
  });
  if (!validation.ok) {
    for (const problem of validation.problems) fieldErrors[`components.${problem.line}`] ??= problem.message;
    return fail("BOM_INVALID", "The bill of materials needs attention.", fieldErrors);
  }
  await db.$transaction(async (tx) => {
    await tx.bomLine.deleteMany({ where: { kitVariantId } });
    if (validation.components.length > 0) {
      await tx.bomLine.createMany({
        data: validation.components.map((c) => ({ kitVariantId, componentVariantId: c.variantId, quantity: c.quantityPerKit })),
      });
    }
    // The kit's potential changes everywhere its components are stocked.
    const locations = await tx.location.findMany({ where: { accountId, deletedAt: null }, select: { id: true } });
    await tx.stockEvent.createMany({ data: locations.map((l) => ({ accountId, variantId: kitVariantId, locationId: l.id })) });
    await scheduleStockPushPlan(tx, accountId);
  });
  return ok({ components: validation.components.length });
}

/** A product with its variants and each variant's bill of materials (for the product page). */
export async function getProduct(db: Db, accountId: string, productId: string) {
  const product = await db.product.findFirst({
    where: { id: productId, accountId },
    include: {
      variants: {
        orderBy: { createdAt: "asc" },
        include: {
          components: {
            orderBy: { id: "asc" },
            include: { componentVariant: { select: { id: true, name: true, code: true, product: { select: { name: true } } } } },
          },
        },
      },
    },
  });
  if (!product) return null;
  return {
    id: product.id,
    name: product.name,
    kind: product.kind,
    batchTracked: product.batchTracked,
    defaultDeliveryDays: product.defaultDeliveryDays,
    createdAt: product.createdAt,
    variants: product.variants.map((v) => ({
      id: v.id,
      name: v.name,
      code: v.code,
      salesPrice: v.salesPrice?.toString() ?? null,
      cost: v.cost?.toString() ?? null,
      components: v.components.map((c) => ({
        variantId: c.componentVariantId,
        label: variantLabel(c.componentVariant),
        quantityPerKit: c.quantity.toString(),
      })),
    })),
  };
}

/** How a variant reads in a picker or a row: "Oak stool — Large (STOOL-L)". */
export function variantLabel(variant: { name: string; code: string | null; product: { name: string } }): string {
  const name = [variant.product.name, variant.name].filter(Boolean).join(" — ");
  return variant.code ? `${name} (${variant.code})` : name;
}

export interface VariantOption {
  id: string;
  label: string;
  kind: string;
  batchTracked: boolean;
  salesPrice: string | null;
}

export const VARIANT_OPTION_LIMIT = 500;

/**
 * Variants to choose from in a form (order rows, kit components, stock actions), by product
 * name. Capped: a larger catalogue narrows the choice with `search`.
 */
export async function listVariantOptions(
  db: Db,
  accountId: string,
  options: { search?: string; kind?: "physical" | "service" } = {},
): Promise<VariantOption[]> {
  const search = options.search?.trim();
  const variants = await db.variant.findMany({
    where: {
      accountId,
      ...(options.kind ? { product: { kind: options.kind } } : {}),
      ...(search ? { OR: [{ code: { contains: search } }, { product: { name: { contains: search } } }] } : {}),
    },
    orderBy: [{ product: { name: "asc" } }, { createdAt: "asc" }],
    take: VARIANT_OPTION_LIMIT,
    select: { id: true, name: true, code: true, salesPrice: true, product: { select: { name: true, kind: true, batchTracked: true } } },
  });
  return variants.map((v) => ({
    id: v.id,
    label: variantLabel(v),
    kind: v.product.kind,
    batchTracked: v.product.batchTracked,
    salesPrice: v.salesPrice?.toString() ?? null,
  }));
}
