/**
 * `npm run bench [-- scenario…]`: each scenario measures two ways of doing one thing, side by
 * side, in one run, and prints the numbers. No thresholds: goals are read from these numbers,
 * never asserted. Scenarios run on SQLite test databases (tests/support/db.ts).
 */
import { prepareTemplate } from "../support/db";

const scenarios: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  jobs: () => import("./jobs"),
  "stock-levels": () => import("./stock-levels"),
  "emulator-seed": () => import("./emulator-seed"),
  "stock-push": () => import("./stock-push"),
  "product-import": () => import("./product-import"),
  "order-webhooks": () => import("./order-webhooks"),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = wanted.filter((name) => !(name in scenarios));
if (unknown.length > 0) {
  console.error(`Unknown scenario(s): ${unknown.join(", ")}. Choose from: ${Object.keys(scenarios).join(", ")}.`);
  process.exit(2);
}

const teardown = await prepareTemplate();
try {
  for (const name of wanted.length > 0 ? wanted : Object.keys(scenarios)) {
    console.log(`\n━━ ${name} ━━`);
    await (await scenarios[name]!()).run();
  }
} finally {
  await teardown();
}
