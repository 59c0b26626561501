import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { DEMO_STORE_SEED, startEmulator, type Emulator } from "./index";
import { adminGraphql, offlineAccessToken, startWebhookReceiver, TEST_APP, type WebhookReceiver } from "./testing";

const SHOP = "tenon-demo.myshopify.com";
const ALL_TOPICS_TOML = fileURLToPath(new URL("./fixtures/all-topics.app.toml", import.meta.url));

const SET = `mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id reason referenceDocumentUri app { apiKey } changes { name delta quantityAfterChange item { sku } location { name } } }
    userErrors { field message code }
  }
}`;
const ADJUST = `mutation Adjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}`;

interface UserError { field: string[]; message: string; code: string }
interface Group { id: string; changes: { name: string; delta: number; quantityAfterChange: number }[] }

describe("inventorySetQuantities / inventoryAdjustQuantities (2026-07: changeFromQuantity, @idempotent)", () => {
  let emulator: Emulator;
  let receiver: WebhookReceiver;
  let token: string;
  let item: string;
  let workshop: string;
  let warehouse: string;
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const response = await adminGraphql(emulator, SHOP, token, query, variables);
    expect(response.status).toBe(200);
    return response.body as { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  };
  const levels = async () => {
    const { data } = await gql<{ inventoryItem: { inventoryLevels: { nodes: { location: { name: string }; quantities: { name: string; quantity: number }[] }[] } } }>(
      `query($id: ID!) { inventoryItem(id: $id) { inventoryLevels(first: 5) { nodes { location { name } quantities(names: ["available", "on_hand", "committed"]) { name quantity } } } } }`,
      { id: item },
    );
    return Object.fromEntries(
      (data?.inventoryItem.inventoryLevels.nodes ?? []).map((n) => [n.location.name, Object.fromEntries(n.quantities.map((q) => [q.name, q.quantity]))]),
    );
  };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    emulator = await startEmulator({ app: { ...TEST_APP, appUrl: receiver.url, tomlPath: ALL_TOPICS_TOML }, seedFiles: [DEMO_STORE_SEED] });
    token = await offlineAccessToken(emulator, SHOP);
    const { data } = await gql<{ productVariants: { nodes: { inventoryItem: { id: string } }[] }; locations: { nodes: { id: string; name: string }[] } }>(
      `{ productVariants(first: 1, query: "sku:OAK-STOOL-45") { nodes { inventoryItem { id } } } locations(first: 5) { nodes { id name } } }`,
    );
    item = data?.productVariants.nodes[0]?.inventoryItem.id ?? "";
    workshop = data?.locations.nodes.find((l) => l.name === "Workshop")?.id ?? "";
    warehouse = data?.locations.nodes.find((l) => l.name === "Warehouse Leipzig")?.id ?? "";
  });
  afterAll(async () => {
    await emulator.stop();
    await receiver.close();
  });
  beforeEach(() => {
    receiver.received.length = 0;
  });

  it("sets available with a matching changeFromQuantity and reports the changes", async () => {
    const before = await levels();
    const { data, errors } = await gql<{ inventorySetQuantities: { inventoryAdjustmentGroup: Group & { reason: string; app: { apiKey: string } }; userErrors: UserError[] } }>(SET, {
      key: "set-1",
      input: {
        name: "available",
        reason: "correction",
        referenceDocumentUri: "tenon://stock-count/1",
        quantities: [{ inventoryItemId: item, locationId: workshop, quantity: 10, changeFromQuantity: before.Workshop?.available }],
      },
    });
    expect(errors).toBeUndefined();
    expect(data?.inventorySetQuantities.userErrors).toEqual([]);
    expect(data?.inventorySetQuantities.inventoryAdjustmentGroup).toMatchObject({ reason: "correction", app: { apiKey: TEST_APP.apiKey } });
    const delta = 10 - (before.Workshop?.available ?? 0);
    expect(data?.inventorySetQuantities.inventoryAdjustmentGroup.changes).toEqual([
      { name: "available", delta, quantityAfterChange: 10, item: { sku: "OAK-STOOL-45" }, location: { name: "Workshop" } },
      { name: "on_hand", delta, quantityAfterChange: (before.Workshop?.on_hand ?? 0) + delta, item: { sku: "OAK-STOOL-45" }, location: { name: "Workshop" } },
    ]);
    expect((await levels()).Workshop).toEqual({ available: 10, on_hand: (before.Workshop?.on_hand ?? 0) + delta, committed: before.Workshop?.committed });

    await emulator.webhooksIdle();
    const webhook = receiver.received.find((w) => w.headers["x-shopify-topic"] === "inventory_levels/update");
    expect(JSON.parse(webhook?.body ?? "{}")).toMatchObject({ available: 10, inventory_item_id: Number(item.split("/").pop()) });
  });

  it("refuses the whole call when one changeFromQuantity is stale, and changes nothing", async () => {
    const before = await levels();
    const { data } = await gql<{ inventorySetQuantities: { inventoryAdjustmentGroup: Group | null; userErrors: UserError[] } }>(SET, {
      key: "set-stale",
      input: {
        name: "available",
        reason: "correction",
        quantities: [
          { inventoryItemId: item, locationId: workshop, quantity: 1, changeFromQuantity: before.Workshop?.available },
          { inventoryItemId: item, locationId: warehouse, quantity: 1, changeFromQuantity: (before["Warehouse Leipzig"]?.available ?? 0) + 5 },
        ],
      },
    });
    expect(data?.inventorySetQuantities.inventoryAdjustmentGroup).toBeNull();
    expect(data?.inventorySetQuantities.userErrors).toEqual([
      { field: ["input", "quantities", "1", "changeFromQuantity"], message: expect.any(String), code: "CHANGE_FROM_QUANTITY_STALE" },
    ]);
    expect(await levels()).toEqual(before);
  });

  it("requires changeFromQuantity to be given (null skips the check) and the @idempotent directive", async () => {
    const missing = await gql(SET, {
      key: "set-missing",
      input: { name: "available", reason: "correction", quantities: [{ inventoryItemId: item, locationId: workshop, quantity: 3 }] },
    });
    expect(missing.errors?.[0]?.message).toContain("changeFromQuantity is required");

    const noKey = await gql(
      `mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }`,
      { input: { name: "available", reason: "correction", quantities: [{ inventoryItemId: item, locationId: workshop, quantity: 3, changeFromQuantity: null }] } },
    );
    expect(noKey.errors?.[0]?.message).toContain("@idempotent");

    const overwrite = await gql<{ inventorySetQuantities: { userErrors: UserError[] } }>(SET, {
      key: "set-null",
      input: { name: "available", reason: "correction", quantities: [{ inventoryItemId: item, locationId: workshop, quantity: 3, changeFromQuantity: null }] },
    });
    expect(overwrite.data?.inventorySetQuantities.userErrors).toEqual([]);
    expect((await levels()).Workshop?.available).toBe(3);
  });

  it("applies a repeated idempotency key once, and refuses the key with other arguments", async () => {
    const start = (await levels())["Warehouse Leipzig"]?.available ?? 0;
    const input = { name: "available", reason: "received", changes: [{ inventoryItemId: item, locationId: warehouse, delta: 4, changeFromQuantity: null }] };
    const first = await gql<{ inventoryAdjustQuantities: { inventoryAdjustmentGroup: Group; userErrors: UserError[] } }>(ADJUST, { key: "receive-po-7", input });
    const again = await gql<{ inventoryAdjustQuantities: { inventoryAdjustmentGroup: Group; userErrors: UserError[] } }>(ADJUST, { key: "receive-po-7", input });
    expect(first.data?.inventoryAdjustQuantities.userErrors).toEqual([]);
    expect(again.data?.inventoryAdjustQuantities.inventoryAdjustmentGroup.id).toBe(first.data?.inventoryAdjustQuantities.inventoryAdjustmentGroup.id);
    expect((await levels())["Warehouse Leipzig"]?.available).toBe(start + 4);

    const other = await gql<{ inventoryAdjustQuantities: { userErrors: UserError[] } }>(ADJUST, {
      key: "receive-po-7",
      input: { ...input, changes: [{ ...input.changes[0], delta: 5 }] },
    });
    expect(other.data?.inventoryAdjustQuantities.userErrors[0]?.code).toBe("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");
    expect((await levels())["Warehouse Leipzig"]?.available).toBe(start + 4);
  });

  it("adjusts with a compare-and-swap check and validates names and targets", async () => {
    const start = (await levels())["Warehouse Leipzig"]?.available ?? 0;
    const stale = await gql<{ inventoryAdjustQuantities: { userErrors: UserError[] } }>(ADJUST, {
      key: "adj-stale",
      input: { name: "available", reason: "correction", changes: [{ inventoryItemId: item, locationId: warehouse, delta: -1, changeFromQuantity: start + 1 }] },
    });
    expect(stale.data?.inventoryAdjustQuantities.userErrors.map((e) => e.code)).toEqual(["CHANGE_FROM_QUANTITY_STALE"]);
    const ok = await gql<{ inventoryAdjustQuantities: { inventoryAdjustmentGroup: Group; userErrors: UserError[] } }>(ADJUST, {
      key: "adj-ok",
      input: { name: "available", reason: "correction", changes: [{ inventoryItemId: item, locationId: warehouse, delta: -1, changeFromQuantity: start }] },
    });
    expect(ok.data?.inventoryAdjustQuantities.inventoryAdjustmentGroup.changes[0]).toEqual({ name: "available", delta: -1, quantityAfterChange: start - 1 });

    const invalid = await gql<{ inventoryAdjustQuantities: { userErrors: UserError[] } }>(ADJUST, {
      key: "adj-invalid",
      input: {
        name: "on_hand",
        reason: "because",
        changes: [{ inventoryItemId: "gid://shopify/InventoryItem/1", locationId: warehouse, delta: 1, changeFromQuantity: null }],
      },
    });
    expect(invalid.data?.inventoryAdjustQuantities.userErrors.map((e) => e.code)).toEqual(["INVALID_QUANTITY_NAME", "INVALID_REASON", "INVALID_INVENTORY_ITEM"]);
  });

  it("rejects compareQuantity, which 2026-07 no longer has, against the real schema", async () => {
    const { errors } = await gql(SET, {
      key: "set-old",
      input: { name: "available", reason: "correction", quantities: [{ inventoryItemId: item, locationId: workshop, quantity: 3, compareQuantity: 3 }] },
    });
    expect(errors?.[0]?.message).toContain("compareQuantity");
  });
});
