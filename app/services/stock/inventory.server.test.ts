import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db";
import { makerWithCatalogue } from "../../../tests/support/catalog-factories";
import { inventoryForExport, listInventory } from "./inventory.server";
import { createSalesOrder } from "../sales-orders/sales-orders.server";
import { adjustStock } from "./stock.server";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

const day = new Date("2026-11-02T10:00:00Z");

describe("inventory overview", () => {
  it("shows every physical variant at every location, zeros included, and kits with their potential", async () => {
    const m = await makerWithCatalogue(t.db);
    await adjustStock(t.db, m.accountId, {
      locationId: m.workshop.id,
      reason: "Stocktake",
      occurredAt: day,
      lines: [
        { variantId: m.stool.id, quantity: "3" },
        { variantId: m.oil.id, quantity: "1" },
      ],
    });
    await createSalesOrder(t.db, m.accountId, {
      orderDate: day,
      rows: [{ variantId: m.stool.id, quantity: "1", pricePerUnit: "10", locationId: m.workshop.id }],
    });
    const { lines, total } = await listInventory(t.db, m.accountId);
    expect(total).toBe(5); // the service is not stocked
    expect(lines).toHaveLength(10);
    const at = (variantId: string, locationId: string) => lines.find((l) => l.variantId === variantId && l.locationId === locationId);
    expect(at(m.stool.id, m.workshop.id)).toMatchObject({ inStock: "3", committed: "1", available: "2", potential: null, locationName: "Workshop" });
    expect(at(m.stool.id, m.warehouse.id)).toMatchObject({ inStock: "0", committed: "0", available: "0" });
    // Kit = 1 stool + 0.5 oil: 2 stools and 1 litre available make 2 kits.
    expect(at(m.kit.id, m.workshop.id)).toMatchObject({ isKit: true, potential: 2, inStock: "0" });
    expect(at(m.kit.id, m.warehouse.id)).toMatchObject({ potential: 0 });
  });

  it("searches by code or product name, filters by location and pages by variant", async () => {
    const m = await makerWithCatalogue(t.db);
    const byCode = await listInventory(t.db, m.accountId, { search: "LEGS" });
    expect(byCode.lines.map((l) => l.code)).toEqual(["LEGS", "LEGS"]);
    const byName = await listInventory(t.db, m.accountId, { search: "Stool seat", locationId: m.warehouse.id });
    expect(byName.lines.map((l) => [l.code, l.locationName])).toEqual([["SEAT", "Warehouse"]]);
    const secondPage = await listInventory(t.db, m.accountId, { page: 2 });
    expect(secondPage).toMatchObject({ lines: [], total: 5, page: 2, pageCount: 1 });
  });

  it("exports every matching line, in the order of the overview", async () => {
    const m = await makerWithCatalogue(t.db);
    const exported = [];
    for await (const line of inventoryForExport(t.db, m.accountId, { locationId: m.workshop.id })) exported.push(line.code);
    expect(exported).toEqual(["OIL", "STOOL", "KIT", "LEGS", "SEAT"]);
  });
});
