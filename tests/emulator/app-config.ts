/**
 * The app as Shopify knows it after `shopify app deploy`: its credentials (from the options) and
 * what shopify.app.toml declares — name, handle, scopes and the app-specific webhook
 * subscriptions. The emulator reads the same file the CLI would, so the toml stays the single
 * source of truth for scopes and subscriptions.
 */
import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { z } from "zod";
import { PROTECTED_CUSTOMER_DATA, type ProtectedCustomerDataAccess } from "./graphql/protected-data";

export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;
export type ComplianceTopic = (typeof COMPLIANCE_TOPICS)[number];

const TomlSchema = z.object({
  client_id: z.string().optional(),
  name: z.string(),
  handle: z.string().optional(),
  access_scopes: z.object({ scopes: z.string().default("") }).default({}),
  webhooks: z
    .object({
      api_version: z.string(),
      subscriptions: z
        .array(
          z.object({
            topics: z.array(z.string()).optional(),
            compliance_topics: z.array(z.enum(COMPLIANCE_TOPICS)).optional(),
            uri: z.string(),
            filter: z.string().optional(),
            include_fields: z.array(z.string()).optional(),
          }),
        )
        .default([]),
    })
    .optional(),
});

export interface AppSubscription {
  topic: string;
  /** Absolute delivery URL: relative `uri`s are resolved against the app URL, as the CLI does. */
  uri: string;
  apiVersion: string;
  compliance: boolean;
}

export interface AppConfig {
  apiKey: string;
  apiSecret: string;
  /** The app's origin, e.g. http://127.0.0.1:3456. */
  appUrl: string;
  name: string;
  handle: string;
  scopes: string[];
  webhookApiVersion: string;
  subscriptions: AppSubscription[];
  /**
   * What Shopify approved the app to read of customers (graphql/protected-data.ts); mutable, as
   * an approval can come later. Default: level 1 without protected fields — the least an app with
   * Tenon's toml can have: `shopify app deploy` refuses order and customer webhook topics to an
   * app that has not requested protected customer data, and on a store that is not a development
   * store each of name, email, phone and address needs Shopify's review before it is unredacted
   * (https://shopify.dev/docs/apps/launch/protected-customer-data). The demo app is given level 2,
   * as a listed app that passed review has.
   */
  protectedCustomerData: ProtectedCustomerDataAccess;
}

export function loadAppConfig(
  app: { apiKey: string; apiSecret: string; appUrl: string; protectedCustomerData?: ProtectedCustomerDataAccess },
  tomlPath: string,
): AppConfig {
  const parsed = TomlSchema.safeParse(parse(readFileSync(tomlPath, "utf8")));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`${tomlPath} is not a valid app configuration:\n${problems}`);
  }
  const toml = parsed.data;
  const appUrl = new URL(app.appUrl);
  const webhookApiVersion = toml.webhooks?.api_version ?? "2026-07";
  const subscriptions: AppSubscription[] = [];
  for (const entry of toml.webhooks?.subscriptions ?? []) {
    // `new URL(relative, base)` would drop a path in appUrl; the CLI appends instead.
    const uri = /^https?:\/\//.test(entry.uri) ? entry.uri : `${appUrl.origin}${entry.uri.startsWith("/") ? "" : "/"}${entry.uri}`;
    for (const topic of entry.topics ?? []) subscriptions.push({ topic, uri, apiVersion: webhookApiVersion, compliance: false });
    for (const topic of entry.compliance_topics ?? []) subscriptions.push({ topic, uri, apiVersion: webhookApiVersion, compliance: true });
  }
  return {
    apiKey: app.apiKey,
    apiSecret: app.apiSecret,
    appUrl: appUrl.origin,
    name: toml.name,
    handle: toml.handle ?? toml.name.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    scopes: toml.access_scopes.scopes
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    webhookApiVersion,
    subscriptions,
    protectedCustomerData: structuredClone(app.protectedCustomerData ?? PROTECTED_CUSTOMER_DATA.level1),
  };
}
