import type { Prisma } from "@prisma/client";
import type { Db } from "~/db/client";
import { fromUnits, toUnits } from "~/domain/quantity";
import { planReturn, type ReturnableRow, type ReturnLineInput } from "~/domain/returns";
import { fail, ok, type Result } from "../result";
import { inTransaction, lockVariants, writeStockChanges } from "../stock/stock.server";

/**
 * Return orders linked to a sales order: restocked rows put the goods back into stock (state
 * Returned); rows not restocked (refund only) record the return without a movement.
 */
export async function createReturnOrder(
  db: Db,
  accountId: string,
  salesOrderId: string,
  lines: ReturnLineInput[],
  date = new Date(),
): Promise<Result<{ returnOrderId: string; number: string }>> {
  return inTransaction(db, async (tx) => {
    const order = await tx.salesOrder.findFirst({
      where: { id: salesOrderId, accountId },
      include: { rows: { include: { variant: { include: { product: true } } } }, returnOrders: { include: { rows: true } } },
    });
    if (!order) return fail("ORDER_NOT_FOUND", "This sales order does not exist (any more).");
    const [account, locations] = await Promise.all([
      tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { stockClosingDate: true } }),
      tx.location.findMany({ where: { accountId, deletedAt: null }, select: { id: true } }),
    ]);
    const plan = planReturn(
      lines,
      returnableRows(order.rows, returnedUnits(order.returnOrders)),
      { date, closingDate: account.stockClosingDate, locationIds: new Set(locations.map((l) => l.id)) },
    );
    if (!plan.ok) {
      const fieldErrors = plan.code === "RETURN_INVALID" ? Object.fromEntries(plan.problems.map((p) => [`lines.${p.line}`, p.message])) : undefined;
      return fail(plan.code, plan.message, fieldErrors);
    }
    const count = await tx.returnOrder.count({ where: { accountId } });
    const number = `RO-${String(count + 1).padStart(4, "0")}`;
    const returnOrder = await tx.returnOrder.create({
      data: {
        accountId,
        salesOrderId,
        number,
        rows: {
          create: plan.rows.map((row) => ({
            salesOrderRowId: row.salesOrderRowId,
            variantId: row.variantId,
            quantity: row.quantity,
            restock: row.restock,
            locationId: row.locationId,
            state: row.state,
          })),
        },
      },
      include: { rows: true },
    });
    await lockVariants(tx, plan.movements.map((m) => m.variantId));
    const written = await writeStockChanges(tx, accountId, {
      movements: plan.movements.map((m) => ({
        variantId: m.variantId,
        locationId: m.locationId,
        kind: "return" as const,
        quantity: m.quantity,
        occurredAt: m.occurredAt,
        salesOrderRowId: m.salesOrderRowId,
        returnRowId: returnOrder.rows[m.line]?.id ?? null,
      })),
    });
    if (!written.ok) return written;
    return ok({ returnOrderId: returnOrder.id, number });
  });
}

/** Units already returned per sales-order row, over every return order of the order (exact). */
export function returnedUnits(returnOrders: readonly { rows: readonly { salesOrderRowId: string; quantity: { toString(): string } }[] }[]) {
  const returned = new Map<string, bigint>();
  for (const row of returnOrders.flatMap((r) => r.rows)) {
    returned.set(row.salesOrderRowId, (returned.get(row.salesOrderRowId) ?? 0n) + toUnits(row.quantity.toString()));
  }
  return returned;
}

/** The order's rows as the return planner (app/domain/returns.ts) reads them. */
export function returnableRows(
  rows: readonly {
    id: string;
    variantId: string | null;
    isShippingFee: boolean;
    state: string;
    quantity: { toString(): string };
    locationId: string | null;
    variant: { product: { kind: string } } | null;
  }[],
  returned: ReadonlyMap<string, bigint>,
): ReturnableRow[] {
  return rows.map((row) => ({
    id: row.id,
    variantId: row.variantId,
    isShippingFee: row.isShippingFee,
    isService: row.variant?.product.kind === "service",
    state: row.state as "not_shipped" | "packed" | "delivered",
    quantity: row.quantity.toString(),
    locationId: row.locationId,
    alreadyReturned: fromUnits(returned.get(row.id) ?? 0n),
  }));
}

/**
 * The return orders of these sales orders, with their rows (ADR 020: a data request hands them
 * over; they hold no personal data of their own, so a redaction leaves them as they are).
 */
export async function returnOrdersOf(db: Db | Prisma.TransactionClient, accountId: string, salesOrderIds: string[]) {
  const returns = await db.returnOrder.findMany({
    where: { accountId, salesOrderId: { in: salesOrderIds } },
    include: { rows: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return returns.map((r) => ({
    id: r.id,
    number: r.number,
    salesOrderId: r.salesOrderId,
    shopifyReturnId: r.externalReturnId,
    createdAt: r.createdAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
    rows: r.rows.map((row) => ({
      salesOrderRowId: row.salesOrderRowId,
      quantity: row.quantity.toString(),
      restock: row.restock,
      state: row.state,
    })),
  }));
}
