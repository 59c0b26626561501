import { describe, expect, it } from "vitest";
import { importWindowStart, orderEligibility, type EligibilityContext } from "./order-eligibility";
import { line, order } from "./order-fixtures.test-support";

const context: EligibilityContext = { importPaymentPending: false, windowStart: new Date("2026-06-20T00:00:00Z") };
const rule = (o: Parameters<typeof orderEligibility>[0], c: Partial<EligibilityContext> = {}) => {
  const result = orderEligibility(o, { ...context, ...c });
  return result.eligible ? "eligible" : result.rule;
};

describe("orderEligibility", () => {
  it("imports an open, paid, unfulfilled order created in the window", () => {
    expect(rule(order())).toBe("eligible");
  });

  it("imports a partially fulfilled order", () => {
    const o = order({ fulfillmentStatus: "PARTIALLY_FULFILLED", lines: [line({ quantity: 2, currentQuantity: 2, unfulfilledQuantity: 1 })] });
    expect(rule(o)).toBe("eligible");
  });

  it("imports a partially refunded order (still paid)", () => {
    expect(rule(order({ financialStatus: "PARTIALLY_REFUNDED" }))).toBe("eligible");
  });

  it.each(["PENDING", "AUTHORIZED", "PARTIALLY_PAID"] as const)("skips %s unless payment pending orders are imported", (status) => {
    expect(rule(order({ financialStatus: status }))).toBe("payment_pending");
    expect(rule(order({ financialStatus: status }), { importPaymentPending: true })).toBe("eligible");
  });

  it.each(["VOIDED", "EXPIRED"] as const)("never imports a %s order, even with payment pending on", (status) => {
    expect(rule(order({ financialStatus: status }), { importPaymentPending: true })).toBe("not_paid");
  });

  it("skips cancelled, fully refunded and archived orders", () => {
    expect(rule(order({ cancelledAt: new Date("2026-07-01T11:00:00Z") }))).toBe("cancelled");
    expect(rule(order({ financialStatus: "REFUNDED" }))).toBe("refunded");
    expect(rule(order({ closed: true }))).toBe("archived");
  });

  it("skips fulfilled orders (by status, or by no unfulfilled units left)", () => {
    expect(rule(order({ fulfillmentStatus: "FULFILLED" }))).toBe("fulfilled");
    expect(rule(order({ fulfillmentStatus: "RESTOCKED" }))).toBe("fulfilled");
    expect(rule(order({ lines: [line({ unfulfilledQuantity: 0 })] }))).toBe("fulfilled");
    // Shopify archives a fulfilled, paid order by itself: it is skipped as fulfilled, not archived.
    expect(rule(order({ closed: true, fulfillmentStatus: "FULFILLED", lines: [line({ unfulfilledQuantity: 0 })] }))).toBe("fulfilled");
  });

  it("skips an order with a fulfillment on hold", () => {
    expect(rule(order({ fulfillmentStatus: "ON_HOLD" }))).toBe("on_hold");
    const held = order();
    held.fulfillmentOrders[0]!.status = "ON_HOLD";
    expect(rule(held)).toBe("on_hold");
  });

  it("skips orders created before the window, unless Tenon tracked them while active", () => {
    const old = order({ createdAt: new Date("2026-06-19T23:59:59Z") });
    expect(rule(old)).toBe("before_window");
    expect(rule(old, { trackedWhileActive: true })).toBe("eligible");
    expect(rule(order({ createdAt: new Date("2026-06-20T00:00:00Z") }))).toBe("eligible");
  });

  it("counts an order placed in the second of activation as placed while active (Shopify's times have whole seconds)", () => {
    const activatedAt = { windowStart: new Date("2026-06-20T10:00:10.600Z") };
    expect(rule(order({ createdAt: new Date("2026-06-20T10:00:10Z") }), activatedAt)).toBe("eligible");
    expect(rule(order({ createdAt: new Date("2026-06-20T10:00:09Z") }), activatedAt)).toBe("before_window");
  });

  it("names the first rule that fails, with a message that says what to do", () => {
    const result = orderEligibility(order({ financialStatus: "PENDING", createdAt: new Date("2026-01-01T00:00:00Z") }), context);
    expect(result).toEqual({ eligible: false, rule: "payment_pending", message: expect.stringContaining('turn on "Payment pending orders"') });
    expect(rule(order({ cancelledAt: new Date(), closed: true, financialStatus: "REFUNDED" }))).toBe("cancelled");
  });
});

describe("importWindowStart", () => {
  it("reaches 14 days back on the first activation, and starts at later activations", () => {
    const at = new Date("2026-07-15T12:00:00Z");
    expect(importWindowStart(at, true).toISOString()).toBe("2026-07-01T12:00:00.000Z");
    expect(importWindowStart(at, false)).toEqual(at);
  });
});
