import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import path from "node:path";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

/** The real Shopify Admin schema of the pinned version (provenance: tests/emulator/schema/README.md). */
let cached: GraphQLSchema | undefined;

export function adminSchema(): GraphQLSchema {
  if (!cached) {
    const file = path.resolve("tests/emulator/schema/admin_2026-07.json.gz");
    const introspection = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as { data: IntrospectionQuery };
    cached = buildClientSchema(introspection.data);
  }
  return cached;
}
