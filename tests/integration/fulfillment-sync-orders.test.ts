import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOrderSyncWorld, type OrderSyncWorld } from "./order-sync.support";

/**
 * Fulfillment sync on orders brought in by the real order import (orders/* webhooks, order.sync
 * jobs), with every subscription of shopify.app.toml: the order's own updates (orders/updated on
 * each fulfillment) and the fulfillment sync run side by side on the order's serial key.
 */
let world: OrderSyncWorld;

beforeAll(async () => {
  world = await startOrderSyncWorld();
}, 60_000);
afterAll(async () => world?.stop());

async function salesOrderOf(shopifyOrderId: string) {
  const so = await world.app.db.salesOrder.findFirstOrThrow({ where: { storeId: world.storeId, externalOrderId: shopifyOrderId }, include: { rows: { include: { variant: true } } } });
  return { ...so, rows: so.rows.filter((r) => !r.isShippingFee).sort((a, b) => a.position - b.position || a.id.localeCompare(b.id)) };
}

async function shopifyStatus(orderId: string) {
  const data = await world.graphql<{ order: { displayFulfillmentStatus: string; fulfillments: { status: string; totalQuantity: number }[] } }>(
    `query($id: ID!) { order(id: $id) { displayFulfillmentStatus fulfillments(first: 10) { status totalQuantity } } }`,
    { id: orderId },
  );
  return data.order;
}

describe("fulfillment sync on imported orders", () => {
  it("part fulfilled in Shopify, the rest delivered in Tenon: both sides end fulfilled, the rows add up", async () => {
    const order = await world.createOrder({
      lines: [
        { sku: "WAL-BOARD-S", quantity: 5 },
        { sku: "OAK-STOOL-45", quantity: 1 },
      ],
    });
    await world.settle();
    const imported = await salesOrderOf(order.id);
    expect(imported.rows.map((r) => [r.variant?.code, r.state, r.quantity.toString(), r.externalLineId])).toEqual([
      ["WAL-BOARD-S", "not_shipped", "5", order.lineItems.nodes[0]!.id],
      ["OAK-STOOL-45", "not_shipped", "1", order.lineItems.nodes[1]!.id],
    ]);

    // 2 of 5 boards fulfilled in Shopify.
    const fo = order.fulfillmentOrders.nodes.find((f) => f.lineItems.nodes.length > 0)!;
    const boardLine = fo.lineItems.nodes[0]!;
    const made = await world.graphql<{ fulfillmentCreate: { userErrors: { message: string }[] } }>(
      `mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { id } userErrors { message } } }`,
      { f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: boardLine.id, quantity: 2 }] }] } },
    );
    expect(made.fulfillmentCreate.userErrors).toEqual([]);
    await world.settle();
    const partly = await salesOrderOf(order.id);
    expect(partly.rows.map((r) => [r.variant?.code, r.state, r.quantity.toString()])).toEqual([
      ["WAL-BOARD-S", "delivered", "2"],
      ["OAK-STOOL-45", "not_shipped", "1"],
      ["WAL-BOARD-S", "not_shipped", "3"],
    ]);

    // The rest delivered in Tenon.
    const { deliverOrder } = await import("~/services/sales-orders/sales-orders.server");
    expect((await deliverOrder(world.app.db, world.accountId, imported.id)).ok).toBe(true);
    await world.settle();
    const shopify = await shopifyStatus(order.id);
    expect(shopify.displayFulfillmentStatus).toBe("FULFILLED");
    expect(shopify.fulfillments.reduce((n, f) => n + f.totalQuantity, 0)).toBe(6);
    const done = await salesOrderOf(order.id);
    expect(done.rows.map((r) => [r.variant?.code, r.state, r.quantity.toString()])).toEqual([
      ["WAL-BOARD-S", "delivered", "2"],
      ["OAK-STOOL-45", "delivered", "1"],
      ["WAL-BOARD-S", "delivered", "3"],
    ]);
    const moved = await world.app.db.stockMovement.aggregate({ where: { salesOrderRowId: { in: done.rows.map((r) => r.id) } }, _sum: { quantity: true } });
    expect(moved._sum.quantity?.toString()).toBe("-6");
  }, 60_000);
});
