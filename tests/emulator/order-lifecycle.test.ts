import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STORE_SEED, ManualClock, startEmulator, type Emulator } from "./index";
import { adminGraphql, offlineAccessToken, startWebhookReceiver, TEST_APP, type WebhookReceiver } from "./testing";
import { payloadErrors } from "./webhook-schemas";

const SHOP = "tenon-demo.myshopify.com";
const ALL_TOPICS_TOML = fileURLToPath(new URL("./fixtures/all-topics.app.toml", import.meta.url));

const ORDER_CREATE = `mutation($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { id lineItems(first: 10) { nodes { id sku } } fulfillmentOrders(first: 5) { nodes { id status deliveryMethod { methodType } lineItems(first: 10) { nodes { id remainingQuantity sku } } } } transactions { id } }
    userErrors { field message code }
  }
}`;
const ORDER = `query($id: ID!) { order(id: $id) {
  displayFulfillmentStatus displayFinancialStatus edited
  lineItems(first: 10) { nodes { id sku quantity currentQuantity unfulfilledQuantity } }
  fulfillmentOrders(first: 10) { nodes { id status deliveryMethod { methodType } lineItems(first: 10) { nodes { id remainingQuantity totalQuantity sku } } } }
  fulfillments { id status displayStatus trackingInfo { number url } fulfillmentLineItems(first: 10) { nodes { id quantity lineItem { sku } } } }
  refunds { id refundLineItems(first: 10) { nodes { quantity restockType } } totalRefundedSet { shopMoney { amount } } }
} }`;

interface FoNode {
  id: string;
  status: string;
  deliveryMethod: { methodType: string };
  lineItems: { nodes: { id: string; remainingQuantity: number; totalQuantity?: number; sku: string | null }[] };
}
interface OrderView {
  displayFulfillmentStatus: string;
  displayFinancialStatus: string;
  edited: boolean;
  lineItems: { nodes: { id: string; sku: string | null; quantity: number; currentQuantity: number; unfulfilledQuantity: number }[] };
  fulfillmentOrders: { nodes: FoNode[] };
  fulfillments: { id: string; status: string; displayStatus: string; trackingInfo: { number: string; url: string | null }[]; fulfillmentLineItems: { nodes: { id: string; quantity: number; lineItem: { sku: string } }[] } }[];
  refunds: { id: string; refundLineItems: { nodes: { quantity: number; restockType: string }[] }; totalRefundedSet: { shopMoney: { amount: string } } }[];
}

describe("order edits, refunds, fulfillments, holds, pickup, returns and deletion", () => {
  let emulator: Emulator;
  let receiver: WebhookReceiver;
  let token: string;
  const clock = new ManualClock("2026-07-01T09:00:00Z");
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const response = await adminGraphql(emulator, SHOP, token, query, variables);
    expect(response.status).toBe(200);
    return response.body as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  };
  const data = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const body = await gql<T>(query, variables);
    expect(body.errors).toBeUndefined();
    if (!body.data) throw new Error("no data");
    return body.data;
  };
  const variant = async (sku: string) => {
    const d = await data<{ productVariants: { nodes: { id: string; inventoryItem: { id: string } }[] } }>(
      `query($q: String!) { productVariants(first: 1, query: $q) { nodes { id inventoryItem { id } } } }`,
      { q: `sku:${sku}` },
    );
    const node = d.productVariants.nodes[0];
    if (!node) throw new Error(`no variant ${sku}`);
    return node;
  };
  const locationId = async (name: string) => {
    const d = await data<{ locations: { nodes: { id: string; name: string }[] } }>(`{ locations(first: 10) { nodes { id name } } }`);
    const id = d.locations.nodes.find((l) => l.name === name)?.id;
    if (!id) throw new Error(`no location ${name}`);
    return id;
  };
  const stock = async (sku: string, location: string) => {
    const item = (await variant(sku)).inventoryItem.id;
    const d = await data<{ inventoryItem: { inventoryLevel: { quantities: { name: string; quantity: number }[] } | null } }>(
      `query($id: ID!, $loc: ID!) { inventoryItem(id: $id) { inventoryLevel(locationId: $loc) { quantities(names: ["available", "committed", "on_hand"]) { name quantity } } } }`,
      { id: item, loc: await locationId(location) },
    );
    return Object.fromEntries((d.inventoryItem.inventoryLevel?.quantities ?? []).map((q) => [q.name, q.quantity])) as Record<"available" | "committed" | "on_hand", number>;
  };
  const order = async (id: string) => (await data<{ order: OrderView }>(ORDER, { id })).order;
  const createOrder = async (lines: { sku: string; quantity: number }[], extra: Record<string, unknown> = {}) => {
    const lineItems = await Promise.all(lines.map(async (l) => ({ variantId: (await variant(l.sku)).id, quantity: l.quantity })));
    const d = await data<{ orderCreate: { order: { id: string; fulfillmentOrders: { nodes: FoNode[] }; transactions: { id: string }[] }; userErrors: unknown[] } }>(ORDER_CREATE, {
      options: { inventoryBehaviour: "DECREMENT_IGNORING_POLICY" },
      order: { financialStatus: "PAID", lineItems, ...extra },
    });
    expect(d.orderCreate.userErrors).toEqual([]);
    return d.orderCreate.order;
  };
  const topicsSince = (n: number) => emulator.deliveries.slice(n).map((d) => d.topic);

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    emulator = await startEmulator({ app: { ...TEST_APP, appUrl: receiver.url, tomlPath: ALL_TOPICS_TOML }, seedFiles: [DEMO_STORE_SEED], clock, webhookTimeoutMs: 300 });
    token = await offlineAccessToken(emulator, SHOP);
  });
  afterAll(async () => {
    await emulator.stop();
    await receiver.close();
  });

  it("edits an order: fewer units with restock, an added variant claimed at its location, orders/edited with additions and removals", async () => {
    const before = { stool: await stock("OAK-STOOL-45", "Workshop"), board: await stock("WAL-BOARD-M", "Workshop") };
    const created = await createOrder([{ sku: "OAK-STOOL-45", quantity: 3 }]);
    const stoolLine = (await order(created.id)).lineItems.nodes[0]?.id ?? "";
    const begin = await data<{ orderEditBegin: { calculatedOrder: { id: string; lineItems: { nodes: { id: string; quantity: number }[] } }; userErrors: unknown[] } }>(
      `mutation($id: ID!) { orderEditBegin(id: $id) { calculatedOrder { id lineItems(first: 10) { nodes { id quantity } } } userErrors { field message } } }`,
      { id: created.id },
    );
    const calc = begin.orderEditBegin.calculatedOrder;
    expect(calc.lineItems.nodes).toEqual([{ id: stoolLine.replace("LineItem", "CalculatedLineItem"), quantity: 3 }]);
    const setQty = await data<{ orderEditSetQuantity: { calculatedLineItem: { quantity: number; restocking: boolean } } }>(
      `mutation($id: ID!, $line: ID!) { orderEditSetQuantity(id: $id, lineItemId: $line, quantity: 1, restock: true) { calculatedLineItem { quantity restocking } userErrors { message } } }`,
      { id: calc.id, line: calc.lineItems.nodes[0]?.id },
    );
    expect(setQty.orderEditSetQuantity.calculatedLineItem).toEqual({ quantity: 1, restocking: true });
    const board = await variant("WAL-BOARD-M");
    const add = await data<{ orderEditAddVariant: { calculatedOrder: { subtotalLineItemsQuantity: number }; userErrors: unknown[] } }>(
      `mutation($id: ID!, $v: ID!, $loc: ID) { orderEditAddVariant(id: $id, variantId: $v, quantity: 2, locationId: $loc) { calculatedOrder { subtotalLineItemsQuantity } userErrors { field message } } }`,
      { id: calc.id, v: board.id, loc: await locationId("Workshop") },
    );
    expect(add.orderEditAddVariant).toEqual({ calculatedOrder: { subtotalLineItemsQuantity: 3 }, userErrors: [] });
    // Nothing changes before the commit.
    expect((await stock("OAK-STOOL-45", "Workshop")).committed).toBe(before.stool.committed + 3);
    const mark = emulator.deliveries.length;
    const commit = await data<{ orderEditCommit: { order: { edited: boolean }; userErrors: unknown[] } }>(
      `mutation($id: ID!) { orderEditCommit(id: $id, staffNote: "customer called") { order { edited } userErrors { message } } }`,
      { id: calc.id },
    );
    expect(commit.orderEditCommit).toEqual({ order: { edited: true }, userErrors: [] });
    const after = await order(created.id);
    expect(after.lineItems.nodes.map((l) => [l.sku, l.quantity, l.currentQuantity, l.unfulfilledQuantity])).toEqual([
      ["OAK-STOOL-45", 3, 1, 1],
      ["WAL-BOARD-M", 2, 2, 2],
    ]);
    expect(await stock("OAK-STOOL-45", "Workshop")).toEqual({ ...before.stool, available: before.stool.available - 1, committed: before.stool.committed + 1 });
    expect(await stock("WAL-BOARD-M", "Workshop")).toEqual({ ...before.board, available: before.board.available - 2, committed: before.board.committed + 2 });
    await emulator.webhooksIdle();
    expect(topicsSince(mark)).toEqual(expect.arrayContaining(["orders/edited", "orders/updated", "inventory_levels/update"]));
    const edited = JSON.parse(emulator.deliveries.slice(mark).find((d) => d.topic === "orders/edited")?.body ?? "{}") as { order_edit: { line_items: { additions: { delta: number }[]; removals: { id: number; delta: number }[] }; staff_note: string } };
    expect(edited.order_edit.line_items.removals).toEqual([{ id: Number(stoolLine.split("/").pop()), delta: 2 }]);
    expect(edited.order_edit.line_items.additions.map((a) => a.delta)).toEqual([2]);
    expect(edited.order_edit.staff_note).toBe("customer called");

    // A committed session is gone; unknown variants are refused.
    const again = await data<{ orderEditCommit: { userErrors: { field: string[] }[] } }>(`mutation($id: ID!) { orderEditCommit(id: $id) { userErrors { field message } } }`, { id: calc.id });
    expect(again.orderEditCommit.userErrors[0]?.field).toEqual(["id"]);
  });

  it("fulfils partially with tracking, refuses mixed orders and over-quantities, and cancels a fulfillment back into committed", async () => {
    const a = await createOrder([{ sku: "OAK-STOOL-60", quantity: 3 }]);
    const b = await createOrder([{ sku: "OAK-STOOL-60", quantity: 1 }]);
    const foA = a.fulfillmentOrders.nodes[0] as FoNode;
    const foB = b.fulfillmentOrders.nodes[0] as FoNode;
    const before = await stock("OAK-STOOL-60", "Workshop");
    const CREATE = `mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { id status displayStatus totalQuantity trackingInfo { company number url } } userErrors { field message } } }`;
    const mixed = await data<{ fulfillmentCreate: { fulfillment: null; userErrors: { message: string }[] } }>(CREATE, {
      f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: foA.id }, { fulfillmentOrderId: foB.id }] },
    });
    expect(mixed.fulfillmentCreate.userErrors[0]?.message).toMatch(/same order/);
    const tooMany = await data<{ fulfillmentCreate: { userErrors: { message: string }[] } }>(CREATE, {
      f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: foA.id, fulfillmentOrderLineItems: [{ id: foA.lineItems.nodes[0]?.id, quantity: 4 }] }] },
    });
    expect(tooMany.fulfillmentCreate.userErrors[0]?.message).toMatch(/quantity/);
    const mark = emulator.deliveries.length;
    const partial = await data<{ fulfillmentCreate: { fulfillment: { id: string; status: string; displayStatus: string; totalQuantity: number; trackingInfo: unknown[] } } }>(CREATE, {
      f: {
        lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: foA.id, fulfillmentOrderLineItems: [{ id: foA.lineItems.nodes[0]?.id, quantity: 2 }] }],
        trackingInfo: { company: "DHL", number: "00340434", url: "https://www.dhl.de/track?n=00340434" },
        notifyCustomer: true,
      },
    });
    expect(partial.fulfillmentCreate.fulfillment).toMatchObject({ status: "SUCCESS", displayStatus: "FULFILLED", totalQuantity: 2, trackingInfo: [{ company: "DHL", number: "00340434", url: "https://www.dhl.de/track?n=00340434" }] });
    const view = await order(a.id);
    expect(view.displayFulfillmentStatus).toBe("PARTIALLY_FULFILLED");
    expect(view.fulfillmentOrders.nodes[0]).toMatchObject({ status: "IN_PROGRESS", lineItems: { nodes: [{ remainingQuantity: 1 }] } });
    expect(await stock("OAK-STOOL-60", "Workshop")).toEqual({ ...before, committed: before.committed - 2, on_hand: before.on_hand - 2 });

    const cancel = await data<{ fulfillmentCancel: { fulfillment: { status: string; displayStatus: string }; userErrors: unknown[] } }>(
      `mutation($id: ID!) { fulfillmentCancel(id: $id) { fulfillment { status displayStatus } userErrors { message } } }`,
      { id: partial.fulfillmentCreate.fulfillment.id },
    );
    expect(cancel.fulfillmentCancel).toEqual({ fulfillment: { status: "CANCELLED", displayStatus: "CANCELED" }, userErrors: [] });
    expect(await stock("OAK-STOOL-60", "Workshop")).toEqual(before);
    expect((await order(a.id)).fulfillmentOrders.nodes[0]).toMatchObject({ status: "OPEN", lineItems: { nodes: [{ remainingQuantity: 3 }] } });
    await emulator.webhooksIdle();
    expect(topicsSince(mark)).toEqual(expect.arrayContaining(["fulfillments/create", "fulfillments/update", "orders/updated"]));
  });

  it("holds part of a fulfillment order (split), refuses to fulfil the held part, and releases it", async () => {
    const created = await createOrder([{ sku: "WAL-BOARD-S", quantity: 4 }]);
    const fo = created.fulfillmentOrders.nodes[0] as FoNode;
    const hold = await data<{ fulfillmentOrderHold: { fulfillmentOrder: FoNode; remainingFulfillmentOrder: FoNode; fulfillmentHold: { reason: string; handle: string }; userErrors: unknown[] } }>(
      `mutation($id: ID!, $h: FulfillmentOrderHoldInput!) { fulfillmentOrderHold(id: $id, fulfillmentHold: $h) {
        fulfillmentHold { reason handle }
        fulfillmentOrder { id status deliveryMethod { methodType } lineItems(first: 5) { nodes { id remainingQuantity sku } } }
        remainingFulfillmentOrder { id status deliveryMethod { methodType } lineItems(first: 5) { nodes { id remainingQuantity sku } } }
        userErrors { field message code } } }`,
      { id: fo.id, h: { reason: "AWAITING_PAYMENT", handle: "tenon-credit-check", fulfillmentOrderLineItems: [{ id: fo.lineItems.nodes[0]?.id, quantity: 1 }] } },
    );
    const result = hold.fulfillmentOrderHold;
    expect(result.userErrors).toEqual([]);
    expect(result.fulfillmentHold).toEqual({ reason: "AWAITING_PAYMENT", handle: "tenon-credit-check" });
    expect(result.fulfillmentOrder).toMatchObject({ status: "ON_HOLD", lineItems: { nodes: [{ remainingQuantity: 1 }] } });
    expect(result.remainingFulfillmentOrder).toMatchObject({ status: "OPEN", lineItems: { nodes: [{ remainingQuantity: 3 }] } });
    const dup = await data<{ fulfillmentOrderHold: { userErrors: { code: string }[] } }>(
      `mutation($id: ID!) { fulfillmentOrderHold(id: $id, fulfillmentHold: { reason: OTHER, handle: "tenon-credit-check" }) { userErrors { code } } }`,
      { id: fo.id },
    );
    expect(dup.fulfillmentOrderHold.userErrors[0]?.code).toBe("DUPLICATE_FULFILLMENT_HOLD_HANDLE");
    const refused = await data<{ fulfillmentCreate: { userErrors: { message: string }[] } }>(
      `mutation($id: ID!) { fulfillmentCreate(fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: $id }] }) { userErrors { message } } }`,
      { id: fo.id },
    );
    expect(refused.fulfillmentCreate.userErrors[0]?.message).toMatch(/on_hold/);
    const release = await data<{ fulfillmentOrderReleaseHold: { fulfillmentOrder: { status: string }; userErrors: unknown[] } }>(
      `mutation($id: ID!) { fulfillmentOrderReleaseHold(id: $id) { fulfillmentOrder { status } userErrors { message } } }`,
      { id: fo.id },
    );
    expect(release.fulfillmentOrderReleaseHold).toEqual({ fulfillmentOrder: { status: "OPEN" }, userErrors: [] });
    await emulator.webhooksIdle();
    const topics = emulator.deliveries.map((d) => d.topic);
    expect(topics).toContain("fulfillment_orders/placed_on_hold");
    expect(topics).toContain("fulfillment_orders/hold_released");
  });

  it("prepares a pickup order and records the handover as a PICKED_UP fulfillment", async () => {
    const created = await createOrder([{ sku: "OIL-HW-250", quantity: 1 }], { shippingLines: [{ title: "Pick up in the workshop", code: "pickup", priceSet: { shopMoney: { amount: "0.00", currencyCode: "EUR" } } }] });
    const shipped = await createOrder([{ sku: "OIL-HW-250", quantity: 1 }]);
    const fo = created.fulfillmentOrders.nodes[0] as FoNode;
    expect(fo.deliveryMethod.methodType).toBe("PICK_UP");
    const PREPARE = `mutation($id: ID!) { fulfillmentOrderLineItemsPreparedForPickup(input: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: $id }] }) { userErrors { field code } } }`;
    const wrong = await data<{ fulfillmentOrderLineItemsPreparedForPickup: { userErrors: { code: string }[] } }>(PREPARE, { id: shipped.fulfillmentOrders.nodes[0]?.id });
    expect(wrong.fulfillmentOrderLineItemsPreparedForPickup.userErrors[0]?.code).toBe("FULFILLMENT_ORDER_INVALID");
    expect((await data<{ fulfillmentOrderLineItemsPreparedForPickup: { userErrors: unknown[] } }>(PREPARE, { id: fo.id })).fulfillmentOrderLineItemsPreparedForPickup.userErrors).toEqual([]);
    const picked = await data<{ fulfillmentCreate: { fulfillment: { displayStatus: string } } }>(
      `mutation($id: ID!) { fulfillmentCreate(fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: $id }] }) { fulfillment { displayStatus } userErrors { message } } }`,
      { id: fo.id },
    );
    expect(picked.fulfillmentCreate.fulfillment.displayStatus).toBe("PICKED_UP");
    expect((await order(created.id)).displayFulfillmentStatus).toBe("FULFILLED");
    await emulator.webhooksIdle();
    expect(emulator.deliveries.map((d) => d.topic)).toContain("fulfillment_orders/line_items_prepared_for_pickup");
  });

  it("refunds with CANCEL (unfulfilled) and RETURN (fulfilled) restocks, requires @idempotent, applies a key once and refuses over-refunds", async () => {
    const created = await createOrder([{ sku: "WAL-SERVE-01", quantity: 3 }]);
    const fo = created.fulfillmentOrders.nodes[0] as FoNode;
    await data(`mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { userErrors { message } } }`, {
      f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: [{ id: fo.lineItems.nodes[0]?.id, quantity: 2 }] }] },
    });
    const before = await stock("WAL-SERVE-01", "Workshop");
    const line = (await order(created.id)).lineItems.nodes[0]?.id;
    const input = {
      orderId: created.id,
      note: "damaged in transit",
      refundLineItems: [
        { lineItemId: line, quantity: 1, restockType: "CANCEL" },
        { lineItemId: line, quantity: 1, restockType: "RETURN", locationId: await locationId("Workshop") },
      ],
      transactions: [{ orderId: created.id, amount: "10.00", gateway: "manual", kind: "REFUND", parentId: created.transactions[0]?.id }],
    };
    const REFUND = `mutation($input: RefundInput!, $key: String!) { refundCreate(input: $input) @idempotent(key: $key) { refund { id totalRefundedSet { shopMoney { amount } } } order { displayFinancialStatus } userErrors { field message } } }`;
    const missing = await gql(REFUND.replace(" @idempotent(key: $key)", "").replace(", $key: String!", ""), { input });
    expect(missing.errors?.[0]?.message).toMatch(/@idempotent/);
    const mark = emulator.deliveries.length;
    const first = await data<{ refundCreate: { refund: { id: string }; order: { displayFinancialStatus: string }; userErrors: unknown[] } }>(REFUND, { input, key: "refund-1" });
    expect(first.refundCreate.userErrors).toEqual([]);
    expect(first.refundCreate.order.displayFinancialStatus).toBe("PARTIALLY_REFUNDED");
    const replay = await data<{ refundCreate: { refund: { id: string } } }>(REFUND, { input, key: "refund-1" });
    expect(replay.refundCreate.refund.id).toBe(first.refundCreate.refund.id);
    // CANCEL: committed → available; RETURN: the returned unit is available again.
    expect(await stock("WAL-SERVE-01", "Workshop")).toEqual({ available: before.available + 2, committed: before.committed - 1, on_hand: before.on_hand + 1 });
    const view = await order(created.id);
    expect(view.lineItems.nodes[0]).toMatchObject({ quantity: 3, currentQuantity: 1, unfulfilledQuantity: 0 });
    expect(view.refunds).toHaveLength(1);
    expect(view.refunds[0]?.refundLineItems.nodes).toEqual([{ quantity: 1, restockType: "CANCEL" }, { quantity: 1, restockType: "RETURN" }]);
    const over = await data<{ refundCreate: { userErrors: { field: string[] }[] } }>(REFUND, {
      input: { orderId: created.id, transactions: [{ orderId: created.id, amount: "100000.00", gateway: "manual", kind: "REFUND" }] },
      key: "refund-2",
    });
    expect(over.refundCreate.userErrors[0]?.field).toEqual(["transactions"]);
    await emulator.webhooksIdle();
    // Once, not counting the duplicates at-least-once delivery sends (ADR 027).
    expect(emulator.deliveries.slice(mark).filter((d) => d.topic === "refunds/create" && !d.duplicate)).toHaveLength(1);
  });

  it("requests, approves, processes (restock and refund-only) and closes returns", async () => {
    const created = await createOrder([{ sku: "OAK-SHELF-60", quantity: 3 }]);
    const fo = created.fulfillmentOrders.nodes[0] as FoNode;
    const f = await data<{ fulfillmentCreate: { fulfillment: { fulfillmentLineItems: { nodes: { id: string }[] } } } }>(
      `mutation($id: ID!) { fulfillmentCreate(fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: $id }] }) { fulfillment { fulfillmentLineItems(first: 5) { nodes { id } } } userErrors { message } } }`,
      { id: fo.id },
    );
    const fli = f.fulfillmentCreate.fulfillment.fulfillmentLineItems.nodes[0]?.id;
    const RETURN_FIELDS = `id status name returnLineItems(first: 5) { nodes { id quantity } } reverseFulfillmentOrders(first: 1) { nodes { lineItems(first: 5) { nodes { id } } } }`;
    const tooMany = await data<{ returnRequest: { userErrors: { code: string }[] } }>(
      `mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { return { id } userErrors { code field } } }`,
      { input: { orderId: created.id, returnLineItems: [{ fulfillmentLineItemId: fli, quantity: 4 }] } },
    );
    expect(tooMany.returnRequest.userErrors[0]?.code).toBe("LESS_THAN_OR_EQUAL_TO");
    const mark = emulator.deliveries.length;
    const requested = await data<{ returnRequest: { return: { id: string; status: string } } }>(
      `mutation($input: ReturnRequestInput!) { returnRequest(input: $input) { return { id status } userErrors { code } } }`,
      { input: { orderId: created.id, returnLineItems: [{ fulfillmentLineItemId: fli, quantity: 2, customerNote: "too short" }] } },
    );
    expect(requested.returnRequest.return.status).toBe("REQUESTED");
    const approved = await data<{ returnApproveRequest: { return: { status: string; returnLineItems: { nodes: { id: string }[] }; reverseFulfillmentOrders: { nodes: { lineItems: { nodes: { id: string }[] } }[] } } } }>(
      `mutation($id: ID!) { returnApproveRequest(input: { id: $id }) { return { ${RETURN_FIELDS} } userErrors { code } } }`,
      { id: requested.returnRequest.return.id },
    );
    const ret = approved.returnApproveRequest.return;
    expect(ret.status).toBe("OPEN");
    const before = await stock("OAK-SHELF-60", "Warehouse Leipzig");
    const processed = await data<{ returnProcess: { return: { status: string }; userErrors: unknown[] } }>(
      `mutation($input: ReturnProcessInput!) { returnProcess(input: $input) { return { status } userErrors { code field message } } }`,
      {
        input: {
          returnId: requested.returnRequest.return.id,
          returnLineItems: [{ id: ret.returnLineItems.nodes[0]?.id, quantity: 2, dispositions: [{ reverseFulfillmentOrderLineItemId: ret.reverseFulfillmentOrders.nodes[0]?.lineItems.nodes[0]?.id, quantity: 2, dispositionType: "RESTOCKED", locationId: await locationId("Warehouse Leipzig") }] }],
          financialTransfer: { issueRefund: { orderTransactions: [{ parentId: created.transactions[0]?.id, transactionAmount: { amount: "20.00", currencyCode: "EUR" } }] } },
        },
      },
    );
    expect(processed.returnProcess.userErrors).toEqual([]);
    expect((await stock("OAK-SHELF-60", "Warehouse Leipzig")).available).toBe(before.available + 2);
    const closed = await data<{ returnClose: { return: { status: string } } }>(`mutation($id: ID!) { returnClose(id: $id) { return { status } userErrors { code } } }`, { id: requested.returnRequest.return.id });
    expect(closed.returnClose.return.status).toBe("CLOSED");

    // Refund-only: the last unit comes back as a return processed without restock.
    const stockBefore = await stock("OAK-SHELF-60", "Workshop");
    const created2 = await data<{ returnCreate: { return: { id: string; status: string; returnLineItems: { nodes: { id: string }[] } } } }>(
      `mutation($input: ReturnInput!) { returnCreate(returnInput: $input) { return { id status returnLineItems(first: 5) { nodes { id } } } userErrors { code } } }`,
      { input: { orderId: created.id, returnLineItems: [{ fulfillmentLineItemId: fli, quantity: 1, returnReasonNote: "scratched" }] } },
    );
    expect(created2.returnCreate.return.status).toBe("OPEN");
    await data(`mutation($input: ReturnProcessInput!) { returnProcess(input: $input) { userErrors { code } } }`, {
      input: { returnId: created2.returnCreate.return.id, returnLineItems: [{ id: created2.returnCreate.return.returnLineItems.nodes[0]?.id, quantity: 1 }], financialTransfer: { issueRefund: { orderTransactions: [{ parentId: created.transactions[0]?.id, transactionAmount: { amount: "5.00", currencyCode: "EUR" } }] } } },
    });
    expect(await stock("OAK-SHELF-60", "Workshop")).toEqual(stockBefore);
    expect((await order(created.id)).lineItems.nodes[0]?.currentQuantity).toBe(0);
    await emulator.webhooksIdle();
    expect(topicsSince(mark)).toEqual(expect.arrayContaining(["returns/request", "returns/approve", "returns/close", "refunds/create"]));
  });

  it("deletes only cancelled or archived orders, and sends orders/delete", async () => {
    const created = await createOrder([{ sku: "WAX-BEE-200", quantity: 1 }]);
    const DELETE = `mutation($id: ID!) { orderDelete(orderId: $id) { deletedId userErrors { code } } }`;
    expect((await data<{ orderDelete: { userErrors: { code: string }[] } }>(DELETE, { id: created.id })).orderDelete.userErrors[0]?.code).toBe("INVALID");
    await data(`mutation($id: ID!) { orderCancel(orderId: $id, reason: OTHER, restock: true) { orderCancelUserErrors { code } } }`, { id: created.id });
    await emulator.advanceClock(emulator.jobTiming.orderCancel); // orderCancel's job
    expect((await data<{ orderDelete: { deletedId: string } }>(DELETE, { id: created.id })).orderDelete.deletedId).toBe(created.id);
    expect((await data<{ order: null }>(`query($id: ID!) { order(id: $id) { id } }`, { id: created.id })).order).toBeNull();
    await emulator.webhooksIdle();
    const deleted = emulator.deliveries.find((d) => d.topic === "orders/delete");
    expect(JSON.parse(deleted?.body ?? "{}")).toEqual({ id: Number(created.id.split("/").pop()) });
  });

  it("sent only payloads that validate against shopify-webhook-schemas 2026-07", async () => {
    await emulator.webhooksIdle();
    const topics = new Set(emulator.deliveries.map((d) => d.topic));
    for (const topic of ["orders/edited", "refunds/create", "orders/delete", "fulfillments/create", "fulfillments/update", "returns/request", "returns/approve", "returns/close", "fulfillment_orders/placed_on_hold", "fulfillment_orders/hold_released", "fulfillment_orders/line_items_prepared_for_pickup"]) {
      expect(topics).toContain(topic);
    }
    expect(emulator.deliveries.flatMap((d) => payloadErrors(d.topic, JSON.parse(d.body)))).toEqual([]);
  });
});
