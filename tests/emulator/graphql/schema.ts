/**
 * The real Admin GraphQL schema (introspection result shipped by Shopify in @shopify/dev-mcp;
 * provenance in ../schema/README.md). Built once per process: it has ~7,000 types.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

export const ADMIN_API_VERSION = "2026-07";

const SCHEMA_FILE = new URL(`../schema/admin_${ADMIN_API_VERSION}.json.gz`, import.meta.url);

type ProtectedContent = "name" | "email" | "phone" | "address";

let cached: { schema: GraphQLSchema; requiredAccess: Map<string, string>; protectedFields: Map<string, ProtectedContent> } | undefined;

/**
 * Shopify's introspection carries more than graphql-js keeps: `requiredAccess` on types and
 * fields, and on each field whether it is protected customer data and which kind
 * (`isProtected`, `protectedContent`: name, email, phone, address).
 */
interface ShopifyIntrospectionType {
  name: string;
  requiredAccess?: string | null;
  fields?: { name: string; requiredAccess?: string | null; isProtected?: boolean; protectedContent?: string | null }[] | null;
  enumValues?: { name: string; description?: string | null }[] | null;
}

const isProtectedContent = (content: string | null | undefined): content is ProtectedContent =>
  content === "name" || content === "email" || content === "phone" || content === "address";

function load() {
  if (!cached) {
    const json = JSON.parse(gunzipSync(readFileSync(SCHEMA_FILE)).toString("utf8")) as { data: IntrospectionQuery };
    const requiredAccess = new Map<string, string>();
    const protectedFields = new Map<string, ProtectedContent>();
    for (const type of json.data.__schema.types as unknown as ShopifyIntrospectionType[]) {
      if (type.requiredAccess) requiredAccess.set(type.name, type.requiredAccess);
      for (const field of type.fields ?? []) {
        if (field.requiredAccess) requiredAccess.set(`${type.name}.${field.name}`, field.requiredAccess);
        if (field.isProtected && isProtectedContent(field.protectedContent)) protectedFields.set(`${type.name}.${field.name}`, field.protectedContent);
      }
      // Webhook topics say what they need in their description ("Requires the `read_locations` scope.").
      if (type.name === "WebhookSubscriptionTopic") {
        for (const value of type.enumValues ?? []) {
          const requires = /Requires (?:the `[a-z_]+` scope|at least one of the following scopes: [a-z_, ]+)\./.exec((value.description ?? "").replace(/\s+/g, " "));
          if (requires) requiredAccess.set(`${type.name}.${value.name}`, requires[0]);
        }
      }
    }
    cached = { schema: buildClientSchema(json.data), requiredAccess, protectedFields };
  }
  return cached;
}

export function adminSchema(): GraphQLSchema {
  return load().schema;
}

/** "Type.field" → the protected customer field it is, for every field Shopify marks protected. */
export function protectedFields(): ReadonlyMap<string, ProtectedContent> {
  return load().protectedFields;
}

/**
 * What Shopify's schema says a type (`Order`) or a field (`Mutation.productSet`) requires, as its
 * reference pages print it ("`read_orders` access scope."), or undefined when nothing is listed.
 * `WebhookSubscriptionTopic.ORDERS_CREATE`: the sentence of the topic's description that names its scopes.
 */
export function requiredAccessText(typeName: string, fieldName?: string): string | undefined {
  return load().requiredAccess.get(fieldName === undefined ? typeName : `${typeName}.${fieldName}`);
}
