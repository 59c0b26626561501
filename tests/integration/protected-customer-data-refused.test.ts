import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTECTED_CUSTOMER_DATA } from "../emulator/index";
import { salesOrderOf, startOrderSyncWorld, type OrderSyncWorld } from "./order-sync.support";

/**
 * Protected customer data (docs/decisions/023) at level 0: Shopify refuses the app orders and
 * customers whole. Tenon fails no order for it and tells the merchant once what is missing; the
 * customer import fails with why. (Level 1: protected-customer-data.test.ts.)
 * https://shopify.dev/docs/apps/launch/protected-customer-data
 */

async function importCustomers(w: OrderSyncWorld) {
  const { startCustomerImport } = await import("~/sync/imports/customer-import.server");
  const { enqueue } = await import("~/jobs/index.server");
  const started = await startCustomerImport(w.app.db, w.accountId, w.storeId, (tx, importId) => enqueue(tx, "import.customers", { importId }));
  if (!started.ok) throw new Error(started.message);
  await w.settle();
  return w.app.db.importRun.findUniqueOrThrow({ where: { id: started.value.importId } });
}

const notices = (w: OrderSyncWorld) => w.app.db.syncActivity.findMany({ where: { storeId: w.storeId, action: "customer_data.withheld" } });

describe("level 0: no protected customer data access", () => {
  let w: OrderSyncWorld;
  beforeAll(async () => {
    w = await startOrderSyncWorld({ runJobs: false });
  }, 60_000);
  afterAll(async () => w.stop());

  it("leaves the order unfailed, says once that Shopify refuses orders, and the customer import fails with why", async () => {
    // Created while the app still had access; Shopify then refuses the app every order.
    const order = await w.createOrder({ lines: [{ sku: "OAK-STOOL-45", quantity: 1 }] });
    await w.app.emulator.webhooksIdle();
    w.app.emulator.setProtectedCustomerData(PROTECTED_CUSTOMER_DATA.none);
    const { jobs } = await import("~/jobs/index.server");
    await jobs.start();
    await w.settle();

    expect(await salesOrderOf(w, order.id)).toBeNull();
    const link = await w.app.db.shopifyOrderLink.findUnique({ where: { storeId_shopifyOrderId: { storeId: w.storeId, shopifyOrderId: order.id } } });
    expect(link?.state ?? null).not.toBe("failed");
    expect(await w.app.db.syncActivity.findMany({ where: { storeId: w.storeId, outcome: "failed", area: "orders" } })).toEqual([]);
    const told = await notices(w);
    expect(told).toHaveLength(1);
    expect(told[0]!.message).toMatch(/^Shopify does not let Tenon read orders at all: the app is not approved for protected customer data\./);

    const run = await importCustomers(w);
    expect(run).toMatchObject({ state: "failed", error: "Shopify does not let Tenon read customers at all: the app is not approved for protected customer data. The customer import cannot run until Shopify approves that access." });
    expect(await notices(w)).toHaveLength(1);

    // Shopify approves the app: the next reconciliation sweep, from the checkpoint it kept, brings the order in.
    w.app.emulator.setProtectedCustomerData(PROTECTED_CUSTOMER_DATA.level1);
    const { enqueue } = await import("~/jobs/index.server");
    const state = await w.app.db.orderSyncState.findUniqueOrThrow({ where: { storeId: w.storeId } });
    await w.app.db.$transaction((tx) => enqueue(tx, "orders.sweep", { storeId: w.storeId, chain: state.sweepChain! }, { serialKey: `orders-sweep:${w.storeId}` }));
    await w.settle();
    expect((await salesOrderOf(w, order.id))?.rows).toHaveLength(1);
  });
});
