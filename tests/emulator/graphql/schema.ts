/**
 * The real Admin GraphQL schema (introspection result shipped by Shopify in @shopify/dev-mcp;
 * provenance in ../schema/README.md). Built once per process: it has ~7,000 types.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

export const ADMIN_API_VERSION = "2026-07";

const SCHEMA_FILE = new URL(`../schema/admin_${ADMIN_API_VERSION}.json.gz`, import.meta.url);

let cached: { schema: GraphQLSchema; requiredAccess: Map<string, string> } | undefined;

/** Shopify's introspection carries `requiredAccess` on types and fields, beside the standard keys. */
interface ShopifyIntrospectionType {
  name: string;
  requiredAccess?: string | null;
  fields?: { name: string; requiredAccess?: string | null }[] | null;
  enumValues?: { name: string; description?: string | null }[] | null;
}

function load() {
  if (!cached) {
    const json = JSON.parse(gunzipSync(readFileSync(SCHEMA_FILE)).toString("utf8")) as { data: IntrospectionQuery };
    const requiredAccess = new Map<string, string>();
    for (const type of json.data.__schema.types as unknown as ShopifyIntrospectionType[]) {
      if (type.requiredAccess) requiredAccess.set(type.name, type.requiredAccess);
      for (const field of type.fields ?? []) if (field.requiredAccess) requiredAccess.set(`${type.name}.${field.name}`, field.requiredAccess);
      // Webhook topics say what they need in their description ("Requires the `read_locations` scope.").
      if (type.name === "WebhookSubscriptionTopic") {
        for (const value of type.enumValues ?? []) {
          const requires = /Requires (?:the `[a-z_]+` scope|at least one of the following scopes: [a-z_, ]+)\./.exec((value.description ?? "").replace(/\s+/g, " "));
          if (requires) requiredAccess.set(`${type.name}.${value.name}`, requires[0]);
        }
      }
    }
    cached = { schema: buildClientSchema(json.data), requiredAccess };
  }
  return cached;
}

export function adminSchema(): GraphQLSchema {
  return load().schema;
}

/**
 * What Shopify's schema says a type (`Order`) or a field (`Mutation.productSet`) requires, as its
 * reference pages print it ("`read_orders` access scope."), or undefined when nothing is listed.
 * `WebhookSubscriptionTopic.ORDERS_CREATE`: the sentence of the topic's description that names its scopes.
 */
export function requiredAccessText(typeName: string, fieldName?: string): string | undefined {
  return load().requiredAccess.get(fieldName === undefined ? typeName : `${typeName}.${fieldName}`);
}
