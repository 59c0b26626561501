import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTECTED_CUSTOMER_DATA } from "../emulator/index";
import type { CustomerSeed } from "../emulator/seed";
import { startAppHarness, type AppHarness } from "../support/app-harness";

const SHOP = "tenon-demo.myshopify.com";
let app: AppHarness;

beforeAll(async () => {
  // Matching by email and name needs them: Shopify's level 2 approval (docs/decisions/023; without it: protected-customer-data.test.ts).
  app = await startAppHarness({ protectedCustomerData: PROTECTED_CUSTOMER_DATA.level2 });
  const response = await app.request("/app/stores", { headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(SHOP)}` } });
  expect(response.status).toBe(200);
});
afterAll(async () => app.stop());

const address = (over: Partial<CustomerSeed["addresses"][number]>): CustomerSeed["addresses"][number] => ({
  firstName: null,
  lastName: null,
  company: null,
  address1: null,
  address2: null,
  city: null,
  zip: null,
  province: null,
  provinceCode: null,
  country: "Germany",
  countryCode: "DE",
  phone: null,
  latitude: null,
  longitude: null,
  ...over,
});

async function importOnce() {
  const { startCustomerImport } = await import("~/sync/imports/customer-import.server");
  const { jobs, enqueue } = await import("~/jobs/index.server");
  const store = await app.db.store.findUniqueOrThrow({ where: { shopDomain: SHOP } });
  const schedule = (tx: Parameters<Parameters<typeof startCustomerImport>[3]>[0], importId: string) => enqueue(tx, "import.customers", { importId });
  const started = await startCustomerImport(app.db, store.accountId, store.id, schedule);
  if (!started.ok) throw new Error(started.message);
  expect(await startCustomerImport(app.db, store.accountId, store.id, schedule)).toMatchObject({ ok: false, code: "IMPORT_RUNNING" });
  await jobs.start();
  await jobs.drain({ timeoutMs: 30_000 });
  await jobs.stop();
  return { store, run: await app.db.importRun.findUniqueOrThrow({ where: { id: started.value.importId } }) };
}

describe("customer import", () => {
  it("links existing Tenon customers by email and name, creates the rest with their addresses, and a re-run duplicates nothing", async () => {
    const { createCustomer } = await import("~/services/customers/customers.server");
    const store = await app.db.store.findUniqueOrThrow({ where: { shopDomain: SHOP } });
    // Shopify's customers: the demo store's two (email and phone only), and two with names and addresses.
    const shop = app.emulator.shop(SHOP);
    shop.customers.push(
      {
        id: 88120003,
        email: "jonas.weber@example.com",
        phone: "+4915100000003",
        firstName: "Jonas",
        lastName: "Weber",
        addresses: [
          address({ firstName: "Jonas", lastName: "Weber", company: "Weber Tischlerei", address1: "Holzweg 3", city: "Hamburg", zip: "20095" }),
          address({ address1: "Lager 9", city: "Bremen" }),
          address({ address1: "Ferienhaus 1", city: "Sylt" }),
        ],
      },
      {
        id: 88120004,
        email: "many@example.com",
        phone: "+4915100000004",
        firstName: "Mara",
        lastName: "Many",
        addresses: Array.from({ length: 13 }, (_, i) => address({ address1: `Street ${i + 1}`, city: "Köln" })),
      },
    );
    const anna = await createCustomer(app.db, store.accountId, { name: "Anna B. (Tenon)", email: "  Anna.Becker@EXAMPLE.com " });
    const jonas = await createCustomer(app.db, store.accountId, { name: "jonas  weber" });
    if (!anna.ok || !jonas.ok) throw new Error("could not seed Tenon customers");

    const { run } = await importOnce();
    expect(run).toMatchObject({ state: "succeeded", done: 4, total: 4, error: null, failures: null });
    const customers = await app.db.customer.findMany({ where: { accountId: store.accountId }, include: { externalIds: true }, orderBy: { createdAt: "asc" } });
    expect(customers).toHaveLength(4);
    const byExternal = (n: number) => customers.find((c) => c.externalIds.some((e) => e.externalId === `gid://shopify/Customer/${n}` && e.storeId === store.id));

    // Matched by email: Tenon keeps its name and email, Shopify fills the blank phone.
    expect(byExternal(88120001)).toMatchObject({ id: anna.value.customerId, name: "Anna B. (Tenon)", email: "Anna.Becker@EXAMPLE.com", phone: "+4915112345678" });
    // Matched by name; the default address is billing and shipping, the other two are extra.
    const weber = byExternal(88120003);
    expect(weber).toMatchObject({ id: jonas.value.customerId, name: "jonas  weber", email: "jonas.weber@example.com" });
    expect(weber?.billingAddress).toEqual({ name: "Jonas Weber", company: "Weber Tischlerei", line1: "Holzweg 3", city: "Hamburg", zip: "20095", country: "Germany" });
    expect(weber?.shippingAddress).toEqual(weber?.billingAddress);
    expect((weber?.extraAddresses as { city: string }[]).map((a) => a.city)).toEqual(["Bremen", "Sylt"]);
    // Created: a customer without a name is named as Shopify shows it; at most 10 extra addresses.
    expect(byExternal(88120002)).toMatchObject({ name: "tom.richter@example.com", email: "tom.richter@example.com", billingAddress: null });
    const many = byExternal(88120004);
    expect(many).toMatchObject({ name: "Mara Many", shippingAddress: { line1: "Street 1", city: "Köln", country: "Germany" } });
    expect(many?.extraAddresses).toHaveLength(10);
    // Nothing was written to Shopify.
    expect(shop.customers).toHaveLength(4);

    // Re-run under a tight rate limit: the page query (24 points: 2 + 11 × 2) is THROTTLED after
    // the count query took 1 point, and the import waits for the bucket to refill instead of failing.
    app.emulator.setThrottle(SHOP, { maximumAvailable: 24, restoreRate: 20 });
    const again = await importOnce();
    app.emulator.setThrottle(SHOP, { plan: "standard" });
    expect(again.run).toMatchObject({ state: "succeeded", done: 4 });
    expect(await app.db.customer.count({ where: { accountId: store.accountId } })).toBe(4);
    expect(await app.db.customerExternalId.count({ where: { storeId: store.id } })).toBe(4);
  }, 60_000);

  it("refuses a store of another account", async () => {
    const { startCustomerImport } = await import("~/sync/imports/customer-import.server");
    const store = await app.db.store.findUniqueOrThrow({ where: { shopDomain: SHOP } });
    const refused = await startCustomerImport(app.db, "another-account", store.id, () => Promise.resolve());
    expect(refused).toMatchObject({ ok: false, code: "STORE_NOT_FOUND" });
  });
});
