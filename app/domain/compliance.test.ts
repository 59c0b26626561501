import { describe, expect, it } from "vitest";
import {
  CompliancePayloads,
  decideCustomer,
  isComplianceTopic,
  mentionsCustomer,
  numericIdOf,
  redactedPayload,
  shopifyCustomerGid,
  shopifyOrderGid,
  type CustomerFacts,
} from "./compliance";

const subject = { customerId: 42, email: "Ada@Example.com", orderIds: [1001] };

describe("mentionsCustomer", () => {
  it("finds the customer object by id, at any depth", () => {
    expect(mentionsCustomer({ order: { customer: { id: 42, email: null } } }, subject)).toBe(true);
    expect(mentionsCustomer([{ customer: { id: 43 } }], subject)).toBe(false);
  });

  it("finds the customer's email, ignoring case and spaces, only in email fields", () => {
    expect(mentionsCustomer({ contact_email: " ada@example.COM " }, subject)).toBe(true);
    expect(mentionsCustomer({ note: "ada@example.com" }, subject)).toBe(false);
    expect(mentionsCustomer({ email: "someone@example.com" }, subject)).toBe(false);
  });

  it("finds the customer's orders by id", () => {
    expect(mentionsCustomer({ id: 1001, line_items: [] }, subject)).toBe(true);
    expect(mentionsCustomer({ id: 1001, name: "a location with the same number" }, subject)).toBe(false);
  });

  it("finds what belongs to the customer's orders: fulfillments and refunds by order_id, returns by their order", () => {
    expect(mentionsCustomer({ id: 9, order_id: 1001, tracking_number: "1Z999", destination: { city: "Hamburg" } }, subject)).toBe(true);
    expect(mentionsCustomer({ id: 9, order_id: 1002, tracking_number: "1Z998" }, subject)).toBe(false);
    expect(mentionsCustomer({ id: 5, order: { id: 1001, admin_graphql_api_id: "gid://shopify/Order/1001" } }, subject)).toBe(true);
    expect(mentionsCustomer({ id: 5, order: { id: 1002 } }, subject)).toBe(false);
  });

  it("does not match a customer id that is not on a customer object", () => {
    expect(mentionsCustomer({ id: 42, title: "Oak stool" }, subject)).toBe(false);
  });

  it("matches nothing by email when the customer has none", () => {
    expect(mentionsCustomer({ email: "" }, { ...subject, email: null })).toBe(false);
  });
});

describe("compliance payloads", () => {
  it("knows exactly the three mandatory topics", () => {
    expect(["customers/data_request", "customers/redact", "shop/redact"].every(isComplianceTopic)).toBe(true);
    expect(isComplianceTopic("orders/create")).toBe(false);
  });

  it("parses a data request and defaults the order list", () => {
    const parsed = CompliancePayloads["customers/data_request"].parse({
      shop_id: 1,
      shop_domain: "tenon-demo.myshopify.com",
      customer: { id: 42, email: "ada@example.com", phone: null },
      data_request: { id: 9 },
    });
    expect(parsed.orders_requested).toEqual([]);
  });

  it("marks redacted payloads with the topic and time", () => {
    expect(redactedPayload("shop/redact", new Date("2026-11-23T00:00:00Z"))).toEqual({
      redacted: true,
      by: "shop/redact",
      at: "2026-11-23T00:00:00.000Z",
    });
  });
});

describe("decideCustomer (ADR 020)", () => {
  const facts = (overrides: Partial<CustomerFacts> = {}): CustomerFacts => ({
    customerId: "c1",
    linkedHere: true,
    otherStoreLinks: 0,
    orders: [{ salesOrderId: "so1", redacted: true }],
    ...overrides,
  });

  it("redacts the customer linked to the Shopify customer, even with orders the redaction does not cover", () => {
    expect(decideCustomer(facts())).toEqual({ action: "redact" });
    expect(decideCustomer(facts({ orders: [{ salesOrderId: "so1", redacted: true }, { salesOrderId: "manual", redacted: false }] }))).toEqual({ action: "redact" });
    expect(decideCustomer(facts({ orders: [] }))).toEqual({ action: "redact" });
  });

  it("keeps a customer of another connected store too", () => {
    expect(decideCustomer(facts({ otherStoreLinks: 1 }))).toMatchObject({ action: "keep", reason: expect.stringContaining("another connected store") });
    expect(decideCustomer(facts({ linkedHere: false, otherStoreLinks: 2 }))).toMatchObject({ action: "keep" });
  });

  it("redacts a customer found only through the redacted orders when it exists for them alone", () => {
    expect(decideCustomer(facts({ linkedHere: false }))).toEqual({ action: "redact" });
    expect(decideCustomer(facts({ linkedHere: false, orders: [{ salesOrderId: "so1", redacted: true }, { salesOrderId: "so2", redacted: false }] }))).toMatchObject({
      action: "keep",
      reason: expect.stringContaining("other sales orders"),
    });
  });
});

describe("Shopify ids", () => {
  it("turns the payloads' numeric ids into the GIDs Tenon stores, and back", () => {
    expect(shopifyCustomerGid(42)).toBe("gid://shopify/Customer/42");
    expect(shopifyOrderGid(5001)).toBe("gid://shopify/Order/5001");
    expect(numericIdOf("gid://shopify/Order/5001")).toBe(5001);
    expect(numericIdOf("SO-0001")).toBeNull();
    expect(numericIdOf(null)).toBeNull();
  });
});
