import type { Prisma } from "@prisma/client";
import { z } from "zod";
import type { Db } from "~/db/client";
import { checkMoTransition, parseMoQuantity, planCompletion, planMakeToOrder, type MoState } from "~/domain/manufacturing-order";
import { fail, invalidInput, nextDocumentNumber, ok, type Result } from "../result";
import { inTransaction, lockVariants, withBatches, writeStockChanges, type MovementDraft, type Tx } from "../stock/stock.server";

/**
 * Manufacturing orders: make a variant × quantity at a location. Not started → Work in progress
 * → Done; at Done the components are consumed (FIFO over batches where tracked) and the item is
 * produced, in one transaction with its stock events. "Make to order" creates one for a sales
 * order row and links it.
 */

const MoInput = z.object({
  variantId: z.string().min(1, "Choose the item to make."),
  locationId: z.string().min(1, "Choose where it is made."),
  quantity: z.unknown(),
});

async function nextMoNumber(tx: Tx, accountId: string): Promise<string> {
  const count = await tx.manufacturingOrder.count({ where: { accountId } });
  return nextDocumentNumber("MO", count, async (number) => !!(await tx.manufacturingOrder.findFirst({ where: { accountId, number }, select: { id: true } })));
}

export async function createManufacturingOrder(db: Db, accountId: string, input: unknown): Promise<Result<{ moId: string; number: string }>> {
  const parsed = MoInput.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  const fieldErrors: Record<string, string> = {};
  const quantity = parseMoQuantity(parsed.data.quantity);
  if (!quantity.ok) fieldErrors.quantity = quantity.message;
  const variant = await db.variant.findFirst({ where: { id: parsed.data.variantId, accountId }, include: { product: true } });
  if (!variant) fieldErrors.variantId = "This item does not exist (any more).";
  else if (variant.product.kind === "service") fieldErrors.variantId = "Services are not made into stock.";
  const location = await db.location.findFirst({ where: { id: parsed.data.locationId, accountId, deletedAt: null } });
  if (!location) fieldErrors.locationId = "This location does not exist (any more). Choose another.";
  if (Object.keys(fieldErrors).length > 0 || !quantity.ok) return fail("INPUT_INVALID", "Some fields need attention.", fieldErrors);
  return inTransaction(db, async (tx) => {
    const number = await nextMoNumber(tx, accountId);
    const mo = await tx.manufacturingOrder.create({
      data: { accountId, number, variantId: parsed.data.variantId, locationId: parsed.data.locationId, quantity: quantity.value },
    });
    return ok({ moId: mo.id, number });
  });
}

/** "Make to order" on a sales-order row: an MO for the row's item, quantity and location, linked to it. */
export async function makeToOrder(db: Db, accountId: string, rowId: string): Promise<Result<{ moId: string; number: string }>> {
  return inTransaction(db, async (tx) => {
    const row = await tx.salesOrderRow.findFirst({
      where: { id: rowId, salesOrder: { accountId } },
      include: { variant: { include: { product: true } }, manufacturingOrder: true },
    });
    if (!row) return fail("ROW_NOT_FOUND", "This row does not exist (any more). Reload the order.");
    const plan = planMakeToOrder({
      id: row.id,
      variantId: row.variantId,
      state: row.state as "not_shipped" | "packed" | "delivered",
      isShippingFee: row.isShippingFee,
      isService: row.variant?.product.kind === "service",
      manufacturingOrderId: row.manufacturingOrder?.id ?? null,
      quantity: row.quantity.toString(),
      locationId: row.locationId,
    });
    if (!plan.ok) return fail(plan.code, plan.message);
    const number = await nextMoNumber(tx, accountId);
    const mo = await tx.manufacturingOrder.create({ data: { accountId, number, ...plan.draft } });
    return ok({ moId: mo.id, number });
  });
}

/** Moves an MO forward: start it, or complete it (consuming components and producing the item). */
export async function setManufacturingOrderState(
  db: Db,
  accountId: string,
  moId: string,
  to: MoState,
  date = new Date(),
): Promise<Result<{ state: MoState }>> {
  return inTransaction(db, async (tx): Promise<Result<{ state: MoState }>> => {
    const mo = await tx.manufacturingOrder.findFirst({ where: { id: moId, accountId }, include: { variant: { include: { components: true } } } });
    if (!mo) return fail("MO_NOT_FOUND", "This manufacturing order does not exist (any more).");
    const transition = checkMoTransition({ state: mo.state as MoState }, to);
    if (!transition.ok) return fail(transition.code, transition.message);
    if (to !== "done") {
      if (mo.state === "work_in_progress" && to === "not_started") {
        await tx.manufacturingOrder.update({ where: { id: mo.id }, data: { state: to, startedAt: null } });
      } else {
        await tx.manufacturingOrder.update({ where: { id: mo.id }, data: { state: to, startedAt: date } });
      }
      return ok({ state: to });
    }
    const account = await tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { stockClosingDate: true } });
    const plan = planCompletion(
      { id: mo.id, variantId: mo.variantId, quantity: mo.quantity.toString(), locationId: mo.locationId, state: mo.state as MoState },
      mo.variant.components.map((c) => ({ variantId: c.componentVariantId, quantityPerKit: c.quantity.toString() })),
      { date, closingDate: account.stockClosingDate },
    );
    if (!plan.ok) return fail(plan.code, plan.message);
    await lockVariants(tx, plan.movements.map((m) => m.variantId));
    const movements: MovementDraft[] = [];
    for (const movement of plan.movements) {
      if (movement.kind === "mo_consumption") {
        const split = await withBatches(tx, movement, movement.variantId);
        if (!split.ok) return split;
        movements.push(...split.value);
      } else {
        movements.push(movement);
      }
    }
    const written = await writeStockChanges(tx, accountId, { movements });
    if (!written.ok) return written;
    await tx.manufacturingOrder.update({
      where: { id: mo.id },
      data: { state: "done", doneAt: date, startedAt: mo.startedAt ?? date },
    });
    return ok({ state: "done" as const });
  });
}

// ───────────────────────────── list and detail ─────────────────────────────

export const MO_PAGE_SIZE = 50;

const moInclude = {
  variant: { select: { id: true, name: true, code: true, product: { select: { id: true, name: true } } } },
  location: { select: { id: true, name: true } },
  salesOrderRow: { select: { id: true, description: true, quantity: true, state: true, salesOrder: { select: { id: true, number: true } } } },
} as const;

type MoRecord = Prisma.ManufacturingOrderGetPayload<{ include: typeof moInclude }>;

function toMoView(mo: MoRecord) {
  return {
    id: mo.id,
    number: mo.number,
    state: mo.state as MoState,
    quantity: mo.quantity.toString(),
    variantId: mo.variant.id,
    productId: mo.variant.product.id,
    itemLabel: [mo.variant.product.name, mo.variant.name].filter(Boolean).join(" — ") + (mo.variant.code ? ` (${mo.variant.code})` : ""),
    locationName: mo.location.name,
    createdAt: mo.createdAt,
    startedAt: mo.startedAt,
    doneAt: mo.doneAt,
    flagNote: mo.flagged ? mo.flagNote : null,
    salesOrderRow: mo.salesOrderRow
      ? {
          id: mo.salesOrderRow.id,
          description: mo.salesOrderRow.description,
          quantity: mo.salesOrderRow.quantity.toString(),
          state: mo.salesOrderRow.state,
          orderId: mo.salesOrderRow.salesOrder.id,
          orderNumber: mo.salesOrderRow.salesOrder.number,
        }
      : null,
  };
}

export type ManufacturingOrderView = ReturnType<typeof toMoView>;

/** Manufacturing orders, newest first, by number or item and by state. */
export async function listManufacturingOrders(
  db: Db,
  accountId: string,
  query: { search?: string; state?: MoState; page?: number } = {},
): Promise<{ items: ManufacturingOrderView[]; total: number; page: number; pageCount: number }> {
  const text = query.search?.trim();
  const where: Prisma.ManufacturingOrderWhereInput = {
    accountId,
    ...(query.state ? { state: query.state } : {}),
    ...(text
      ? { OR: [{ number: { contains: text } }, { variant: { code: { contains: text } } }, { variant: { product: { name: { contains: text } } } }] }
      : {}),
  };
  const page = Math.max(1, query.page ?? 1);
  const [total, mos] = await Promise.all([
    db.manufacturingOrder.count({ where }),
    db.manufacturingOrder.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { number: "desc" }],
      skip: (page - 1) * MO_PAGE_SIZE,
      take: MO_PAGE_SIZE,
      include: moInclude,
    }),
  ]);
  return { items: mos.map(toMoView), total, page, pageCount: Math.max(1, Math.ceil(total / MO_PAGE_SIZE)) };
}

export async function getManufacturingOrder(db: Db, accountId: string, moId: string): Promise<ManufacturingOrderView | null> {
  const mo = await db.manufacturingOrder.findFirst({ where: { id: moId, accountId }, include: moInclude });
  return mo ? toMoView(mo) : null;
}
