/**
 * Runs the emulator on its own:
 *
 *   tsx tests/emulator/main.ts --port 4100 --app-url http://127.0.0.1:3456 \
 *     --api-key tenon-local-client-id --api-secret dev-secret [--seed tests/emulator/seeds/demo-store.json]… [--toml shopify.app.toml]
 *
 * Without --seed the demo store is loaded. Prints the emulator URL on the first line (for scripts
 * that start it as a child process), then the admin URL of each shop. Stops on SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { DEMO_STORE_SEED, startEmulator } from "./index";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
    "app-url": { type: "string" },
    "api-key": { type: "string" },
    "api-secret": { type: "string" },
    seed: { type: "string", multiple: true },
    toml: { type: "string" },
  },
  strict: true,
});

const appUrl = values["app-url"];
const apiKey = values["api-key"];
const apiSecret = values["api-secret"];
if (!appUrl || !apiKey || !apiSecret) {
  console.error("Usage: tsx tests/emulator/main.ts --app-url <url> --api-key <key> --api-secret <secret> [--port N] [--seed file]…");
  process.exit(2);
}

const seedFiles = values.seed?.length ? values.seed : [DEMO_STORE_SEED];
const emulator = await startEmulator({
  port: Number(values.port),
  host: values.host,
  app: { apiKey, apiSecret, appUrl, ...(values.toml ? { tomlPath: values.toml } : {}) },
  seedFiles,
});

console.log(emulator.url);
const summaries = (await (await fetch(`${emulator.url}/_emulator/shops`)).json()) as { handle: string; name: string }[];
for (const shop of summaries) console.log(`${shop.name}: ${emulator.adminUrl(shop.handle)}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void emulator.stop().then(() => process.exit(0));
  });
}
