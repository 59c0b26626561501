/**
 * `npm run demo`: the local Shopify emulator with the seeded demo store, and Tenon on SQLite,
 * embedded in the emulator's admin frame. Prints the one URL to open. No account, no internet.
 *
 * Ports and database can be moved with DEMO_APP_PORT, DEMO_SHOPIFY_PORT and DEMO_DATABASE_URL
 * (the Playwright suite runs its own copy this way). The demo database starts empty on every
 * run, as the emulator does; pass --keep to keep the previous run's database.
 */
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { createPrismaClient } from "../app/db/client";
import { migrateDatabase } from "../app/db/migrate";
import { seedDemoData } from "../app/services/demo/demo-data.server";
import { PROTECTED_CUSTOMER_DATA, startEmulator } from "../tests/emulator/index";

const appPort = Number(process.env.DEMO_APP_PORT ?? 3456);
const shopifyPort = Number(process.env.DEMO_SHOPIFY_PORT ?? 3457);
const databaseUrl = process.env.DEMO_DATABASE_URL ?? "file:.data/demo.db";
const keep = process.argv.includes("--keep");
const appUrl = `http://127.0.0.1:${appPort}`;

// Demo credentials: the client id of shopify.app.toml and a secret only the emulator knows.
const apiKey = "tenon-local-client-id";
const apiSecret = "tenon-demo-secret";

if (!existsSync("build/index.js")) {
  console.error("The app is not built yet: run `npm run build` (npm run demo does it for you).");
  process.exit(1);
}
if (!keep && databaseUrl.startsWith("file:")) {
  const file = databaseUrl.slice("file:".length);
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
}

// The demo maker's Tenon (catalogue, stock, orders) for the demo store, on a fresh database.
await migrateDatabase(databaseUrl);
{
  const db = createPrismaClient(databaseUrl);
  await seedDemoData(db, "tenon-demo.myshopify.com", new Date());
  await db.$disconnect();
}

const emulator = await startEmulator({
  port: shopifyPort,
  // The demo app gets what a listed app that passed Shopify's data protection review has: level 2
  // protected customer data, so orders and customers come with names and addresses.
  app: { apiKey, apiSecret, appUrl, protectedCustomerData: PROTECTED_CUSTOMER_DATA.level2 },
  seedFiles: [path.resolve("tests/emulator/seeds/demo-store.json")],
});

const app = spawn(process.execPath, ["server.mjs"], {
  stdio: "inherit",
  env: {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(appPort),
    SHOPIFY_API_KEY: apiKey,
    SHOPIFY_API_SECRET: apiSecret,
    SHOPIFY_APP_URL: appUrl,
    SHOPIFY_LOCAL_URL: emulator.url,
    DATABASE_URL: databaseUrl,
  },
});

async function waitForApp(): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (app.exitCode !== null) throw new Error(`Tenon exited with code ${app.exitCode} while starting.`);
    try {
      if ((await fetch(`${appUrl}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Tenon did not answer on ${appUrl}/health within a minute.`);
}

async function shutdown(code: number) {
  app.kill("SIGTERM");
  await emulator.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
app.on("exit", (code) => {
  if (code !== 0 && code !== null) void shutdown(code);
});

try {
  await waitForApp();
} catch (error) {
  console.error((error as Error).message);
  await shutdown(1);
}

console.log("");
console.log("Tenon demo is running.");
console.log(`Open: ${emulator.adminUrl("tenon-demo.myshopify.com")}`);
console.log("");
console.log(`(Local Shopify at ${emulator.url}, Tenon at ${appUrl}. Ctrl+C stops both.)`);
