import { fromUnits, toUnits, type DecimalLike, type DecimalString } from "./quantity";

/**
 * FIFO batch picking (issue 5, "Batches"): a delivery (or a manufacturing consumption) of a
 * batch-tracked item takes from the oldest batches at the row's location first.
 *
 * Order: `receivedAt` ascending, then `batchId` ascending (plain code-unit order, so the tie
 * break never depends on locale). Empty batches (and, defensively, negative ones) are skipped.
 *
 * The picks are computed from a snapshot. The service must apply them so two concurrent
 * deliveries cannot both take the same stock: inside the transaction, re-read the batch
 * balances with a lock (PostgreSQL `SELECT … FOR UPDATE`, SQLite's single writer), or write each
 * batch movement conditionally and retry the whole pick when a batch no longer holds its pick.
 */

export interface BatchBalance {
  batchId: string;
  receivedAt: Date;
  /** What the batch still holds at this location (sum of its movements there). */
  quantityAvailable: DecimalLike;
}

export interface BatchPick {
  batchId: string;
  /** Positive; the service writes a movement of −quantity for the batch. */
  quantity: DecimalString;
}

export type FifoResult =
  | { ok: true; picks: BatchPick[] }
  | {
      ok: false;
      code: "NOT_ENOUGH_STOCK";
      requested: DecimalString;
      available: DecimalString;
      shortfall: DecimalString;
      message: string;
    }
  | { ok: false; code: "QUANTITY_ZERO" | "QUANTITY_NEGATIVE"; message: string };

export interface FifoOptions {
  /** For the message: the variant's code or name. */
  itemLabel?: string;
}

export function pickBatchesFifo(
  batches: readonly BatchBalance[],
  quantity: DecimalLike,
  options: FifoOptions = {},
): FifoResult {
  const requested = toUnits(quantity);
  if (requested === 0n) {
    return { ok: false, code: "QUANTITY_ZERO", message: "Enter a quantity greater than 0 to take from batches." };
  }
  if (requested < 0n) {
    return { ok: false, code: "QUANTITY_NEGATIVE", message: "A quantity taken from batches cannot be negative." };
  }

  const usable = batches
    .map((batch) => ({ batch, units: toUnits(batch.quantityAvailable) }))
    .filter(({ units }) => units > 0n)
    .sort((a, b) => {
      const byDate = a.batch.receivedAt.getTime() - b.batch.receivedAt.getTime();
      if (byDate !== 0) return byDate;
      return a.batch.batchId < b.batch.batchId ? -1 : a.batch.batchId > b.batch.batchId ? 1 : 0;
    });

  const picks: BatchPick[] = [];
  let remaining = requested;
  for (const { batch, units } of usable) {
    if (remaining === 0n) break;
    const take = units < remaining ? units : remaining;
    picks.push({ batchId: batch.batchId, quantity: fromUnits(take) });
    remaining -= take;
  }

  if (remaining > 0n) {
    const available = requested - remaining;
    const item = options.itemLabel ? ` of "${options.itemLabel}"` : "";
    return {
      ok: false,
      code: "NOT_ENOUGH_STOCK",
      requested: fromUnits(requested),
      available: fromUnits(available),
      shortfall: fromUnits(remaining),
      message: `Not enough stock${item} in batches at this location: ${fromUnits(requested)} needed, ${fromUnits(available)} available (${fromUnits(remaining)} short). Receive or adjust stock into a batch first, or deliver less.`,
    };
  }
  return { ok: true, picks };
}
