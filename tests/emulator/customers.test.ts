import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { DEMO_STORE_SEED, PROTECTED_CUSTOMER_DATA, startEmulator, type Emulator } from "./index";
import { adminGraphql, offlineAccessToken, TEST_APP } from "./testing";

const SHOP = "customer-shop.myshopify.com";

describe("customers (read-only), app approved for level 2 protected customer data", () => {
  let emulator: Emulator;
  let token: string;
  const send = async (query: string, variables: Record<string, unknown> = {}) =>
    (await adminGraphql(emulator, SHOP, token, query, variables)).body as { data?: Record<string, unknown>; errors?: { message: string }[] };

  beforeAll(async () => {
    emulator = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:3999", protectedCustomerData: PROTECTED_CUSTOMER_DATA.level2 } });
    const demo = JSON.parse(readFileSync(DEMO_STORE_SEED, "utf8")) as Record<string, unknown>;
    emulator.createShop({
      ...(demo as Parameters<Emulator["createShop"]>[0]),
      handle: "customer-shop",
      products: [],
      customers: [
        { id: 3, email: "no.name@example.com", phone: "+491111" },
        {
          id: 1,
          email: "anna@example.com",
          phone: "+492222",
          firstName: "Anna",
          lastName: "Becker",
          addresses: [
            { firstName: "Anna", lastName: "Becker", company: "Becker GmbH", address1: "Hauptstr. 1", city: "Berlin", zip: "10115", countryCode: "DE", country: "Germany" },
            { address1: "Nebenweg 2", city: "Potsdam", countryCode: "DE", country: "Germany" },
          ],
        },
        { id: 2, email: "tom@example.com", phone: "+493333", firstName: "Tom", lastName: "Richter" },
      ],
    });
    token = await offlineAccessToken(emulator, SHOP);
  });
  afterAll(async () => emulator.stop());

  it("pages customers in id order with names, email, phone and the default address", async () => {
    const QUERY = `query($after: String) { customers(first: 2, after: $after) { nodes { id legacyResourceId firstName lastName displayName defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } defaultAddress { address1 city countryCodeV2 company name } } pageInfo { hasNextPage endCursor } } }`;
    type Page = { customers: { nodes: Record<string, unknown>[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const first = (await send(QUERY)).data as Page;
    expect(first.customers.nodes.map((c) => c.id)).toEqual(["gid://shopify/Customer/1", "gid://shopify/Customer/2"]);
    expect(first.customers.nodes[0]).toEqual({
      id: "gid://shopify/Customer/1",
      legacyResourceId: "1",
      firstName: "Anna",
      lastName: "Becker",
      displayName: "Anna Becker",
      defaultEmailAddress: { emailAddress: "anna@example.com" },
      defaultPhoneNumber: { phoneNumber: "+492222" },
      defaultAddress: { address1: "Hauptstr. 1", city: "Berlin", countryCodeV2: "DE", company: "Becker GmbH", name: "Anna Becker" },
    });
    expect(first.customers.nodes[1]?.defaultAddress).toBeNull();
    expect(first.customers.pageInfo.hasNextPage).toBe(true);
    const second = (await send(QUERY, { after: first.customers.pageInfo.endCursor })).data as Page;
    // Without a name Shopify shows the email.
    expect(second.customers.nodes).toEqual([expect.objectContaining({ id: "gid://shopify/Customer/3", firstName: null, displayName: "no.name@example.com" })]);
    expect(second.customers.pageInfo.hasNextPage).toBe(false);
  });

  it("reads every address through addressesV2, customer(id:) and node(id:), and searches by email", async () => {
    const body = await send(`{
      customer(id: "gid://shopify/Customer/1") { addressesV2(first: 5) { nodes { id address1 city } pageInfo { hasNextPage } } }
      nodes(ids: ["gid://shopify/Customer/2", "gid://shopify/Customer/404"]) { ... on Customer { id displayName } }
      customers(first: 5, query: "email:TOM@example.com") { nodes { id } }
      customersCount { count precision }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      customer: {
        addressesV2: {
          nodes: [
            { id: "gid://shopify/MailingAddress/101?model_name=CustomerAddress", address1: "Hauptstr. 1", city: "Berlin" },
            { id: "gid://shopify/MailingAddress/102?model_name=CustomerAddress", address1: "Nebenweg 2", city: "Potsdam" },
          ],
          pageInfo: { hasNextPage: false },
        },
      },
      nodes: [{ id: "gid://shopify/Customer/2", displayName: "Tom Richter" }, null],
      customers: { nodes: [{ id: "gid://shopify/Customer/2" }] },
      customersCount: { count: 3, precision: "EXACT" },
    });
  });

  it("answers 'not implemented' for customer fields it does not model", async () => {
    const body = await send(`{ customers(first: 1) { nodes { id note } } }`);
    expect(body.errors?.[0]?.message).toMatch(/not implemented/i);
  });
});

// https://shopify.dev/docs/apps/launch/protected-customer-data ("Using protected customer data").
describe("customers without approval for protected customer fields", () => {
  let emulator: Emulator;
  let token: string;
  type Body = { data?: Record<string, unknown> | null; errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[] };
  const send = async (query: string) => (await adminGraphql(emulator, SHOP, token, query)).body as Body;

  beforeAll(async () => {
    // No protectedCustomerData: the default, level 1 without fields.
    emulator = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:3999" } });
    const demo = JSON.parse(readFileSync(DEMO_STORE_SEED, "utf8")) as Record<string, unknown>;
    emulator.createShop({
      ...(demo as Parameters<Emulator["createShop"]>[0]),
      handle: "customer-shop",
      products: [],
      customers: [{ id: 1, email: "anna@example.com", phone: "+492222", firstName: "Anna", lastName: "Becker", addresses: [{ address1: "Hauptstr. 1", city: "Berlin", zip: "10115", countryCode: "DE", country: "Germany" }] }],
    });
    token = await offlineAccessToken(emulator, SHOP);
  });
  afterAll(async () => emulator.stop());

  it("level 1 (the default): names, email, phone and street address come back null, each with an error at its path", async () => {
    const body = await send(`{ customer(id: "gid://shopify/Customer/1") { id legacyResourceId firstName lastName defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } defaultAddress { address1 zip city countryCodeV2 } } }`);
    expect(body.data).toEqual({
      customer: {
        id: "gid://shopify/Customer/1",
        legacyResourceId: "1",
        firstName: null,
        lastName: null,
        // emailAddress and phoneNumber are non-null in the schema: their redaction nulls the parent.
        defaultEmailAddress: null,
        defaultPhoneNumber: null,
        // City and country are not protected fields in Shopify's schema; street and zip are.
        defaultAddress: { address1: null, zip: null, city: "Berlin", countryCodeV2: "DE" },
      },
    });
    expect(body.errors?.map((e) => e.path?.join("."))).toEqual([
      "customer.firstName",
      "customer.lastName",
      "customer.defaultEmailAddress.emailAddress",
      "customer.defaultPhoneNumber.phoneNumber",
      "customer.defaultAddress.address1",
      "customer.defaultAddress.zip",
    ]);
    for (const error of body.errors ?? []) {
      expect(error.extensions?.code).toBe("ACCESS_DENIED");
      expect(error.message).toMatch(/^This app is not approved to access the Customer object/);
    }
  });

  it("level 2 for some fields only: the approved ones answer, the others stay redacted", async () => {
    emulator.setProtectedCustomerData({ customerData: true, fields: ["name", "email"] });
    try {
      const body = await send(`{ customer(id: "gid://shopify/Customer/1") { firstName defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } } }`);
      expect(body.data).toEqual({ customer: { firstName: "Anna", defaultEmailAddress: { emailAddress: "anna@example.com" }, defaultPhoneNumber: null } });
      expect(body.errors?.map((e) => e.path?.join("."))).toEqual(["customer.defaultPhoneNumber.phoneNumber"]);
    } finally {
      emulator.setProtectedCustomerData(PROTECTED_CUSTOMER_DATA.level1);
    }
  });

  it("level 0: the Customer object is refused, by query and by node(id:); what is not customer data still answers", async () => {
    emulator.setProtectedCustomerData(PROTECTED_CUSTOMER_DATA.none);
    try {
      const body = await send(`{ customers(first: 5) { nodes { id } } shop { name } }`);
      // customers is non-null in the schema, so its refusal nulls the whole answer's data.
      expect(body.data).toBeNull();
      expect(body.errors?.map((e) => [e.path?.join("."), e.extensions?.code])).toEqual([["customers", "ACCESS_DENIED"]]);
      expect(body.errors?.[0]?.message).toMatch(/^This app is not approved to access the Customer object/);
      const node = await send(`{ node(id: "gid://shopify/Customer/1") { id } shop { name } }`);
      expect(node.data).toEqual({ node: null, shop: { name: expect.any(String) } });
      expect(node.errors?.map((e) => [e.path?.join("."), e.extensions?.code])).toEqual([["node", "ACCESS_DENIED"]]);
    } finally {
      emulator.setProtectedCustomerData(PROTECTED_CUSTOMER_DATA.level1);
    }
  });
});
