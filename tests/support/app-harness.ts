import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createReadableStreamFromReadable, type ActionFunction, type LoaderFunction } from "@remix-run/node";
import { bodyLimitFor, withBodyLimit } from "~/server/request-body";
import { DEFAULT_TOML_PATH, DEMO_STORE_SEED, startEmulator, type Emulator } from "../emulator/index";
import { loadAppConfig } from "../emulator/app-config";
import { createTestDatabase } from "./db";

/**
 * Tenon's real route modules behind a plain HTTP server, wired to the emulator through the one
 * seam (SHOPIFY_LOCAL_URL) and to a fresh test database. Webhooks from the emulator arrive over
 * HTTP exactly as Shopify's would. Must be started before any app module is imported (the app
 * reads its configuration once), so test files import app modules dynamically afterwards.
 */
export const BROWSER_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

type Route = { action?: ActionFunction; loader?: LoaderFunction };

export interface AppHarness {
  appUrl: string;
  emulator: Emulator;
  db: import("~/db/client").Db;
  /** Sends a request to the app as a browser or Shopify would, returning thrown responses too. */
  request(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

const ROUTES: Record<string, () => Promise<Route>> = {
  "/webhooks/app/uninstalled": () => import("~/routes/webhooks.app.uninstalled"),
  "/webhooks/compliance": () => import("~/routes/webhooks.compliance"),
  "/webhooks/fulfillments": () => import("~/routes/webhooks.fulfillments"),
  "/webhooks/fulfillment-orders": () => import("~/routes/webhooks.fulfillment-orders"),
  "/webhooks/returns": () => import("~/routes/webhooks.returns"),
  "/webhooks/locations": () => import("~/routes/webhooks.locations"),
  "/webhooks/orders": () => import("~/routes/webhooks.orders"),
  "/app/stores": () => import("~/routes/app.stores._index"),
};

async function dispatch(request: Request): Promise<Response> {
  const load = ROUTES[new URL(request.url).pathname];
  if (!load) return new Response("Not found", { status: 404 });
  const route = await load();
  const handler = request.method === "GET" ? route.loader : route.action;
  if (!handler) return new Response("Method not allowed", { status: 405 });
  try {
    const result: unknown = await handler({ request, params: {}, context: {} });
    return result instanceof Response ? result : Response.json(result);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** `tomlPath`: another app configuration (e.g. only the webhook subscriptions a test is about). */
export async function startAppHarness(options: { tomlPath?: string } = {}): Promise<AppHarness> {
  // Every webhook the app subscribes to must reach its route here, or its deliveries 404 unseen.
  const config = loadAppConfig({ apiKey: "", apiSecret: "", appUrl: "http://127.0.0.1" }, options.tomlPath ?? DEFAULT_TOML_PATH);
  const missing = [...new Set(config.subscriptions.map((s) => new URL(s.uri, "http://127.0.0.1").pathname))].filter((path) => !(path in ROUTES));
  if (missing.length > 0) throw new Error(`shopify.app.toml subscribes ${missing.join(", ")}: add the route to ROUTES in tests/support/app-harness.ts.`);
  const database = await createTestDatabase();
  // The app uses its own client (one per process, as in production).
  await database.db.$disconnect();

  let appUrl = "";
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      // The body streams to the route, under the limit server.mjs applies (docs/decisions/021).
      const url = new URL(req.url ?? "/", appUrl);
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const request = new Request(url, {
        method: req.method,
        headers: Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])) as [string, string][],
        ...(hasBody ? { body: createReadableStreamFromReadable(req), duplex: "half" } : {}),
      } as RequestInit);
      const response = await withBodyLimit(request, bodyLimitFor(url.pathname), dispatch);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const emulator = await startEmulator({
    app: { apiKey: process.env.SHOPIFY_API_KEY!, apiSecret: process.env.SHOPIFY_API_SECRET!, appUrl, tomlPath: options.tomlPath },
    seedFiles: [DEMO_STORE_SEED],
  });
  Object.assign(process.env, { DATABASE_URL: database.url, SHOPIFY_LOCAL_URL: emulator.url, SHOPIFY_APP_URL: appUrl });
  const { default: db } = await import("~/db.server");

  return {
    appUrl,
    emulator,
    db,
    request: (path, init) => {
      // A browser's user agent: the Shopify library answers bots (Node's fetch counts) with 410.
      const headers = new Headers(init?.headers);
      if (!headers.has("User-Agent")) headers.set("User-Agent", BROWSER_USER_AGENT);
      return fetch(new URL(path, appUrl), { ...init, headers });
    },
    async stop() {
      await emulator.stop();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await db.$disconnect();
      await database.drop();
    },
  };
}
