import type { Prisma } from "@prisma/client";
import type { Db } from "~/db/client";
import { pairKey } from "~/domain/stock-levels";
import { readStockLevels } from "./stock.server";

/**
 * The inventory overview: one line per stocked variant × location with In stock, Committed and
 * Available, and for kits the potential (how many complete kits the components allow). A page
 * reads its variants' levels in one `readStockLevels` call, never one query per line.
 */

export interface InventoryLine {
  variantId: string;
  productId: string;
  productName: string;
  variantName: string;
  code: string | null;
  batchTracked: boolean;
  isKit: boolean;
  locationId: string;
  locationName: string;
  inStock: string;
  committed: string;
  available: string;
  /** Kits only: complete kits the components' available stock allows here. */
  potential: number | null;
}

export interface InventoryQuery {
  search?: string;
  locationId?: string;
  page?: number;
}

export const INVENTORY_PAGE_SIZE = 50;
const EXPORT_CHUNK = 1_000;

function variantWhere(accountId: string, search: string | undefined): Prisma.VariantWhereInput {
  const text = search?.trim();
  return {
    accountId,
    product: { kind: "physical" },
    ...(text ? { OR: [{ code: { contains: text } }, { name: { contains: text } }, { product: { name: { contains: text } } }] } : {}),
  };
}

async function linesFor(
  db: Db,
  accountId: string,
  variants: { id: string; productId: string; name: string; code: string | null; product: { name: string; batchTracked: boolean }; _count: { components: number } }[],
  locations: { id: string; name: string }[],
): Promise<InventoryLine[]> {
  if (variants.length === 0 || locations.length === 0) return [];
  const { levels, kits } = await readStockLevels(db, accountId, {
    variantIds: variants.map((v) => v.id),
    locationIds: locations.map((l) => l.id),
  });
  const levelOf = new Map(levels.map((l) => [pairKey(l.variantId, l.locationId), l]));
  const potentialOf = new Map(kits.map((k) => [pairKey(k.kitVariantId, k.locationId), k.potential]));
  return variants.flatMap((variant) =>
    locations.map((location) => {
      const level = levelOf.get(pairKey(variant.id, location.id));
      const isKit = variant._count.components > 0;
      return {
        variantId: variant.id,
        productId: variant.productId,
        productName: variant.product.name,
        variantName: variant.name,
        code: variant.code,
        batchTracked: variant.product.batchTracked,
        isKit,
        locationId: location.id,
        locationName: location.name,
        inStock: level?.inStock ?? "0",
        committed: level?.committed ?? "0",
        available: level?.available ?? "0",
        potential: isKit ? (potentialOf.get(pairKey(variant.id, location.id)) ?? 0) : null,
      };
    }),
  );
}

const variantSelect = {
  id: true,
  productId: true,
  name: true,
  code: true,
  product: { select: { name: true, batchTracked: true } },
  _count: { select: { components: true } },
} as const;

const variantOrder: Prisma.VariantOrderByWithRelationInput[] = [{ product: { name: "asc" } }, { code: "asc" }, { id: "asc" }];

async function activeLocations(db: Db, accountId: string, locationId?: string) {
  return db.location.findMany({
    where: { accountId, deletedAt: null, ...(locationId ? { id: locationId } : {}) },
    orderBy: [{ isDefaultForOrders: "desc" }, { name: "asc" }],
    select: { id: true, name: true },
  });
}

/** One page of the overview, paged by variant (each variant shows every location). */
export async function listInventory(
  db: Db,
  accountId: string,
  query: InventoryQuery = {},
): Promise<{ lines: InventoryLine[]; total: number; page: number; pageCount: number }> {
  const where = variantWhere(accountId, query.search);
  const page = Math.max(1, query.page ?? 1);
  const [total, variants, locations] = await Promise.all([
    db.variant.count({ where }),
    db.variant.findMany({ where, orderBy: variantOrder, skip: (page - 1) * INVENTORY_PAGE_SIZE, take: INVENTORY_PAGE_SIZE, select: variantSelect }),
    activeLocations(db, accountId, query.locationId),
  ]);
  return {
    lines: await linesFor(db, accountId, variants, locations),
    total,
    page,
    pageCount: Math.max(1, Math.ceil(total / INVENTORY_PAGE_SIZE)),
  };
}

/** Every line matching the search, for the CSV export: read in chunks of variants, not all at once. */
export async function* inventoryForExport(db: Db, accountId: string, query: Omit<InventoryQuery, "page"> = {}): AsyncGenerator<InventoryLine> {
  const where = variantWhere(accountId, query.search);
  const locations = await activeLocations(db, accountId, query.locationId);
  for (let skip = 0; ; skip += EXPORT_CHUNK) {
    const variants = await db.variant.findMany({ where, orderBy: variantOrder, skip, take: EXPORT_CHUNK, select: variantSelect });
    yield* await linesFor(db, accountId, variants, locations);
    if (variants.length < EXPORT_CHUNK) return;
  }
}
