/**
 * `tsx scripts/fetch-admin-schema.ts`: refreshes the Admin GraphQL schema the emulator executes
 * against (tests/emulator/schema/admin_2026-07.json.gz).
 *
 * Shopify publishes the Admin API introspection result inside the npm package @shopify/dev-mcp.
 * We do not depend on that package (it pulls Shopify CLI, Hydrogen and React 19 types); we take
 * the one file out of its tarball and keep it in the repo with its provenance beside it, so tests
 * run offline and a schema change shows up as a reviewable diff.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const PACKAGE = "@shopify/dev-mcp@1.16.0";
const API_VERSION = "2026-07";
const FILE_IN_PACKAGE = `package/dist/data/admin_${API_VERSION}.json.gz`;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const destination = path.join(repoRoot, "tests/emulator/schema", `admin_${API_VERSION}.json.gz`);

const workDir = mkdtempSync(path.join(tmpdir(), "tenon-admin-schema-"));
try {
  execFileSync("npm", ["pack", PACKAGE, "--silent"], { cwd: workDir, stdio: ["ignore", "ignore", "inherit"] });
  const tarball = readdirSync(workDir).find((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack ${PACKAGE} produced no tarball in ${workDir}`);
  execFileSync("tar", ["-xzf", tarball, FILE_IN_PACKAGE], { cwd: workDir });

  const extracted = path.join(workDir, FILE_IN_PACKAGE);
  // Refuse to write something that is not an introspection result.
  const json = JSON.parse(gunzipSync(readFileSync(extracted)).toString("utf8")) as { data?: { __schema?: unknown } };
  if (!json.data?.__schema) throw new Error(`${FILE_IN_PACKAGE} is not an introspection result`);

  copyFileSync(extracted, destination);
  const sha256 = createHash("sha256").update(readFileSync(destination)).digest("hex");
  console.log(`Wrote ${path.relative(repoRoot, destination)} from ${PACKAGE} (${FILE_IN_PACKAGE})`);
  console.log(`sha256 ${sha256} — update tests/emulator/schema/README.md if it changed.`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
