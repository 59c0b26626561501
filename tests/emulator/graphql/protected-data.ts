/**
 * Protected customer data (https://shopify.dev/docs/apps/launch/protected-customer-data): the
 * app's approval decides what the Admin API answers about orders and customers.
 *
 * - Level 0 (no protected customer data access): the Order and Customer objects are refused —
 *   HTTP 200, the field null, an ACCESS_DENIED error "This app is not approved to access the
 *   Order object" at its path (the message apps report from Shopify; the page says only "GraphQL
 *   requests to unapproved types will return … an error message in the errors hash").
 * - Level 1 (customer data, no protected fields): orders and customers answer, but each field
 *   that is a customer's name, email, phone or address is redacted: null, with an error
 *   "This app is not approved to access the Customer object" at its path (the page's "GraphQL
 *   Admin API request with unapproved fields" example). Which fields those are comes from
 *   Shopify's own schema: the introspection marks them `isProtected` with `protectedContent`
 *   name / email / phone / address (schema.ts, `protectedFields`).
 * - Level 2: the fields the app was approved for (each of the four is requested on its own).
 *
 * A redacted field that the schema declares non-null (Customer.displayName) nulls its parent, as
 * GraphQL requires of any server; whether Shopify does that or sends a placeholder is not
 * documented (tests/emulator/README.md).
 */
import type { GraphQLResolveInfo } from "graphql";
import { getNamedType } from "graphql";
import { AdminApiError } from "./errors";
import { protectedFields } from "./schema";

export const PROTECTED_FIELDS = ["name", "email", "phone", "address"] as const;
export type ProtectedField = (typeof PROTECTED_FIELDS)[number];

export interface ProtectedCustomerDataAccess {
  /** Level 1: approved for protected customer data (orders, customers) at all. */
  customerData: boolean;
  /** Level 2: the protected fields approved, each requested on its own. */
  fields: readonly ProtectedField[];
}

export const PROTECTED_CUSTOMER_DATA = {
  none: { customerData: false, fields: [] },
  level1: { customerData: true, fields: [] },
  level2: { customerData: true, fields: [...PROTECTED_FIELDS] },
} as const satisfies Record<string, ProtectedCustomerDataAccess>;

export type ProtectedCustomerDataLevel = keyof typeof PROTECTED_CUSTOMER_DATA;

/** Where an app's denial points the developer (Shopify names the app's Partner Dashboard page). */
const DOCS = "https://shopify.dev/docs/apps/launch/protected-customer-data";

/** The objects a level-0 app may not read at all. */
const OBJECTS_OF_LEVEL_1: Record<string, string> = {
  Order: "Order",
  OrderConnection: "Order",
  Customer: "Customer",
  CustomerConnection: "Customer",
};

function denied(object: string): AdminApiError {
  return new AdminApiError(`This app is not approved to access the ${object} object. See ${DOCS} for more details.`, "ACCESS_DENIED");
}

/** The object a node(id:) / nodes(ids:) lookup asks for, by the ids' types. */
function nodeObjects(args: Record<string, unknown>): string[] {
  const ids = [args.id, ...(Array.isArray(args.ids) ? args.ids : [])].filter((id): id is string => typeof id === "string");
  return ids.map((id) => /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(id)?.[1] ?? "").filter((type) => type in OBJECTS_OF_LEVEL_1);
}

/**
 * Throws the error Shopify answers when the app's approval does not cover this field (graphql-js
 * then answers null at its path, with the error); returns when it does.
 */
export function checkProtectedAccess(access: ProtectedCustomerDataAccess, args: Record<string, unknown>, info: GraphQLResolveInfo): void {
  if (!access.customerData) {
    const object = OBJECTS_OF_LEVEL_1[getNamedType(info.returnType).name] ?? nodeObjects(args)[0];
    if (object) throw denied(object);
  }
  const content = protectedFields().get(`${info.parentType.name}.${info.fieldName}`);
  if (content && !access.fields.includes(content)) throw denied("Customer");
}

export function isAccessDenied(error: { extensions?: Record<string, unknown> }): boolean {
  return error.extensions?.code === "ACCESS_DENIED";
}
