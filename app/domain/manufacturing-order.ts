import type { BomComponent } from "./kit-potential";
import { checkMovementDate, type ClosingDate } from "./locked-period";
import { fromUnits, multiplyDecimal, parseQuantity, toUnits, type DecimalLike, type DecimalString, type QuantityErrorCode } from "./quantity";
import { isStockRow, type SalesRow } from "./sales-order";

/**
 * Manufacturing orders (issue 5): make a variant × quantity at a location, from its BOM.
 *
 * States: not_started → work_in_progress → done. Not started and Work in progress may move
 * either way (a started job can be put back); Done is final — its movements are written, so
 * it can neither go back nor change. Completion (→ done, from either state) consumes every
 * component (BOM quantity × MO quantity, rounded to 4 places) and produces the item, all at
 * the MO's location and dated at completion.
 *
 * Make to order: an MO may be linked to one sales-order row of the same variant; the order
 * changes of product.md decide what happens to it when the row changes (`planLinkedMoOnRowChange`).
 */

export type MoState = "not_started" | "work_in_progress" | "done";

export const moStateLabel: Record<MoState, string> = {
  not_started: "Not started",
  work_in_progress: "Work in progress",
  done: "Done",
};

export interface ManufacturingOrder {
  id: string;
  variantId: string;
  quantity: DecimalLike;
  locationId: string;
  state: MoState;
  salesOrderRowId?: string | null;
  /** The completion date (movements' date) of a Done MO. */
  doneAt?: Date | null;
}

type Refusal<Code extends string> = { ok: false; code: Code; message: string };
type PeriodLocked = { ok: false; code: "PERIOD_LOCKED"; closingDate: string; message: string };

const doneFinal: Refusal<"MO_DONE_FINAL"> = {
  ok: false,
  code: "MO_DONE_FINAL",
  message: "This manufacturing order is Done: its stock movements are recorded and it cannot change. Create a new manufacturing order, or adjust stock.",
};

// ───────────────────────────── states ─────────────────────────────

export function checkMoTransition(mo: Pick<ManufacturingOrder, "state">, to: MoState): { ok: true } | Refusal<"MO_DONE_FINAL" | "MO_ALREADY_IN_STATE"> {
  if (mo.state === "done") return doneFinal;
  if (mo.state === to) {
    return { ok: false, code: "MO_ALREADY_IN_STATE", message: `This manufacturing order is already ${moStateLabel[to]}.` };
  }
  return { ok: true };
}

/** The quantity to make, as typed: greater than 0, up to 4 decimal places. */
export function parseMoQuantity(input: unknown) {
  return parseQuantity(input, { label: "quantity to make" });
}

// ───────────────────────────── completion ─────────────────────────────

export interface MoMovement {
  kind: "mo_consumption" | "mo_output";
  variantId: string;
  locationId: string;
  /** Signed: consumption negative, output positive. Batch-tracked components: split with `pickBatchesFifo`. */
  quantity: DecimalString;
  occurredAt: Date;
  manufacturingOrderId: string;
}

export interface CompletionContext {
  date: Date;
  closingDate: ClosingDate | null;
  timeZone?: string;
}

export type CompletionCheck =
  | { ok: true; movements: MoMovement[] }
  | Refusal<"MO_DONE_FINAL" | "MO_QUANTITY_INVALID" | "MO_BOM_INVALID">
  | PeriodLocked;

/**
 * The movements to write when the MO is marked Done: one consumption per component (a component
 * listed twice is consumed once, with both quantities; one whose consumption rounds to 0 is
 * skipped), then the output. An MO whose item has no BOM only produces.
 */
export function planCompletion(mo: ManufacturingOrder, bom: readonly BomComponent[], context: CompletionContext): CompletionCheck {
  if (mo.state === "done") return doneFinal;
  const quantity = toUnits(mo.quantity);
  if (quantity <= 0n) {
    return {
      ok: false,
      code: "MO_QUANTITY_INVALID",
      message: "The quantity to make must be greater than 0. Change the quantity before completing.",
    };
  }
  const perKit = new Map<string, bigint>();
  for (const component of bom) {
    if (component.variantId === mo.variantId) {
      return { ok: false, code: "MO_BOM_INVALID", message: "This item's bill of materials contains the item itself. Fix the bill of materials first." };
    }
    const units = toUnits(component.quantityPerKit);
    if (units <= 0n) {
      return { ok: false, code: "MO_BOM_INVALID", message: "A component in this item's bill of materials has no quantity. Fix the bill of materials first." };
    }
    perKit.set(component.variantId, (perKit.get(component.variantId) ?? 0n) + units);
  }
  const period = checkMovementDate(context.date, context.closingDate, {
    timeZone: context.timeZone,
    subject: "completing this manufacturing order",
  });
  if (!period.ok) return period;

  const base = { locationId: mo.locationId, occurredAt: context.date, manufacturingOrderId: mo.id };
  const movements: MoMovement[] = [];
  for (const [variantId, units] of perKit) {
    const consumed = multiplyDecimal(fromUnits(units), mo.quantity);
    if (toUnits(consumed) === 0n) continue;
    movements.push({ kind: "mo_consumption", variantId, quantity: `-${consumed}`, ...base });
  }
  movements.push({ kind: "mo_output", variantId: mo.variantId, quantity: fromUnits(quantity), ...base });
  return { ok: true, movements };
}

// ───────────────────────────── resize ─────────────────────────────

export type ResizeCheck =
  | { ok: true; quantity: DecimalString }
  | Refusal<"MO_NOT_RESIZABLE" | "MO_DONE_FINAL" | QuantityErrorCode>;

/** Only a Not started MO can be resized (materials may already be in use once work started). */
export function canResize(mo: Pick<ManufacturingOrder, "state">, quantity: unknown): ResizeCheck {
  if (mo.state === "done") return doneFinal;
  if (mo.state !== "not_started") {
    return {
      ok: false,
      code: "MO_NOT_RESIZABLE",
      message: "Only a Not started manufacturing order can be resized. Move it back to Not started first, or create another one for the difference.",
    };
  }
  const parsed = parseMoQuantity(quantity);
  if (!parsed.ok) return parsed;
  return { ok: true, quantity: parsed.value };
}

// ───────────────────────────── make to order ─────────────────────────────

type LinkableRow = Pick<SalesRow, "id" | "variantId" | "state" | "isShippingFee" | "isService" | "manufacturingOrderId" | "quantity" | "locationId">;

export type LinkRefusalCode =
  | "ROW_NOT_STOCK"
  | "ROW_DELIVERED"
  | "ROW_ALREADY_LINKED"
  | "ROW_NO_LOCATION"
  | "VARIANT_MISMATCH"
  | "MO_ALREADY_LINKED"
  | "MO_DONE_FINAL";

function rowLinkable(row: LinkableRow): { ok: true } | Refusal<LinkRefusalCode> {
  if (!isStockRow(row)) {
    return { ok: false, code: "ROW_NOT_STOCK", message: "Only a row with a stocked product can be made to order; services and the shipping fee cannot." };
  }
  if (row.state === "delivered") {
    return { ok: false, code: "ROW_DELIVERED", message: "This row is already delivered, so there is nothing left to make for it." };
  }
  if (row.manufacturingOrderId) {
    return {
      ok: false,
      code: "ROW_ALREADY_LINKED",
      message: "This row already has a manufacturing order. Open it, or unlink it before linking another.",
    };
  }
  return { ok: true };
}

export interface MoDraft {
  variantId: string;
  quantity: DecimalString;
  locationId: string;
  state: "not_started";
  salesOrderRowId: string;
}

/** "Make to order" on a row: the MO to create (row's variant, quantity and location) and link. */
export function planMakeToOrder(row: LinkableRow): { ok: true; draft: MoDraft } | Refusal<LinkRefusalCode> {
  const linkable = rowLinkable(row);
  if (!linkable.ok) return linkable;
  if (row.locationId === null) {
    return { ok: false, code: "ROW_NO_LOCATION", message: "Choose a location for this row first: the item is made there." };
  }
  return {
    ok: true,
    draft: {
      variantId: row.variantId!,
      quantity: fromUnits(toUnits(row.quantity)),
      locationId: row.locationId,
      state: "not_started",
      salesOrderRowId: row.id,
    },
  };
}

/** Link an existing MO to a row: same variant, MO not Done and not linked elsewhere. */
export function canLinkToRow(mo: ManufacturingOrder, row: LinkableRow): { ok: true } | Refusal<LinkRefusalCode> {
  if (mo.state === "done") return { ...doneFinal };
  if (mo.salesOrderRowId && mo.salesOrderRowId !== row.id) {
    return { ok: false, code: "MO_ALREADY_LINKED", message: "This manufacturing order is linked to another sales-order row. Unlink it there first." };
  }
  if (mo.salesOrderRowId === row.id) {
    return { ok: false, code: "ROW_ALREADY_LINKED", message: "This manufacturing order is already linked to this row." };
  }
  const linkable = rowLinkable(row);
  if (!linkable.ok) return linkable;
  if (row.variantId !== mo.variantId) {
    return { ok: false, code: "VARIANT_MISMATCH", message: "This manufacturing order makes a different product than the row sells. Choose a matching row." };
  }
  return { ok: true };
}

/** Unlinking is always possible while linked (even Done: the stock stays, the link goes). */
export function canUnlink(mo: Pick<ManufacturingOrder, "salesOrderRowId">): { ok: true } | Refusal<"MO_NOT_LINKED"> {
  if (!mo.salesOrderRowId) return { ok: false, code: "MO_NOT_LINKED", message: "This manufacturing order is not linked to a sales-order row." };
  return { ok: true };
}

export type RowChange = { kind: "quantity_changed"; quantity: DecimalLike } | { kind: "row_removed" };

export type LinkedMoAction =
  | { action: "resize"; quantity: DecimalString }
  | { action: "delete" }
  | { action: "unlink"; flagNote: string }
  | { action: "none" };

/**
 * What happens to a row's MO when the Shopify order changes (product.md, "Order changes"):
 * quantity changed → Not started is resized, Work in progress / Done are unlinked and flagged;
 * line removed → Not started is deleted, Work in progress / Done are unlinked and flagged.
 */
export function planLinkedMoOnRowChange(mo: Pick<ManufacturingOrder, "state" | "quantity">, change: RowChange): LinkedMoAction {
  if (mo.state === "not_started") {
    if (change.kind === "row_removed") return { action: "delete" };
    const quantity = fromUnits(toUnits(change.quantity));
    return toUnits(quantity) === toUnits(mo.quantity) ? { action: "none" } : { action: "resize", quantity };
  }
  const state = moStateLabel[mo.state];
  if (change.kind === "row_removed") {
    return {
      action: "unlink",
      flagNote: `The order line this manufacturing order was made for was removed in Shopify. It was ${state}, so Tenon unlinked it instead of deleting it: decide whether to finish it for stock.`,
    };
  }
  if (toUnits(change.quantity) === toUnits(mo.quantity)) return { action: "none" };
  return {
    action: "unlink",
    flagNote: `The ordered quantity changed in Shopify to ${fromUnits(toUnits(change.quantity))}. This manufacturing order was ${state}, so Tenon unlinked it instead of resizing it: check whether another one is needed.`,
  };
}

// ───────────────────────────── delete ─────────────────────────────

export type DeleteMoCheck = { ok: true; removesMovements: boolean } | PeriodLocked;

/** A Done MO can be deleted with its movements, unless its completion is in a locked period. */
export function canDeleteMo(mo: Pick<ManufacturingOrder, "state" | "doneAt">, context: { closingDate: ClosingDate | null; timeZone?: string }): DeleteMoCheck {
  if (mo.state !== "done") return { ok: true, removesMovements: false };
  if (mo.doneAt) {
    const period = checkMovementDate(mo.doneAt, context.closingDate, {
      timeZone: context.timeZone,
      action: "delete",
      subject: "this manufacturing order's stock movements",
    });
    if (!period.ok) return period;
  }
  return { ok: true, removesMovements: true };
}
