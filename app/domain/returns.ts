import { checkMovementDate, type ClosingDate } from "./locked-period";
import { fromUnits, parseQuantity, toUnits, type DecimalLike, type DecimalString, type QuantityErrorCode } from "./quantity";
import { isStockRow, type SalesRow } from "./sales-order";

/**
 * Return orders (issue 5; product.md "Returns in"): rows of a return, each against a delivered
 * sales-order row. A restocked row puts the goods back into stock at a location (a `return`
 * movement, row state "returned"); a row not restocked records the return without touching
 * stock ("not_restocked"). A row can never take back more than was delivered minus what earlier
 * returns (and earlier lines of this one) already took back.
 */

export type ReturnRowState = "returned" | "not_restocked";

export interface ReturnLineInput {
  salesOrderRowId: string;
  /** As typed, or from Shopify. */
  quantity: unknown;
  restock: boolean;
  /** Where restocked goods go; defaults to the sales-order row's location. */
  locationId?: string | null;
}

export interface ReturnableRow
  extends Pick<SalesRow, "id" | "variantId" | "isShippingFee" | "isService" | "state" | "quantity" | "locationId"> {
  /** What earlier return orders already took back from this row. */
  alreadyReturned: DecimalLike;
}

export interface ReturnContext {
  date: Date;
  closingDate: ClosingDate | null;
  timeZone?: string;
  /** Existing (not deleted) Tenon locations; a restock location outside it is refused. */
  locationIds: ReadonlySet<string>;
}

export interface PlannedReturnRow {
  salesOrderRowId: string;
  variantId: string;
  quantity: DecimalString;
  restock: boolean;
  locationId: string | null;
  state: ReturnRowState;
}

export interface ReturnMovement {
  kind: "return";
  variantId: string;
  locationId: string;
  /** Positive: back into stock. */
  quantity: DecimalString;
  occurredAt: Date;
  salesOrderRowId: string;
  /** Index of the return line (and of `rows`) this movement belongs to. */
  line: number;
}

export type ReturnProblemCode =
  | "RETURN_ROW_UNKNOWN"
  | "RETURN_ROW_NOT_RETURNABLE"
  | "RETURN_ROW_NOT_DELIVERED"
  | "RETURN_QUANTITY_EXCEEDS"
  | "RETURN_NO_LOCATION"
  | "RETURN_UNKNOWN_LOCATION"
  | QuantityErrorCode;

export interface ReturnProblem {
  line: number;
  code: ReturnProblemCode;
  message: string;
}

export type ReturnPlan =
  | { ok: true; rows: PlannedReturnRow[]; movements: ReturnMovement[] }
  | { ok: false; code: "RETURN_EMPTY"; message: string }
  | { ok: false; code: "RETURN_INVALID"; message: string; problems: ReturnProblem[] }
  | { ok: false; code: "PERIOD_LOCKED"; closingDate: string; message: string };

export function planReturn(lines: readonly ReturnLineInput[], salesOrderRows: readonly ReturnableRow[], context: ReturnContext): ReturnPlan {
  if (lines.length === 0) {
    return { ok: false, code: "RETURN_EMPTY", message: "Add at least one row to return." };
  }
  const byId = new Map(salesOrderRows.map((row) => [row.id, row]));
  const taken = new Map<string, bigint>();
  const problems: ReturnProblem[] = [];
  const rows: PlannedReturnRow[] = [];

  lines.forEach((line, index) => {
    const problem = (code: ReturnProblemCode, message: string) => problems.push({ line: index, code, message });
    const source = byId.get(line.salesOrderRowId);
    if (!source) return problem("RETURN_ROW_UNKNOWN", "This row is not on the sales order. Choose a row of the order.");
    if (!isStockRow(source)) {
      return problem("RETURN_ROW_NOT_RETURNABLE", "Services and the shipping fee cannot be returned. Remove this line; refund it in Shopify or your accounting.");
    }
    if (source.state !== "delivered") {
      return problem("RETURN_ROW_NOT_DELIVERED", "This row is not delivered yet, so nothing can come back. Deliver it first, or change the sales order instead.");
    }
    const quantity = parseQuantity(line.quantity, { label: "quantity to return" });
    if (!quantity.ok) return problem(quantity.code, quantity.message);
    const units = toUnits(quantity.value);
    const before = toUnits(source.alreadyReturned) + (taken.get(source.id) ?? 0n);
    const left = toUnits(source.quantity) - before;
    if (units > left) {
      return problem(
        "RETURN_QUANTITY_EXCEEDS",
        left > 0n
          ? `At most ${fromUnits(left)} can still be returned on this row (${fromUnits(toUnits(source.quantity))} delivered, ${fromUnits(before)} already returned). Enter a smaller quantity.`
          : `Everything delivered on this row (${fromUnits(toUnits(source.quantity))}) was already returned. Remove this line.`,
      );
    }
    let locationId: string | null = null;
    if (line.restock) {
      locationId = line.locationId ?? source.locationId;
      if (locationId === null) return problem("RETURN_NO_LOCATION", "Choose the location the returned goods go back to.");
      if (!context.locationIds.has(locationId)) {
        return problem("RETURN_UNKNOWN_LOCATION", "This location does not exist any more. Choose another location for the returned goods.");
      }
    }
    taken.set(source.id, (taken.get(source.id) ?? 0n) + units);
    rows.push({
      salesOrderRowId: source.id,
      variantId: source.variantId!,
      quantity: quantity.value,
      restock: line.restock,
      locationId,
      state: line.restock ? "returned" : "not_restocked",
    });
  });

  if (problems.length > 0) {
    return {
      ok: false,
      code: "RETURN_INVALID",
      message: "Some return rows need attention; nothing was returned. Fix the rows marked below.",
      problems,
    };
  }

  const movements: ReturnMovement[] = [];
  rows.forEach((row, line) => {
    if (!row.restock) return;
    movements.push({
      kind: "return",
      variantId: row.variantId,
      locationId: row.locationId!,
      quantity: row.quantity,
      occurredAt: context.date,
      salesOrderRowId: row.salesOrderRowId,
      line,
    });
  });
  if (movements.length > 0) {
    const period = checkMovementDate(context.date, context.closingDate, { timeZone: context.timeZone, subject: "this return" });
    if (!period.ok) return period;
  }
  return { ok: true, rows, movements };
}
