/**
 * The emulator's behaviour independent of HTTP: shops, installation, session tokens, webhooks.
 * server.ts maps routes onto it; index.ts exposes it as the script API.
 */
import { randomBytes } from "node:crypto";
import { COMPLIANCE_TOPICS, type AppConfig, type ComplianceTopic } from "./app-config";
import { flushMicrotasks, ManualClock, type EmulatorClock } from "./clock";
import { THROTTLE_PLANS, ThrottleBucket, type ThrottlePlan } from "./graphql/cost";
import { archiveIfDone, type BulkOperationRecord, type Emitted, type JobRecord, type OrderRecord } from "./commerce";
import { topicAllowed } from "./graphql/access";
import { runBulkQuery } from "./graphql/bulk";
import type { AdminContext } from "./graphql/resolvers";
import { webhookPayload } from "./payloads";
import { createOrder } from "./graphql/orders";
import { parseShopSeed, type ParsedShopSeed, type ShopSeed } from "./seed";
import { sessionTokenClaims, signJwt, type MintSessionTokenOptions } from "./session-token";
import { createShopState, IdSequence, indexRecord, primaryLocation, shopDomainOf, type ShopState, type VariantRecord } from "./state";
import { compliancePayload, shopPayload, WebhookDispatcher, type Delivery } from "./webhooks";

export class EmulatorError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "EmulatorError";
  }
}

/** How long a bulk operation's result file stays downloadable (BulkOperation.url: "expires 7 days after the operation completes"). */
export const BULK_RESULTS_EXPIRE_AFTER_MS = 7 * 24 * 3600_000;

export interface TokenRequestRecord {
  shop: string;
  grant: "token_exchange" | "refresh_token" | "migration" | "other";
  status: number;
  /** The `error` of a refused request (`invalid_grant`, `invalid_subject_token` …). */
  error: string | null;
  at: Date;
}

export class EmulatorCore {
  private readonly shops = new Map<string, ShopState>();
  /** Each shop's seed, for `resetShop`. */
  private readonly seeds = new Map<string, ParsedShopSeed>();
  readonly ids = new IdSequence();
  private readonly buckets = new Map<string, ThrottleBucket>();
  /** Admin login session per shop and staff member: the `sid` claim of their session tokens. */
  private readonly adminSessions = new Map<string, string>();
  readonly webhooks: WebhookDispatcher;
  /** Reads the emulator's time (a function, so it can be passed around). */
  readonly clock: () => Date;
  /** Bucket settings applied to shops created from now on (per-shop changes: `setThrottle`). */
  defaultThrottle: { maximumAvailable: number; restoreRate: number } = { ...THROTTLE_PLANS.standard };
  /** The emulator's own origin, for URLs it hands out (bulk operation results); set once listening. */
  baseUrl = "http://127.0.0.1";
  /**
   * When a bulk operation starts running and when it finishes, after its creation (emulator clock).
   * With a ManualClock, `advanceClock(bulkTiming.completeAfterMs)` completes every pending one.
   */
  bulkTiming = { runningAfterMs: 100, completeAfterMs: 1_000, resultsExpireAfterMs: BULK_RESULTS_EXPIRE_AFTER_MS };
  /**
   * How long an asynchronous mutation's job takes (emulator clock). Shopify documents orderCancel
   * as asynchronous ("The job that asynchronously cancels the order", OrderCancelPayload.job,
   * https://shopify.dev/docs/api/admin-graphql/latest/payloads/OrderCancelPayload) but not how
   * long it takes; the emulator takes 250 ms, so the caller must wait for the job.
   */
  jobTiming = { orderCancel: 250 };
  private readonly cancelBulkTimers = new Set<() => void>();
  /**
   * Whether the Admin API still accepts the app's non-expiring offline tokens. Off by default:
   * Tenon is a public app created after 2026-04-01, which must use expiring ones, and from
   * 2027-01-01 no public app's non-expiring token works (oauth.ts, docs/decisions/022). On only
   * to stand for an app that has not migrated yet, before that date.
   */
  acceptNonExpiringOfflineTokens = false;
  /** Every request to the token endpoint, oldest first (which grant, what it answered). */
  readonly tokenRequests: TokenRequestRecord[] = [];

  constructor(
    readonly app: AppConfig,
    readonly time: EmulatorClock,
    webhookTimeoutMs?: number,
  ) {
    this.clock = () => time.now();
    this.webhooks = new WebhookDispatcher(app, time, webhookTimeoutMs);
  }

  /** Sets a shop's rate limit: a Shopify plan's numbers, or explicit ones. The bucket starts full. */
  setThrottle(handleOrDomain: string, settings: { plan?: ThrottlePlan; maximumAvailable?: number; restoreRate?: number }) {
    const shop = this.shop(handleOrDomain);
    const plan = settings.plan ? THROTTLE_PLANS[settings.plan] : undefined;
    if (settings.plan && !plan) throw new EmulatorError(`Unknown plan ${settings.plan} (${Object.keys(THROTTLE_PLANS).join(", ")})`, 400);
    const bucket = this.bucketFor(shop);
    bucket.configure({
      maximumAvailable: settings.maximumAvailable ?? plan?.maximumAvailable ?? bucket.maximumAvailable,
      restoreRate: settings.restoreRate ?? plan?.restoreRate ?? bucket.restoreRate,
    });
    return bucket.status(this.clock());
  }

  createShop(seed: ShopSeed): ShopState {
    const parsed = parseShopSeed(seed);
    const domain = shopDomainOf(parsed.handle);
    if (this.shops.has(domain)) throw new EmulatorError(`Shop ${domain} already exists`, 409);
    const shop = this.buildShop(parsed);
    this.shops.set(domain, shop);
    this.seeds.set(domain, parsed);
    if (parsed.installed) this.install(domain);
    return shop;
  }

  /** The shop's records from a parsed seed, its orders created as orderCreate does (no webhooks). */
  private buildShop(parsed: ParsedShopSeed): ShopState {
    const shop = createShopState(parsed, this.ids);
    if (parsed.orders.length === 0) return shop;
    const variantBySku = new Map<string, VariantRecord>();
    for (const variant of shop.variants) if (variant.sku !== null && !variantBySku.has(variant.sku)) variantBySku.set(variant.sku, variant);
    parsed.orders.forEach((order, index) => {
      const context = { ...this.adminContext(shop), now: new Date(order.processedAt), emit: () => undefined };
      const result = createOrder(
        {
          order: {
            processedAt: order.processedAt,
            email: order.email,
            poNumber: order.poNumber,
            tags: order.tags,
            financialStatus: order.financialStatus,
            fulfillmentStatus: order.fulfillmentStatus,
            lineItems: order.lineItems.map((line) => ({ variantId: `gid://shopify/ProductVariant/${variantBySku.get(line.sku)?.id ?? 0}`, quantity: line.quantity })),
          },
          options: { inventoryBehaviour: order.inventoryBehaviour },
        },
        context,
      );
      if (!result.order) throw new EmulatorError(`Seed order ${index} of ${shop.domain}: ${result.userErrors.map((e) => e.message).join("; ")}`, 400);
    });
    return shop;
  }

  /**
   * Puts a shop back to its seed (products, stock, orders, bulk operations …), keeping the app's
   * installation and access tokens so a running app can go on. Records get new ids.
   */
  resetShop(handleOrDomain: string): ShopState {
    const current = this.shop(handleOrDomain);
    const seed = this.seeds.get(current.domain);
    if (!seed) throw new Error(`no seed kept for ${current.domain}`);
    const fresh = this.buildShop(seed);
    fresh.id = current.id;
    fresh.installation = current.installation;
    fresh.accessTokens = current.accessTokens;
    this.shops.set(current.domain, fresh);
    return fresh;
  }

  allShops(): ShopState[] {
    return [...this.shops.values()];
  }

  findShop(handleOrDomain: string): ShopState | undefined {
    return this.shops.get(shopDomainOf(handleOrDomain));
  }

  shop(handleOrDomain: string): ShopState {
    const shop = this.findShop(handleOrDomain);
    if (!shop) throw new EmulatorError(`No shop ${shopDomainOf(handleOrDomain)} in the emulator`, 404);
    return shop;
  }

  /**
   * Installs the app with the scopes from shopify.app.toml. Its webhook subscriptions are the
   * toml's app-specific ones, which apply from now on; the shop's data is kept as it was.
   * `scopes`: what the merchant granted instead, e.g. an installation of an earlier version of the
   * app (Shopify keeps the granted scopes until the merchant approves the new ones). The app's
   * tokens act with the installation's scopes from then on.
   */
  install(handleOrDomain: string, options: { scopes?: readonly string[] } = {}): ShopState {
    const shop = this.shop(handleOrDomain);
    shop.installation = {
      installed: true,
      scopes: [...(options.scopes ?? this.app.scopes)],
      installedAt: this.clock(),
      uninstalledAt: null,
    };
    return shop;
  }

  /** Revokes every access token of the shop, then delivers app/uninstalled (awaited). */
  async uninstall(handleOrDomain: string): Promise<Delivery[]> {
    const shop = this.shop(handleOrDomain);
    if (!shop.installation.installed) throw new EmulatorError(`${this.app.name} is not installed on ${shop.domain}`, 409);
    const now = this.clock();
    shop.installation = { ...shop.installation, installed: false, uninstalledAt: now };
    for (const token of shop.accessTokens) token.revokedAt ??= now;
    return this.webhooks.trigger(shop, "app/uninstalled", shopPayload(shop, primaryLocation(shop)?.id ?? null));
  }

  /**
   * Revokes every access token of the shop while the app stays installed: what rotating the app's
   * client secret with "revoke" does to non-expiring offline tokens, which otherwise stay valid
   * until an uninstall (https://shopify.dev/docs/apps/build/security/credentials-and-data/use-expiring-offline-access-tokens).
   * Admin API requests with them then answer 401; token exchange issues new ones. `only`: just
   * these tokens (one app's token gone bad, the scripts' tokens still working).
   */
  revokeAccessTokens(handleOrDomain: string, only?: readonly string[]): void {
    const shop = this.shop(handleOrDomain);
    const now = this.clock();
    for (const token of shop.accessTokens) if (!only || only.includes(token.token)) token.revokedAt ??= now;
  }

  /**
   * Ends the life of the shop's expiring offline access tokens now, as their 60 minutes running
   * out would (before the app's own reckoning says so: clocks differ, and Shopify may end a token
   * early). Their refresh tokens stay valid, so the app can refresh. Returns how many ended.
   */
  expireAccessTokens(handleOrDomain: string): number {
    const shop = this.shop(handleOrDomain);
    const now = this.clock();
    const live = shop.accessTokens.filter((t) => t.kind === "offline" && t.expiresAt !== null && t.revokedAt === null && t.expiresAt > now);
    for (const token of live) token.expiresAt = now;
    return live.length;
  }

  /** Admin API requests of a shop still to be answered before its tokens end (`expireAccessTokensAfter`). */
  private readonly tokenExpiryCountdown = new Map<string, number>();

  /**
   * The shop's expiring offline tokens end after the next `requests` Admin API requests (the one
   * after them finds them expired): a token running out in the middle of an app's long job.
   */
  expireAccessTokensAfter(handleOrDomain: string, requests: number): void {
    this.tokenExpiryCountdown.set(this.shop(handleOrDomain).domain, Math.max(0, Math.floor(requests)));
  }

  /** The Admin API route calls this before it checks a request's token. */
  beforeAdminRequest(shop: ShopState): void {
    const left = this.tokenExpiryCountdown.get(shop.domain);
    if (left === undefined) return;
    if (left > 0) {
      this.tokenExpiryCountdown.set(shop.domain, left - 1);
      return;
    }
    this.tokenExpiryCountdown.delete(shop.domain);
    this.expireAccessTokens(shop.domain);
  }

  /**
   * Compliance webhooks are sent whether or not the app is still installed (shop/redact comes
   * 48 hours after an uninstall), always to the toml's compliance subscription.
   */
  async sendComplianceWebhook(handleOrDomain: string, topic: ComplianceTopic, payload?: Record<string, unknown>): Promise<Delivery> {
    if (!(COMPLIANCE_TOPICS as readonly string[]).includes(topic)) {
      throw new EmulatorError(`${topic} is not a compliance topic (${COMPLIANCE_TOPICS.join(", ")})`, 400);
    }
    const shop = this.shop(handleOrDomain);
    if (this.webhooks.subscriptionsFor(topic).length !== 1) {
      throw new EmulatorError(`shopify.app.toml must declare exactly one compliance subscription for ${topic}`, 400);
    }
    const [delivery] = await this.webhooks.trigger(shop, topic, compliancePayload(shop, topic, payload));
    if (!delivery) throw new Error(`no delivery for ${topic}`);
    return delivery;
  }

  mintSessionToken(handleOrDomain: string, options: MintSessionTokenOptions = {}): string {
    const shop = this.shop(handleOrDomain);
    const owner = shop.staff.find((s) => s.accountOwner) ?? shop.staff[0];
    if (!owner) throw new EmulatorError(`${shop.domain} has no staff`, 400);
    const userId = options.userId ?? owner.id;
    const sessionKey = `${shop.domain}/${userId}`;
    let sid = this.adminSessions.get(sessionKey);
    if (!sid) {
      sid = randomBytes(16).toString("hex");
      this.adminSessions.set(sessionKey, sid);
    }
    const claims = sessionTokenClaims({ shopDomain: shop.domain, apiKey: this.app.apiKey, userId, sid, now: this.clock(), options });
    return signJwt(claims, options.secret ?? this.app.apiSecret);
  }

  async advanceClock(ms: number): Promise<void> {
    if (!(this.time instanceof ManualClock)) throw new EmulatorError("The emulator runs on real time; start it with a ManualClock to advance time", 409);
    await this.time.advance(ms, async () => {
      await flushMicrotasks();
      await this.webhooks.idle();
    });
  }

  /** What the Admin API resolvers see of the emulator for one request (or a bulk operation's run). */
  adminContext(shop: ShopState): AdminContext {
    return {
      shop,
      app: this.app,
      now: this.clock(),
      ids: this.ids,
      emit: (event) => this.emit(shop, event),
      actions: {
        uninstallApp: () => {
          this.uninstall(shop.domain).catch((error: unknown) => console.error("Tenon Shopify emulator: uninstall failed", error));
        },
        startBulkOperation: (operation) => this.startBulkOperation(shop, operation),
        runJob: (kind, work) => {
          const job: JobRecord = { __typename: "Job", id: this.ids.take(), done: false };
          indexRecord(shop, job);
          const cancel = this.time.setTimer(this.jobTiming[kind], () => {
            this.cancelBulkTimers.delete(cancel);
            work(this.adminContext(shop));
            job.done = true;
          });
          this.cancelBulkTimers.add(cancel);
          return job;
        },
      },
    };
  }

  /** CREATED → RUNNING → COMPLETED/FAILED (or CANCELED) on the emulator's clock, then bulk_operations/finish. */
  startBulkOperation(shop: ShopState, operation: BulkOperationRecord): void {
    const timer = (delayMs: number, fn: () => void) => {
      const cancel = this.time.setTimer(delayMs, () => {
        this.cancelBulkTimers.delete(cancel);
        fn();
      });
      this.cancelBulkTimers.add(cancel);
    };
    timer(this.bulkTiming.runningAfterMs, () => {
      if (operation.status === "CREATED") operation.status = "RUNNING";
    });
    timer(this.bulkTiming.completeAfterMs, () => this.finishBulkOperation(shop, operation));
  }

  private finishBulkOperation(shop: ShopState, operation: BulkOperationRecord): void {
    const now = this.clock();
    if (operation.status === "CANCELING") {
      operation.status = "CANCELED";
    } else {
      const result = runBulkQuery({ ...this.adminContext(shop), now, ...(operation.scopes ? { scopes: operation.scopes } : {}) }, operation.query, operation.groupObjects);
      const token = randomBytes(12).toString("hex");
      const url = `${this.baseUrl}/bulk-operation-results/${shop.handle}/${operation.id}/${token}.jsonl`;
      operation.result = result.jsonl;
      operation.objectCount = result.objectCount;
      operation.rootObjectCount = result.rootObjectCount;
      operation.fileSize = result.jsonl.length > 0 ? Buffer.byteLength(result.jsonl) : null;
      operation.failure = result.failure;
      if (result.failure === null) {
        operation.status = "COMPLETED";
        // Shopify answers no URL for an export that found nothing.
        operation.url = result.objectCount > 0 ? url : null;
      } else {
        operation.status = "FAILED";
        operation.errorCode = result.accessDenied ? "ACCESS_DENIED" : "INTERNAL_SERVER_ERROR";
        operation.partialDataUrl = result.objectCount > 0 ? url : null;
      }
    }
    operation.completedAt = now;
    this.emit(shop, { topic: "bulk_operations/finish", subject: operation });
    if (operation.status === "COMPLETED" || operation.status === "FAILED") {
      const timer = this.time.setTimer(this.bulkTiming.resultsExpireAfterMs, () => {
        this.cancelBulkTimers.delete(timer);
        this.expireBulkOperation(operation);
      });
      this.cancelBulkTimers.add(timer);
    }
  }

  /**
   * Seven days after completion the result is gone: `url` and `partialDataUrl` answer null, the
   * file 404s, and a completed operation's status is EXPIRED ("The bulk operation URL has
   * expired", https://shopify.dev/docs/api/admin-graphql/latest/enums/BulkOperationStatus).
   */
  private expireBulkOperation(operation: BulkOperationRecord): void {
    if (operation.status === "COMPLETED") operation.status = "EXPIRED";
    operation.url = null;
    operation.partialDataUrl = null;
    operation.result = null;
  }

  /** The JSONL of a finished bulk operation, by the path of its URL. */
  bulkOperationFile(handle: string, operationId: number, token: string): string | null {
    const operation = this.findShop(handle)?.bulkOperations.find((op) => op.id === operationId);
    const url = operation?.url ?? operation?.partialDataUrl;
    return operation && url?.endsWith(`/${operationId}/${token}.jsonl`) ? operation.result : null;
  }

  /** Cancels pending timers (bulk operations) and webhook deliveries. */
  close(): void {
    for (const cancel of this.cancelBulkTimers) cancel();
    this.cancelBulkTimers.clear();
    this.webhooks.close();
  }

  /** Sends the webhook of a state change, if the app subscribes to its topic. */
  emit(shop: ShopState, event: Emitted): void {
    // Every change to an order goes out as orders/create or orders/updated: the store's archive
    // setting applies there, before the payload is written.
    if (event.topic === "orders/create" || event.topic === "orders/updated") archiveIfDone(shop, event.subject as OrderRecord, this.clock());
    if (this.webhooks.subscriptionsFor(event.topic).length === 0) return;
    // A topic needs the scopes the topic lists (graphql/access.ts), as granted by this store.
    if (!topicAllowed(event.topic, shop.installation.scopes)) return;
    this.webhooks.emit(shop, event.topic, webhookPayload(shop, event), event.eventId);
  }

  /** The rate-limit bucket of the app in a shop. */
  bucketFor(shop: ShopState): ThrottleBucket {
    let bucket = this.buckets.get(shop.domain);
    if (!bucket) {
      bucket = new ThrottleBucket(this.defaultThrottle.maximumAvailable, this.defaultThrottle.restoreRate);
      this.buckets.set(shop.domain, bucket);
    }
    return bucket;
  }
}
