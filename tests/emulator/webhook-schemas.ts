/**
 * Validation of webhook payloads against npm `shopify-webhook-schemas` for the pinned version,
 * for the emulator's conformance tests.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { ADMIN_API_VERSION } from "./graphql/schema";

const require = createRequire(import.meta.url);
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// The schemas are derived from Shopify's sample payloads, where every order has an email and a
// tracking URL; Shopify sends "" when there is none, so "" is accepted for these two formats.
ajv.addFormat("email", /^$|^[^\s@]+@[^\s@]+$/);
ajv.addFormat("uri", { validate: (value: string) => value === "" || URL.canParse(value) });
const compiled = new Map<string, ValidateFunction>();

/** Problems of a payload against its topic's schema ([] when valid). */
export function payloadErrors(topic: string, payload: unknown): string[] {
  let validate = compiled.get(topic);
  if (!validate) {
    const file = require.resolve(`shopify-webhook-schemas/schemas/${ADMIN_API_VERSION}/${topic}.json`);
    validate = ajv.compile(JSON.parse(readFileSync(file, "utf8")) as object);
    compiled.set(topic, validate);
  }
  return validate(payload) ? [] : (validate.errors ?? []).map((e) => `${topic}${e.instancePath} ${e.message ?? ""}`);
}
