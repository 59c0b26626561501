/**
 * fulfillmentOrderMove and fulfillment_orders/moved: a whole move re-assigns the fulfillment order
 * itself, a partial move (or a move of a partly fulfilled one) recreates the moved units in a new
 * fulfillment order at the destination; what the order committed moves between the locations.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmulatorClient } from "./client";
import { DEMO_STORE_SEED, ManualClock, startEmulator, type Emulator } from "./index";
import { startWebhookReceiver, TEST_APP, type WebhookReceiver } from "./testing";
import { payloadErrors } from "./webhook-schemas";

const SHOP = "tenon-demo.myshopify.com";
const ALL_TOPICS_TOML = fileURLToPath(new URL("./fixtures/all-topics.app.toml", import.meta.url));

const FO_FIELDS = `id status supportedActions { action } assignedLocation { location { id } } lineItems(first: 10) { nodes { id sku totalQuantity remainingQuantity } }`;
const MOVE = `mutation($id: ID!, $to: ID!, $items: [FulfillmentOrderLineItemInput!]) {
  fulfillmentOrderMove(id: $id, newLocationId: $to, fulfillmentOrderLineItems: $items) {
    movedFulfillmentOrder { ${FO_FIELDS} }
    originalFulfillmentOrder { ${FO_FIELDS} }
    remainingFulfillmentOrder { id }
    userErrors { field message code }
  }
}`;

interface FoView {
  id: string;
  status: string;
  supportedActions: { action: string }[];
  assignedLocation: { location: { id: string } };
  lineItems: { nodes: { id: string; sku: string; totalQuantity: number; remainingQuantity: number }[] };
}
interface MoveResult {
  movedFulfillmentOrder: FoView | null;
  originalFulfillmentOrder: FoView | null;
  remainingFulfillmentOrder: { id: string } | null;
  userErrors: { field: string[] | null; message: string; code: string | null }[];
}
interface MovedPayload {
  original_fulfillment_order: { id: string; status: string; assigned_location_id: string };
  moved_fulfillment_order: { id: string; status: string; assigned_location_id: string };
  destination_location_id: string;
  fulfillment_order_line_items_requested: { id: string; quantity: number }[];
  source_location: { id: string };
}

/** [sku, totalQuantity, remainingQuantity] of each line. */
const lines = (fo: FoView | null | undefined) => fo?.lineItems.nodes.map((l) => [l.sku, l.totalQuantity, l.remainingQuantity]);
const locationOf = (fo: FoView | null | undefined) => fo?.assignedLocation.location.id;

describe("fulfillmentOrderMove and fulfillment_orders/moved", () => {
  let emulator: Emulator;
  let receiver: WebhookReceiver;
  let shopify: EmulatorClient;
  let workshop: string;
  let leipzig: string;
  let stall: string;
  const clock = new ManualClock("2026-07-01T09:00:00Z");

  const move = async (id: string, to: string, items?: { id: string; quantity: number }[]) =>
    (await shopify.graphql<{ fulfillmentOrderMove: MoveResult }>(MOVE, { id, to, items: items ?? null })).fulfillmentOrderMove;
  const order = async (id: string) =>
    (
      await shopify.graphql<{ order: { updatedAt: string; fulfillmentOrders: { nodes: FoView[] } } }>(
        `query($id: ID!) { order(id: $id) { updatedAt fulfillmentOrders(first: 10) { nodes { ${FO_FIELDS} } } } }`,
        { id },
      )
    ).order;
  /** available / committed / on_hand of a SKU at Workshop and at Warehouse Leipzig. */
  const stock = async (sku: string) => {
    const levels = await shopify.inventory(sku);
    const at = (name: string) => {
      const level = levels.find((l) => l.location === name);
      if (!level) throw new Error(`${sku} is not stocked at ${name}`);
      return { available: level.available, committed: level.committed, on_hand: level.on_hand };
    };
    return { workshop: at("Workshop"), leipzig: at("Warehouse Leipzig") };
  };
  const newOrder = async (lineItems: { sku: string; quantity: number }[], inventoryBehaviour: "DECREMENT_IGNORING_POLICY" | "BYPASS" = "DECREMENT_IGNORING_POLICY") => {
    const created = await shopify.createOrder({ lines: lineItems, inventoryBehaviour });
    const view = await order(created.id);
    const [fo] = view.fulfillmentOrders.nodes;
    if (!fo || view.fulfillmentOrders.nodes.length !== 1) throw new Error("expected one fulfillment order");
    expect(locationOf(fo)).toBe(workshop);
    return { id: created.id, fo, updatedAt: view.updatedAt };
  };
  /**
   * The fulfillment_orders/moved webhooks delivered to the app since `mark`, once each: delivery
   * is at least once by default (ADR 027), and a duplicate repeats its webhook id.
   */
  const movedDeliveries = (mark: number) => {
    const seen = new Set<string>();
    return receiver.received.slice(mark).filter((w) => {
      const id = String(w.headers["x-shopify-webhook-id"]);
      if (w.headers["x-shopify-topic"] !== "fulfillment_orders/moved" || seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  };
  const movedWebhooks = async (mark: number) => {
    await emulator.webhooksIdle();
    return movedDeliveries(mark).map((w) => JSON.parse(w.body) as MovedPayload);
  };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    emulator = await startEmulator({ app: { ...TEST_APP, appUrl: receiver.url, tomlPath: ALL_TOPICS_TOML }, seedFiles: [DEMO_STORE_SEED], clock, webhookTimeoutMs: 1_000 });
    shopify = await EmulatorClient.connect({ url: emulator.url, shop: SHOP });
    workshop = (await shopify.location("Workshop")).id;
    leipzig = (await shopify.location("Warehouse Leipzig")).id;
    stall = (await shopify.location("Market Stall")).id;
  });
  afterAll(async () => {
    await emulator.stop();
    await receiver.close();
  });

  it("moves a whole fulfillment order: the same fulfillment order gets the new location, committed units move with it", async () => {
    const created = await newOrder([
      { sku: "OAK-STOOL-45", quantity: 2 },
      { sku: "WAL-BOARD-S", quantity: 1 },
    ]);
    expect(created.fo.supportedActions.map((a) => a.action)).toContain("MOVE");
    const before = { stool: await stock("OAK-STOOL-45"), board: await stock("WAL-BOARD-S") };
    const mark = receiver.received.length;
    await emulator.advanceClock(60_000);

    const result = await move(created.fo.id, leipzig);
    expect(result.userErrors).toEqual([]);
    expect(result.movedFulfillmentOrder?.id).toBe(created.fo.id);
    expect(result.originalFulfillmentOrder?.id).toBe(created.fo.id);
    expect(result.remainingFulfillmentOrder).toBeNull();
    expect(result.movedFulfillmentOrder).toMatchObject({ status: "OPEN", assignedLocation: { location: { id: leipzig } } });
    // The same line items, untouched.
    expect(result.movedFulfillmentOrder?.lineItems.nodes.map((l) => l.id)).toEqual(created.fo.lineItems.nodes.map((l) => l.id));
    expect(lines(result.movedFulfillmentOrder)).toEqual([
      ["OAK-STOOL-45", 2, 2],
      ["WAL-BOARD-S", 1, 1],
    ]);

    const after = await order(created.id);
    expect(after.fulfillmentOrders.nodes.map((fo) => [fo.id, fo.status, locationOf(fo)])).toEqual([[created.fo.id, "OPEN", leipzig]]);
    expect(Date.parse(after.updatedAt) - Date.parse(created.updatedAt)).toBeGreaterThanOrEqual(60_000);

    // Committed leaves the Workshop (back into available) and is claimed in Leipzig; on_hand stays.
    const shift = (s: { available: number; committed: number; on_hand: number }, n: number) => ({ available: s.available + n, committed: s.committed - n, on_hand: s.on_hand });
    expect(await stock("OAK-STOOL-45")).toEqual({ workshop: shift(before.stool.workshop, 2), leipzig: shift(before.stool.leipzig, -2) });
    expect(await stock("WAL-BOARD-S")).toEqual({ workshop: shift(before.board.workshop, 1), leipzig: shift(before.board.leipzig, -1) });

    const [payload, ...more] = await movedWebhooks(mark);
    expect(more).toEqual([]);
    expect(payload).toEqual({
      original_fulfillment_order: { id: created.fo.id, status: "open", assigned_location_id: leipzig },
      moved_fulfillment_order: { id: created.fo.id, status: "open", assigned_location_id: leipzig },
      destination_location_id: leipzig,
      fulfillment_order_line_items_requested: [],
      source_location: { id: workshop },
    });
    expect(payloadErrors("fulfillment_orders/moved", payload)).toEqual([]);

    // Fulfilling at the new location takes the units out of Leipzig's committed.
    await shopify.fulfillOrder(created.id);
    expect((await stock("OAK-STOOL-45")).leipzig).toEqual({ available: before.stool.leipzig.available - 2, committed: before.stool.leipzig.committed, on_hand: before.stool.leipzig.on_hand - 2 });
  });

  it("moves some units: a new fulfillment order at the destination holds them, the original keeps the rest", async () => {
    const created = await newOrder([
      { sku: "WAL-BOARD-M", quantity: 3 },
      { sku: "OIL-HW-250", quantity: 2 },
    ]);
    const [board, oil] = created.fo.lineItems.nodes;
    if (!board || !oil) throw new Error("two lines expected");
    const before = { board: await stock("WAL-BOARD-M"), oil: await stock("OIL-HW-250") };
    const mark = receiver.received.length;

    const result = await move(created.fo.id, leipzig, [
      { id: board.id, quantity: 1 },
      { id: oil.id, quantity: 2 },
    ]);
    expect(result.userErrors).toEqual([]);
    const moved = result.movedFulfillmentOrder;
    const original = result.originalFulfillmentOrder;
    expect(original?.id).toBe(created.fo.id);
    expect(moved?.id).not.toBe(created.fo.id);
    expect(result.remainingFulfillmentOrder).toBeNull();
    expect([original?.status, locationOf(original), lines(original)]).toEqual(["OPEN", workshop, [["WAL-BOARD-M", 2, 2]]]);
    expect([moved?.status, locationOf(moved), lines(moved)]).toEqual([
      "OPEN",
      leipzig,
      [
        ["WAL-BOARD-M", 1, 1],
        ["OIL-HW-250", 2, 2],
      ],
    ]);
    // The original keeps its line item ids.
    expect(original?.lineItems.nodes.map((l) => l.id)).toEqual([board.id]);

    // The order shows both fulfillment orders.
    const after = await order(created.id);
    expect(after.fulfillmentOrders.nodes.map((fo) => [fo.id, fo.status, locationOf(fo), lines(fo)])).toEqual([
      [created.fo.id, "OPEN", workshop, [["WAL-BOARD-M", 2, 2]]],
      [
        moved?.id,
        "OPEN",
        leipzig,
        [
          ["WAL-BOARD-M", 1, 1],
          ["OIL-HW-250", 2, 2],
        ],
      ],
    ]);

    const shift = (s: { available: number; committed: number; on_hand: number }, n: number) => ({ available: s.available + n, committed: s.committed - n, on_hand: s.on_hand });
    expect(await stock("WAL-BOARD-M")).toEqual({ workshop: shift(before.board.workshop, 1), leipzig: shift(before.board.leipzig, -1) });
    expect(await stock("OIL-HW-250")).toEqual({ workshop: shift(before.oil.workshop, 2), leipzig: shift(before.oil.leipzig, -2) });

    const [payload] = await movedWebhooks(mark);
    expect(payload).toEqual({
      original_fulfillment_order: { id: created.fo.id, status: "open", assigned_location_id: workshop },
      moved_fulfillment_order: { id: moved?.id, status: "open", assigned_location_id: leipzig },
      destination_location_id: leipzig,
      fulfillment_order_line_items_requested: [
        { id: board.id, quantity: 1 },
        { id: oil.id, quantity: 2 },
      ],
      source_location: { id: workshop },
    });
    expect(payloadErrors("fulfillment_orders/moved", payload)).toEqual([]);

    // Each location fulfils its own units out of its own committed.
    await shopify.fulfillOrder(created.id);
    const shipped = await stock("WAL-BOARD-M");
    expect(shipped.workshop).toEqual({ ...shift(before.board.workshop, 1), committed: before.board.workshop.committed - 3, on_hand: before.board.workshop.on_hand - 2 });
    expect(shipped.leipzig).toEqual({ ...shift(before.board.leipzig, -1), committed: before.board.leipzig.committed, on_hand: before.board.leipzig.on_hand - 1 });
  });

  it("moves what is left of a partly fulfilled fulfillment order: the fulfilled units stay, the original closes", async () => {
    const created = await newOrder([{ sku: "OAK-STOOL-60", quantity: 3 }]);
    const line = created.fo.lineItems.nodes[0];
    await shopify.graphql(`mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { userErrors { message } } }`, {
      f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: created.fo.id, fulfillmentOrderLineItems: [{ id: line?.id, quantity: 1 }] }] },
    });
    expect((await order(created.id)).fulfillmentOrders.nodes[0]?.status).toBe("IN_PROGRESS");
    const before = await stock("OAK-STOOL-60");
    const mark = receiver.received.length;

    const result = await move(created.fo.id, leipzig);
    expect(result.userErrors).toEqual([]);
    expect(result.originalFulfillmentOrder).toMatchObject({ id: created.fo.id, status: "CLOSED", assignedLocation: { location: { id: workshop } } });
    expect(lines(result.originalFulfillmentOrder)).toEqual([["OAK-STOOL-60", 1, 0]]);
    expect(result.movedFulfillmentOrder?.id).not.toBe(created.fo.id);
    expect([result.movedFulfillmentOrder?.status, locationOf(result.movedFulfillmentOrder), lines(result.movedFulfillmentOrder)]).toEqual(["OPEN", leipzig, [["OAK-STOOL-60", 2, 2]]]);
    expect(result.originalFulfillmentOrder?.supportedActions.map((a) => a.action)).not.toContain("MOVE");
    expect((await order(created.id)).fulfillmentOrders.nodes.map((fo) => [fo.status, locationOf(fo)])).toEqual([
      ["CLOSED", workshop],
      ["OPEN", leipzig],
    ]);
    expect(await stock("OAK-STOOL-60")).toEqual({
      workshop: { available: before.workshop.available + 2, committed: before.workshop.committed - 2, on_hand: before.workshop.on_hand },
      leipzig: { available: before.leipzig.available - 2, committed: before.leipzig.committed + 2, on_hand: before.leipzig.on_hand },
    });
    const [payload] = await movedWebhooks(mark);
    expect(payload).toMatchObject({
      original_fulfillment_order: { id: created.fo.id, status: "closed", assigned_location_id: workshop },
      moved_fulfillment_order: { id: result.movedFulfillmentOrder?.id, status: "open", assigned_location_id: leipzig },
      source_location: { id: workshop },
    });
    expect(payloadErrors("fulfillment_orders/moved", payload)).toEqual([]);
  });

  it("leaves inventory alone for an order that claimed none (BYPASS)", async () => {
    const created = await newOrder([{ sku: "WAX-BEE-200", quantity: 2 }], "BYPASS");
    const before = await stock("WAX-BEE-200");
    const result = await move(created.fo.id, leipzig);
    expect(result.userErrors).toEqual([]);
    expect(locationOf(result.movedFulfillmentOrder)).toBe(leipzig);
    expect(await stock("WAX-BEE-200")).toEqual(before);
  });

  it("refuses unknown or unmovable fulfillment orders, unknown, inactive or same locations, bad quantities and unstocked items", async () => {
    const created = await newOrder([
      { sku: "OAK-STOOL-75", quantity: 1 },
      { sku: "WAL-BOARD-L", quantity: 2 },
    ]);
    const [stool, board] = created.fo.lineItems.nodes;
    if (!stool || !board) throw new Error("two lines expected");
    const held = await newOrder([{ sku: "KIT-MT-01", quantity: 1 }]);
    await shopify.graphql(`mutation($id: ID!) { fulfillmentOrderHold(id: $id, fulfillmentHold: { reason: OTHER }) { userErrors { message } } }`, { id: held.fo.id });
    const shipped = await newOrder([{ sku: "KIT-DT-01", quantity: 1 }]);
    await shopify.fulfillOrder(shipped.id);
    const popUp = await shopify.addLocation({ name: "Pop-up Potsdam", address: { countryCode: "DE", city: "Potsdam" } });
    await shopify.deactivateLocation(popUp.id);
    const stockBefore = { stool: await stock("OAK-STOOL-75"), board: await stock("WAL-BOARD-L") };
    const mark = receiver.received.length;
    await emulator.advanceClock(60_000);

    const refused = async (id: string, to: string, items?: { id: string; quantity: number }[]) => {
      const result = await move(id, to, items);
      expect(result.movedFulfillmentOrder).toBeNull();
      expect(result.originalFulfillmentOrder).toBeNull();
      expect(result.remainingFulfillmentOrder).toBeNull();
      return result.userErrors.map((e) => ({ field: e.field, code: e.code, message: e.message }));
    };
    expect(await refused("gid://shopify/FulfillmentOrder/999999999", leipzig)).toEqual([{ field: ["id"], code: null, message: "Fulfillment order does not exist." }]);
    expect(await refused(created.fo.id, "gid://shopify/Location/999999999")).toEqual([{ field: ["newLocationId"], code: null, message: "Location does not exist." }]);
    expect(await refused(created.fo.id, popUp.id)).toEqual([{ field: ["newLocationId"], code: null, message: "Location is not active." }]);
    expect(await refused(created.fo.id, workshop)).toEqual([{ field: ["newLocationId"], code: null, message: "The fulfillment order is already assigned to this location." }]);
    expect(await refused(held.fo.id, leipzig)).toEqual([{ field: ["id"], code: null, message: "Fulfillment order with status on_hold can't be moved." }]);
    expect(await refused(shipped.fo.id, leipzig)).toEqual([{ field: ["id"], code: null, message: "Fulfillment order with status closed can't be moved." }]);
    expect(await refused(created.fo.id, leipzig, [{ id: board.id, quantity: 3 }])).toEqual([
      { field: ["fulfillmentOrderLineItems", "0", "quantity"], code: null, message: "Quantity 3 exceeds the 2 unfulfilled unit(s) of the line item." },
    ]);
    expect(await refused(created.fo.id, leipzig, [{ id: board.id, quantity: 0 }])).toEqual([{ field: ["fulfillmentOrderLineItems", "0", "quantity"], code: null, message: "Quantity must be greater than 0." }]);
    expect(await refused(created.fo.id, leipzig, [{ id: held.fo.lineItems.nodes[0]?.id ?? "", quantity: 1 }])).toEqual([
      { field: ["fulfillmentOrderLineItems", "0", "id"], code: null, message: "Fulfillment order line item does not exist on this fulfillment order." },
    ]);
    expect(
      await refused(created.fo.id, leipzig, [
        { id: board.id, quantity: 1 },
        { id: board.id, quantity: 1 },
      ]),
    ).toEqual([{ field: ["fulfillmentOrderLineItems", "1", "id"], code: null, message: "Fulfillment order line item is listed more than once." }]);
    // The Market Stall never stocked OAK-STOOL-75; moving only the boards there is fine.
    expect(await refused(created.fo.id, stall)).toEqual([{ field: ["newLocationId"], code: null, message: "Market Stall doesn't stock OAK-STOOL-75." }]);

    // Nothing changed, nothing was sent.
    const view = await order(created.id);
    expect(view.fulfillmentOrders.nodes.map((fo) => [fo.id, fo.status, locationOf(fo), lines(fo)])).toEqual([
      [
        created.fo.id,
        "OPEN",
        workshop,
        [
          ["OAK-STOOL-75", 1, 1],
          ["WAL-BOARD-L", 2, 2],
        ],
      ],
    ]);
    expect(view.updatedAt).toBe(created.updatedAt);
    expect({ stool: await stock("OAK-STOOL-75"), board: await stock("WAL-BOARD-L") }).toEqual(stockBefore);
    expect(await movedWebhooks(mark)).toEqual([]);

    const boards = await move(created.fo.id, stall, [{ id: board.id, quantity: 2 }]);
    expect(boards.userErrors).toEqual([]);
    expect([locationOf(boards.movedFulfillmentOrder), lines(boards.movedFulfillmentOrder)]).toEqual([stall, [["WAL-BOARD-L", 2, 2]]]);
    expect(lines(boards.originalFulfillmentOrder)).toEqual([["OAK-STOOL-75", 1, 1]]);
  });

  it("sent only payloads that validate against shopify-webhook-schemas 2026-07", async () => {
    await emulator.webhooksIdle();
    const topics = receiver.received.map((w) => String(w.headers["x-shopify-topic"]));
    expect(movedDeliveries(0)).toHaveLength(5);
    expect(topics).toContain("orders/updated");
    expect(receiver.received.flatMap((w) => payloadErrors(String(w.headers["x-shopify-topic"]), JSON.parse(w.body)))).toEqual([]);
    expect(emulator.deliveries.filter((d) => !d.ok)).toEqual([]);
  });
});
