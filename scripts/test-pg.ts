/**
 * `npm run test:pg`: the unit and integration suites again, on PostgreSQL. Starts the local
 * PostgreSQL (scripts/pg-local.sh) unless TEST_DATABASE_URL points at one already. Fails,
 * never skips, when PostgreSQL cannot be reached.
 */
import { execFileSync, spawnSync } from "node:child_process";

const url =
  process.env.TEST_DATABASE_URL || execFileSync("sh", ["scripts/pg-local.sh"], { encoding: "utf8" }).trim();
if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`TEST_DATABASE_URL must be a PostgreSQL URL, got "${url}".`);
console.log(`Running the suite on PostgreSQL (${url.replace(/:[^:@/]+@/, ":***@")})`);
const result = spawnSync("vitest", ["run", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, TEST_DATABASE_URL: url },
});
process.exit(result.status ?? 1);
