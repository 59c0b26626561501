/**
 * How a Shopify customer becomes a Tenon customer (product.md, "Manual imports"): match by the
 * store's Shopify id, then email (trimmed, case-insensitive), then name; the default address is
 * the billing address and shipping falls back to it; up to 10 more addresses. Pure: the service
 * reads Shopify and the database and writes what this decides.
 */

export interface ShopifyAddress {
  id: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  zip: string | null;
  province: string | null;
  country: string | null;
  phone: string | null;
}

/**
 * A Shopify customer as the import reads it. Without Shopify's approval for protected customer
 * fields (docs/decisions/023) names, email, phone and addresses come back null: only the id is
 * certain. `displayName` is not read: it is non-null in the schema, so its redaction would null
 * the whole customer.
 */
export interface ShopifyCustomer {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  defaultAddress: ShopifyAddress | null;
  /** Every address of the customer (the default one included, as Shopify lists it). */
  addresses: ShopifyAddress[];
}

/** An address as Tenon stores it (the shape of AddressInput in customers.server.ts). */
export interface TenonAddress {
  name?: string;
  company?: string;
  line1?: string;
  line2?: string;
  city?: string;
  zip?: string;
  province?: string;
  country?: string;
  phone?: string;
}

export interface TenonCustomerDraft {
  name: string;
  email: string | null;
  phone: string | null;
  billingAddress: TenonAddress | null;
  shippingAddress: TenonAddress | null;
  extraAddresses: TenonAddress[];
}

export const MAX_EXTRA_ADDRESSES = 10;

const clean = (value: string | null | undefined): string | undefined => {
  const trimmed = value?.replace(/\s+/g, " ").trim() ?? "";
  return trimmed === "" ? undefined : trimmed;
};

/** An email as Tenon compares it: trimmed, lower case; blank = none. */
export function normaliseEmail(email: string | null | undefined): string | null {
  const trimmed = email?.trim().toLowerCase() ?? "";
  return trimmed === "" ? null : trimmed;
}

/** A name as Tenon compares it: inner whitespace collapsed, trimmed, lower case; blank = none. */
export function normaliseName(name: string | null | undefined): string | null {
  return clean(name)?.toLowerCase() ?? null;
}

/**
 * The customer's name: first and last name, else what Shopify displays in their place (the email,
 * then the phone), else — nothing of that readable, as without protected customer data approval
 * (docs/decisions/023) — "Shopify customer" and the customer's number in Shopify, which the
 * merchant finds in Shopify admin.
 */
export function customerName(customer: Pick<ShopifyCustomer, "id" | "firstName" | "lastName" | "email"> & { phone?: string | null }): string {
  return (
    clean([customer.firstName, customer.lastName].filter(Boolean).join(" ")) ??
    clean(customer.email) ??
    clean(customer.phone) ??
    `Shopify customer ${customer.id.slice(customer.id.lastIndexOf("/") + 1)}`
  );
}

export function addressFromShopify(address: ShopifyAddress): TenonAddress | null {
  const tenon: TenonAddress = {
    name: clean([address.firstName, address.lastName].filter(Boolean).join(" ")),
    company: clean(address.company),
    line1: clean(address.address1),
    line2: clean(address.address2),
    city: clean(address.city),
    zip: clean(address.zip),
    province: clean(address.province),
    country: clean(address.country),
    phone: clean(address.phone),
  };
  const present = Object.fromEntries(Object.entries(tenon).filter(([, v]) => v !== undefined)) as TenonAddress;
  return Object.keys(present).length > 0 ? present : null;
}

export function draftFromShopifyCustomer(customer: ShopifyCustomer): TenonCustomerDraft {
  const billing = customer.defaultAddress ? addressFromShopify(customer.defaultAddress) : null;
  const extra = customer.addresses
    .filter((a) => a.id !== customer.defaultAddress?.id)
    .map(addressFromShopify)
    .filter((a): a is TenonAddress => a !== null)
    .slice(0, MAX_EXTRA_ADDRESSES);
  return {
    name: customerName(customer),
    email: clean(customer.email) ?? null,
    phone: clean(customer.phone) ?? null,
    billingAddress: billing,
    shippingAddress: billing,
    extraAddresses: extra,
  };
}

/** What Tenon knows of one existing customer, for matching. */
export interface KnownCustomer {
  id: string;
  name: string;
  email: string | null;
  /** This store's Shopify customer id linked to it, if any. */
  externalId: string | null;
}

export type CustomerMatch =
  | { by: "shopify_id" | "email" | "name"; customerId: string }
  | { by: "new" };

/**
 * The account's customers indexed for matching, kept up to date while an import creates and
 * links customers (so two Shopify customers never claim the same Tenon customer).
 */
export class CustomerIndex {
  private readonly byExternalId = new Map<string, string>();
  private readonly linked = new Set<string>();
  private readonly byEmail = new Map<string, string[]>();
  private readonly byName = new Map<string, string[]>();

  constructor(customers: Iterable<KnownCustomer>) {
    for (const customer of customers) this.add(customer);
  }

  add(customer: KnownCustomer): void {
    if (customer.externalId) this.link(customer.id, customer.externalId);
    const email = normaliseEmail(customer.email);
    if (email) push(this.byEmail, email, customer.id);
    const name = normaliseName(customer.name);
    if (name) push(this.byName, name, customer.id);
  }

  link(customerId: string, externalId: string): void {
    this.byExternalId.set(externalId, customerId);
    this.linked.add(customerId);
  }

  /**
   * Shopify id first; then email, then name — each only among customers not yet linked to
   * another customer of this store, the oldest first (the order they were given in).
   */
  match(customer: Pick<ShopifyCustomer, "id" | "email"> & { name: string }): CustomerMatch {
    const byId = this.byExternalId.get(customer.id);
    if (byId) return { by: "shopify_id", customerId: byId };
    const free = (ids: string[] | undefined) => ids?.find((id) => !this.linked.has(id));
    const email = normaliseEmail(customer.email);
    const byEmail = email ? free(this.byEmail.get(email)) : undefined;
    if (byEmail) return { by: "email", customerId: byEmail };
    const name = normaliseName(customer.name);
    const byName = name ? free(this.byName.get(name)) : undefined;
    if (byName) return { by: "name", customerId: byName };
    return { by: "new" };
  }
}

function push(map: Map<string, string[]>, key: string, id: string): void {
  const list = map.get(key);
  if (!list) map.set(key, [id]);
  else if (!list.includes(id)) list.push(id);
}

/** What an existing Tenon customer has; Tenon is the system of record, so only blanks are filled. */
export interface ExistingCustomerData {
  email: string | null;
  phone: string | null;
  billingAddress: unknown;
  shippingAddress: unknown;
  extraAddresses: unknown;
}

export type CustomerPatch = Partial<Pick<TenonCustomerDraft, "email" | "phone" | "billingAddress" | "shippingAddress" | "extraAddresses">>;

/** The fields of a matched customer that Shopify may fill: those Tenon has left empty. */
export function fillBlanks(existing: ExistingCustomerData, draft: TenonCustomerDraft): CustomerPatch {
  const patch: CustomerPatch = {};
  const blank = (v: unknown) => v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0);
  if (blank(existing.email) && draft.email) patch.email = draft.email;
  if (blank(existing.phone) && draft.phone) patch.phone = draft.phone;
  if (blank(existing.billingAddress) && draft.billingAddress) patch.billingAddress = draft.billingAddress;
  // A Tenon billing address without a shipping one already means "ship there": keep it so.
  if (blank(existing.shippingAddress) && blank(existing.billingAddress) && draft.shippingAddress) patch.shippingAddress = draft.shippingAddress;
  if (blank(existing.extraAddresses) && draft.extraAddresses.length > 0) patch.extraAddresses = draft.extraAddresses;
  return patch;
}
