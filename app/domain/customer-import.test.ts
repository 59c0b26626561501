import { describe, expect, it } from "vitest";
import {
  addressFromShopify,
  CustomerIndex,
  customerName,
  draftFromShopifyCustomer,
  fillBlanks,
  normaliseEmail,
  normaliseName,
  type ShopifyAddress,
  type ShopifyCustomer,
} from "./customer-import";

const address = (id: number, over: Partial<ShopifyAddress> = {}): ShopifyAddress => ({
  id: `gid://shopify/MailingAddress/${id}`,
  firstName: "Anna",
  lastName: "Becker",
  company: null,
  address1: `Street ${id}`,
  address2: null,
  city: "Berlin",
  zip: "10115",
  province: null,
  country: "Germany",
  phone: null,
  ...over,
});

const customer = (over: Partial<ShopifyCustomer> = {}): ShopifyCustomer => ({
  id: "gid://shopify/Customer/1",
  firstName: "Anna",
  lastName: "Becker",
  email: "anna@example.com",
  phone: "+49 151 1",
  defaultAddress: null,
  addresses: [],
  ...over,
});

describe("customer import: normalising", () => {
  it("compares emails trimmed and case-insensitively; blank is none", () => {
    expect(normaliseEmail("  Anna.Becker@Example.COM ")).toBe("anna.becker@example.com");
    expect(normaliseEmail("   ")).toBeNull();
    expect(normaliseEmail(null)).toBeNull();
    expect(normaliseEmail(undefined)).toBeNull();
  });

  it("compares names with whitespace collapsed, case-insensitively", () => {
    expect(normaliseName("  Anna   Becker ")).toBe("anna becker");
    expect(normaliseName("")).toBeNull();
    expect(normaliseName(null)).toBeNull();
  });

  it("names a customer by first and last name, else the email, else the phone, else its number in Shopify", () => {
    const id = "gid://shopify/Customer/88120001";
    expect(customerName({ id, firstName: " Anna ", lastName: "Becker", email: null })).toBe("Anna Becker");
    expect(customerName({ id, firstName: null, lastName: "Becker", email: null })).toBe("Becker");
    expect(customerName({ id, firstName: null, lastName: null, email: "anna@example.com" })).toBe("anna@example.com");
    expect(customerName({ id, firstName: "", lastName: " ", email: "a@b.c" })).toBe("a@b.c");
    expect(customerName({ id, firstName: null, lastName: null, email: null, phone: "+49 151 1234" })).toBe("+49 151 1234");
    // Everything redacted (no protected customer data approval): named by its number in Shopify.
    expect(customerName({ id, firstName: null, lastName: null, email: null, phone: null })).toBe("Shopify customer 88120001");
  });
});

describe("customer import: addresses", () => {
  it("maps a Shopify address to Tenon's shape, leaving out blank parts", () => {
    expect(addressFromShopify(address(1, { company: " Becker GmbH ", address2: "", phone: "+49 30" }))).toEqual({
      name: "Anna Becker",
      company: "Becker GmbH",
      line1: "Street 1",
      city: "Berlin",
      zip: "10115",
      country: "Germany",
      phone: "+49 30",
    });
  });

  it("gives no address for one that is entirely blank", () => {
    const blank = { id: "a", firstName: null, lastName: " ", company: null, address1: null, address2: null, city: "", zip: null, province: null, country: null, phone: null };
    expect(addressFromShopify(blank)).toBeNull();
  });

  it("uses the default address for billing and shipping, and lists the others once, up to 10", () => {
    const all = Array.from({ length: 13 }, (_, i) => address(i + 1));
    const draft = draftFromShopifyCustomer(customer({ defaultAddress: all[2]!, addresses: all }));
    expect(draft.billingAddress?.line1).toBe("Street 3");
    expect(draft.shippingAddress).toEqual(draft.billingAddress);
    expect(draft.extraAddresses).toHaveLength(10);
    expect(draft.extraAddresses.map((a) => a.line1)).not.toContain("Street 3");
    expect(draft.extraAddresses[0]?.line1).toBe("Street 1");
  });

  it("has no billing or shipping address without a default, and keeps name, email and phone trimmed", () => {
    const draft = draftFromShopifyCustomer(customer({ email: " Anna@Example.com ", phone: "  " }));
    expect(draft).toEqual({ name: "Anna Becker", email: "Anna@Example.com", phone: null, billingAddress: null, shippingAddress: null, extraAddresses: [] });
  });
});

describe("customer import: matching", () => {
  const known = [
    { id: "t-linked", name: "Linked Person", email: "linked@example.com", externalId: "gid://shopify/Customer/9" },
    { id: "t-anna", name: "Anna B.", email: " ANNA@example.com", externalId: null },
    { id: "t-tom-old", name: "Tom Richter", email: null, externalId: null },
    { id: "t-tom-new", name: "tom  richter", email: null, externalId: null },
  ];
  const match = (index: CustomerIndex, over: Partial<ShopifyCustomer>) => {
    const c = customer(over);
    return index.match({ id: c.id, email: c.email, name: customerName(c) });
  };

  it("matches the store's Shopify id first, whatever the email and name say", () => {
    const index = new CustomerIndex(known);
    expect(match(index, { id: "gid://shopify/Customer/9", email: "anna@example.com" })).toEqual({ by: "shopify_id", customerId: "t-linked" });
  });

  it("then the email, trimmed and case-insensitive", () => {
    const index = new CustomerIndex(known);
    expect(match(index, { email: "anna@EXAMPLE.com  ", firstName: "Someone", lastName: "Else" })).toEqual({ by: "email", customerId: "t-anna" });
  });

  it("then the name, the oldest customer first", () => {
    const index = new CustomerIndex(known);
    expect(match(index, { email: "tom@example.com", firstName: "Tom", lastName: "Richter" })).toEqual({ by: "name", customerId: "t-tom-old" });
  });

  it("creates a new customer when nothing matches", () => {
    const index = new CustomerIndex(known);
    expect(match(index, { email: "new@example.com", firstName: "New", lastName: "Person" })).toEqual({ by: "new" });
    expect(match(index, { email: null, firstName: null, lastName: null })).toEqual({ by: "new" });
  });

  it("never gives a Tenon customer already linked to another Shopify customer of the store", () => {
    const index = new CustomerIndex(known);
    // Same email as the linked customer, different Shopify id: a different person in Shopify.
    expect(match(index, { id: "gid://shopify/Customer/10", email: "linked@example.com", firstName: "Linked", lastName: "Person" })).toEqual({ by: "new" });
  });

  it("hands out each name match once as the import links them, then creates", () => {
    const index = new CustomerIndex(known);
    const first = match(index, { id: "gid://shopify/Customer/21", email: null, firstName: "Tom", lastName: "Richter" });
    expect(first).toEqual({ by: "name", customerId: "t-tom-old" });
    index.link("t-tom-old", "gid://shopify/Customer/21");
    expect(match(index, { id: "gid://shopify/Customer/22", email: null, firstName: "Tom", lastName: "Richter" })).toEqual({ by: "name", customerId: "t-tom-new" });
    index.link("t-tom-new", "gid://shopify/Customer/22");
    expect(match(index, { id: "gid://shopify/Customer/23", email: null, firstName: "Tom", lastName: "Richter" })).toEqual({ by: "new" });
    // A re-run finds each by its Shopify id.
    expect(match(index, { id: "gid://shopify/Customer/22", email: null, firstName: "Tom", lastName: "Richter" })).toEqual({ by: "shopify_id", customerId: "t-tom-new" });
  });

  it("finds customers the import created and added to the index", () => {
    const index = new CustomerIndex([]);
    index.add({ id: "t-new", name: "New Person", email: "New@Example.com", externalId: "gid://shopify/Customer/5" });
    expect(match(index, { id: "gid://shopify/Customer/5" })).toEqual({ by: "shopify_id", customerId: "t-new" });
  });
});

describe("customer import: updating a matched customer", () => {
  const draft = draftFromShopifyCustomer(customer({ defaultAddress: address(1), addresses: [address(1), address(2)] }));

  it("fills only what Tenon has left blank", () => {
    const patch = fillBlanks({ email: "kept@example.com", phone: null, billingAddress: { line1: "Tenon's" }, shippingAddress: null, extraAddresses: [] }, draft);
    expect(patch).toEqual({ phone: "+49 151 1", extraAddresses: draft.extraAddresses });
    const empty = fillBlanks({ email: null, phone: "", billingAddress: null, shippingAddress: null, extraAddresses: null }, draft);
    expect(empty).toEqual({ email: "anna@example.com", phone: "+49 151 1", billingAddress: draft.billingAddress, shippingAddress: draft.billingAddress, extraAddresses: draft.extraAddresses });
  });

  it("changes nothing for a customer that has everything", () => {
    const full = { email: "a@b.c", phone: "1", billingAddress: { line1: "x" }, shippingAddress: { line1: "y" }, extraAddresses: [{ line1: "z" }] };
    expect(fillBlanks(full, draft)).toEqual({});
  });
});
