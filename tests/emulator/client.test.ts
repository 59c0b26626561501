import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../scripts/shopify";
import { EmulatorClient, EmulatorClientError, EmulatorScriptApi } from "./client";
import { DEMO_STORE_SEED, ManualClock, startEmulator, type Emulator } from "./index";

const SHOP = "tenon-demo";
const REPO = fileURLToPath(new URL("../../", import.meta.url));

describe("typed client and `npm run shopify` CLI against a running emulator", () => {
  let emulator: Emulator;
  let client: EmulatorClient;
  const cli = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await runCli([...args, "--url", emulator.url, "--shop", SHOP], (line) => lines.push(line));
    return { code, output: lines.join("\n") };
  };
  const available = (sku: string, location: string) => {
    const shop = emulator.shop(SHOP);
    const variant = shop.variants.find((v) => v.sku === sku)!;
    const locationId = shop.locations.find((l) => l.name === location)!.id;
    return shop.inventoryLevels.find((l) => l.inventoryItemId === variant.inventoryItemId && l.locationId === locationId)?.quantities.available;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ app: { apiKey: "tenon-test-api-key", apiSecret: "tenon-test-api-secret", appUrl: "http://127.0.0.1:9" }, seedFiles: [DEMO_STORE_SEED], clock: new ManualClock() });
    emulator.install(SHOP);
    client = await EmulatorClient.connect({ url: emulator.url, shop: SHOP });
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it("the client creates orders, sets stock with compare-and-set, and refuses what Shopify refuses", async () => {
    const order = await client.createOrder({ lines: [{ sku: "OAK-STOOL-45", quantity: 2 }], inventoryBehaviour: "DECREMENT_IGNORING_POLICY" });
    expect(order).toMatchObject({ name: expect.stringMatching(/^#\d+$/), displayFinancialStatus: "PAID", displayFulfillmentStatus: "UNFULFILLED" });

    const set = await client.setInventory({ sku: "OAK-STOOL-45", location: "Workshop", quantity: 12 });
    expect(set.changes.find((c) => c.name === "available")?.quantityAfterChange).toBe(12);
    expect(available("OAK-STOOL-45", "Workshop")).toBe(12);
    await expect(client.setInventory({ sku: "OAK-STOOL-45", location: "Workshop", quantity: 20, changeFromQuantity: 3 })).rejects.toThrow(/CHANGE_FROM_QUANTITY_STALE/);
    expect(available("OAK-STOOL-45", "Workshop")).toBe(12);
    await expect(client.createOrder({ lines: [{ sku: "NO-SUCH-SKU", quantity: 1 }] })).rejects.toBeInstanceOf(EmulatorClientError);

    const fulfilled = await client.fulfillOrder(order.id);
    expect(fulfilled).toHaveLength(1);
    expect((await client.inventory("OAK-STOOL-45")).map((l) => l.location)).toContain("Workshop");
  });

  it("the CLI runs orders:create, inventory:set and locations:add through the same mutations", async () => {
    const before = emulator.shop(SHOP).orders.length;
    const created = await cli("orders:create", "--sku", "OAK-STOOL-45", "--qty", "2", "--sku", "WAL-BOARD-S", "--qty", "1");
    expect(created.code).toBe(0);
    expect(created.output).toMatch(/^Created order #\d+ \(gid:\/\/shopify\/Order\/\d+\): [\d.]+ EUR, PAID, UNFULFILLED$/);
    const shop = emulator.shop(SHOP);
    expect(shop.orders).toHaveLength(before + 1);
    expect(shop.orders.at(-1)!.lineItems.map((l) => [l.sku, l.quantity])).toEqual([["OAK-STOOL-45", 2], ["WAL-BOARD-S", 1]]);

    const set = await cli("inventory:set", "--sku", "WAL-BOARD-S", "--location", "Workshop", "--qty", "7");
    expect(set).toMatchObject({ code: 0, output: expect.stringContaining("WAL-BOARD-S at Workshop: available = 7") });
    expect(available("WAL-BOARD-S", "Workshop")).toBe(7);

    const added = await cli("locations:add", "--name", "Pop-up Dresden", "--country", "DE", "--city", "Dresden", "--json");
    expect(added.code).toBe(0);
    expect(JSON.parse(added.output)).toMatchObject({ name: "Pop-up Dresden", isActive: true });
    expect(emulator.shop(SHOP).locations.map((l) => l.name)).toContain("Pop-up Dresden");

    // orderCancel is a job: the CLI polls it while this test moves the emulator's clock.
    let polling = true;
    const cancelling = cli("orders:cancel", "--order", shop.orders.at(-1)!.name).finally(() => (polling = false));
    while (polling) {
      await emulator.advanceClock(50);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const cancelled = await cancelling;
    expect(cancelled.code).toBe(0);
    expect(emulator.shop(SHOP).orders.at(-1)!.cancelledAt).not.toBeNull();
  });

  it("the CLI reports usage and Shopify's errors with exit codes, and drives the script API", async () => {
    expect((await cli("orders:create")).code).toBe(2);
    expect((await cli("no:such")).code).toBe(2);
    const stale = await cli("inventory:set", "--sku", "WAL-BOARD-S", "--location", "Workshop", "--qty", "9", "--change-from", "1");
    expect(stale).toMatchObject({ code: 1, output: expect.stringContaining("CHANGE_FROM_QUANTITY_STALE") });

    const plan = await cli("plan:set", "--plan", "advanced");
    expect(plan).toMatchObject({ code: 0, output: expect.stringContaining("200 points/s") });
    const start = emulator.now().getTime();
    const clock = await cli("clock:advance", "--ms", "60000");
    expect(clock.output).toBe(`Emulator time: ${new Date(start + 60_000).toISOString()}`);
    const generated = await cli("shops:generate", "--variants", "30", "--orders", "3", "--handle", "cli-gen");
    expect(generated).toMatchObject({ code: 0, output: "Created cli-gen: 30 variants, 3 locations, 3 orders" });
    const shops = await new EmulatorScriptApi(emulator.url).shops();
    expect(shops.map((s) => s.handle)).toContain("cli-gen");

    const bulk = await cli("bulk:run", "--query", "{ products { edges { node { id } } } }", "--json");
    const op = JSON.parse(bulk.output) as { id: string };
    await emulator.advanceClock(emulator.bulkTiming.completeAfterMs);
    expect((await cli("bulk:status", "--id", op.id)).output).toMatch(/COMPLETED, \d+ objects, http:\/\/127\.0\.0\.1:\d+\/bulk-operation-results\//);
  });

  it("runs as `npm run shopify` in its own process", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/shopify.ts", "inventory:show", "--sku", "OAK-STOOL-45", "--url", emulator.url, "--shop", SHOP], { cwd: REPO });
    expect(stdout).toMatch(/^OAK-STOOL-45:\n {2}Workshop: available 12, committed \d+, on hand \d+/);
  });
});
