import { Prisma } from "@prisma/client";
import { z } from "zod";
import type { Db } from "~/db/client";
import { fail, invalidInput, ok, type Result } from "./result";

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
