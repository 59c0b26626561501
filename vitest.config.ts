import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  test: {
    include: ["app/**/*.test.{ts,tsx}", "tests/**/*.test.ts", "scripts/**/*.test.ts"],
    exclude: ["tests/e2e/**", "node_modules/**"],
    setupFiles: ["tests/setup/fail-on-console-error.ts"],
    globalSetup: ["tests/setup/global-setup.ts"],
    pool: "forks",
    // Test configuration for app/env.server.ts; the emulator-backed tests override what they need.
    env: {
      NODE_ENV: "test",
      SHOPIFY_API_KEY: "tenon-test-api-key",
      SHOPIFY_API_SECRET: "tenon-test-api-secret",
      SHOPIFY_APP_URL: "http://127.0.0.1:3999",
      DATABASE_URL: "file:.data/test/unused.db",
    },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
