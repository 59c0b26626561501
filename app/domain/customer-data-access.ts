/**
 * What Shopify withheld from Tenon for want of protected customer data approval, and how the
 * merchant is told (docs/decisions/023). Shopify redacts a customer's name, email, phone and
 * address fields unless the app is approved for each (level 2), and refuses orders and customers
 * whole to an app without protected customer data access (level 0):
 * https://shopify.dev/docs/apps/launch/protected-customer-data.
 */

export type CustomerDataField = "name" | "email" | "phone" | "address";

/** The one notice per store: its action and subject in the activity log (ADR 010). */
export const CUSTOMER_DATA_NOTICE = { action: "customer_data.withheld", subjectRef: "shopify:protected-customer-data" } as const;

const FIELD_OF: Record<string, CustomerDataField> = {
  firstName: "name",
  lastName: "name",
  name: "name",
  email: "email",
  emailAddress: "email",
  phone: "phone",
  phoneNumber: "phone",
  address1: "address",
  address2: "address",
  zip: "address",
  city: "address",
  formatted: "address",
  latitude: "address",
  longitude: "address",
};

/** The kinds of customer data among redacted paths ("order.customer.firstName" → name), in a fixed order. */
export function withheldFields(paths: readonly string[]): CustomerDataField[] {
  const found = new Set<CustomerDataField>();
  for (const path of paths) {
    const field = FIELD_OF[path.slice(path.lastIndexOf(".") + 1)];
    if (field) found.add(field);
  }
  return (["name", "email", "phone", "address"] as const).filter((f) => found.has(f));
}

const WORDS: Record<CustomerDataField, string> = { name: "names", email: "email addresses", phone: "phone numbers", address: "street addresses" };

function list(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** The notice when Shopify redacted fields: what is missing, what Tenon does instead, what changes it. */
export function withheldFieldsMessage(fields: readonly CustomerDataField[]): string {
  const missing = list((fields.length > 0 ? fields : (["name", "email", "phone", "address"] as const)).map((f) => WORDS[f]));
  return (
    `Shopify does not give Tenon your customers' ${missing}: the app is not approved for that protected customer data. ` +
    "Orders and customers still come in without them; a customer without a name is called by their number in Shopify (such as \"Shopify customer 1042\"). " +
    "Nothing needs doing in Tenon: once Shopify approves the app's access, new orders and customer imports bring these details."
  );
}

/** The notice when Shopify refused orders or customers whole (no protected customer data access at all). */
export function refusedMessage(what: "orders" | "customers"): string {
  return (
    `Shopify does not let Tenon read ${what} at all: the app is not approved for protected customer data. ` +
    (what === "orders"
      ? "No order comes in until Shopify approves that access; the reconciliation sweep brings in what was missed once it does."
      : "The customer import cannot run until Shopify approves that access.")
  );
}
