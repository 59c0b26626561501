import { checkMovementDate, type ClosingDate } from "./locked-period";
import { planLinkedMoOnRowChange, type MoState } from "./manufacturing-order";
import { fromUnits, toUnits, type DecimalString } from "./quantity";
import type { Settings } from "./settings";
import { lineLocations, type OrderLine, type ShopifyOrder } from "./shopify-order";
import type { RowState } from "./stock-levels";

/**
 * What a change of an imported Shopify order does to its sales order (seed 004 "Order changes:
 * how they're applied", product.md "Order changes"). Pure; the service applies the plan in one
 * transaction with the stock events of every Committed change.
 *
 * With "Bring order changes" on:
 * - quantity changed → the matching *not shipped* row takes the difference (a second row is
 *   added when every row of the line is packed, delivered or invoiced and Shopify wants more);
 *   fewer units come off not-shipped, not-invoiced rows, a row that reaches 0 is deleted;
 * - line added → a new row; line removed (current quantity 0) → its not-shipped, not-invoiced rows
 *   are deleted;
 * - a linked MO follows `planLinkedMoOnRowChange`: *Not started* resized or deleted, *Work in
 *   progress* / *Done* unlinked and flagged;
 * - cancelled, fully refunded or archived while nothing is fulfilled → the sales order is
 *   deleted, unless a row is invoiced, packed or delivered, or the order is in a locked period:
 *   then it is flagged;
 * - rows packed, delivered or invoiced are never changed; what cannot be applied is flagged.
 * With "Bring fulfillment location updates" on: a not-shipped row whose line moved to another
 * Shopify location takes the Tenon location mapped to it.
 * Never propagated: customer, addresses, dates, line properties, tracking.
 */

export interface TenonOrderRow {
  id: string;
  externalLineId: string | null;
  isShippingFee: boolean;
  /** A stock row (a physical variant): its location matters. */
  isStock: boolean;
  state: RowState;
  invoiced: boolean;
  quantity: DecimalString;
  locationId: string | null;
  mo: { id: string; state: MoState; quantity: DecimalString } | null;
}

export interface ChangeContext {
  settings: Pick<Settings, "orders">;
  orderNumber: string;
  orderDate: Date;
  closingDate: ClosingDate | null;
  /** Shopify location gid → mapped Tenon location. */
  locationFor: ReadonlyMap<string, string | null>;
}

export type ChangeAction =
  | { type: "set_quantity"; rowId: string; quantity: DecimalString }
  | { type: "delete_row"; rowId: string }
  /** A new row for the line, with `quantity` units (the service maps the line as an import would). */
  | { type: "add_row"; line: OrderLine; quantity: DecimalString }
  | { type: "resize_mo"; moId: string; quantity: DecimalString }
  | { type: "delete_mo"; moId: string }
  | { type: "unlink_mo"; moId: string; note: string }
  | { type: "set_location"; rowId: string; locationId: string }
  | { type: "delete_order" };

export interface ChangePlan {
  actions: ChangeAction[];
  /** Why something Shopify changed could not be applied (the sales order is flagged for review). */
  flags: string[];
}

const adjustable = (row: TenonOrderRow) => row.state === "not_shipped" && !row.invoiced;

function moActions(row: TenonOrderRow, change: { kind: "quantity_changed"; quantity: DecimalString } | { kind: "row_removed" }): ChangeAction[] {
  if (!row.mo) return [];
  const plan = planLinkedMoOnRowChange(row.mo, change);
  switch (plan.action) {
    case "resize":
      return [{ type: "resize_mo", moId: row.mo.id, quantity: plan.quantity }];
    case "delete":
      return [{ type: "delete_mo", moId: row.mo.id }];
    case "unlink":
      return [{ type: "unlink_mo", moId: row.mo.id, note: plan.flagNote }];
    case "none":
      return [];
  }
}

/**
 * Whether Shopify fulfilled any of the order: its status says so, or a line has units that are
 * neither open nor removed. Shopify archives such an order by itself once it is paid (ADR 028),
 * and a status like RESTOCKED or IN_PROGRESS does not say "fulfilled", so the lines decide too.
 */
export function fulfilledInShopify(order: Pick<ShopifyOrder, "fulfillmentStatus" | "lines" | "cancelledAt">): boolean {
  if (["FULFILLED", "PARTIALLY_FULFILLED", "RESTOCKED"].includes(order.fulfillmentStatus)) return true;
  // A cancelled order's lines have no open units left, fulfilled or not: only its status counts.
  return !order.cancelledAt && order.lines.some((l) => l.currentQuantity > l.unfulfilledQuantity);
}

/**
 * Whether the whole order ended in Shopify before anything was fulfilled. An order Shopify
 * fulfilled any of never "ended unfulfilled", archived or not: its sales order is never deleted.
 */
export function endedUnfulfilled(order: Pick<ShopifyOrder, "cancelledAt" | "financialStatus" | "closed" | "fulfillmentStatus" | "lines">): "cancelled" | "refunded" | "archived" | null {
  if (fulfilledInShopify(order)) return null;
  if (order.cancelledAt) return "cancelled";
  if (order.financialStatus === "REFUNDED") return "refunded";
  if (order.closed) return "archived";
  return null;
}

function planDeletion(order: ShopifyOrder, rows: TenonOrderRow[], context: ChangeContext, reason: "cancelled" | "refunded" | "archived"): ChangePlan {
  const why = `${order.name} was ${reason} in Shopify`;
  if (rows.some((r) => r.invoiced)) {
    return { actions: [], flags: [`${why}, but ${context.orderNumber} has invoiced rows, so Tenon kept it: credit the invoice, then delete the order.`] };
  }
  if (rows.some((r) => !r.isShippingFee && r.state !== "not_shipped")) {
    return { actions: [], flags: [`${why}, but ${context.orderNumber} has packed or delivered rows, so Tenon kept it: check it.`] };
  }
  const period = checkMovementDate(context.orderDate, context.closingDate, { action: "delete", subject: "this order" });
  if (!period.ok) {
    return { actions: [], flags: [`${why}, but ${context.orderNumber} is dated in a locked inventory period, so Tenon kept it: ${period.message}`] };
  }
  const actions: ChangeAction[] = rows.flatMap((row) => moActions(row, { kind: "row_removed" }));
  actions.push({ type: "delete_order" });
  return { actions, flags: [] };
}

export function planOrderChanges(order: ShopifyOrder, rows: TenonOrderRow[], context: ChangeContext): ChangePlan {
  const actions: ChangeAction[] = [];
  const flags: string[] = [];
  const changes = context.settings.orders.bringOrderChanges;
  const ended = endedUnfulfilled(order);
  if (ended) return changes ? planDeletion(order, rows, context, ended) : { actions, flags };

  if (changes) {
    for (const line of order.lines) {
      const lineRows = rows.filter((r) => r.externalLineId === line.id && !r.isShippingFee);
      const desired = BigInt(line.currentQuantity) * 10_000n;
      const total = lineRows.reduce((n, r) => n + toUnits(r.quantity), 0n);
      if (desired === total) continue;
      if (desired > total) {
        const target = lineRows.find(adjustable);
        if (target) {
          const quantity = fromUnits(toUnits(target.quantity) + desired - total);
          actions.push({ type: "set_quantity", rowId: target.id, quantity });
          actions.push(...moActions(target, { kind: "quantity_changed", quantity }));
        } else {
          actions.push({ type: "add_row", line, quantity: fromUnits(desired - total) });
        }
        continue;
      }
      // Fewer units: take them off not-shipped, not-invoiced rows, the newest first.
      let remaining = total - desired;
      for (const row of [...lineRows].reverse()) {
        if (remaining === 0n) break;
        if (!adjustable(row)) continue;
        const units = toUnits(row.quantity);
        const take = units < remaining ? units : remaining;
        remaining -= take;
        if (take === units) {
          actions.push({ type: "delete_row", rowId: row.id });
          actions.push(...moActions(row, { kind: "row_removed" }));
        } else {
          const quantity = fromUnits(units - take);
          actions.push({ type: "set_quantity", rowId: row.id, quantity });
          actions.push(...moActions(row, { kind: "quantity_changed", quantity }));
        }
      }
      if (remaining > 0n) {
        flags.push(
          `${line.title}: Shopify now has ${line.currentQuantity}, but ${fromUnits(remaining)} more are packed, delivered or invoiced in ${context.orderNumber}, so Tenon left those rows as they are.`,
        );
      }
    }
  }

  if (context.settings.orders.bringFulfillmentLocationUpdates) {
    const locations = lineLocations(order);
    for (const row of rows) {
      if (!row.externalLineId || !row.isStock || !adjustable(row) || actions.some((a) => a.type === "delete_row" && a.rowId === row.id)) continue;
      const shopifyLocation = locations.get(row.externalLineId);
      const target = shopifyLocation ? context.locationFor.get(shopifyLocation) : null;
      if (target && target !== row.locationId) actions.push({ type: "set_location", rowId: row.id, locationId: target });
    }
  }
  return { actions, flags };
}
