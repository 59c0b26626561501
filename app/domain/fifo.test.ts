import { describe, expect, it } from "vitest";
import { pickBatchesFifo, type BatchBalance } from "./fifo";

const batch = (batchId: string, day: string, quantityAvailable: string | number): BatchBalance => ({
  batchId,
  receivedAt: new Date(`2026-${day}T08:00:00Z`),
  quantityAvailable,
});

describe("pickBatchesFifo", () => {
  it("takes from the oldest batch first, whatever the input order", () => {
    const batches = [batch("B2", "02-10", "10"), batch("B1", "01-05", "10"), batch("B3", "03-01", "10")];
    expect(pickBatchesFifo(batches, "4")).toEqual({ ok: true, picks: [{ batchId: "B1", quantity: "4" }] });
  });

  it("spreads one row over several batches, oldest first", () => {
    const batches = [batch("B1", "01-05", "3"), batch("B2", "02-10", "2.5"), batch("B3", "03-01", "10")];
    expect(pickBatchesFifo(batches, "7")).toEqual({
      ok: true,
      picks: [
        { batchId: "B1", quantity: "3" },
        { batchId: "B2", quantity: "2.5" },
        { batchId: "B3", quantity: "1.5" },
      ],
    });
  });

  it("empties batches exactly, taking nothing from later ones", () => {
    const batches = [batch("B1", "01-05", "3"), batch("B2", "02-10", "2")];
    expect(pickBatchesFifo(batches, "5")).toEqual({
      ok: true,
      picks: [
        { batchId: "B1", quantity: "3" },
        { batchId: "B2", quantity: "2" },
      ],
    });
    expect(pickBatchesFifo(batches, "3")).toEqual({ ok: true, picks: [{ batchId: "B1", quantity: "3" }] });
  });

  it("breaks ties on the received date by batch id, in code-unit order", () => {
    const batches = [batch("b", "01-05", "1"), batch("B", "01-05", "1"), batch("a", "01-05", "1")];
    const result = pickBatchesFifo(batches, "3");
    expect(result.ok && result.picks.map((p) => p.batchId)).toEqual(["B", "a", "b"]);
  });

  it("orders by the exact instant, not just the day", () => {
    const early = { batchId: "Z", receivedAt: new Date("2026-01-05T07:00:00Z"), quantityAvailable: "1" };
    const late = { batchId: "A", receivedAt: new Date("2026-01-05T09:00:00Z"), quantityAvailable: "1" };
    const result = pickBatchesFifo([late, early], "1");
    expect(result).toEqual({ ok: true, picks: [{ batchId: "Z", quantity: "1" }] });
  });

  it("skips empty and negative batches", () => {
    const batches = [batch("B0", "01-01", "0"), batch("Bneg", "01-02", "-2"), batch("B1", "01-05", "5")];
    expect(pickBatchesFifo(batches, "2")).toEqual({ ok: true, picks: [{ batchId: "B1", quantity: "2" }] });
  });

  it("is exact with fractional quantities", () => {
    const batches = [batch("B1", "01-05", "0.1"), batch("B2", "01-06", "0.2")];
    expect(pickBatchesFifo(batches, 0.3)).toEqual({
      ok: true,
      picks: [
        { batchId: "B1", quantity: "0.1" },
        { batchId: "B2", quantity: "0.2" },
      ],
    });
  });

  it("refuses with the shortfall when the batches do not hold enough, picking nothing", () => {
    const batches = [batch("B1", "01-05", "3"), batch("B2", "02-10", "1.5")];
    const result = pickBatchesFifo(batches, "6", { itemLabel: "SOAP-1" });
    expect(result).toMatchObject({ ok: false, code: "NOT_ENOUGH_STOCK", requested: "6", available: "4.5", shortfall: "1.5" });
    if (!result.ok) expect(result.message).toBe(
      'Not enough stock of "SOAP-1" in batches at this location: 6 needed, 4.5 available (1.5 short). Receive or adjust stock into a batch first, or deliver less.',
    );
  });

  it("refuses when there are no batches at all", () => {
    expect(pickBatchesFifo([], "1")).toMatchObject({ ok: false, code: "NOT_ENOUGH_STOCK", available: "0", shortfall: "1" });
    expect(pickBatchesFifo([batch("B0", "01-01", "0")], "1")).toMatchObject({ code: "NOT_ENOUGH_STOCK", shortfall: "1" });
  });

  it("refuses a zero or negative request", () => {
    const batches = [batch("B1", "01-05", "3")];
    expect(pickBatchesFifo(batches, "0")).toMatchObject({ ok: false, code: "QUANTITY_ZERO" });
    expect(pickBatchesFifo(batches, "-1")).toMatchObject({ ok: false, code: "QUANTITY_NEGATIVE" });
  });

  it("does not modify its input", () => {
    const batches = [batch("B2", "02-10", "1"), batch("B1", "01-05", "1")];
    const copy = structuredClone(batches);
    pickBatchesFifo(batches, "2");
    expect(batches).toEqual(copy);
  });

  it("never takes more than a batch holds across 20 successive deliveries on updated balances", () => {
    let balances = [batch("B1", "01-05", "7"), batch("B2", "01-06", "5"), batch("B3", "01-07", "8")];
    let delivered = 0;
    for (let i = 0; i < 20; i++) {
      const result = pickBatchesFifo(balances, "1");
      if (!result.ok) {
        expect(result.code).toBe("NOT_ENOUGH_STOCK");
        continue;
      }
      delivered += 1;
      balances = balances.map((b) => {
        const pick = result.picks.find((p) => p.batchId === b.batchId);
        return pick ? { ...b, quantityAvailable: String(Number(b.quantityAvailable) - Number(pick.quantity)) } : b;
      });
      for (const b of balances) expect(Number(b.quantityAvailable)).toBeGreaterThanOrEqual(0);
    }
    expect(delivered).toBe(20);
    expect(balances.map((b) => b.quantityAvailable)).toEqual(["0", "0", "0"]);
    expect(pickBatchesFifo(balances, "1").ok).toBe(false);
  });
});
