import { Prisma } from "@prisma/client";
import { z } from "zod";
import type { Db } from "~/db/client";
import { REDACTED_CUSTOMER_NAME } from "~/domain/compliance";
import { fail, invalidInput, ok, type Result } from "../result";

/** Customers: contact details, a default billing and shipping address, up to 10 more. */

export const AddressInput = z.object({
  name: z.string().trim().max(200).optional(),
  company: z.string().trim().max(200).optional(),
  line1: z.string().trim().max(300).optional(),
  line2: z.string().trim().max(300).optional(),
  city: z.string().trim().max(200).optional(),
  zip: z.string().trim().max(50).optional(),
  province: z.string().trim().max(200).optional(),
  country: z.string().trim().max(100).optional(),
  phone: z.string().trim().max(50).optional(),
});

export const CustomerInput = z.object({
  name: z.string().trim().min(1, "Give the customer a name.").max(200),
  email: z
    .string()
    .trim()
    .email("Enter an email address like name@example.com.")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  phone: z.string().trim().max(50).optional(),
  billingAddress: AddressInput.optional(),
  shippingAddress: AddressInput.optional(),
  extraAddresses: z.array(AddressInput).max(10, "A customer can have at most 10 more addresses.").default([]),
});

export async function createCustomer(db: Db, accountId: string, input: unknown): Promise<Result<{ customerId: string }>> {
  const parsed = CustomerInput.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  const data = parsed.data;
  const customer = await db.customer.create({
    data: {
      accountId,
      name: data.name,
      email: data.email ?? null,
      phone: data.phone ?? null,
      billingAddress: (data.billingAddress ?? undefined) as Prisma.InputJsonValue | undefined,
      // Shipping falls back to billing, as Shopify's default address does.
      shippingAddress: (data.shippingAddress ?? data.billingAddress ?? undefined) as Prisma.InputJsonValue | undefined,
      extraAddresses: data.extraAddresses as Prisma.InputJsonValue,
    },
  });
  return ok({ customerId: customer.id });
}

/** Records a customer's id in a connected store (one per store; the same id never maps twice). */
export async function linkCustomerToStore(
  db: Db,
  accountId: string,
  customerId: string,
  storeId: string,
  externalId: string,
): Promise<Result<{ linked: true }>> {
  const customer = await db.customer.findFirst({ where: { id: customerId, accountId } });
  if (!customer) return fail("CUSTOMER_NOT_FOUND", "This customer does not exist (any more).");
  const taken = await db.customerExternalId.findUnique({ where: { storeId_externalId: { storeId, externalId } } });
  if (taken && taken.customerId !== customerId) {
    return fail("EXTERNAL_ID_TAKEN", "This store's customer is already linked to another Tenon customer.");
  }
  if (!taken) await db.customerExternalId.create({ data: { customerId, storeId, externalId } });
  return ok({ linked: true as const });
}

export async function listCustomers(db: Db, accountId: string, search?: string) {
  const term = search?.trim();
  return db.customer.findMany({
    where: { accountId, ...(term ? { OR: [{ name: { contains: term } }, { email: { contains: term } }] } : {}) },
    orderBy: { name: "asc" },
    take: 100,
  });
}

// ───────────────────────────── compliance (ADR 020) ─────────────────────────────

type Tx = Prisma.TransactionClient;

/** The Tenon customers linked to these Shopify customers of a store (every linked one: no ids given). */
export async function customersLinkedToStore(db: Db | Tx, storeId: string, externalIds?: string[]): Promise<string[]> {
  const links = await db.customerExternalId.findMany({
    where: { storeId, ...(externalIds ? { externalId: { in: externalIds } } : {}) },
    select: { customerId: true },
  });
  return [...new Set(links.map((l) => l.customerId))];
}

/** Each customer's links to stores and its sales orders: what decides whether a redaction erases it. */
export async function customerTies(db: Db | Tx, accountId: string, customerIds: string[]) {
  const customers = await db.customer.findMany({
    where: { accountId, id: { in: customerIds } },
    select: { id: true, externalIds: { select: { storeId: true } }, salesOrders: { select: { id: true } } },
  });
  return customers.map((c) => ({ customerId: c.id, storeIds: c.externalIds.map((e) => e.storeId), salesOrderIds: c.salesOrders.map((o) => o.id) }));
}

/**
 * Erases the customers' personal data: the name becomes REDACTED_CUSTOMER_NAME, contact details
 * and addresses go, and so do their links to Shopify customers (the Shopify id names the
 * person in Shopify). The row stays: the sales orders that point at it keep their history.
 * Plain SQL: Prisma 6.19 writes `Prisma.DbNull` as `{}` through @prisma/adapter-pg (see
 * store-settings.server.ts), and these JSON columns must be NULL.
 */
export async function redactCustomers(tx: Tx, accountId: string, customerIds: string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  await tx.customerExternalId.deleteMany({ where: { customerId: { in: customerIds }, customer: { accountId } } });
  let redacted = 0;
  for (const id of customerIds) {
    redacted += await tx.$executeRaw`
      UPDATE "Customer" SET "name" = ${REDACTED_CUSTOMER_NAME}, "email" = NULL, "phone" = NULL,
        "billingAddress" = NULL, "shippingAddress" = NULL, "extraAddresses" = NULL, "updatedAt" = ${new Date()}
      WHERE "id" = ${id} AND "accountId" = ${accountId}`;
  }
  return redacted;
}

/** Removes the customers' links to one store's Shopify customers; the customers themselves stay. */
export async function unlinkCustomersFromStore(tx: Tx, storeId: string, customerIds: string[]): Promise<number> {
  if (customerIds.length === 0) return 0;
  return (await tx.customerExternalId.deleteMany({ where: { storeId, customerId: { in: customerIds } } })).count;
}

/** The customers with every address, as a data request hands them over. */
export async function customersForDataRequest(db: Db | Tx, accountId: string, customerIds: string[]) {
  const customers = await db.customer.findMany({
    where: { accountId, id: { in: customerIds } },
    include: { externalIds: { select: { storeId: true, externalId: true } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return customers.map((c) => ({
    id: c.id,
    name: c.name,
    email: c.email,
    phone: c.phone,
    billingAddress: c.billingAddress,
    shippingAddress: c.shippingAddress,
    extraAddresses: c.extraAddresses ?? [],
    shopifyCustomerIds: c.externalIds.map((e) => e.externalId),
    createdAt: c.createdAt.toISOString(),
  }));
}
