import { describe, expect, it } from "vitest";
import { CompliancePayloads, isComplianceTopic, mentionsCustomer, redactedPayload } from "./compliance";

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
