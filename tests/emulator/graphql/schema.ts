/**
 * The real Admin GraphQL schema (introspection result shipped by Shopify in @shopify/dev-mcp;
 * provenance in ../schema/README.md). Built once per process: it has ~7,000 types.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

export const ADMIN_API_VERSION = "2026-07";

const SCHEMA_FILE = new URL(`../schema/admin_${ADMIN_API_VERSION}.json.gz`, import.meta.url);

let cached: GraphQLSchema | undefined;

export function adminSchema(): GraphQLSchema {
  if (!cached) {
    const json = JSON.parse(gunzipSync(readFileSync(SCHEMA_FILE)).toString("utf8")) as { data: IntrospectionQuery };
    cached = buildClientSchema(json.data);
  }
  return cached;
}
