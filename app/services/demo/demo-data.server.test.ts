import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoData } from "./demo-data.server";
import { readStockLevels } from "../stock/stock.server";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

describe("demo data", () => {
  it("builds the demo maker once: catalogue, stock, batches, orders in every state, one MO in progress", async () => {
    const now = new Date("2026-11-23T12:00:00Z");
    const { accountId } = await seedDemoData(t.db, "tenon-demo.myshopify.com", now);
    expect(await seedDemoData(t.db, "tenon-demo.myshopify.com", now)).toEqual({ accountId });
    expect(await t.db.variant.count({ where: { accountId } })).toBe(27);
    expect(await t.db.batch.count({ where: { accountId } })).toBe(4);
    const rows = await t.db.salesOrderRow.groupBy({ by: ["state"], where: { salesOrder: { accountId } }, _count: { _all: true } });
    expect(Object.fromEntries(rows.map((r) => [r.state, r._count._all]))).toMatchObject({ delivered: 2, packed: 1 });
    expect((await t.db.manufacturingOrder.findFirstOrThrow({ where: { accountId } })).state).toBe("work_in_progress");
    const starter = await t.db.variant.findFirstOrThrow({ where: { accountId, code: "KIT-STARTER" } });
    const { kits } = await readStockLevels(t.db, accountId, { variantIds: [starter.id] });
    const warehouse = await t.db.location.findFirstOrThrow({ where: { accountId, name: "Warehouse Leipzig" } });
    // 12 mallets, 10 gauges, 25 practice kits / 2 per kit: the gauges allow 10.
    expect(kits.find((k) => k.locationId === warehouse.id)?.potential).toBe(10);
    const store = await t.db.store.findUniqueOrThrow({ where: { shopDomain: "tenon-demo.myshopify.com" } });
    expect(store.connection).toBe("uninstalled");
  });
});
