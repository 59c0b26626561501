import { z } from "zod";
import { DEFAULT_DATABASE_URL, databaseProvider } from "./db/provider";

/**
 * Tenon's configuration, parsed once at start-up. Nothing else reads process.env.
 * Every variable is documented in README.md ("Configuration").
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().positive().default(3456),
  HOST: z.string().default("127.0.0.1"),
  SHOPIFY_API_KEY: z.string().min(1, "SHOPIFY_API_KEY is the app's client id from the Partner Dashboard"),
  SHOPIFY_API_SECRET: z.string().min(1, "SHOPIFY_API_SECRET is the app's client secret"),
  SHOPIFY_APP_URL: z.string().url("SHOPIFY_APP_URL is the public https URL Shopify loads the app from"),
  SCOPES: z.string().optional(),
  DATABASE_URL: z
    .string()
    .default(DEFAULT_DATABASE_URL)
    .refine((url) => {
      try {
        databaseProvider(url);
        return true;
      } catch {
        return false;
      }
    }, "DATABASE_URL must be file:path/to.db (SQLite) or postgresql://… (PostgreSQL)"),
  /**
   * The local-Shopify seam (docs/decisions/004-emulator-seams.md). When set, `https://{shop}`
   * requests go to this URL instead, App Bridge is loaded from it, and its origin may frame
   * the app. Unset in production.
   */
  SHOPIFY_LOCAL_URL: z.string().url().optional(),
  /** Job runner: "embedded" (in-process over the app database) or "pg-boss" (PostgreSQL only). */
  JOB_RUNNER: z.enum(["embedded", "pg-boss"]).default("embedded"),
  JOB_WORKERS: z.coerce.number().int().min(0).default(1),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

export type Env = z.infer<typeof EnvSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Tenon cannot start, its configuration is incomplete:\n${problems}\nSee README.md, "Configuration".`);
  }
  return parsed.data;
}

export const env: Env = parseEnv(process.env);
