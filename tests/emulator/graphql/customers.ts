/**
 * Customers, read-only: `customers` (search: email, first_name, last_name, id, bare words;
 * sortKey ID, NAME), `customer`, `customersCount`, `node(id:)` for Customer ids.
 * A customer's addresses come from the seed; the first is the default address. Mutations
 * (customerCreate, customerUpdate …) are not modelled: Tenon never writes customers back.
 * MailingAddress stays a plain object in its API shape (as on orders).
 */
import type { CustomerSeed } from "../seed";
import type { ShopState } from "../state";
import { count, paginate, type ConnectionArgs } from "./connection";
import { gid, idArgument } from "./ids";
import type { AdminContext } from "./resolvers";
import { applySearch, exact, idMatch, words, type FieldMatcher } from "./search";
import { NotImplementedError } from "./errors";

export type CustomerRecord = CustomerSeed;
type CustomerAddress = CustomerSeed["addresses"][number];

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

const customerById = (shop: ShopState, id: number | null) => (id === null ? null : (shop.customers.find((c) => c.id === id) ?? null));

/** A `node(id:)` lookup; undefined when the id is not a customer's. */
export function customerNode(shop: ShopState, type: string, id: number): (CustomerRecord & { __typename: "Customer" }) | null | undefined {
  if (type !== "Customer") return undefined;
  const customer = customerById(shop, id);
  // graphql-js resolves the Node interface by __typename; seed records do not carry one.
  return customer ? { ...customer, __typename: "Customer" } : null;
}

function displayName(c: CustomerRecord): string {
  const name = [c.firstName, c.lastName].filter(Boolean).join(" ");
  // Shopify shows the email (then the phone) for a customer without a name.
  return name || c.email || c.phone;
}

function customerFilters(): Record<string, FieldMatcher<CustomerRecord>> {
  return {
    default: (c, t) => words(displayName(c), t) || exact(c.email, t),
    email: (c, t) => exact(c.email, t),
    first_name: (c, t) => exact(c.firstName, t),
    last_name: (c, t) => exact(c.lastName, t),
    phone: (c, t) => exact(c.phone, t),
    id: (c, t) => idMatch(c.id, t),
  };
}

interface CustomersArgs extends ConnectionArgs {
  query?: string | null;
  sortKey?: string | null;
}

function customersFor(shop: ShopState, args: CustomersArgs): CustomerRecord[] {
  const filtered = applySearch(shop.customers, args.query, "customers", customerFilters());
  const sortKey = args.sortKey ?? "ID";
  if (sortKey === "ID" || sortKey === "RELEVANCE") return [...filtered].sort((a, b) => a.id - b.id);
  if (sortKey === "NAME") return [...filtered].sort((a, b) => displayName(a).toLowerCase().localeCompare(displayName(b).toLowerCase()) || a.id - b.id);
  throw new NotImplementedError(`sortKey ${sortKey} on customers`);
}

/** Address ids are derived from the customer's (stable, and unique within the shop). */
const addressId = (c: CustomerRecord, index: number) => c.id * 100 + index + 1;

function mailingAddress(c: CustomerRecord, a: CustomerAddress, index: number) {
  const name = [a.firstName, a.lastName].filter(Boolean).join(" ");
  return {
    id: gid("MailingAddress", addressId(c, index), { model_name: "CustomerAddress" }),
    firstName: a.firstName,
    lastName: a.lastName,
    name: name || null,
    company: a.company,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    zip: a.zip,
    province: a.province,
    provinceCode: a.provinceCode,
    country: a.country,
    countryCodeV2: a.countryCode,
    phone: a.phone,
  };
}

export const customerQueries = {
  customers: (_s: unknown, args: CustomersArgs, { shop }: AdminContext) => paginate(customersFor(shop, args), args, "customers"),
  customer: (_s: unknown, args: { id: string }, { shop }: AdminContext) => customerById(shop, idArgument(args.id, "Customer")),
  customersCount: (_s: unknown, args: { query?: string | null; limit?: number | null }, { shop }: AdminContext) =>
    count(customersFor(shop, { query: args.query }).length, args.limit),
};

export const customerTypes = {
  Customer: {
    id: (c: CustomerRecord) => gid("Customer", c.id),
    legacyResourceId: (c: CustomerRecord) => String(c.id),
    firstName: (c: CustomerRecord) => c.firstName,
    lastName: (c: CustomerRecord) => c.lastName,
    displayName: (c: CustomerRecord) => displayName(c),
    defaultEmailAddress: (c: CustomerRecord) => (c.email ? { emailAddress: c.email } : null),
    defaultPhoneNumber: (c: CustomerRecord) => (c.phone ? { phoneNumber: c.phone } : null),
    defaultAddress: (c: CustomerRecord) => {
      const first = c.addresses[0];
      return first ? mailingAddress(c, first, 0) : null;
    },
    addressesV2: (c: CustomerRecord, args: ConnectionArgs) => {
      const page = paginate(c.addresses.map((address, index) => ({ id: addressId(c, index), address, index })), args, "addressesV2");
      const api = (n: (typeof page.nodes)[number]) => mailingAddress(c, n.address, n.index);
      return { pageInfo: page.pageInfo, nodes: page.nodes.map(api), edges: page.edges.map((e) => ({ cursor: e.cursor, node: api(e.node) })) };
    },
    createdAt: (_c: CustomerRecord, _a: unknown, { shop }: AdminContext) => iso(shop.createdAt),
    updatedAt: (_c: CustomerRecord, _a: unknown, { shop }: AdminContext) => iso(shop.updatedAt),
  },
};
