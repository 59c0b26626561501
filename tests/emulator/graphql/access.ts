/**
 * Access scopes: the Admin API answers a field the app's token has no scope for with
 * ACCESS_DENIED, and orders older than 60 days are invisible without `read_all_orders`.
 *
 * What each type and field requires is not a table kept here: Shopify's introspection result
 * (../schema, the same file the schema is built from) carries it as `requiredAccess`, the text the
 * reference pages print under "Required access" (e.g. Order: "`read_orders` access scope,
 * `read_marketplace_orders` access scope or `read_quick_sale` access scope."). A field is refused
 * when the field itself, or the object type it returns (a connection: its node type; an interface:
 * the object actually returned), lists scopes and the token holds none of them.
 *
 * The error is the one Shopify documents since 2020-07 ("Access denied for <field-name>.
 * Required access: <access scope required> access scope", extensions with the code, a link to
 * the documentation and the required access):
 * https://shopify.dev/changelog/new-error-messages-for-graphql-operations-without-necessary-access-scopes
 * and https://shopify.dev/changelog/authorization-errors-in-mutations-are-refined. The refused
 * field answers null, which GraphQL's null propagation carries up to the nearest nullable field.
 *
 * "Any scope that writes a resource also grants read access to it"
 * (https://shopify.dev/docs/api/usage/access-scopes): write_X grants read_X.
 *
 * Webhook topics need scopes too (the topic enum's descriptions: locations/create "Requires the
 * `read_locations` scope."); the emulator delivers a topic only to an installation holding one.
 * Shopify refuses to register such a subscription ("Invalid topic specified … Is there a missing
 * access scope?"); what it does with a toml subscription whose scope a store has not granted is
 * not documented (here: nothing is delivered).
 *
 * Not verified against Shopify (documented nowhere): whether `data` keeps its other fields (here:
 * yes, as GraphQL executes), the exact field named when the type of a connection's nodes is the
 * restricted one (here: the connection field, e.g. `orders`), and "as well as" requirements
 * (`write_products` as well as any of …), which are read as "any of" the scopes named.
 */
import { getNamedType, isAbstractType, isObjectType, type GraphQLObjectType, type GraphQLResolveInfo } from "graphql";
import { AdminApiError } from "./errors";
import { requiredAccessText } from "./schema";

export const ACCESS_SCOPES_DOCUMENTATION = "https://shopify.dev/api/usage/access-scopes";

/**
 * Orders older than this are not visible without read_all_orders: "Only the last 60 days' worth of
 * orders from a store are accessible from the Order object by default"
 * (https://shopify.dev/docs/api/admin-graphql/latest/objects/Order). Measured from `createdAt`
 * (Shopify does not say which date; unverified).
 */
export const ORDERS_VISIBLE_DAYS = 60;
const ORDERS_VISIBLE_MS = ORDERS_VISIBLE_DAYS * 24 * 3600_000;

/** The scopes a token holds, with the read scopes its write scopes grant. */
export function grantedScopes(scopes: readonly string[]): ReadonlySet<string> {
  const granted = new Set(scopes);
  for (const scope of scopes) if (scope.startsWith("write_")) granted.add(`read_${scope.slice("write_".length)}`);
  return granted;
}

/** May a token with these scopes (undefined: the merchant or the emulator itself) see this order? */
export function orderVisible(order: { createdAt: Date }, scopes: ReadonlySet<string> | undefined, now: Date): boolean {
  return scopes === undefined || scopes.has("read_all_orders") || now.getTime() - order.createdAt.getTime() <= ORDERS_VISIBLE_MS;
}

interface Requirement {
  /** Shopify's text, quoted in the error. */
  text: string;
  /** Any one of these scopes grants access. */
  anyOf: string[];
}

/**
 * The scopes in a requiredAccess text, before its "Also:" (user permissions, which an offline
 * token does not have). A bare resource (refundCreate: "`orders` access scope") means its write
 * scope on a mutation, its read scope elsewhere. No scope named (e.g. bulkOperationRunQuery's
 * "Only accessible by supported access tokens"): nothing to check.
 */
function parseRequirement(text: string, onMutation: boolean): Requirement | null {
  const scopesPart = text.split("Also:")[0] ?? "";
  const anyOf = [...scopesPart.matchAll(/`([a-z_]+)`/g)].map(([, scope]) =>
    /^(read|write|unauthenticated)_/.test(scope!) ? scope! : `${onMutation ? "write" : "read"}_${scope}`,
  );
  return anyOf.length > 0 ? { text: text.trim(), anyOf } : null;
}

const requirementCache = new Map<string, Requirement | null>();

function requirementOf(key: string, typeName: string, fieldName: string | undefined, onMutation: boolean): Requirement | null {
  let requirement = requirementCache.get(key);
  if (requirement === undefined) {
    const text = requiredAccessText(typeName, fieldName);
    requirement = text ? parseRequirement(text, onMutation) : null;
    requirementCache.set(key, requirement);
  }
  return requirement;
}

/** The object type whose access a field's value needs: its own type, or a connection's node type. */
function restrictedTypeOf(type: GraphQLObjectType): GraphQLObjectType {
  if (!type.name.endsWith("Connection")) return type;
  const nodes = type.getFields().nodes;
  const node = nodes ? getNamedType(nodes.type) : undefined;
  return node && isObjectType(node) ? node : type;
}

const accessDenied = (fieldName: string, requirement: Requirement) =>
  new AdminApiError(`Access denied for ${fieldName} field. Required access: ${requirement.text}`, "ACCESS_DENIED", {
    documentation: ACCESS_SCOPES_DOCUMENTATION,
    requiredAccess: requirement.text,
  });

const denies = (requirement: Requirement | null, scopes: ReadonlySet<string>) => requirement !== null && !requirement.anyOf.some((s) => scopes.has(s));

/** Throws ACCESS_DENIED before a field resolves when the field or the type it returns needs a scope the token lacks. */
export function checkFieldAccess(info: GraphQLResolveInfo, scopes: ReadonlySet<string> | undefined): void {
  if (scopes === undefined) return;
  const parent = info.parentType.name;
  const onMutation = info.parentType === info.schema.getMutationType();
  const fieldRequirement = requirementOf(`${parent}.${info.fieldName}`, parent, info.fieldName, onMutation);
  if (denies(fieldRequirement, scopes)) throw accessDenied(info.fieldName, fieldRequirement!);
  const returned = getNamedType(info.returnType);
  if (!isObjectType(returned)) return;
  const restricted = restrictedTypeOf(returned);
  const typeRequirement = requirementOf(restricted.name, restricted.name, undefined, false);
  if (denies(typeRequirement, scopes)) throw accessDenied(info.fieldName, typeRequirement!);
}

/**
 * A field of an interface type (`node`, `nodes`) is checked on what it returns: each object of a
 * type the token may not read becomes an ACCESS_DENIED error in its place (null in the answer).
 */
export function checkReturnedAccess(info: GraphQLResolveInfo, scopes: ReadonlySet<string> | undefined, value: unknown): unknown {
  if (scopes === undefined || !isAbstractType(getNamedType(info.returnType))) return value;
  const check = (item: unknown): unknown => {
    const typeName = item !== null && typeof item === "object" ? (item as { __typename?: unknown }).__typename : undefined;
    if (typeof typeName !== "string") return item;
    const requirement = requirementOf(typeName, typeName, undefined, false);
    return denies(requirement, scopes) ? accessDenied(info.fieldName, requirement!) : item;
  };
  return Array.isArray(value) ? value.map(check) : check(value);
}

/** May an installation with these scopes receive a webhook topic (`locations/create`)? */
export function topicAllowed(topic: string, scopes: readonly string[]): boolean {
  const key = topic.replace(/[/.]/g, "_").toUpperCase();
  const text = requiredAccessText("WebhookSubscriptionTopic", key);
  if (!text) return true;
  const anyOf = [...text.replace(/^Requires (the|at least one of the following scopes:)/, "").matchAll(/[a-z_]+/g)].map(([scope]) => scope).filter((s) => s !== "scope");
  const granted = grantedScopes(scopes);
  return anyOf.some((scope) => granted.has(scope));
}
