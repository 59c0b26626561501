import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createReadableStreamFromReadable, type ActionFunction, type LoaderFunction } from "@remix-run/node";
import { bodyLimitFor, withBodyLimit } from "~/server/request-body";
import { DEFAULT_TOML_PATH, DEMO_STORE_SEED, startEmulator, type Emulator, type ProtectedCustomerDataAccess } from "../emulator/index";
import { loadAppConfig } from "../emulator/app-config";
import { startChildProcess, type ChildProcessHandle } from "./child-process";
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
  /** With `webProcess`: the web process serving appUrl. */
  web?: WebProcess;
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
  "/app/stores/:storeId": () => import("~/routes/app.stores.$storeId"),
  "/app/stores/:storeId/activity": () => import("~/routes/app.stores.$storeId_.activity"),
  "/app/stores/:storeId/paused-orders": () => import("~/routes/app.stores.$storeId_.paused-orders"),
  "/app/stores/:storeId/stock": () => import("~/routes/app.stores.$storeId_.stock"),
  "/app/stores/:storeId/stock-drift": () => import("~/routes/app.stores.$storeId_.stock-drift"),
  "/app/stores/:storeId/data-requests/:requestId": () => import("~/routes/app.stores.$storeId_.data-requests.$requestId"),
  "/app/customers": () => import("~/routes/app.customers"),
  "/app/inventory": () => import("~/routes/app.inventory._index"),
  "/app/inventory/export": () => import("~/routes/app.inventory.export"),
  "/app/locations": () => import("~/routes/app.locations"),
  "/app/manufacturing-orders": () => import("~/routes/app.manufacturing-orders._index"),
  "/app/manufacturing-orders/:moId": () => import("~/routes/app.manufacturing-orders.$moId"),
  "/app/products": () => import("~/routes/app.products._index"),
  "/app/products/new": () => import("~/routes/app.products.new"),
  "/app/products/:productId": () => import("~/routes/app.products.$productId"),
  "/app/sales-orders": () => import("~/routes/app.sales-orders._index"),
  "/app/sales-orders/new": () => import("~/routes/app.sales-orders.new"),
  "/app/sales-orders/export": () => import("~/routes/app.sales-orders.export"),
  "/app/sales-orders/:orderId": () => import("~/routes/app.sales-orders.$orderId"),
};

/** The route a path names, with its params; a static segment wins over a param, as in Remix. */
function matchRoute(pathname: string): { load: () => Promise<Route>; params: Record<string, string> } | null {
  const parts = pathname.split("/").filter(Boolean);
  let best: { load: () => Promise<Route>; params: Record<string, string>; statics: number } | null = null;
  for (const [pattern, load] of Object.entries(ROUTES)) {
    const segments = pattern.split("/").filter(Boolean);
    if (segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = segments.every((segment, i) => {
      if (!segment.startsWith(":")) return segment === parts[i];
      params[segment.slice(1)] = decodeURIComponent(parts[i]!);
      return true;
    });
    const statics = segments.filter((segment) => !segment.startsWith(":")).length;
    if (matches && (!best || statics > best.statics)) best = { load, params, statics };
  }
  return best;
}

async function dispatch(request: Request): Promise<Response> {
  const matched = matchRoute(new URL(request.url).pathname);
  if (!matched) return new Response("Not found", { status: 404 });
  const route = await matched.load();
  const handler = request.method === "GET" ? route.loader : route.action;
  if (!handler) return new Response("Method not allowed", { status: 405 });
  try {
    const result: unknown = await handler({ request, params: matched.params, context: {} });
    return result instanceof Response ? result : Response.json(result);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** The app's web process on a fixed port (the emulator's app URL): killed and started again by a test. */
export interface WebProcess {
  /** The running process; null between a kill and the next start. */
  readonly current: ChildProcessHandle | null;
  /** SIGKILL; resolves once it is gone. */
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Starts it (again) on the same port; resolves once it serves. */
  start(): Promise<void>;
}

function webProcess(port: string, env: Record<string, string>): WebProcess {
  let current: ChildProcessHandle | null = null;
  return {
    get current() {
      return current;
    },
    async kill() {
      if (!current) throw new Error("The web process is not running.");
      const how = await current.kill();
      current = null;
      return how;
    },
    async start() {
      if (current) throw new Error("The web process is already running.");
      // A web process runs no jobs (JOB_WORKERS=0): the test runs them where it wants them.
      current = await startChildProcess("tests/integration/web-process.ts", [port], { ...env, JOB_WORKERS: "0" });
    },
  };
}

/** An HTTP server answering with the route modules, as Remix's server would (also a web process of its own). */
export function createRouteServer(appUrl: () => string): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      // The body streams to the route, under the limit server.mjs applies (docs/decisions/021).
      const url = new URL(req.url ?? "/", appUrl());
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
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface HarnessOptions {
  /** Another app configuration (e.g. only the webhook subscriptions a test is about). */
  tomlPath?: string;
  /**
   * Serve the app from a web process of its own (tests/integration/web-process.ts) on a fixed
   * port instead of this process, so a test can SIGKILL it and start it again (`web`).
   */
  webProcess?: boolean;
  /** The app's protected customer data approval in the emulator (default: its own, level 1 without fields). */
  protectedCustomerData?: ProtectedCustomerDataAccess;
}

export async function startAppHarness(options: HarnessOptions = {}): Promise<AppHarness> {
  // Every webhook the app subscribes to must reach its route here, or its deliveries 404 unseen.
  const config = loadAppConfig({ apiKey: "", apiSecret: "", appUrl: "http://127.0.0.1" }, options.tomlPath ?? DEFAULT_TOML_PATH);
  const missing = [...new Set(config.subscriptions.map((s) => new URL(s.uri, "http://127.0.0.1").pathname))].filter((path) => !matchRoute(path));
  if (missing.length > 0) throw new Error(`shopify.app.toml subscribes ${missing.join(", ")}: add the route to ROUTES in tests/support/app-harness.ts.`);
  const database = await createTestDatabase();
  // The app uses its own client (one per process, as in production).
  await database.db.$disconnect();

  let appUrl = "";
  let server: Server | null = null;
  if (options.webProcess) {
    appUrl = `http://127.0.0.1:${await freePort()}`;
  } else {
    server = createRouteServer(() => appUrl);
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const emulator = await startEmulator({
    app: {
      apiKey: process.env.SHOPIFY_API_KEY!,
      apiSecret: process.env.SHOPIFY_API_SECRET!,
      appUrl,
      tomlPath: options.tomlPath,
      ...(options.protectedCustomerData ? { protectedCustomerData: options.protectedCustomerData } : {}),
    },
    seedFiles: [DEMO_STORE_SEED],
  });
  Object.assign(process.env, { DATABASE_URL: database.url, SHOPIFY_LOCAL_URL: emulator.url, SHOPIFY_APP_URL: appUrl });
  const { default: db } = await import("~/db.server");
  const web = options.webProcess ? webProcess(new URL(appUrl).port, { DATABASE_URL: database.url, SHOPIFY_LOCAL_URL: emulator.url, SHOPIFY_APP_URL: appUrl }) : undefined;
  await web?.start();

  return {
    appUrl,
    emulator,
    db,
    web,
    request: (path, init) => {
      // A browser's user agent: the Shopify library answers bots (Node's fetch counts) with 410.
      const headers = new Headers(init?.headers);
      if (!headers.has("User-Agent")) headers.set("User-Agent", BROWSER_USER_AGENT);
      return fetch(new URL(path, appUrl), { ...init, headers });
    },
    async stop() {
      await emulator.stop();
      await web?.current?.kill();
      await new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await db.$disconnect();
      await database.drop();
    },
  };
}
