import type { Prisma } from "@prisma/client";
import type { Db } from "~/db/client";
import { REDACTED_CUSTOMER_NAME } from "~/domain/compliance";
import {
  CustomerIndex,
  customerName,
  draftFromShopifyCustomer,
  fillBlanks,
  type ShopifyCustomer,
  type TenonCustomerDraft,
} from "~/domain/customer-import";
import { shopifyQuery, ShopifyAccessLostError, type AdminGraphql, type ShopifyResult } from "~/shopify/client";
import {
  CUSTOMER_DETAILS_QUERY,
  CUSTOMERS_COUNT_QUERY,
  CUSTOMERS_PAGE_QUERY,
  type CustomerDetailsData,
  type CustomersCountData,
  type CustomersPageData,
} from "~/shopify/documents";
import { refusedMessage } from "~/domain/customer-data-access";
import { noteCustomerDataWithheld } from "../../services/activity/customer-data-access.server";
import { ImportNotReady, startImportRun, type ScheduleImport } from "./product-import.server";

/**
 * The customer import: pages through every Shopify customer and creates or links Tenon
 * customers (match by the store's Shopify id, then email, then name — app/domain/customer-import.ts).
 * Read-only towards Shopify. Idempotent: a re-run, or a job resumed after a crash, finds each
 * customer by the Shopify id recorded the first time. A customer that fails is listed with
 * why; the rest still lands.
 */

type Tx = Prisma.TransactionClient;


export function startCustomerImport(db: Db, accountId: string, storeId: string, schedule: ScheduleImport) {
  return startImportRun(db, accountId, storeId, "customers", schedule);
}

export interface CustomerImportDeps {
  db: Db;
  admin: AdminGraphql;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

/**
 * A query that waits out Shopify's rate limit: a THROTTLED answer ran nothing, so asking again
 * is safe. Gives up (answering the throttle) after about five minutes.
 */
export async function throttledQuery<T>(
  deps: Pick<CustomerImportDeps, "admin" | "sleep" | "signal">,
  document: string,
  variables?: Record<string, unknown>,
): Promise<ShopifyResult<T>> {
  for (let attempt = 1; ; attempt++) {
    const result = await shopifyQuery<T>(deps.admin, document, variables);
    if (result.ok || result.code !== "SHOPIFY_THROTTLED" || attempt >= 30) return result;
    if (deps.signal?.aborted) throw new ImportNotReady("Stopped while waiting for Shopify's rate limit.");
    await deps.sleep(Math.min(10_000, 1_000 * attempt));
  }
}

/**
 * Phone and addresses come in batches of 50 ids. How Shopify prices `nodes(ids:)` by the number
 * of ids is not documented; 50 × the per-customer cost stays under 1,000 even if it is linear
 * (docs/decisions/026).
 */
const DETAILS_BATCH = 50;

/** Shopify refuses the store's customers whole: no protected customer data access (docs/decisions/023). */
class CustomersRefusedError extends Error {}

/** `redacted`: collects the fields Shopify redacted (names, email, phone, addresses; docs/decisions/023). */
async function readPage(deps: CustomerImportDeps, after: string | null, redacted: string[]): Promise<{ customers: ShopifyCustomer[]; next: string | null }> {
  const page = await throttledQuery<CustomersPageData>(deps, CUSTOMERS_PAGE_QUERY, { after });
  if (!page.ok && page.code === "SHOPIFY_CUSTOMER_DATA_REFUSED") throw new CustomersRefusedError(refusedMessage("customers"));
  if (!page.ok) throw new Error(`Could not read the store's customers: ${page.message}`);
  if (page.redacted) redacted.push(...page.redacted);
  const nodes = page.data.customers.nodes;
  const details = new Map<string, CustomerDetailsData["nodes"][number]>();
  for (let start = 0; start < nodes.length; start += DETAILS_BATCH) {
    const ids = nodes.slice(start, start + DETAILS_BATCH).map((n) => n.id);
    const batch = await throttledQuery<CustomerDetailsData>(deps, CUSTOMER_DETAILS_QUERY, { ids });
    if (!batch.ok) throw new Error(`Could not read the customers' addresses: ${batch.message}`);
    if (batch.redacted) redacted.push(...batch.redacted);
    for (const node of batch.data.nodes) if (node?.id) details.set(node.id, node);
  }
  const customers = nodes.map((n): ShopifyCustomer => {
    const more = details.get(n.id);
    return {
      id: n.id,
      firstName: n.firstName,
      lastName: n.lastName,
      email: n.defaultEmailAddress?.emailAddress ?? null,
      phone: more?.defaultPhoneNumber?.phoneNumber ?? null,
      defaultAddress: more?.defaultAddress ?? null,
      addresses: more?.addressesV2?.nodes ?? [],
    };
  });
  const { hasNextPage, endCursor } = page.data.customers.pageInfo;
  return { customers, next: hasNextPage ? endCursor : null };
}

const json = (value: unknown) => value as Prisma.InputJsonValue;

/** Writes one Shopify customer: links the matched Tenon customer (filling its blanks) or creates one. */
async function importCustomer(
  tx: Tx,
  ctx: { accountId: string; storeId: string },
  index: CustomerIndex,
  shopify: ShopifyCustomer,
  draft: TenonCustomerDraft,
): Promise<string> {
  const match = index.match({ id: shopify.id, email: shopify.email, name: draft.name });
  if (match.by === "new") {
    const created = await tx.customer.create({
      data: {
        accountId: ctx.accountId,
        name: draft.name,
        email: draft.email,
        phone: draft.phone,
        billingAddress: draft.billingAddress ? json(draft.billingAddress) : undefined,
        shippingAddress: draft.shippingAddress ? json(draft.shippingAddress) : undefined,
        extraAddresses: json(draft.extraAddresses),
        externalIds: { create: { storeId: ctx.storeId, externalId: shopify.id } },
      },
    });
    return created.id;
  }
  const existing = await tx.customer.findFirstOrThrow({ where: { id: match.customerId, accountId: ctx.accountId } });
  const patch = fillBlanks(existing, draft);
  if (Object.keys(patch).length > 0) {
    await tx.customer.update({
      where: { id: existing.id },
      data: {
        email: patch.email,
        phone: patch.phone,
        billingAddress: patch.billingAddress ? json(patch.billingAddress) : undefined,
        shippingAddress: patch.shippingAddress ? json(patch.shippingAddress) : undefined,
        extraAddresses: patch.extraAddresses ? json(patch.extraAddresses) : undefined,
      },
    });
  }
  if (match.by !== "shopify_id") {
    await tx.customerExternalId.create({ data: { customerId: existing.id, storeId: ctx.storeId, externalId: shopify.id } });
  }
  return existing.id;
}

async function loadIndex(db: Db, accountId: string, storeId: string): Promise<CustomerIndex> {
  const customers = await db.customer.findMany({
    where: { accountId },
    select: { id: true, name: true, email: true, externalIds: { where: { storeId }, select: { externalId: true } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const index = new CustomerIndex([]);
  for (const c of customers) {
    index.add({ id: c.id, name: c.name, email: c.email, externalId: null });
    for (const e of c.externalIds) index.link(c.id, e.externalId);
  }
  return index;
}

export async function runCustomerImport(importId: string, deps: CustomerImportDeps): Promise<void> {
  const { db } = deps;
  const run = await db.importRun.findUniqueOrThrow({ where: { id: importId }, include: { store: true } });
  if (run.state === "succeeded" || run.state === "failed") return;
  await db.importRun.update({ where: { id: importId }, data: { state: "running", done: 0 } });
  try {
    const counted = await throttledQuery<CustomersCountData>(deps, CUSTOMERS_COUNT_QUERY);
    if (!counted.ok) throw new Error(`Could not count the store's customers: ${counted.message}`);
    await db.importRun.update({ where: { id: importId }, data: { total: counted.data.customersCount?.count ?? null } });
    const ctx = { accountId: run.store.accountId, storeId: run.storeId };
    const index = await loadIndex(db, ctx.accountId, ctx.storeId);
    const failures: { ref: string; message: string }[] = [];
    let done = 0;
    let after: string | null = null;
    const redacted: string[] = [];
    do {
      if (deps.signal?.aborted) throw new ImportNotReady("Stopped part-way; the import starts again and skips what it linked.");
      const page: { customers: ShopifyCustomer[]; next: string | null } = await readPage(deps, after, redacted);
      for (const shopify of page.customers) {
        const draft = draftFromShopifyCustomer(shopify);
        try {
          const customerId = await db.$transaction((tx) => importCustomer(tx, ctx, index, shopify, draft));
          index.add({ id: customerId, name: draft.name, email: draft.email, externalId: shopify.id });
        } catch (error) {
          failures.push({ ref: `${customerName(shopify)} (${shopify.id})`, message: (error as Error).message.split("\n")[0] ?? "Could not be saved." });
        }
        done += 1;
      }
      await db.importRun.update({ where: { id: importId }, data: { done } });
      after = page.next;
    } while (after);
    await db.$transaction(async (tx) => {
      await tx.importRun.update({
        where: { id: importId },
        data: { state: "succeeded", done, total: done, finishedAt: deps.clock(), failures: failures.length > 0 ? failures : undefined },
      });
      // Imported without what Shopify withheld; the store's log says so once.
      if (redacted.length > 0) await noteCustomerDataWithheld(tx, run.storeId, { redacted }, deps.clock());
    });
  } catch (error) {
    // Not ready yet, or no access to the store (the job parks it, ADR 019): the run is not over.
    if (error instanceof ImportNotReady || error instanceof ShopifyAccessLostError) throw error;
    await db.$transaction(async (tx) => {
      await tx.importRun.update({
        where: { id: importId },
        data: { state: "failed", error: (error as Error).message, finishedAt: deps.clock() },
      });
      if (error instanceof CustomersRefusedError) await noteCustomerDataWithheld(tx, run.storeId, { refused: "customers" }, deps.clock());
    });
  }
}

/**
 * A customer import's failures name each customer that failed ("Name (Shopify id)"). Those of
 * these Shopify customers (every one of the store's: no ids given) lose the name and the id;
 * why it failed stays (ADR 020).
 */
export async function redactCustomerImportFailures(tx: Tx, storeId: string, externalIds?: string[]): Promise<number> {
  const runs = await tx.importRun.findMany({ where: { storeId, kind: "customers" }, select: { id: true, failures: true } });
  const concerned = (ref: string) => !externalIds || externalIds.some((id) => ref.endsWith(`(${id})`));
  let redacted = 0;
  for (const run of runs) {
    if (!Array.isArray(run.failures)) continue;
    const failures = run.failures as { ref?: unknown; message?: unknown }[];
    const hits = failures.filter((f) => typeof f.ref === "string" && concerned(f.ref)).length;
    if (hits === 0) continue;
    redacted += hits;
    const kept = failures.map((f) => (typeof f.ref === "string" && concerned(f.ref) ? { ...f, ref: REDACTED_CUSTOMER_NAME } : f));
    await tx.importRun.update({ where: { id: run.id }, data: { failures: json(kept) } });
  }
  return redacted;
}
