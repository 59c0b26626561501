import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { startAppHarness, type AppHarness } from "../support/app-harness";
import { activeSyncStore, importedSalesOrder, inStock, mappedVariant, rowsOf, settle, shopifyOrder, type SyncStore } from "../support/fulfillment-fixtures";

/** Returns from Shopify (issue 9, ADR 015) through the emulator, "bring returns" on. */
const TOML = fileURLToPath(new URL("./fixtures/fulfillment-sync.app.toml", import.meta.url));

let app: AppHarness;
let s: SyncStore;

beforeAll(async () => {
  app = await startAppHarness({ tomlPath: TOML });
  s = await activeSyncStore(app, { bringReturns: true });
}, 60_000);
afterAll(async () => app?.stop());

/** An order fulfilled in Shopify and delivered in Tenon (through the fulfillment sync). */
async function deliveredOrder(lines: { sku: string; quantity: number }[]) {
  const order = await shopifyOrder(s, lines);
  const soId = await importedSalesOrder(app, s, order);
  await s.shopify.fulfillOrder(order.id);
  await settle(app);
  expect((await rowsOf(app.db, soId)).every((r) => r.state === "delivered")).toBe(true);
  const data = await s.shopify.graphql<{ order: { fulfillments: { fulfillmentLineItems: { nodes: { id: string; lineItem: { sku: string } }[] } }[] } }>(
    `query($id: ID!) { order(id: $id) { fulfillments(first: 5) { fulfillmentLineItems(first: 10) { nodes { id lineItem { sku } } } } } }`,
    { id: order.id },
  );
  const fulfillmentLine = (sku: string) => data.order.fulfillments.flatMap((f) => f.fulfillmentLineItems.nodes).find((l) => l.lineItem.sku === sku)!.id;
  return { order, soId, fulfillmentLine };
}

async function createReturn(orderId: string, lines: { fulfillmentLineItemId: string; quantity: number }[]) {
  const answer = await s.shopify.graphql<{ returnCreate: { return: { id: string; returnLineItems: { nodes: { id: string }[] } } | null; userErrors: { message: string }[] } }>(
    `mutation($input: ReturnInput!) { returnCreate(returnInput: $input) { return { id returnLineItems(first: 10) { nodes { id } } } userErrors { message } } }`,
    { input: { orderId, returnLineItems: lines.map((l) => ({ ...l, returnReasonNote: "Too big" })) } },
  );
  if (!answer.returnCreate.return) throw new Error(answer.returnCreate.userErrors.map((e) => e.message).join("; "));
  return { id: answer.returnCreate.return.id, lineIds: answer.returnCreate.return.returnLineItems.nodes.map((n) => n.id) };
}

async function processReturn(returnId: string, lines: { id: string; quantity: number; restockAt?: string }[]) {
  const answer = await s.shopify.graphql<{ returnProcess: { userErrors: { message: string }[] } }>(
    `mutation($input: ReturnProcessInput!) { returnProcess(input: $input) { return { id } userErrors { message } } }`,
    {
      input: {
        returnId,
        returnLineItems: lines.map((l) => ({
          id: l.id,
          quantity: l.quantity,
          dispositions: [
            {
              reverseFulfillmentOrderLineItemId: l.id.replace("ReturnLineItem", "ReverseFulfillmentOrderLineItem"),
              quantity: l.quantity,
              dispositionType: l.restockAt ? "RESTOCKED" : "NOT_RESTOCKED",
              ...(l.restockAt ? { locationId: l.restockAt } : {}),
            },
          ],
        })),
      },
    },
  );
  expect(answer.returnProcess.userErrors).toEqual([]);
}

describe("returns from Shopify", () => {
  it("restocked lines come back into stock at the mapped location in a return order linked to the sales order; the stock push is triggered", async () => {
    const { order, soId, fulfillmentLine } = await deliveredOrder([
      { sku: "WAL-BOARD-S", quantity: 3 },
      { sku: "OAK-STOOL-45", quantity: 1 },
    ]);
    const board = await mappedVariant(app, s, "WAL-BOARD-S");
    const warehouse = s.locations["Warehouse Leipzig"]!;
    const before = Number(await inStock(app.db, board.id, warehouse));
    const eventsBefore = await app.db.stockEvent.count({ where: { variantId: board.id, locationId: warehouse } });

    const shopifyReturn = await createReturn(order.id, [
      { fulfillmentLineItemId: fulfillmentLine("WAL-BOARD-S"), quantity: 2 },
      { fulfillmentLineItemId: fulfillmentLine("OAK-STOOL-45"), quantity: 1 },
    ]);
    await settle(app);
    // Approved but not processed yet: nothing came back.
    expect(await app.db.returnOrder.count({ where: { salesOrderId: soId } })).toBe(0);

    await processReturn(shopifyReturn.id, [
      { id: shopifyReturn.lineIds[0]!, quantity: 2, restockAt: s.shopifyLocations["Warehouse Leipzig"] },
      { id: shopifyReturn.lineIds[1]!, quantity: 1 },
    ]);
    await settle(app);
    const returnOrder = await app.db.returnOrder.findFirstOrThrow({ where: { salesOrderId: soId }, include: { rows: true } });
    expect(returnOrder).toMatchObject({ storeId: s.storeId, externalReturnId: shopifyReturn.id, closedAt: null });
    expect(returnOrder.rows.map((r) => [r.state, r.quantity.toString(), r.locationId]).sort()).toEqual(
      [
        ["returned", "2", warehouse],
        ["not_restocked", "1", null],
      ].sort(),
    );
    expect(Number(await inStock(app.db, board.id, warehouse))).toBe(before + 2);
    expect(await app.db.stockEvent.count({ where: { variantId: board.id, locationId: warehouse } })).toBeGreaterThan(eventsBefore);

    // Read again (a duplicate webhook, a Retry): nothing is added twice.
    const { jobs } = await import("~/jobs/index.server");
    await app.db.$transaction((tx) => jobs.enqueue(tx, "returns.sync_order", { storeId: s.storeId, shopifyOrderId: order.id }));
    await settle(app);
    expect(await app.db.returnRow.count({ where: { returnOrderId: returnOrder.id } })).toBe(2);
    expect(Number(await inStock(app.db, board.id, warehouse))).toBe(before + 2);
  }, 60_000);

  it("a refund-only return creates nothing in Tenon", async () => {
    const { order, soId, fulfillmentLine } = await deliveredOrder([{ sku: "WAL-BOARD-M", quantity: 2 }]);
    const movements = await app.db.stockMovement.count();
    const shopifyReturn = await createReturn(order.id, [{ fulfillmentLineItemId: fulfillmentLine("WAL-BOARD-M"), quantity: 2 }]);
    await processReturn(shopifyReturn.id, [{ id: shopifyReturn.lineIds[0]!, quantity: 2 }]);
    await settle(app);
    expect(await app.db.returnOrder.count({ where: { salesOrderId: soId } })).toBe(0);
    expect(await app.db.stockMovement.count()).toBe(movements);
  }, 60_000);

  it("closing the return order in Tenon closes the Shopify return", async () => {
    const { order, soId, fulfillmentLine } = await deliveredOrder([{ sku: "WAL-BOARD-L", quantity: 1 }]);
    const shopifyReturn = await createReturn(order.id, [{ fulfillmentLineItemId: fulfillmentLine("WAL-BOARD-L"), quantity: 1 }]);
    await processReturn(shopifyReturn.id, [{ id: shopifyReturn.lineIds[0]!, quantity: 1, restockAt: s.shopifyLocations["Workshop"] }]);
    await settle(app);
    const returnOrder = await app.db.returnOrder.findFirstOrThrow({ where: { salesOrderId: soId } });
    const { closeReturnOrder } = await import("~/sync/returns/returns-sync.server");
    expect((await closeReturnOrder(app.db, s.accountId, returnOrder.id)).ok).toBe(true);
    await settle(app);
    const status = await s.shopify.graphql<{ order: { returns: { nodes: { id: string; status: string }[] } } }>(
      `query($id: ID!) { order(id: $id) { returns(first: 5) { nodes { id status } } } }`,
      { id: order.id },
    );
    expect(status.order.returns.nodes).toEqual([{ id: shopifyReturn.id, status: "CLOSED" }]);
    expect((await app.db.returnOrder.findUniqueOrThrow({ where: { id: returnOrder.id } })).shopifyClosedAt).not.toBeNull();
  }, 60_000);

  it("with bring returns off, a Shopify return creates nothing", async () => {
    const { setOrderSettings } = await import("../support/fulfillment-fixtures");
    const { order, soId, fulfillmentLine } = await deliveredOrder([{ sku: "OAK-STOOL-60", quantity: 1 }]);
    await setOrderSettings(app.db, s.storeId, { bringReturns: false });
    try {
      const shopifyReturn = await createReturn(order.id, [{ fulfillmentLineItemId: fulfillmentLine("OAK-STOOL-60"), quantity: 1 }]);
      await processReturn(shopifyReturn.id, [{ id: shopifyReturn.lineIds[0]!, quantity: 1, restockAt: s.shopifyLocations["Workshop"] }]);
      await settle(app);
      expect(await app.db.returnOrder.count({ where: { salesOrderId: soId } })).toBe(0);
    } finally {
      await setOrderSettings(app.db, s.storeId, { bringReturns: true });
    }
  }, 60_000);
});
