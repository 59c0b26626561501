import type { Db } from "~/db/client";
import { planReturnFromShopify, type ShopifyReturnLine } from "~/domain/fulfillment-sync";
import { fromUnits, toUnits } from "~/domain/quantity";
import { planReturn, type ReturnLineInput } from "~/domain/returns";
import { ORDER_RETURNS_QUERY, RETURN_CLOSE_MUTATION, type OrderReturnsData, type ReturnCloseData } from "~/shopify/fulfillment-documents";
import { recordActivity } from "../../services/activity/activity-log.server";
import { returnableRows, returnedUnits } from "../../services/returns/returns.server";
import { fulfillmentFlow, orderSerialKey, type FulfillmentSyncDeps, type OrderRef } from "../fulfillments/fulfillment-sync.server";
import { fail, ok, type Result } from "../../services/result";
import { inTransaction, lockVariants, writeStockChanges } from "../../services/stock/stock.server";

/**
 * Returns from Shopify (product.md "Returns in", ADR 015), when "bring returns" is on: a Shopify
 * return whose lines are processed with units restocked becomes a Tenon return order linked to
 * the sales order — restocked units back into stock at the Tenon location mapped to the restock
 * location (a `return` movement: its stock event makes the stock push follow), the rest recorded
 * as not restocked. A return refunded without restocking creates nothing. Each Shopify return
 * line is recorded by id, so a webhook delivered twice, or a return processed in steps, adds only
 * what is new. Closing the return order in Tenon closes the Shopify return (returnClose).
 */

type ShopifyReturn = NonNullable<OrderReturnsData["order"]>["returns"]["nodes"][number];

function linesOf(r: ShopifyReturn): ShopifyReturnLine[] {
  const dispositionsByFulfillmentLine = new Map<string, { type: string; quantity: number; location: { id: string } | null }[]>();
  for (const rfo of r.reverseFulfillmentOrders.nodes) {
    for (const line of rfo.lineItems.nodes) {
      const key = line.fulfillmentLineItem?.id ?? line.id;
      dispositionsByFulfillmentLine.set(key, [...(dispositionsByFulfillmentLine.get(key) ?? []), ...line.dispositions]);
    }
  }
  return r.returnLineItems.nodes.flatMap((line) => {
    if (!line.id || !line.fulfillmentLineItem) return [];
    const dispositions = dispositionsByFulfillmentLine.get(line.fulfillmentLineItem.id) ?? [];
    return [
      {
        id: line.id,
        lineItemId: line.fulfillmentLineItem.lineItem.id,
        quantity: line.quantity ?? 0,
        processedQuantity: line.processedQuantity ?? 0,
        restocked: dispositions.filter((d) => d.type === "RESTOCKED").map((d) => ({ quantity: d.quantity, locationId: d.location?.id ?? null })),
      },
    ];
  });
}

export interface ReturnsSummary {
  created: string[];
  rowsAdded: number;
  failed: number;
}

/** Reads the order's returns from Shopify and brings what is new into Tenon (job returns.sync_order). */
export async function syncReturnsFromShopify(deps: FulfillmentSyncDeps, ref: OrderRef): Promise<ReturnsSummary> {
  const summary: ReturnsSummary = { created: [], rowsAdded: 0, failed: 0 };
  const store = await deps.db.store.findUnique({ where: { id: ref.storeId } });
  if (!store || !fulfillmentFlow(store).returns) return summary;
  const salesOrder = await deps.db.salesOrder.findFirst({ where: { storeId: ref.storeId, externalOrderId: ref.shopifyOrderId }, select: { id: true, number: true, accountId: true } });
  if (!salesOrder) return summary;
  const answer = await deps.client.request<OrderReturnsData>(ORDER_RETURNS_QUERY, { id: ref.shopifyOrderId });
  if (!answer.ok) throw new Error(`Reading the order's returns from Shopify failed: ${answer.message}`);
  const order = answer.data.order;
  if (!order) return summary;
  for (const shopifyReturn of order.returns.nodes) {
    if (shopifyReturn.status === "DECLINED" || shopifyReturn.status === "CANCELED" || shopifyReturn.status === "REQUESTED") continue;
    const result = await bringReturn(deps, store.id, salesOrder, ref, shopifyReturn, order.name);
    if (!result.ok) {
      summary.failed++;
      await deps.db.$transaction((tx) =>
        recordActivity(tx, {
          storeId: store.id,
          area: "returns",
          action: "return.failed",
          outcome: "failed",
          subject: `SO ${salesOrder.number}`,
          subjectRef: shopifyReturn.id,
          message: `Shopify return ${shopifyReturn.name ?? shopifyReturn.id} of ${order.name} was not brought into Tenon: ${result.message}`,
          retry: { kind: "returns.sync_order", payload: { storeId: ref.storeId, shopifyOrderId: ref.shopifyOrderId } },
          at: deps.clock(),
        }),
      );
      continue;
    }
    if (result.value.created) summary.created.push(result.value.created);
    summary.rowsAdded += result.value.rowsAdded;
  }
  return summary;
}

async function bringReturn(
  deps: FulfillmentSyncDeps,
  storeId: string,
  salesOrder: { id: string; number: string; accountId: string },
  ref: OrderRef,
  shopifyReturn: ShopifyReturn,
  orderName: string,
): Promise<Result<{ created: string | null; rowsAdded: number }>> {
  const at = deps.clock();
  const lines = linesOf(shopifyReturn);
  return inTransaction(deps.db, async (tx) => {
    const existing = await tx.returnOrder.findUnique({ where: { storeId_externalReturnId: { storeId, externalReturnId: shopifyReturn.id } }, include: { rows: true } });
    const plan = planReturnFromShopify(
      lines,
      (existing?.rows ?? []).map((r) => ({ externalLineId: r.externalLineId, quantity: r.quantity.toString(), restock: r.restock })),
      { returnOrderExists: !!existing },
    );
    if (existing && shopifyReturn.status === "CLOSED" && !existing.shopifyClosedAt) {
      await tx.returnOrder.update({ where: { id: existing.id }, data: { shopifyClosedAt: at, closedAt: existing.closedAt ?? at } });
    }
    if (plan.rows.length === 0) return ok({ created: null, rowsAdded: 0 });

    const order = await tx.salesOrder.findUniqueOrThrow({
      where: { id: salesOrder.id },
      include: { rows: { include: { variant: { include: { product: true } } } }, returnOrders: { include: { rows: true } } },
    });
    const [account, locations, shopifyLocations] = await Promise.all([
      tx.account.findUniqueOrThrow({ where: { id: salesOrder.accountId }, select: { stockClosingDate: true } }),
      tx.location.findMany({ where: { accountId: salesOrder.accountId, deletedAt: null }, select: { id: true } }),
      tx.shopifyLocation.findMany({ where: { storeId }, select: { shopifyLocationId: true, locationId: true } }),
    ]);
    const returned = returnedUnits(order.returnOrders);
    // Each planned row → delivered sales-order rows of its Shopify line with room left to return.
    const room = new Map(order.rows.map((r) => [r.id, toUnits(r.quantity) - (returned.get(r.id) ?? 0n)]));
    const inputs: (ReturnLineInput & { externalLineId: string })[] = [];
    const problems: string[] = [];
    for (const planned of plan.rows) {
      const candidates = order.rows.filter((r) => r.externalLineId === planned.lineItemId && r.state === "delivered" && !r.isShippingFee);
      const locationId = planned.shopifyLocationId ? (shopifyLocations.find((l) => l.shopifyLocationId === planned.shopifyLocationId)?.locationId ?? null) : null;
      let left = toUnits(planned.quantity);
      for (const row of candidates) {
        const free = room.get(row.id) ?? 0n;
        if (left <= 0n || free <= 0n) continue;
        const take = free < left ? free : left;
        room.set(row.id, free - take);
        left -= take;
        inputs.push({
          salesOrderRowId: row.id,
          quantity: fromUnits(take),
          restock: planned.restock,
          locationId: planned.restock ? (locationId ?? row.locationId) : null,
          externalLineId: planned.returnLineId,
        });
      }
      if (left > 0n) {
        problems.push(
          candidates.length === 0
            ? `a returned line has no delivered row on ${salesOrder.number} (deliver the order in Tenon first, or check that fulfillment sync is on)`
            : `more units came back than ${salesOrder.number} has delivered and not yet returned`,
        );
      }
    }
    if (problems.length > 0) return fail("RETURN_NOT_MATCHED", `${[...new Set(problems)].join("; ")}. Then Retry.`);
    const check = planReturn(
      inputs,
      returnableRows(order.rows, returned),
      { date: at, closingDate: account.stockClosingDate, locationIds: new Set(locations.map((l) => l.id)) },
    );
    if (!check.ok) return fail(check.code, "problems" in check ? check.problems.map((p) => p.message).join(" ") : check.message);

    let returnOrder = existing;
    let created: string | null = null;
    if (!returnOrder) {
      const count = await tx.returnOrder.count({ where: { accountId: salesOrder.accountId } });
      const number = `RO-${String(count + 1).padStart(4, "0")}`;
      returnOrder = await tx.returnOrder.create({
        data: {
          accountId: salesOrder.accountId,
          salesOrderId: salesOrder.id,
          number,
          storeId,
          externalReturnId: shopifyReturn.id,
          ...(shopifyReturn.status === "CLOSED" ? { closedAt: at, shopifyClosedAt: at } : {}),
        },
        include: { rows: true },
      });
      created = number;
    }
    const rowIds: string[] = [];
    for (const [i, row] of check.rows.entries()) {
      const createdRow = await tx.returnRow.create({
        data: {
          returnOrderId: returnOrder.id,
          salesOrderRowId: row.salesOrderRowId,
          variantId: row.variantId,
          quantity: row.quantity,
          restock: row.restock,
          locationId: row.locationId,
          state: row.state,
          externalLineId: inputs[i]!.externalLineId,
        },
      });
      rowIds.push(createdRow.id);
    }
    await lockVariants(tx, check.movements.map((m) => m.variantId));
    const written = await writeStockChanges(tx, salesOrder.accountId, {
      movements: check.movements.map((m) => ({
        variantId: m.variantId,
        locationId: m.locationId,
        kind: "return" as const,
        quantity: m.quantity,
        occurredAt: m.occurredAt,
        salesOrderRowId: m.salesOrderRowId,
        returnRowId: rowIds[m.line] ?? null,
      })),
    });
    if (!written.ok) return written;
    const restocked = check.rows.filter((r) => r.restock).length;
    await recordActivity(tx, {
      storeId,
      area: "returns",
      action: created ? "return.created" : "return.updated",
      outcome: "ok",
      subject: `SO ${salesOrder.number}`,
      subjectRef: shopifyReturn.id,
      message:
        `${created ? `Return order ${created} created` : `Return order ${returnOrder.number} updated`} from Shopify return ${shopifyReturn.name ?? ""} of ${orderName}: ` +
        `${restocked} ${restocked === 1 ? "row" : "rows"} restocked, ${check.rows.length - restocked} not restocked.`,
      at,
    });
    return ok({ created, rowsAdded: check.rows.length });
  });
}

/** Closes a return order in Tenon; one brought from Shopify is closed there too (job returns.close). */
export async function closeReturnOrder(db: Db, accountId: string, returnOrderId: string, at = new Date()): Promise<Result<{ closed: true }>> {
  return inTransaction(db, async (tx) => {
    const returnOrder = await tx.returnOrder.findFirst({ where: { id: returnOrderId, accountId }, include: { salesOrder: { select: { externalOrderId: true } } } });
    if (!returnOrder) return fail("RETURN_NOT_FOUND", "This return order does not exist (any more).");
    if (returnOrder.closedAt) return fail("RETURN_ALREADY_CLOSED", "This return order is already closed.");
    await tx.returnOrder.update({ where: { id: returnOrder.id }, data: { closedAt: at } });
    if (returnOrder.storeId && returnOrder.externalReturnId && returnOrder.salesOrder.externalOrderId && !returnOrder.shopifyClosedAt) {
      const { enqueue } = await import("~/jobs/index.server");
      await enqueue(
        tx,
        "returns.close",
        { returnOrderId: returnOrder.id, storeId: returnOrder.storeId, shopifyOrderId: returnOrder.salesOrder.externalOrderId },
        { serialKey: orderSerialKey(returnOrder.storeId, returnOrder.salesOrder.externalOrderId) },
      );
    }
    return ok({ closed: true as const });
  });
}

/** returnClose for a return order closed in Tenon. An already closed Shopify return counts as done. */
export async function closeShopifyReturn(deps: FulfillmentSyncDeps, returnOrderId: string): Promise<void> {
  const returnOrder = await deps.db.returnOrder.findUnique({ where: { id: returnOrderId }, include: { salesOrder: { select: { number: true, externalOrderId: true } } } });
  if (!returnOrder?.storeId || !returnOrder.externalReturnId || returnOrder.shopifyClosedAt) return;
  const at = deps.clock();
  const answer = await deps.client.request<ReturnCloseData>(RETURN_CLOSE_MUTATION, { id: returnOrder.externalReturnId }, { userErrorsAt: "returnClose" });
  const storeId = returnOrder.storeId;
  if (answer.ok || (answer.code === "SHOPIFY_USER_ERRORS" && (answer.userErrors ?? []).some((e) => /closed/i.test(e.message)))) {
    await deps.db.$transaction(async (tx) => {
      await tx.returnOrder.update({ where: { id: returnOrder.id }, data: { shopifyClosedAt: at } });
      await recordActivity(tx, {
        storeId,
        area: "returns",
        action: "return.closed",
        outcome: "ok",
        subject: returnOrder.number,
        subjectRef: returnOrder.externalReturnId!,
        message: `Return order ${returnOrder.number} (${returnOrder.salesOrder.number}) closed in Tenon; the Shopify return is closed too.`,
        at,
      });
    });
    return;
  }
  if (answer.code === "SHOPIFY_USER_ERRORS") {
    await deps.db.$transaction((tx) =>
      recordActivity(tx, {
        storeId,
        area: "returns",
        action: "return.close_failed",
        outcome: "failed",
        subject: returnOrder.number,
        subjectRef: returnOrder.externalReturnId!,
        message: `Shopify did not close the return of ${returnOrder.number}: ${(answer.userErrors ?? []).map((e) => e.message).join("; ")}. Close it in Shopify, or Retry.`,
        retry: { kind: "returns.close", payload: { returnOrderId: returnOrder.id, storeId, shopifyOrderId: returnOrder.salesOrder.externalOrderId ?? "" } },
        at,
      }),
    );
    return;
  }
  throw new Error(`Closing the Shopify return failed: ${answer.message}`);
}
