/**
 * The real Admin GraphQL schema (introspection result shipped by Shopify in @shopify/dev-mcp;
 * provenance in ../schema/README.md). Built once per process: it has ~7,000 types.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

export const ADMIN_API_VERSION = "2026-07";

const SCHEMA_FILE = new URL(`../schema/admin_${ADMIN_API_VERSION}.json.gz`, import.meta.url);

/**
 * Shopify's introspection carries more than graphql-js keeps: each field says whether it is
 * protected customer data and which kind (`protectedContent`: name, email, phone, address).
 */
interface ShopifyIntrospectionField {
  name: string;
  isProtected?: boolean;
  protectedContent?: string | null;
}

type ProtectedContent = "name" | "email" | "phone" | "address";

let cached: { schema: GraphQLSchema; protectedFields: Map<string, ProtectedContent> } | undefined;

function load() {
  if (!cached) {
    const json = JSON.parse(gunzipSync(readFileSync(SCHEMA_FILE)).toString("utf8")) as { data: IntrospectionQuery };
    const protectedMap = new Map<string, ProtectedContent>();
    for (const type of json.data.__schema.types) {
      if (!("fields" in type) || !type.fields) continue;
      for (const field of type.fields as readonly ShopifyIntrospectionField[]) {
        const content = field.protectedContent;
        if (field.isProtected && (content === "name" || content === "email" || content === "phone" || content === "address")) {
          protectedMap.set(`${type.name}.${field.name}`, content);
        }
      }
    }
    cached = { schema: buildClientSchema(json.data), protectedFields: protectedMap };
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
