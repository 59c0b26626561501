import { Prisma } from "@prisma/client";
import { z } from "zod";
import type { Db } from "~/db/client";
import { parseMoney, parseQuantity } from "~/domain/quantity";
import {
  canDeleteOrder,
  canDeleteRow,
  canDeliver,
  canDeliverOrder,
  canInvoiceOrder,
  canPack,
  orderDeliveryStatus,
  orderTotals,
  parseDiscountPercent,
  type OrderDeliveryStatus,
  type DeliveryPlan,
  type SalesRow,
} from "~/domain/sales-order";
import type { StockChange } from "~/domain/stock-events";
import { committedRowStates, type RowState } from "~/domain/stock-levels";
import { queueFulfillmentPush, type TrackingInput } from "../../sync/fulfillments/fulfillment-sync.server";
import { fail, invalidInput, nextDocumentNumber, ok, type Result } from "../result";
import {
  inTransaction,
  lockVariants,
  recordStockEvents,
  withBatches,
  writeStockChanges,
  type MovementDraft,
  type Tx,
} from "../stock/stock.server";

/**
 * Sales orders: rows move not shipped → packed → delivered; delivering takes the stock out
 * (FIFO over batches for batch-tracked items); invoiced rows and locked periods cannot be
 * deleted. Every change of Committed or In stock records its stock events in the same transaction.
 */

const RowInput = z.object({
  variantId: z.string().optional(),
  description: z.string().trim().max(500).optional(),
  quantity: z.unknown(),
  pricePerUnit: z.unknown(),
  discountPercent: z.unknown().optional(),
  locationId: z.string().optional(),
});

const OrderInput = z.object({
  number: z.string().trim().max(50).optional(),
  customerId: z.string().optional(),
  customerReference: z.string().trim().max(200).optional(),
  currency: z.string().trim().length(3, "Use a three-letter currency code, e.g. EUR.").default("EUR"),
  exchangeRate: z.unknown().optional(),
  orderDate: z.coerce.date({ invalid_type_error: "Enter a valid order date." }),
  deliveryDate: z.coerce.date({ invalid_type_error: "Enter a valid delivery date." }).optional(),
  rows: z.array(RowInput).min(1, "Add at least one row."),
  shippingFee: z.unknown().optional(),
  source: z.enum(["manual", "shopify"]).default("manual"),
  storeId: z.string().optional(),
  externalOrderId: z.string().optional(),
});

export type OrderWithRows = Prisma.SalesOrderGetPayload<{
  include: { rows: { include: { variant: { include: { product: true } }; manufacturingOrder: true } } };
}>;
type RowRecord = OrderWithRows["rows"][number];

const orderInclude = {
  rows: { include: { variant: { include: { product: true } }, manufacturingOrder: true }, orderBy: { position: "asc" as const } },
};

export function toSalesRow(row: RowRecord): SalesRow {
  return {
    id: row.id,
    variantId: row.variantId,
    isShippingFee: row.isShippingFee,
    isService: row.variant?.product.kind === "service",
    quantity: row.quantity.toString(),
    pricePerUnit: row.pricePerUnit.toString(),
    discountPercent: row.discountPercent.toString(),
    locationId: row.locationId,
    state: row.state as SalesRow["state"],
    invoiced: row.invoiced,
    deliveredAt: row.deliveredAt,
    manufacturingOrderId: row.manufacturingOrder?.id ?? null,
  };
}

const isStock = (row: RowRecord) => row.variantId !== null && !row.isShippingFee && row.variant?.product.kind !== "service";

/** Committed changes for rows that are, or were, committed (open: not shipped or packed). */
function committedOf(rows: RowRecord[]): StockChange[] {
  return rows
    .filter((r) => isStock(r) && committedRowStates.includes(r.state as RowState) && r.locationId)
    .map((r) => ({ variantId: r.variantId!, locationId: r.locationId! }));
}

async function closingDate(db: Db | Tx, accountId: string) {
  return (await db.account.findUniqueOrThrow({ where: { id: accountId }, select: { stockClosingDate: true } })).stockClosingDate;
}

export async function loadOrder(db: Db | Tx, accountId: string, orderId: string): Promise<OrderWithRows | null> {
  return db.salesOrder.findFirst({ where: { id: orderId, accountId }, include: orderInclude });
}

const notFound = () => fail("ORDER_NOT_FOUND", "This sales order does not exist (any more).");

/**
 * Serialises writers of one order's row states (a merchant's pack/deliver and a Shopify
 * fulfillment applied by a job): on PostgreSQL the second waits here and then reads the rows the
 * first committed, so a row is never delivered twice.
 */
export async function lockSalesOrder(tx: Tx, accountId: string, orderId: string): Promise<void> {
  await tx.salesOrder.updateMany({ where: { id: orderId, accountId }, data: { updatedAt: new Date() } });
}

async function nextNumber(tx: Tx, accountId: string): Promise<string> {
  const count = await tx.salesOrder.count({ where: { accountId } });
  return nextDocumentNumber("SO", count, async (number) => !!(await tx.salesOrder.findFirst({ where: { accountId, number }, select: { id: true } })));
}

export async function createSalesOrder(db: Db, accountId: string, input: unknown): Promise<Result<{ orderId: string; number: string }>> {
  const parsed = OrderInput.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  const data = parsed.data;
  const fieldErrors: Record<string, string> = {};
  const variantIds = data.rows.map((r) => r.variantId).filter((id): id is string => !!id);
  const [variants, locations, defaultLocation, customer] = await Promise.all([
    db.variant.findMany({ where: { accountId, id: { in: variantIds } }, include: { product: true } }),
    db.location.findMany({ where: { accountId, deletedAt: null } }),
    db.location.findFirst({ where: { accountId, deletedAt: null, isDefaultForOrders: true } }),
    data.customerId ? db.customer.findFirst({ where: { id: data.customerId, accountId } }) : Promise.resolve(null),
  ]);
  if (data.customerId && !customer) fieldErrors.customerId = "This customer does not exist (any more).";
  const rows = data.rows.map((row, i) => {
    const quantity = parseQuantity(row.quantity, { label: "quantity" });
    if (!quantity.ok) fieldErrors[`rows.${i}.quantity`] = quantity.message;
    else if (quantity.value === "0") fieldErrors[`rows.${i}.quantity`] = "Enter a quantity greater than 0.";
    const price = parseMoney(row.pricePerUnit, { label: "price per unit" });
    if (!price.ok) fieldErrors[`rows.${i}.pricePerUnit`] = price.message;
    const discount = row.discountPercent === undefined || row.discountPercent === "" ? null : parseDiscountPercent(row.discountPercent);
    if (discount && !discount.ok) fieldErrors[`rows.${i}.discountPercent`] = discount.message;
    const variant = row.variantId ? variants.find((v) => v.id === row.variantId) : null;
    if (row.variantId && !variant) fieldErrors[`rows.${i}.variantId`] = "This item does not exist (any more).";
    if (!row.variantId && !row.description) fieldErrors[`rows.${i}.description`] = "Choose an item or describe the service.";
    const locationId = row.locationId ?? defaultLocation?.id ?? null;
    if (row.locationId && !locations.some((l) => l.id === row.locationId)) {
      fieldErrors[`rows.${i}.locationId`] = "This location does not exist (any more). Choose another.";
    }
    if (variant && variant.product.kind === "physical" && !locationId) {
      fieldErrors[`rows.${i}.locationId`] = "Choose a location, or set a default location for orders.";
    }
    return {
      position: i,
      variantId: variant?.id ?? null,
      description: row.description ?? (variant ? [variant.product.name, variant.name].filter(Boolean).join(" — ") : ""),
      quantity: quantity.ok ? quantity.value : "0",
      pricePerUnit: price.ok ? price.value : "0",
      discountPercent: discount && discount.ok ? discount.value : "0",
      locationId: variant && variant.product.kind === "physical" ? locationId : null,
    };
  });
  const fee = data.shippingFee === undefined || data.shippingFee === "" ? null : parseMoney(data.shippingFee, { label: "shipping fee" });
  if (fee && !fee.ok) fieldErrors.shippingFee = fee.message;
  const rate = data.exchangeRate === undefined || data.exchangeRate === "" ? null : parseMoney(data.exchangeRate, { label: "exchange rate" });
  if (rate && !rate.ok) fieldErrors.exchangeRate = rate.message;
  if (Object.keys(fieldErrors).length > 0) return fail("INPUT_INVALID", "Some fields need attention.", fieldErrors);

  return inTransaction(db, async (tx) => {
    const number = data.number || (await nextNumber(tx, accountId));
    if (await tx.salesOrder.findFirst({ where: { accountId, number }, select: { id: true } })) {
      return fail("INPUT_INVALID", "Some fields need attention.", { number: "Another order already has this number." });
    }
    const order = await tx.salesOrder.create({
      data: {
        accountId,
        number,
        customerId: customer?.id ?? null,
        billTo: (customer?.billingAddress ?? undefined) as Prisma.InputJsonValue | undefined,
        shipTo: (customer?.shippingAddress ?? customer?.billingAddress ?? undefined) as Prisma.InputJsonValue | undefined,
        customerReference: data.customerReference ?? null,
        currency: data.currency.toUpperCase(),
        exchangeRate: rate && rate.ok ? rate.value : "1",
        orderDate: data.orderDate,
        deliveryDate: data.deliveryDate ?? null,
        source: data.source,
        storeId: data.storeId ?? null,
        externalOrderId: data.externalOrderId ?? null,
        rows: {
          create: [
            ...rows,
            ...(fee && fee.ok
              ? [{ position: rows.length, isShippingFee: true, description: "Shipping", quantity: "1", pricePerUnit: fee.value, discountPercent: "0", locationId: null, variantId: null }]
              : []),
          ],
        },
      },
      include: orderInclude,
    });
    await writeStockChanges(tx, accountId, { movements: [], committedChanges: committedOf(order.rows) });
    return ok({ orderId: order.id, number });
  });
}

export async function packRows(db: Db, accountId: string, orderId: string, rowIds: string[]): Promise<Result<{ packed: number }>> {
  return inTransaction(db, async (tx) => {
    await lockSalesOrder(tx, accountId, orderId);
    const order = await loadOrder(tx, accountId, orderId);
    if (!order) return notFound();
    const rows = order.rows.filter((r) => rowIds.includes(r.id));
    if (rows.length !== rowIds.length) return fail("ROW_NOT_FOUND", "One of these rows does not exist (any more). Reload the order.");
    for (const row of rows) {
      const check = canPack(toSalesRow(row));
      if (!check.ok) return fail(check.code, `${row.description}: ${check.message}`);
    }
    // Packed rows stay Committed (docs/decisions/007): no stock changes, no stock event.
    await tx.salesOrderRow.updateMany({ where: { id: { in: rowIds } }, data: { state: "packed", packedAt: new Date() } });
    await queueFulfillmentPush(tx, order, order.rows);
    return ok({ packed: rows.length });
  });
}

export async function applyDeliveries(
  tx: Tx,
  accountId: string,
  order: OrderWithRows,
  plans: DeliveryPlan[],
  date: Date,
): Promise<Result<{ delivered: number }>> {
  const rowsById = new Map(order.rows.map((r) => [r.id, r]));
  await lockVariants(tx, plans.map((p) => p.movement?.variantId).filter((id): id is string => !!id));
  const movements: MovementDraft[] = [];
  for (const plan of plans) {
    const row = rowsById.get(plan.rowId)!;
    if (plan.movement) {
      const split = await withBatches(tx, { ...plan.movement }, row.variant?.code ?? row.description);
      if (!split.ok) return split;
      movements.push(...split.value);
    }
    if (plan.split) {
      await tx.salesOrderRow.create({
        data: {
          salesOrderId: order.id,
          position: order.rows.length + movements.length,
          variantId: row.variantId,
          description: row.description,
          isShippingFee: row.isShippingFee,
          quantity: plan.split.remainingQuantity,
          pricePerUnit: row.pricePerUnit,
          discountPercent: row.discountPercent,
          locationId: row.locationId,
          state: plan.split.state,
          invoiced: row.invoiced,
          externalLineId: row.externalLineId,
        },
      });
    }
    await tx.salesOrderRow.update({
      where: { id: row.id },
      data: { state: "delivered", deliveredAt: date, quantity: plan.deliveredQuantity },
    });
  }
  const delivered = plans.map((p) => rowsById.get(p.rowId)!);
  const written = await writeStockChanges(tx, accountId, { movements, committedChanges: committedOf(delivered) });
  if (!written.ok) return written;
  return ok({ delivered: plans.length });
}

/** Delivers one row, wholly or partly (the rest stays on a new row). */
export async function deliverRow(
  db: Db,
  accountId: string,
  orderId: string,
  rowId: string,
  quantity?: unknown,
  date = new Date(),
  tracking?: TrackingInput,
): Promise<Result<{ delivered: number }>> {
  return inTransaction(db, async (tx) => {
    await lockSalesOrder(tx, accountId, orderId);
    const order = await loadOrder(tx, accountId, orderId);
    if (!order) return notFound();
    const row = order.rows.find((r) => r.id === rowId);
    if (!row) return fail("ROW_NOT_FOUND", "This row does not exist (any more). Reload the order.");
    const check = canDeliver(toSalesRow(row), quantity, { date, closingDate: await closingDate(tx, accountId) });
    if (!check.ok) return fail(check.code, check.message);
    const delivered = await applyDeliveries(tx, accountId, order, [check.plan], date);
    if (delivered.ok) await queueFulfillmentPush(tx, order, order.rows, { tracking });
    return delivered;
  });
}

/** Delivers every row not yet delivered: all or nothing. */
export async function deliverOrder(
  db: Db,
  accountId: string,
  orderId: string,
  date = new Date(),
  tracking?: TrackingInput,
): Promise<Result<{ delivered: number }>> {
  return inTransaction(db, async (tx) => {
    await lockSalesOrder(tx, accountId, orderId);
    const order = await loadOrder(tx, accountId, orderId);
    if (!order) return notFound();
    const check = canDeliverOrder(order.rows.map(toSalesRow), { date, closingDate: await closingDate(tx, accountId) });
    if (!check.ok) return fail(check.code, check.message);
    const delivered = await applyDeliveries(tx, accountId, order, check.plans, date);
    if (delivered.ok) await queueFulfillmentPush(tx, order, order.rows, { tracking });
    return delivered;
  });
}

export async function invoiceOrder(db: Db, accountId: string, orderId: string): Promise<Result<{ invoiced: number }>> {
  const order = await loadOrder(db, accountId, orderId);
  if (!order) return notFound();
  const check = canInvoiceOrder(order.rows.map(toSalesRow));
  if (!check.ok) return fail(check.code, check.message);
  await db.salesOrderRow.updateMany({ where: { id: { in: check.rowIds } }, data: { invoiced: true } });
  return ok({ invoiced: check.rowIds.length });
}

async function removeRows(tx: Tx, accountId: string, rows: RowRecord[], withMovements: string[]) {
  const movements = await tx.stockMovement.findMany({ where: { salesOrderRowId: { in: withMovements } } });
  await tx.stockMovement.deleteMany({ where: { salesOrderRowId: { in: withMovements } } });
  await tx.manufacturingOrder.updateMany({ where: { salesOrderRowId: { in: rows.map((r) => r.id) } }, data: { salesOrderRowId: null } });
  await tx.salesOrderRow.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
  // Committed drops for open rows; In stock comes back for the deleted deliveries.
  await recordStockEvents(
    tx,
    accountId,
    movements.map((m) => ({ variantId: m.variantId, locationId: m.locationId })),
    committedOf(rows),
  );
}

export async function deleteRow(db: Db, accountId: string, orderId: string, rowId: string): Promise<Result<{ deleted: true }>> {
  return inTransaction(db, async (tx) => {
    const order = await loadOrder(tx, accountId, orderId);
    if (!order) return notFound();
    const row = order.rows.find((r) => r.id === rowId);
    if (!row) return fail("ROW_NOT_FOUND", "This row does not exist (any more). Reload the order.");
    const check = canDeleteRow(toSalesRow(row), { orderDate: order.orderDate, closingDate: await closingDate(tx, accountId) });
    if (!check.ok) return fail(check.code, check.message);
    await removeRows(tx, accountId, [row], check.removesDeliveryMovements ? [row.id] : []);
    return ok({ deleted: true as const });
  });
}

export async function deleteSalesOrder(db: Db, accountId: string, orderId: string): Promise<Result<{ deleted: true }>> {
  return inTransaction(db, async (tx) => {
    const order = await loadOrder(tx, accountId, orderId);
    if (!order) return notFound();
    const check = canDeleteOrder(order.rows.map(toSalesRow), { orderDate: order.orderDate, closingDate: await closingDate(tx, accountId) });
    if (!check.ok) return fail(check.code, check.message);
    await removeRows(tx, accountId, order.rows, check.rowIdsWithDeliveryMovements);
    await tx.salesOrder.delete({ where: { id: order.id } });
    return ok({ deleted: true as const });
  });
}

export async function getSalesOrder(db: Db, accountId: string, orderId: string) {
  const order = await loadOrder(db, accountId, orderId);
  if (!order) return null;
  return { order, totals: orderTotals(order.rows.map(toSalesRow)) };
}

// ───────────────────────────── list and export ─────────────────────────────

export const SALES_ORDER_PAGE_SIZE = 50;

export interface SalesOrderListQuery {
  /** Order number, customer reference or customer name. */
  search?: string;
  status?: OrderDeliveryStatus;
  page?: number;
}

export interface SalesOrderListItem {
  id: string;
  number: string;
  customerName: string | null;
  customerReference: string | null;
  orderDate: Date;
  deliveryDate: Date | null;
  currency: string;
  total: string;
  status: OrderDeliveryStatus;
  invoiced: boolean;
  source: string;
}

// The delivery status as a query, matching `orderDeliveryStatus` (the shipping fee does not count).
function statusWhere(status: OrderDeliveryStatus): Prisma.SalesOrderWhereInput {
  const goods = { isShippingFee: false };
  switch (status) {
    case "delivered":
      return { rows: { some: goods, none: { ...goods, state: { not: "delivered" } } } };
    case "partially_delivered":
      return { AND: [{ rows: { some: { ...goods, state: "delivered" } } }, { rows: { some: { ...goods, state: { not: "delivered" } } } }] };
    case "packed":
      return { rows: { some: goods, none: { ...goods, state: { not: "packed" } } } };
    case "partially_packed":
      return {
        AND: [
          { rows: { some: { ...goods, state: "packed" } } },
          { rows: { some: { ...goods, state: "not_shipped" } } },
          { rows: { none: { ...goods, state: "delivered" } } },
        ],
      };
    case "not_shipped":
      return { rows: { none: { ...goods, state: { in: ["packed", "delivered"] } } } };
  }
}

function listWhere(accountId: string, query: SalesOrderListQuery): Prisma.SalesOrderWhereInput {
  const text = query.search?.trim();
  return {
    accountId,
    ...(text
      ? { OR: [{ number: { contains: text } }, { customerReference: { contains: text } }, { customer: { name: { contains: text } } }] }
      : {}),
    ...(query.status ? statusWhere(query.status) : {}),
  };
}

const listInclude = {
  customer: { select: { name: true } },
  rows: { select: { state: true, isShippingFee: true, invoiced: true, quantity: true, pricePerUnit: true, discountPercent: true } },
} as const;

type ListRecord = Prisma.SalesOrderGetPayload<{ include: typeof listInclude }>;

function toListItem(order: ListRecord): SalesOrderListItem {
  const rows = order.rows.map((r) => ({
    state: r.state as RowState,
    isShippingFee: r.isShippingFee,
    quantity: r.quantity.toString(),
    pricePerUnit: r.pricePerUnit.toString(),
    discountPercent: r.discountPercent.toString(),
  }));
  return {
    id: order.id,
    number: order.number,
    customerName: order.customer?.name ?? null,
    customerReference: order.customerReference,
    orderDate: order.orderDate,
    deliveryDate: order.deliveryDate,
    currency: order.currency,
    total: orderTotals(rows).total,
    status: orderDeliveryStatus(rows),
    invoiced: order.rows.length > 0 && order.rows.every((r) => r.invoiced),
    source: order.source,
  };
}

/** Sales orders, newest first, one page at a time. */
export async function listSalesOrders(
  db: Db,
  accountId: string,
  query: SalesOrderListQuery = {},
): Promise<{ items: SalesOrderListItem[]; total: number; page: number; pageCount: number }> {
  const where = listWhere(accountId, query);
  const page = Math.max(1, query.page ?? 1);
  const [total, orders] = await Promise.all([
    db.salesOrder.count({ where }),
    db.salesOrder.findMany({
      where,
      orderBy: [{ orderDate: "desc" }, { number: "desc" }],
      skip: (page - 1) * SALES_ORDER_PAGE_SIZE,
      take: SALES_ORDER_PAGE_SIZE,
      include: listInclude,
    }),
  ]);
  return { items: orders.map(toListItem), total, page, pageCount: Math.max(1, Math.ceil(total / SALES_ORDER_PAGE_SIZE)) };
}

/** Every order matching the list's filters, for the CSV export, read in chunks. */
export async function* salesOrdersForExport(
  db: Db,
  accountId: string,
  query: Omit<SalesOrderListQuery, "page"> = {},
): AsyncGenerator<SalesOrderListItem> {
  const where = listWhere(accountId, query);
  const chunk = 500;
  for (let skip = 0; ; skip += chunk) {
    const orders = await db.salesOrder.findMany({ where, orderBy: [{ orderDate: "desc" }, { number: "desc" }], skip, take: chunk, include: listInclude });
    yield* orders.map(toListItem);
    if (orders.length < chunk) return;
  }
}

// ───────────────────────────── compliance (ADR 020) ─────────────────────────────

/**
 * One store's sales orders a compliance request reaches: those imported from the listed Shopify
 * orders (every order of the store: no list) and those of the listed customers imported from
 * this store. Manual orders are the merchant's own documents and are not among them.
 */
export async function storeOrdersForCompliance(
  db: Db | Tx,
  accountId: string,
  input: { storeId: string; externalOrderIds?: string[]; customerIds: string[] },
) {
  const { storeId } = input;
  return db.salesOrder.findMany({
    where: {
      accountId,
      storeId,
      ...(input.externalOrderIds ? { OR: [{ externalOrderId: { in: input.externalOrderIds } }, { customerId: { in: input.customerIds } }] } : {}),
    },
    select: { id: true, number: true, customerId: true, externalOrderId: true },
    orderBy: [{ orderDate: "asc" }, { number: "asc" }],
  });
}

/**
 * Erases the personal data on sales orders: bill-to, ship-to and the buyer's reference (free
 * text from checkout). Numbers, dates, currency, rows, quantities and prices stay. The orders in
 * `detach` also lose their customer (a customer the redaction keeps, ADR 020). Plain SQL for the
 * JSON NULLs (Prisma.DbNull is written as `{}` on PostgreSQL, see store-settings.server.ts).
 */
export async function redactSalesOrders(tx: Tx, accountId: string, input: { orderIds: string[]; detach: string[] }): Promise<number> {
  let redacted = 0;
  for (const id of input.orderIds) {
    redacted += await tx.$executeRaw`
      UPDATE "SalesOrder" SET "billTo" = NULL, "shipTo" = NULL, "customerReference" = NULL, "updatedAt" = ${new Date()}
      WHERE "id" = ${id} AND "accountId" = ${accountId}`;
  }
  if (input.detach.length > 0) {
    await tx.salesOrder.updateMany({ where: { accountId, id: { in: input.detach } }, data: { customerId: null } });
  }
  return redacted;
}

/**
 * The sales orders a data request hands over, with their rows: the store's orders of the listed
 * Shopify orders, and the customers' orders from this store or made in Tenon.
 */
export async function salesOrdersForDataRequest(
  db: Db | Tx,
  accountId: string,
  input: { storeId: string; externalOrderIds: string[]; customerIds: string[] },
) {
  const orders = await db.salesOrder.findMany({
    where: {
      accountId,
      OR: [
        { storeId: input.storeId, externalOrderId: { in: input.externalOrderIds } },
        { customerId: { in: input.customerIds }, OR: [{ storeId: input.storeId }, { storeId: null }] },
      ],
    },
    include: { rows: { include: { variant: { select: { code: true } } }, orderBy: { position: "asc" } } },
    orderBy: [{ orderDate: "asc" }, { number: "asc" }],
  });
  return orders.map((o) => ({
    id: o.id,
    number: o.number,
    source: o.source,
    shopifyOrderId: o.externalOrderId,
    customerId: o.customerId,
    orderDate: o.orderDate.toISOString(),
    deliveryDate: o.deliveryDate?.toISOString() ?? null,
    currency: o.currency,
    billTo: o.billTo,
    shipTo: o.shipTo,
    customerReference: o.customerReference,
    rows: o.rows.map((r) => ({
      description: r.description,
      sku: r.variant?.code ?? null,
      isShippingFee: r.isShippingFee,
      quantity: r.quantity.toString(),
      pricePerUnit: r.pricePerUnit.toString(),
      discountPercent: r.discountPercent.toString(),
      state: r.state,
      deliveredAt: r.deliveredAt?.toISOString() ?? null,
    })),
  }));
}
