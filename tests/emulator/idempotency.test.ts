import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STORE_SEED, IDEMPOTENCY_RETENTION_MS, ManualClock, startEmulator, type Emulator } from "./index";
import { adminGraphql, offlineAccessToken, TEST_APP } from "./testing";

/**
 * `@idempotent(key:)` as Shopify implements it (graphql/idempotency.ts, with the pages it cites):
 * a replay answers the first payload; in progress, failed, other arguments and blank keys are
 * refused with Shopify's codes; a key older than the retention window runs as a new request.
 */
const SHOP = "tenon-demo.myshopify.com";
const SET = `mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}`;
interface SetAnswer {
  status: number;
  data?: { inventorySetQuantities: { inventoryAdjustmentGroup: { id: string } | null; userErrors: { field: string[]; message: string; code: string }[] } | null };
  errors?: { message: string; extensions?: { code?: string } }[];
}

describe("@idempotent(key:) as Shopify implements it", () => {
  const clock = new ManualClock("2026-07-01T09:00:00Z");
  let emulator: Emulator;
  let token: string;
  let item: string;
  let workshop: string;

  const set = async (key: string, quantity: number, changeFromQuantity: number | null = null): Promise<SetAnswer> => {
    // A fresh token each time: the clock runs on by hours, past a token's hour (docs/decisions/022).
    const response = await adminGraphql(emulator, SHOP, await offlineAccessToken(emulator, SHOP), SET, {
      key,
      input: { name: "available", reason: "correction", quantities: [{ inventoryItemId: item, locationId: workshop, quantity, changeFromQuantity }] },
    });
    return { status: response.status, ...(response.body as Omit<SetAnswer, "status">) };
  };
  const available = () => {
    const shop = emulator.shop(SHOP);
    const number = (gid: string) => Number(gid.split("/").pop());
    return shop.inventoryLevels.find((l) => l.inventoryItemId === number(item) && l.locationId === number(workshop))!.quantities.available;
  };
  const codes = (answer: SetAnswer) => answer.data?.inventorySetQuantities?.userErrors.map((e) => e.code);

  beforeAll(async () => {
    emulator = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:9" }, seedFiles: [DEMO_STORE_SEED], clock });
    token = await offlineAccessToken(emulator, SHOP);
    const response = await adminGraphql(emulator, SHOP, token, `{ productVariants(first: 1, query: "sku:OAK-STOOL-45") { nodes { inventoryItem { id } } } locations(first: 5) { nodes { id name } } }`);
    const data = (response.body as { data: { productVariants: { nodes: { inventoryItem: { id: string } }[] }; locations: { nodes: { id: string; name: string }[] } } }).data;
    item = data.productVariants.nodes[0]!.inventoryItem.id;
    workshop = data.locations.nodes.find((l) => l.name === "Workshop")!.id;
  });
  afterAll(async () => emulator.stop());

  it("refuses an empty or whitespace-only key before running anything", async () => {
    const before = available();
    for (const key of ["", "   ", "\t\n"]) {
      const answer = await set(key, before + 5);
      expect(answer.errors?.[0]).toMatchObject({ message: expect.stringContaining("empty string or whitespace only"), extensions: { code: "BAD_REQUEST" } });
    }
    expect(available()).toBe(before);
  });

  it("replays the first payload for the same key and arguments, userErrors included, and runs nothing again", async () => {
    const first = await set("replay-1", 40);
    expect(codes(first)).toEqual([]);
    const again = await set("replay-1", 40);
    expect(again.data?.inventorySetQuantities?.inventoryAdjustmentGroup?.id).toBe(first.data?.inventorySetQuantities?.inventoryAdjustmentGroup?.id);
    expect(available()).toBe(40);
    // A refused first request is replayed as refused, even once the quantity would match.
    const stale = await set("replay-stale", 41, 39);
    expect(codes(stale)).toEqual(["CHANGE_FROM_QUANTITY_STALE"]);
    expect(codes(await set("replay-stale", 41, 39))).toEqual(["CHANGE_FROM_QUANTITY_STALE"]);
    expect(available()).toBe(40);
  });

  it("IDEMPOTENCY_KEY_PARAMETER_MISMATCH: the key with other arguments, whatever the first request's state", async () => {
    await set("mismatch-1", 42);
    const other = await set("mismatch-1", 43);
    expect(other.data?.inventorySetQuantities).toEqual({
      inventoryAdjustmentGroup: null,
      userErrors: [{ field: [], code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH", message: "The same idempotency key cannot be used with different operation parameters." }],
    });
    emulator.queueMutationFault(SHOP, { field: "inventorySetQuantities", kind: "fail" });
    await set("mismatch-2", 44);
    expect(codes(await set("mismatch-2", 45))).toEqual(["IDEMPOTENCY_KEY_PARAMETER_MISMATCH"]);
    expect(available()).toBe(42);
  });

  it("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED: a key whose first request failed is never accepted again; a new key runs", async () => {
    const before = available();
    emulator.queueMutationFault(SHOP, { field: "inventorySetQuantities", kind: "fail" });
    const failed = await set("failed-1", before + 1);
    expect(failed.errors?.[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    expect(available()).toBe(before);
    for (let i = 0; i < 3; i++) {
      const again = await set("failed-1", before + 1);
      expect(again.data?.inventorySetQuantities?.userErrors).toEqual([
        { field: [], code: "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", message: "A previous request with this idempotency key failed. Retry with a new idempotency key." },
      ]);
    }
    await clock.advance(IDEMPOTENCY_RETENTION_MS - 1);
    expect(codes(await set("failed-1", before + 1))).toEqual(["IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED"]);
    expect(available()).toBe(before);
    expect(codes(await set("failed-1-new", before + 1))).toEqual([]);
    expect(available()).toBe(before + 1);
  });

  it("IDEMPOTENCY_CONCURRENT_REQUEST while the first request is still running; then its result", async () => {
    const before = available();
    emulator.queueMutationFault(SHOP, { field: "inventorySetQuantities", kind: "slow", holdMs: 5_000 });
    const slow = await set("slow-1", before + 3, before);
    // It ran, but its answer never arrived.
    expect(slow.status).toBe(504);
    expect(available()).toBe(before + 3);
    const meanwhile = await set("slow-1", before + 3, before);
    expect(meanwhile.data?.inventorySetQuantities?.userErrors).toEqual([
      { field: [], code: "IDEMPOTENCY_CONCURRENT_REQUEST", message: "This request is currently in progress, please try again." },
    ]);
    await clock.advance(5_000);
    const after = await set("slow-1", before + 3, before);
    expect(codes(after)).toEqual([]);
    expect(after.data?.inventorySetQuantities?.inventoryAdjustmentGroup?.id).toMatch(/^gid:\/\/shopify\/InventoryAdjustmentGroup\//);
    expect(available()).toBe(before + 3);
  });

  it("forgets a key 24 hours after its first request: the same key and arguments then run as a new request", async () => {
    const before = available();
    expect(codes(await set("expiring-1", before + 2, before))).toEqual([]);
    await clock.advance(IDEMPOTENCY_RETENTION_MS - 1_000);
    // Still within the window: replayed, not run (its changeFromQuantity would be stale now).
    expect(codes(await set("expiring-1", before + 2, before))).toEqual([]);
    await clock.advance(1_000);
    // Past it: run again as new — and the compare-and-set is what protects the stock now.
    expect(codes(await set("expiring-1", before + 2, before))).toEqual(["CHANGE_FROM_QUANTITY_STALE"]);
    expect(codes(await set("expiring-2", 7))).toEqual([]);
    await clock.advance(IDEMPOTENCY_RETENTION_MS);
    expect(codes(await set("expiring-2", 7))).toEqual([]);
    expect(emulator.shop(SHOP).idempotency.get("inventorySetQuantities:expiring-2")?.at).toEqual(clock.now());
    expect(available()).toBe(7);
  });
});
