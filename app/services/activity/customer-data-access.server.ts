import type { Prisma } from "@prisma/client";
import { CUSTOMER_DATA_NOTICE, refusedMessage, withheldFields, withheldFieldsMessage } from "~/domain/customer-data-access";
import { recordActivityOnce } from "./activity-log.server";

/**
 * Tells the merchant once per store, in the store's activity log (ADR 010), what Shopify
 * withholds of their customers for want of protected customer data approval
 * (docs/decisions/023): the fields it redacted from an order or a customer, or orders or
 * customers refused whole. Later orders and imports meet the same and add nothing.
 */
export async function noteCustomerDataWithheld(
  tx: Prisma.TransactionClient,
  storeId: string,
  withheld: { redacted: readonly string[] } | { refused: "orders" | "customers" },
  at: Date,
): Promise<void> {
  await recordActivityOnce(tx, {
    storeId,
    area: "connection",
    action: CUSTOMER_DATA_NOTICE.action,
    outcome: "skipped",
    subject: "Customer data",
    subjectRef: CUSTOMER_DATA_NOTICE.subjectRef,
    message: "refused" in withheld ? refusedMessage(withheld.refused) : withheldFieldsMessage(withheldFields(withheld.redacted)),
    at,
  });
}
