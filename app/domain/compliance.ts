import { z } from "zod";

/**
 * The three mandatory compliance webhooks (GDPR/CCPA): their payloads and how Tenon decides
 * whether a piece of stored Shopify data concerns the customer in question.
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
 * customer (a `customer` with their id), carries their email, or is one of their orders.
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
    if (typeof record.id === "number" && orderIds.has(record.id) && "line_items" in record) return true;
    return Object.entries(record).some(([k, v]) => visit(v, k));
  };
  return visit(payload, null);
}

/** What replaces a stored payload once it must no longer hold personal data. */
export function redactedPayload(topic: ComplianceTopic, at: Date) {
  return { redacted: true, by: topic, at: at.toISOString() };
}
