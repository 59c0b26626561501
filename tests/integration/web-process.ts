/**
 * Tenon's web process for the process-kill tests (order-process-faults.test.ts): the app's route
 * modules — the real webhook and /app routes, as tests/support/app-harness.ts serves them —
 * behind an HTTP server on the port given, with the app's configuration in the environment
 * (DATABASE_URL, SHOPIFY_*). It runs no jobs, like a web process with JOB_WORKERS=0.
 *
 *   node --import tsx tests/integration/web-process.ts <port>
 *
 * Prints "ready" once it listens and the webhook routes are loaded. The tests SIGKILL it and
 * start another on the same port (the app URL Shopify delivers to does not change).
 */
import { createRouteServer } from "../support/app-harness";

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) throw new Error("usage: web-process.ts <port>");
const appUrl = `http://127.0.0.1:${port}`;
const server = createRouteServer(() => appUrl);
await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
// Loaded before "ready": the first delivery must not wait for the app's modules to compile.
// The job catalog first, as the app's server loads it (a job-kind module imported first would
// meet the catalog half-initialised through the catalog's own imports).
await import("~/jobs/index.server");
await import("~/routes/webhooks.orders");
await import("~/routes/app.stores._index");
process.once("SIGTERM", () => server.close(() => process.exit(0)));
process.stdout.write("ready\n");
