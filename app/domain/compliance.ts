import { z } from "zod";

/**
 * The three mandatory compliance webhooks (GDPR/CCPA): their payloads and how Tenon decides
 * whether a piece of stored Shopify data concerns the customer in question, and what a redaction
 * does to Tenon's own customers (docs/decisions/020-compliance-covers-tenon-records.md).
 * Payload shapes: https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance
 * (shop/redact comes 48 hours after an uninstall: https://shopify.dev/changelog/apps-now-need-to-use-gdpr-webhooks).
 */

const Customer = z.object({
  id: z.number().int(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
});

export const CompliancePayloads = {
  "customers/data_request": z.object({
    shop_id: z.number().int(),
    shop_domain: z.string(),
    orders_requested: z.array(z.number().int()).default([]),
    customer: Customer,
    data_request: z.object({ id: z.number().int() }),
  }),
  "customers/redact": z.object({
    shop_id: z.number().int(),
    shop_domain: z.string(),
    customer: Customer,
    orders_to_redact: z.array(z.number().int()).default([]),
  }),
  "shop/redact": z.object({ shop_id: z.number().int(), shop_domain: z.string() }),
};

export type ComplianceTopic = keyof typeof CompliancePayloads;

export const complianceTopics = Object.keys(CompliancePayloads) as ComplianceTopic[];

export function isComplianceTopic(topic: string): topic is ComplianceTopic {
  return topic in CompliancePayloads;
}

export interface CustomerSubject {
  customerId: number;
  email: string | null;
  orderIds: number[];
}

/**
 * Does a stored Shopify payload concern this customer? Yes when any object in it is the
 * customer (a `customer` with their id), carries their email, is one of their orders, or belongs
 * to one (a fulfillment's or refund's `order_id`, a return's `order`): those carry tracking and
 * the destination address.
 */
export function mentionsCustomer(payload: unknown, subject: CustomerSubject): boolean {
  const email = subject.email?.trim().toLowerCase() || null;
  const orderIds = new Set(subject.orderIds);
  const visit = (value: unknown, key: string | null): boolean => {
    if (Array.isArray(value)) return value.some((item) => visit(item, key));
    if (value === null || typeof value !== "object") {
      if (email && typeof value === "string" && /email/i.test(key ?? "")) return value.trim().toLowerCase() === email;
      return false;
    }
    const record = value as Record<string, unknown>;
    if (key === "customer" && record.id === subject.customerId) return true;
    if (typeof record.id === "number" && orderIds.has(record.id) && ("line_items" in record || key === "order")) return true;
    if (typeof record.order_id === "number" && orderIds.has(record.order_id)) return true;
    return Object.entries(record).some(([k, v]) => visit(v, k));
  };
  return visit(payload, null);
}

/** What replaces a stored payload once it must no longer hold personal data. */
export function redactedPayload(topic: ComplianceTopic, at: Date) {
  return { redacted: true, by: topic, at: at.toISOString() };
}

// ───────────────────────────── Tenon's own records (ADR 020) ─────────────────────────────

/** The GIDs Tenon stores for the numeric ids the compliance payloads carry. */
export const shopifyCustomerGid = (id: number) => `gid://shopify/Customer/${id}`;
export const shopifyOrderGid = (id: number) => `gid://shopify/Order/${id}`;

/** The numeric id at the end of a Shopify GID (null: not one). */
export function numericIdOf(gid: string | null | undefined): number | null {
  const match = /\/(\d+)$/.exec(gid ?? "");
  return match ? Number(match[1]) : null;
}

/** What a redacted customer is called: the sales orders that keep pointing at it stay readable. */
export const REDACTED_CUSTOMER_NAME = "Redacted customer";

/** What replaces the message of an activity entry about a redacted customer's order. */
export function redactedActivityMessage(topic: ComplianceTopic): string {
  return `Details removed (${topic}).`;
}

/** One Tenon customer that a redaction reaches, and what Tenon knows of its ties. */
export interface CustomerFacts {
  customerId: string;
  /** Linked to the Shopify customer being redacted (shop/redact: to any customer of the store). */
  linkedHere: boolean;
  /** Links to Shopify customers of the account's other stores. */
  otherStoreLinks: number;
  /** Every sales order of the customer, and whether the redaction covers it. */
  orders: { salesOrderId: string; redacted: boolean }[];
}

export type CustomerDecision = { action: "redact" } | { action: "keep"; reason: string };

/**
 * Whether a redaction erases the Tenon customer itself or only its ties to the store (ADR 020):
 * - a customer of another connected store too stays (that store's own request covers it); only
 *   this store's link and orders go;
 * - the customer linked to the Shopify customer is redacted;
 * - a customer found only through the redacted orders (a guest checkout, matched by email or
 *   name) is redacted when it exists for those orders alone, and otherwise stays: the merchant
 *   also uses it for other orders, and nothing says it is the same person.
 */
export function decideCustomer(facts: CustomerFacts): CustomerDecision {
  if (facts.otherStoreLinks > 0) {
    return { action: "keep", reason: "Also a customer of another connected store: only this store's link and orders were redacted." };
  }
  if (facts.linkedHere) return { action: "redact" };
  if (facts.orders.every((o) => o.redacted)) return { action: "redact" };
  return { action: "keep", reason: "Not linked to the Shopify customer and used for other sales orders: only the redacted orders were detached from it." };
}
