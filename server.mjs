// Tenon's production and demo server: Express serving the Remix build, plus the background
// job runner. Run with `npm start` after `npm run build`.
import express from "express";
// The adapter's own request and response conversions (its index exports only the handler).
import { createRemixRequest, sendRemixResponse } from "@remix-run/express/dist/server.js";
import { createRequestHandler } from "@remix-run/node";
import { tsImport } from "tsx/esm/api";

// Configuration first: a missing or malformed variable stops here with what to fix.
const { env } = await tsImport("./app/env.server.ts", import.meta.url);

// The local-Shopify seam (docs/decisions/004-emulator-seams.md): the Shopify library reads
// APP_BRIDGE_URL when it is first imported, so it is set before the build loads. It derives
// from SHOPIFY_LOCAL_URL, the one switch; production leaves both unset.
if (env.SHOPIFY_LOCAL_URL) {
  process.env.APP_BRIDGE_URL = new URL("/cdn/app-bridge.js", env.SHOPIFY_LOCAL_URL).toString();
}

// Migrations apply before the app loads: the session storage checks its table on import.
const { migrateDatabase } = await tsImport("./app/db/migrate.ts", import.meta.url);
await migrateDatabase(env.DATABASE_URL);

const build = await import("./build/index.js");
const { prepareServer, bodyLimitFor, withBodyLimit } = build.entry.module;
const { port, host, stop } = await prepareServer();

const app = express();
app.disable("x-powered-by");
app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
// @remix-run/express's handler, with the request body under its limit before Remix reads it:
// 413 on a declared or counted size past it (app/server/request-body.ts, docs/decisions/021).
const handleRequest = createRequestHandler(build, build.mode);
app.all("*", async (req, res, next) => {
  try {
    const request = createRemixRequest(req, res);
    const response = await withBodyLimit(request, bodyLimitFor(req.path), (limited) => handleRequest(limited));
    await sendRemixResponse(res, response);
  } catch (error) {
    next(error);
  }
});

const server = app.listen(port, host, () => {
  console.log(`Tenon is listening on http://${host}:${port}`);
});

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  server.close();
  await stop();
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
