import { defineConfig } from "@playwright/test";

// The e2e suite runs its own demo (emulator + Tenon on a fresh SQLite file) on ports of its own.
export const E2E_APP_PORT = 4456;
export const E2E_SHOPIFY_PORT = 4457;

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  timeout: 60_000,
  expect: { timeout: 15_000 },
  use: {
    baseURL: `http://127.0.0.1:${E2E_SHOPIFY_PORT}`,
    trace: "retain-on-failure",
    // The Shopify library answers bots with 410 Gone, and isbot counts "HeadlessChrome" as one.
    userAgent:
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
    launchOptions: {
      // Debian's Chromium, never a downloaded one; flags keep it off the network.
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: "tsx scripts/demo.ts",
    url: `http://127.0.0.1:${E2E_APP_PORT}/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      DEMO_APP_PORT: String(E2E_APP_PORT),
      DEMO_SHOPIFY_PORT: String(E2E_SHOPIFY_PORT),
      DEMO_DATABASE_URL: "file:.data/e2e.db",
    },
  },
});
