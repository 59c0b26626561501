/**
 * The Tenon Shopify emulator: a local, stateful stand-in for Shopify (admin frame page, App Bridge,
 * session tokens, token exchange, Admin GraphQL on the real schema, webhooks) used by integration
 * tests, e2e tests and `npm run demo`.
 *
 * The app under test runs the unmodified @shopify/shopify-app-remix code path; its one seam is
 * SHOPIFY_LOCAL_URL=<emulator url>, which sends `https://{shop}/X` to `<url>/shops/{shop}/X` and
 * loads App Bridge from `<url>/cdn/app-bridge.js`.
 *
 *   const emulator = await startEmulator({ app: { apiKey, apiSecret, appUrl }, seedFiles: [DEMO_STORE_SEED] });
 *   page.goto(emulator.adminUrl("tenon-demo"));
 *   …
 *   await emulator.stop();
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { loadAppConfig, type ComplianceTopic } from "./app-config";
import { RealClock, type EmulatorClock } from "./clock";
import { EmulatorCore, type TokenRequestRecord } from "./emulator";
import { loadShopSeedFile, type ShopSeed } from "./seed";
import { createRequestHandler } from "./server";
import type { MintSessionTokenOptions } from "./session-token";
import { shopHandleOf, type ShopState } from "./state";
import type { ThrottlePlan, ThrottleStatus } from "./graphql/cost";
import { queueMutationFault, type MutationFault } from "./graphql/idempotency";
import type { Delivery, WebhookEventRecord, WebhookFaults } from "./webhooks";
import type { ProtectedCustomerDataAccess } from "./graphql/protected-data";

export type { ShopSeed } from "./seed";
export type { ShopState } from "./state";
export type { Delivery } from "./webhooks";
export type { MintSessionTokenOptions } from "./session-token";
export type { ComplianceTopic } from "./app-config";
export { ADMIN_API_VERSION } from "./graphql/schema";
export { webhookHmac, RETRY_SCHEDULE_MS, type WebhookFaults, type WebhookEventRecord } from "./webhooks";
export { ManualClock, RealClock, type EmulatorClock } from "./clock";
export type { TokenRequestRecord } from "./emulator";
export { THROTTLE_PLANS, type ThrottlePlan } from "./graphql/cost";
export { generateShopSeed, type GenerateShopOptions } from "./seed-generator";
export { PROTECTED_CUSTOMER_DATA, type ProtectedCustomerDataAccess } from "./graphql/protected-data";
export { IDEMPOTENCY_RETENTION_MS, type MutationFault } from "./graphql/idempotency";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DEFAULT_TOML_PATH = `${REPO_ROOT}shopify.app.toml`;
export const DEMO_STORE_SEED = fileURLToPath(new URL("./seeds/demo-store.json", import.meta.url));

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  app: {
    apiKey: string;
    apiSecret: string;
    /** The app's origin, e.g. http://127.0.0.1:3456; the admin frames `${appUrl}/app/…`. */
    appUrl: string;
    /** Default: <repo>/shopify.app.toml. */
    tomlPath?: string;
    /**
     * What Shopify approved the app to read of customers: `PROTECTED_CUSTOMER_DATA.none`,
     * `.level1` (default: no names, emails, phones or addresses) or `.level2` (all four), or
     * explicit fields (graphql/protected-data.ts).
     */
    protectedCustomerData?: ProtectedCustomerDataAccess;
  };
  /** Shop seed JSON files to load at start (see seed.ts). */
  seedFiles?: string[];
  /**
   * The emulator's time for tokens, timestamps, the rate-limit bucket and webhook retries.
   * Default: real time. A `ManualClock` makes it controllable (`emulator.advanceClock`, the script
   * API's `POST /_emulator/clock`); a plain function only changes what "now" reads.
   */
  clock?: (() => Date) | EmulatorClock;
  /** How long a webhook delivery waits for the app. Default 5,000 ms, as Shopify. */
  webhookTimeoutMs?: number;
  /**
   * Accept the app's non-expiring offline tokens on the Admin API, as Shopify did for public apps
   * created before 2026-04-01 until 2027-01-01. Default false: refused (403), as Shopify does for
   * Tenon (docs/decisions/022).
   */
  acceptNonExpiringOfflineTokens?: boolean;
}

export interface Emulator {
  /** e.g. http://127.0.0.1:41234 — the value for the app's SHOPIFY_LOCAL_URL. */
  url: string;
  /** The admin page embedding the app in that shop; `path` is the app path after /app. */
  adminUrl(shopDomain: string, path?: string): string;
  stop(): Promise<void>;
  createShop(seed: ShopSeed): ShopState;
  /** Puts a shop back to its seed; the app stays installed with its access tokens. */
  resetShop(shopDomain: string): ShopState;
  /**
   * When bulk operations start running and complete after their creation, in the emulator's
   * time (default 100 ms and 1,000 ms); change it before starting operations.
   */
  bulkTiming: { runningAfterMs: number; completeAfterMs: number; resultsExpireAfterMs: number };
  /** How long an asynchronous mutation's job (orderCancel) takes, in the emulator's time (250 ms). */
  jobTiming: { orderCancel: number };
  /** Installs the app with the toml's scopes, or `scopes` (what an earlier version of the app was granted). */
  install(shopDomain: string, options?: { scopes?: readonly string[] }): void;
  uninstall(shopDomain: string): Promise<void>;
  /** Revokes the shop's access tokens (`only`: just these), the app staying installed (its Admin API requests answer 401). */
  revokeAccessTokens(shopDomain: string, only?: readonly string[]): void;
  /**
   * Ends the shop's expiring offline access tokens now (their refresh tokens stay valid): the
   * app's next Admin API request with one answers 401. Returns how many ended.
   */
  expireAccessTokens(shopDomain: string): number;
  /** The shop's expiring tokens end after its next `requests` Admin API requests (a token running out mid-job). */
  expireAccessTokensAfter(shopDomain: string, requests: number): void;
  /** Every request to the token endpoint (token exchange, refresh, migration) and its answer. */
  tokenRequests: TokenRequestRecord[];
  sendComplianceWebhook(shopDomain: string, topic: ComplianceTopic, payload?: Record<string, unknown>): Promise<Delivery>;
  mintSessionToken(shopDomain: string, opts?: MintSessionTokenOptions): string;
  /** Every webhook attempt, oldest first (a live array). */
  deliveries: Delivery[];
  /** The shop's live state, for assertions (treat as read-only). */
  shop(shopDomain: string): ShopState;
  /** The emulator's current time. */
  now(): Date;
  /**
   * Moves a ManualClock forward (throws with a real clock), running webhook retries and delayed
   * deliveries that fall due, each awaited at its instant.
   */
  advanceClock(ms: number): Promise<void>;
  /** Switches webhook fault modes for events from now on (`{}` turns them off). */
  setWebhookFaults(faults: WebhookFaults): void;
  /** Resolves when no webhook attempt is in flight (scheduled retries are not waited for). */
  webhooksIdle(): Promise<void>;
  /** Each event × subscription and its fate (delivered, retrying, failed, dropped …). */
  webhookEvents: WebhookEventRecord[];
  /** Changes the app's protected customer data approval (Shopify approving, or a test's level). */
  setProtectedCustomerData(access: ProtectedCustomerDataAccess): void;
  /** Sets a shop's rate limit: a plan (standard 100/s … enterprise 2,000/s) or explicit numbers. */
  setThrottle(shopDomain: string, settings: { plan?: ThrottlePlan; maximumAvailable?: number; restoreRate?: number }): ThrottleStatus;
  /**
   * The next request of an idempotent mutation fails (INTERNAL_SERVER_ERROR, nothing run) or is
   * slow (runs, its key stays in progress for `holdMs`, its answer is lost); graphql/idempotency.ts.
   */
  queueMutationFault(shopDomain: string, fault: MutationFault): void;
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const app = loadAppConfig(options.app, options.app.tomlPath ?? DEFAULT_TOML_PATH);
  const clock: EmulatorClock =
    options.clock === undefined ? new RealClock() : typeof options.clock === "function" ? new RealClock(options.clock) : options.clock;
  const core = new EmulatorCore(app, clock, options.webhookTimeoutMs);
  core.acceptNonExpiringOfflineTokens = options.acceptNonExpiringOfflineTokens ?? false;
  for (const file of options.seedFiles ?? []) core.createShop(loadShopSeedFile(file));

  const server = createServer(createRequestHandler(core));
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  core.baseUrl = url;

  return {
    url,
    adminUrl(shopDomain, path = "") {
      const suffix = path === "" || path.startsWith("/") || path.startsWith("?") ? path : `/${path}`;
      return `${url}/store/${shopHandleOf(shopDomain)}/apps/${app.apiKey}${suffix}`;
    },
    async stop() {
      core.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
    createShop: (seed) => core.createShop(seed),
    resetShop: (shopDomain) => core.resetShop(shopDomain),
    bulkTiming: core.bulkTiming,
    jobTiming: core.jobTiming,
    install: (shopDomain, options) => {
      core.install(shopDomain, options);
    },
    uninstall: async (shopDomain) => {
      await core.uninstall(shopDomain);
    },
    revokeAccessTokens: (shopDomain, only) => core.revokeAccessTokens(shopDomain, only),
    expireAccessTokens: (shopDomain) => core.expireAccessTokens(shopDomain),
    expireAccessTokensAfter: (shopDomain, requests) => core.expireAccessTokensAfter(shopDomain, requests),
    tokenRequests: core.tokenRequests,
    sendComplianceWebhook: (shopDomain, topic, payload) => core.sendComplianceWebhook(shopDomain, topic, payload),
    mintSessionToken: (shopDomain, opts) => core.mintSessionToken(shopDomain, opts),
    deliveries: core.webhooks.deliveries,
    shop: (shopDomain) => core.shop(shopDomain),
    now: () => core.clock(),
    advanceClock: (ms) => core.advanceClock(ms),
    setWebhookFaults: (faults) => core.webhooks.setFaults(faults),
    webhooksIdle: () => core.webhooks.idle(),
    webhookEvents: core.webhooks.events,
    setThrottle: (shopDomain, settings) => core.setThrottle(shopDomain, settings),
    setProtectedCustomerData: (access) => {
      app.protectedCustomerData = structuredClone(access);
    },
    queueMutationFault: (shopDomain, fault) => queueMutationFault(core.shop(shopDomain), fault),
  };
}
