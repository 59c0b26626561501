import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { startAppHarness, type AppHarness } from "../support/app-harness";
import { activeSyncStore, mappedVariant, type SyncStore } from "../support/fulfillment-fixtures";

/**
 * Issue 9's acceptance run: with webhook faults on (duplicates, reordering), orders fulfilled half
 * in Shopify and half in Tenon end with the same fulfillment state on both sides, stock that adds
 * up (ledger sum = expected) and nothing fulfilled twice. FULFILLMENT_FAULT_ORDERS sets the size
 * (default 500).
 */
const TOML = fileURLToPath(new URL("./fixtures/fulfillment-sync.app.toml", import.meta.url));
const ORDERS = Number(process.env.FULFILLMENT_FAULT_ORDERS ?? 500);
const SKUS = ["OAK-STOOL-45", "WAL-BOARD-S", "WAL-BOARD-M", "OAK-BENCH-160", "KIT-MT-01", "WAL-SERVE-01"];

let app: AppHarness;
let s: SyncStore;

beforeAll(async () => {
  app = await startAppHarness({ tomlPath: TOML });
  s = await activeSyncStore(app);
  // A roomy bucket: the run is about webhooks and jobs, not pacing (the client's pacing has its own tests).
  app.emulator.setThrottle("tenon-demo.myshopify.com", { maximumAvailable: 1_000_000, restoreRate: 1_000_000 });
}, 60_000);
afterAll(async () => app?.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every delivery done (faults delay some on the real clock), then every job run; until nothing moves. */
async function settleAll() {
  const { jobs } = await import("~/jobs/index.server");
  for (let round = 0; round < 20; round++) {
    while (app.emulator.webhookEvents.some((e) => e.state === "scheduled" || e.state === "delivering")) {
      await app.emulator.webhooksIdle();
      await sleep(50);
    }
    const queued = await app.db.job.count({ where: { state: { in: ["queued", "running"] } } });
    if (queued === 0 && round > 0) return;
    await jobs.start();
    await jobs.drain({ timeoutMs: 300_000 });
    await jobs.stop();
  }
}

describe("fulfillment sync under webhook faults", () => {
  it(`${ORDERS} orders, half fulfilled in Shopify and half in Tenon, end identical on both sides`, async () => {
    const { createSalesOrder, deliverOrder, deliverRow, packRows } = await import("~/services/sales-orders/sales-orders.server");
    const variantIds = new Map<string, string>();
    const tenonVariants = new Map<string, string>();
    for (const sku of SKUS) {
      variantIds.set(sku, (await s.shopify.variantBySku(sku)).id);
      tenonVariants.set(sku, (await mappedVariant(app, s, sku)).id);
    }
    app.emulator.setWebhookFaults({ duplicate: 0.3, reorderWindowMs: 1_500, seed: 9 });

    type Made = { orderId: string; soId: string; side: "shopify" | "tenon"; lines: { sku: string; quantity: number }[] };
    const made: Made[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const lines = [{ sku: SKUS[i % SKUS.length]!, quantity: 1 + (i % 3) }, ...(i % 4 === 0 ? [{ sku: SKUS[(i + 3) % SKUS.length]!, quantity: 1 }] : [])].filter(
        (l, j, all) => all.findIndex((x) => x.sku === l.sku) === j,
      );
      const created = await s.shopify.graphql<{
        orderCreate: { order: { id: string; lineItems: { nodes: { id: string; sku: string }[] }; fulfillmentOrders: { nodes: { assignedLocation: { location: { name: string } }; lineItems: { nodes: { lineItem: { id: string } }[] } }[] } } };
      }>(
        `mutation($order: OrderCreateOrderInput!) { orderCreate(order: $order) { order { id lineItems(first: 5) { nodes { id sku } }
          fulfillmentOrders(first: 5) { nodes { assignedLocation { location { name } } lineItems(first: 5) { nodes { lineItem { id } } } } } } userErrors { message } } }`,
        { order: { financialStatus: "PAID", lineItems: lines.map((l) => ({ variantId: variantIds.get(l.sku), quantity: l.quantity })) } },
      );
      const order = created.orderCreate.order;
      const locationOf = (lineItemId: string) => order.fulfillmentOrders.nodes.find((fo) => fo.lineItems.nodes.some((n) => n.lineItem.id === lineItemId))!.assignedLocation.location.name;
      const so = await createSalesOrder(app.db, s.accountId, {
        number: `F-${i}`,
        orderDate: new Date(),
        source: "shopify",
        storeId: s.storeId,
        externalOrderId: order.id,
        rows: order.lineItems.nodes.map((n) => ({
          variantId: tenonVariants.get(n.sku),
          quantity: String(lines.find((l) => l.sku === n.sku)!.quantity),
          pricePerUnit: "10",
          locationId: s.locations[locationOf(n.id)],
        })),
      });
      if (!so.ok) throw new Error(so.message);
      const rows = await app.db.salesOrderRow.findMany({ where: { salesOrderId: so.value.orderId }, orderBy: { position: "asc" } });
      for (const [j, row] of rows.entries()) await app.db.salesOrderRow.update({ where: { id: row.id }, data: { externalLineId: order.lineItems.nodes[j]!.id } });
      made.push({ orderId: order.id, soId: so.value.orderId, side: i % 2 === 0 ? "shopify" : "tenon", lines });
    }

    // Half fulfilled in Shopify (every fourth in two steps), half in Tenon (every fourth packed first).
    for (const [i, m] of made.entries()) {
      if (m.side === "shopify") {
        const data = await s.shopify.graphql<{ order: { fulfillmentOrders: { nodes: { id: string; status: string; lineItems: { nodes: { id: string; remainingQuantity: number }[] } }[] } } }>(
          `query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 5) { nodes { id status lineItems(first: 5) { nodes { id remainingQuantity } } } } } }`,
          { id: m.orderId },
        );
        for (const fo of data.order.fulfillmentOrders.nodes) {
          const steps = i % 4 === 0 ? [1, Infinity] : [Infinity];
          const remaining = new Map(fo.lineItems.nodes.map((l) => [l.id, l.remainingQuantity]));
          for (const step of steps) {
            const items = [...remaining].map(([id, left]) => ({ id, quantity: Math.min(step, left) })).filter((l) => l.quantity > 0);
            if (items.length === 0) continue;
            const answer = await s.shopify.graphql<{ fulfillmentCreate: { userErrors: { message: string }[] } }>(
              `mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { id } userErrors { message } } }`,
              { f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: items }] } },
            );
            expect(answer.fulfillmentCreate.userErrors).toEqual([]);
            for (const item of items) remaining.set(item.id, remaining.get(item.id)! - item.quantity);
          }
        }
      } else if (i % 4 === 1) {
        const rows = await app.db.salesOrderRow.findMany({ where: { salesOrderId: m.soId } });
        expect((await packRows(app.db, s.accountId, m.soId, rows.map((r) => r.id))).ok).toBe(true);
        for (const row of rows) expect((await deliverRow(app.db, s.accountId, m.soId, row.id)).ok).toBe(true);
      } else {
        expect((await deliverOrder(app.db, s.accountId, m.soId)).ok).toBe(true);
      }
    }
    await settleAll();
    app.emulator.setWebhookFaults({});
    expect(app.emulator.webhookEvents.filter((e) => e.state === "failed" || e.state === "retrying")).toEqual([]);
    // The faults were on: some events were delivered more than once.
    expect(app.emulator.deliveries.filter((d) => d.duplicate).length).toBeGreaterThan(0);

    // Both sides: every order fully fulfilled in Shopify, exactly once per unit; every row delivered in Tenon, once.
    const ordered = new Map<string, number>();
    for (const m of made) {
      const data = await s.shopify.graphql<{ order: { displayFulfillmentStatus: string; fulfillments: { status: string; fulfillmentLineItems: { nodes: { quantity: number }[] } }[] } }>(
        `query($id: ID!) { order(id: $id) { displayFulfillmentStatus fulfillments(first: 10) { status fulfillmentLineItems(first: 5) { nodes { quantity } } } } }`,
        { id: m.orderId },
      );
      const units = m.lines.reduce((n, l) => n + l.quantity, 0);
      const fulfilled = data.order.fulfillments.filter((f) => f.status === "SUCCESS").flatMap((f) => f.fulfillmentLineItems.nodes).reduce((n, l) => n + l.quantity, 0);
      expect({ order: m.orderId, status: data.order.displayFulfillmentStatus, fulfilled }).toEqual({ order: m.orderId, status: "FULFILLED", fulfilled: units });
      const rows = await app.db.salesOrderRow.findMany({ where: { salesOrderId: m.soId } });
      expect(rows.every((r) => r.state === "delivered")).toBe(true);
      for (const row of rows) {
        const key = `${row.variantId}@${row.locationId}`;
        ordered.set(key, (ordered.get(key) ?? 0) + Number(row.quantity));
      }
    }
    // Stock adds up: the ledger of each variant × location is minus what was delivered there.
    const ledger = await app.db.stockMovement.groupBy({ by: ["variantId", "locationId"], where: { accountId: s.accountId }, _sum: { quantity: true } });
    const sums = new Map(ledger.map((l) => [`${l.variantId}@${l.locationId}`, Number(l._sum.quantity ?? 0)]));
    expect(Object.fromEntries(sums)).toEqual(Object.fromEntries([...ordered].map(([k, q]) => [k, -q])));
    // Tenon's own fulfillments were all recognised; no Shopify fulfillment rejected.
    expect(await app.db.shopifyFulfillment.count({ where: { storeId: s.storeId, state: { in: ["rejected", "pending"] } } })).toBe(0);
    expect(await app.db.fulfillmentPush.count({ where: { storeId: s.storeId, state: { in: ["pending", "failed"] } } })).toBe(0);
  }, 900_000);
});
