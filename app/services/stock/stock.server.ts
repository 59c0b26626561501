import type { Prisma } from "@prisma/client";
import { z } from "zod";
import type { Db } from "~/db/client";
import { pickBatchesFifo } from "~/domain/fifo";
import { kitPotentials, type KitPotentialAt } from "~/domain/kit-potential";
import { checkMovementDate } from "~/domain/locked-period";
import { isZeroDecimal, negateDecimal, parseMoney, parseQuantity, toDecimalString } from "~/domain/quantity";
import { kitsByComponentFrom, stockEventsFor, type StockChange } from "~/domain/stock-events";
import { committedRowStates, stockLevels as computeStockLevels, type StockLevel } from "~/domain/stock-levels";
import { fail, invalidInput, ok, type Failure, type Result } from "../result";
import { scheduleStockPushPlan } from "./stock-push-trigger.server";

/**
 * The stock ledger. Every movement is an immutable row; In stock is their sum per variant ×
 * location. Every write that changes In stock or Committed goes through `writeStockChanges`,
 * which refuses locked periods and records the stock events (the outbox the stock push reads)
 * in the same transaction, once per variant × location, kits included.
 */

export type Tx = Prisma.TransactionClient;

export type MovementKind =
  | "adjustment"
  | "purchase_receipt"
  | "sales_delivery"
  | "return"
  | "mo_consumption"
  | "mo_output"
  | "transfer_out"
  | "transfer_in";

export interface MovementDraft {
  variantId: string;
  locationId: string;
  kind: MovementKind;
  /** Signed decimal string: positive into stock, negative out of it. */
  quantity: string;
  occurredAt: Date;
  batchId?: string | null;
  reason?: string | null;
  salesOrderRowId?: string | null;
  manufacturingOrderId?: string | null;
  returnRowId?: string | null;
  purchaseReceiptId?: string | null;
}

/**
 * Serialises writers of the same variants: an update of their rows takes a row lock on
 * PostgreSQL (SQLite has one writer at a time anyway). Sorted, so two writers never deadlock.
 */
export async function lockVariants(tx: Tx, variantIds: Iterable<string>): Promise<void> {
  for (const id of [...new Set(variantIds)].sort()) {
    await tx.variant.update({ where: { id }, data: { updatedAt: new Date() } });
  }
}

/** Writes movements and records the stock events of them and of Committed changes. */
export async function writeStockChanges(
  tx: Tx,
  accountId: string,
  input: { movements: MovementDraft[]; committedChanges?: StockChange[] },
): Promise<Result<void, "PERIOD_LOCKED">> {
  const account = await tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { stockClosingDate: true } });
  for (const movement of input.movements) {
    const period = checkMovementDate(movement.occurredAt, account.stockClosingDate);
    if (!period.ok) return fail("PERIOD_LOCKED", period.message);
  }
  const movements = input.movements.filter((m) => !isZeroDecimal(m.quantity));
  if (movements.length > 0) {
    await tx.stockMovement.createMany({
      data: movements.map((m) => ({ accountId, ...m, quantity: toDecimalString(m.quantity) })),
    });
  }
  await recordStockEvents(tx, accountId, movements, input.committedChanges ?? []);
  return ok(undefined);
}

/** The outbox rows for a set of changes: one per variant × location, kits through their components. */
export async function recordStockEvents(
  tx: Tx,
  accountId: string,
  ledgerChanges: StockChange[],
  committedChanges: StockChange[],
): Promise<void> {
  if (ledgerChanges.length === 0 && committedChanges.length === 0) return;
  const bomLines: { kitVariantId: string; componentVariantId: string }[] = [];
  let frontier = [...new Set([...ledgerChanges, ...committedChanges].map((c) => c.variantId))];
  const seen = new Set(frontier);
  // Kits of kits: walk up until no new kit appears.
  while (frontier.length > 0) {
    const lines = await tx.bomLine.findMany({
      where: { componentVariantId: { in: frontier } },
      select: { kitVariantId: true, componentVariantId: true },
    });
    bomLines.push(...lines);
    frontier = lines.map((l) => l.kitVariantId).filter((id) => !seen.has(id));
    frontier.forEach((id) => seen.add(id));
  }
  const events = stockEventsFor({ ledgerChanges, committedChanges, kitsByComponent: kitsByComponentFrom(bomLines) });
  if (events.length > 0) {
    await tx.stockEvent.createMany({
      data: events.map((e) => ({ accountId, variantId: e.variantId, locationId: e.locationId })),
    });
    // The stock push plans them (a job in this transaction) when a store pushes stock.
    await scheduleStockPushPlan(tx, accountId);
  }
}

// ───────────────────────────── stock levels ─────────────────────────────

export interface StockLevelsQuery {
  variantIds?: string[];
  locationIds?: string[];
  /** Whether rows of orders created in Tenon count as Committed (a store setting; default yes). */
  includeManualOrders?: boolean;
}

export interface StockOverview {
  levels: StockLevel[];
  kits: KitPotentialAt[];
}

/**
 * In stock, Committed and Available for many variant × location pairs, and the potential of
 * kits, in a fixed number of queries whatever the catalogue's size (no N+1).
 */
export async function readStockLevels(db: Db | Tx, accountId: string, query: StockLevelsQuery = {}): Promise<StockOverview> {
  const variantFilter = query.variantIds ? { in: query.variantIds } : undefined;
  const locationFilter = query.locationIds ? { in: query.locationIds } : undefined;
  const [ledger, openRows, locations, bomLines] = await Promise.all([
    db.stockMovement.groupBy({
      by: ["variantId", "locationId"],
      where: { accountId, variantId: variantFilter, locationId: locationFilter },
      _sum: { quantity: true },
    }),
    db.salesOrderRow.findMany({
      where: {
        state: { in: [...committedRowStates] },
        isShippingFee: false,
        variantId: variantFilter ?? { not: null },
        locationId: locationFilter ?? { not: null },
        salesOrder: { accountId },
        variant: { product: { kind: "physical" } },
      },
      select: { variantId: true, locationId: true, quantity: true, salesOrder: { select: { source: true } } },
    }),
    db.location.findMany({ where: { accountId, deletedAt: null, id: locationFilter }, select: { id: true } }),
    db.bomLine.findMany({
      where: { kitVariant: { accountId }, ...(variantFilter ? { kitVariantId: variantFilter } : {}) },
      select: { kitVariantId: true, componentVariantId: true, quantity: true },
    }),
  ]);
  // Components of the kits asked for may lie outside the variant filter: read their levels too.
  const asked = query.variantIds ? new Set(query.variantIds) : null;
  const componentIds = asked ? [...new Set(bomLines.map((l) => l.componentVariantId))].filter((id) => !asked.has(id)) : [];
  const extraLedger =
    componentIds.length > 0
      ? await db.stockMovement.groupBy({
          by: ["variantId", "locationId"],
          where: { accountId, variantId: { in: componentIds }, locationId: locationFilter },
          _sum: { quantity: true },
        })
      : [];
  const extraRows =
    componentIds.length > 0
      ? await db.salesOrderRow.findMany({
          where: { state: { in: [...committedRowStates] }, isShippingFee: false, variantId: { in: componentIds }, locationId: locationFilter ?? { not: null }, salesOrder: { accountId } },
          select: { variantId: true, locationId: true, quantity: true, salesOrder: { select: { source: true } } },
        })
      : [];
  const levels = computeStockLevels({
    ledger: [...ledger, ...extraLedger].map((l) => ({ variantId: l.variantId, locationId: l.locationId, quantity: l._sum.quantity ?? 0 })),
    openRows: [...openRows, ...extraRows].map((r) => ({
      variantId: r.variantId!,
      locationId: r.locationId!,
      quantity: r.quantity,
      origin: r.salesOrder.source === "shopify" ? ("shopify" as const) : ("manual" as const),
    })),
    includeManualOrders: query.includeManualOrders ?? true,
  });
  const boms = new Map<string, { variantId: string; quantityPerKit: string }[]>();
  for (const line of bomLines) {
    const components = boms.get(line.kitVariantId) ?? [];
    components.push({ variantId: line.componentVariantId, quantityPerKit: line.quantity.toString() });
    boms.set(line.kitVariantId, components);
  }
  const kits = kitPotentials({
    boms: [...boms].map(([kitVariantId, components]) => ({ kitVariantId, components })),
    levels,
    locationIds: locations.map((l) => l.id),
  });
  const componentOnly = new Set(componentIds);
  return { levels: levels.filter((l) => !componentOnly.has(l.variantId)), kits };
}

// ───────────────────────────── adjustments and receipts ─────────────────────────────

const AdjustmentInput = z.object({
  locationId: z.string().min(1, "Choose a location."),
  reason: z.string().trim().min(1, "Say why the stock changes (e.g. stocktake, breakage).").max(500),
  occurredAt: z.coerce.date({ invalid_type_error: "Enter a valid date." }),
  lines: z
    .array(z.object({ variantId: z.string().min(1, "Choose an item."), quantity: z.unknown() }))
    .min(1, "Add at least one item to adjust."),
});

async function checkLocation(db: Db | Tx, accountId: string, locationId: string) {
  return db.location.findFirst({ where: { id: locationId, accountId, deletedAt: null } });
}

async function physicalVariants(db: Db | Tx, accountId: string, ids: string[]) {
  return db.variant.findMany({ where: { id: { in: ids }, accountId }, include: { product: true } });
}

/** A stock adjustment: signed quantities at one location, with a reason. */
export async function adjustStock(db: Db, accountId: string, input: unknown): Promise<Result<{ movementCount: number }>> {
  const parsed = AdjustmentInput.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  const { locationId, reason, occurredAt, lines } = parsed.data;
  const fieldErrors: Record<string, string> = {};
  const quantities = lines.map((line, i) => {
    const q = parseQuantity(line.quantity, { allowNegative: true, label: "quantity" });
    if (!q.ok) fieldErrors[`lines.${i}.quantity`] = q.message;
    else if (isZeroDecimal(q.value)) fieldErrors[`lines.${i}.quantity`] = "Enter a quantity other than 0.";
    return q.ok ? q.value : "0";
  });
  if (!(await checkLocation(db, accountId, locationId))) fieldErrors.locationId = "This location does not exist (any more). Choose another.";
  const variants = await physicalVariants(db, accountId, lines.map((l) => l.variantId));
  lines.forEach((line, i) => {
    const variant = variants.find((v) => v.id === line.variantId);
    if (!variant) fieldErrors[`lines.${i}.variantId`] = "This item does not exist (any more).";
    else if (variant.product.kind === "service") fieldErrors[`lines.${i}.variantId`] = "Services are not kept in stock.";
    else if (variant.product.batchTracked) fieldErrors[`lines.${i}.variantId`] = "Batch-tracked items are adjusted per batch: receive them, or adjust a batch.";
  });
  if (Object.keys(fieldErrors).length > 0) return fail("INPUT_INVALID", "Some fields need attention.", fieldErrors);
  return inTransaction(db, async (tx) => {
    await lockVariants(tx, lines.map((l) => l.variantId));
    const written = await writeStockChanges(tx, accountId, {
      movements: lines.map((line, i) => ({
        variantId: line.variantId,
        locationId,
        kind: "adjustment" as const,
        quantity: quantities[i]!,
        occurredAt,
        reason,
      })),
    });
    return written.ok ? ok({ movementCount: lines.length }) : written;
  });
}

const ReceiptInput = z.object({
  variantId: z.string().min(1, "Choose an item."),
  locationId: z.string().min(1, "Choose a location."),
  quantity: z.unknown(),
  unitCost: z.unknown().optional(),
  receivedAt: z.coerce.date({ invalid_type_error: "Enter a valid date." }),
  batchNumber: z.string().trim().max(100).optional(),
  batchExpiresAt: z.coerce.date().optional(),
});

/** A purchase receipt: stock comes in at a location, at a cost; batch-tracked items get a batch. */
export async function receivePurchase(
  db: Db,
  accountId: string,
  input: unknown,
): Promise<Result<{ receiptId: string; batchId: string | null }>> {
  const parsed = ReceiptInput.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  const data = parsed.data;
  const fieldErrors: Record<string, string> = {};
  const quantity = parseQuantity(data.quantity, { label: "quantity" });
  if (!quantity.ok) fieldErrors.quantity = quantity.message;
  else if (isZeroDecimal(quantity.value)) fieldErrors.quantity = "Enter a quantity greater than 0.";
  const cost = data.unitCost === undefined || data.unitCost === "" ? null : parseMoney(data.unitCost, { label: "unit cost" });
  if (cost && !cost.ok) fieldErrors.unitCost = cost.message;
  const [variant] = await physicalVariants(db, accountId, [data.variantId]);
  if (!variant) fieldErrors.variantId = "This item does not exist (any more).";
  else if (variant.product.kind === "service") fieldErrors.variantId = "Services are not kept in stock.";
  else if (variant.product.batchTracked && !data.batchNumber) fieldErrors.batchNumber = "This item is batch-tracked: enter the batch number.";
  if (!(await checkLocation(db, accountId, data.locationId))) fieldErrors.locationId = "This location does not exist (any more). Choose another.";
  if (Object.keys(fieldErrors).length > 0 || !quantity.ok) return fail("INPUT_INVALID", "Some fields need attention.", fieldErrors);
  return inTransaction(db, async (tx) => {
    await lockVariants(tx, [data.variantId]);
    const batch = variant!.product.batchTracked
      ? await tx.batch.create({
          data: {
            accountId,
            variantId: data.variantId,
            locationId: data.locationId,
            number: data.batchNumber!,
            receivedAt: data.receivedAt,
            expiresAt: data.batchExpiresAt ?? null,
          },
        })
      : null;
    const receipt = await tx.purchaseReceipt.create({
      data: {
        accountId,
        variantId: data.variantId,
        locationId: data.locationId,
        quantity: quantity.value,
        unitCost: cost && cost.ok ? cost.value : null,
        batchId: batch?.id ?? null,
        receivedAt: data.receivedAt,
      },
    });
    const written = await writeStockChanges(tx, accountId, {
      movements: [
        {
          variantId: data.variantId,
          locationId: data.locationId,
          kind: "purchase_receipt",
          quantity: quantity.value,
          occurredAt: data.receivedAt,
          batchId: batch?.id ?? null,
          purchaseReceiptId: receipt.id,
        },
      ],
    });
    return written.ok ? ok({ receiptId: receipt.id, batchId: batch?.id ?? null }) : written;
  });
}

/**
 * Splits an outgoing movement of a batch-tracked variant over its batches, FIFO, at the
 * movement's location. Other variants pass through unchanged.
 */
export async function withBatches(
  tx: Tx,
  movement: MovementDraft,
  itemLabel: string,
): Promise<Result<MovementDraft[], "NOT_ENOUGH_STOCK">> {
  const variant = await tx.variant.findUniqueOrThrow({ where: { id: movement.variantId }, include: { product: true } });
  if (!variant.product.batchTracked) return ok([movement]);
  const batches = await tx.batch.findMany({
    where: { variantId: movement.variantId, locationId: movement.locationId },
    select: { id: true, receivedAt: true },
  });
  const balances = await tx.stockMovement.groupBy({
    by: ["batchId"],
    where: { batchId: { in: batches.map((b) => b.id) }, locationId: movement.locationId },
    _sum: { quantity: true },
  });
  const balanceOf = new Map(balances.map((b) => [b.batchId, b._sum.quantity?.toString() ?? "0"]));
  const picked = pickBatchesFifo(
    batches.map((b) => ({ batchId: b.id, receivedAt: b.receivedAt, quantityAvailable: balanceOf.get(b.id) ?? "0" })),
    negateDecimal(movement.quantity),
    { itemLabel },
  );
  if (!picked.ok) return fail("NOT_ENOUGH_STOCK", picked.message);
  return ok(picked.picks.map((pick) => ({ ...movement, batchId: pick.batchId, quantity: negateDecimal(pick.quantity) })));
}

/**
 * Runs a unit of work in a transaction and rolls it back when it answers a failure, so a
 * refused request changes nothing.
 */
export async function inTransaction<T, C extends string>(
  db: Db,
  work: (tx: Tx) => Promise<Result<T, C>>,
): Promise<Result<T, C>> {
  const rollback = Symbol("rollback");
  let failure: Failure<C> | null = null;
  try {
    return await db.$transaction(
      async (tx) => {
        const result = await work(tx);
        if (!result.ok) {
          failure = result;
          throw rollback;
        }
        return result;
      },
      { timeout: 20_000, maxWait: 20_000 },
    );
  } catch (error) {
    if (error === rollback && failure) return failure;
    throw error;
  }
}

