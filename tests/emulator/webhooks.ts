/**
 * Webhook delivery to the app, as Shopify does it for app-specific subscriptions
 * (shopify.app.toml): HTTP POST of the JSON payload with Shopify's headers, signed with
 * base64(HMAC-SHA256(app secret, raw body)), 1 s to connect and 5 s to answer
 * (https://shopify.dev/docs/apps/build/webhooks/subscribe/https, "Respond with a 200 OK,
 * quickly"), then 8 retries over about 4 hours on the emulator's clock (a ManualClock runs them
 * instantly).
 *
 * Shopify promises at-least-once delivery, in no particular order
 * (https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates). So does the emulator, by
 * default (`DEFAULT_DELIVERY`, docs/decisions/027-webhook-delivery.md): some deliveries are
 * sent twice, and every event waits a seeded random moment of real time before its first attempt,
 * so events close together arrive out of order. A test that needs exactly-once, in-order
 * delivery says why and calls `setFaults(IN_ORDER_ONCE)`. Further fault modes (`setFaults`):
 * reordering and delay on the emulator's clock, and dropped events. They apply to events of
 * state changes (`emit`); app/uninstalled and compliance webhooks sent on demand (`trigger`) are
 * delivered at once so the script API can report their outcome.
 */
import { createHmac, randomInt, randomUUID } from "node:crypto";
import { request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AppConfig, AppSubscription, ComplianceTopic } from "./app-config";
import type { EmulatorClock } from "./clock";
import type { ShopState } from "./state";

/** Shopify's whole-request timeout for a webhook delivery. */
export const WEBHOOK_TIMEOUT_MS = 5_000;
/** Shopify's connection timeout for a webhook delivery. */
export const WEBHOOK_CONNECT_TIMEOUT_MS = 1_000;

/** Wait before retry n (1-based): 8 retries, about 4 hours after the first attempt in all. */
export const RETRY_SCHEDULE_MS = [10, 30, 60, 300, 900, 1_800, 3_600, 7_200].map((s) => s * 1000);

export interface Delivery {
  /** `X-Shopify-Webhook-Id`: one per event and subscription, the same for every retry. */
  webhookId: string;
  /** `X-Shopify-Event-Id`: one per event, shared by every subscription it is delivered to. */
  eventId: string;
  topic: string;
  shop: string;
  url: string;
  /** 1 for the first attempt, 9 for the last retry. */
  attempt: number;
  /** True when a fault mode sent this attempt a second time. */
  duplicate: boolean;
  /** The app's HTTP status, or null when it did not answer (timeout, connection refused). */
  status: number | null;
  ok: boolean;
  error: string | null;
  headers: Record<string, string>;
  /** The raw body as sent (the HMAC is over exactly these bytes). */
  body: string;
  /** When the attempt started, by the emulator's clock (ISO 8601). */
  at: string;
  durationMs: number;
}

export interface WebhookFaults {
  /** Probability (0–1) that an attempt is delivered twice. */
  duplicate?: number;
  /** Each event waits a random 0…reorderWindowMs (clock time) before its first attempt. */
  reorderWindowMs?: number;
  /** Every event waits this long (clock time) before its first attempt. */
  delayMs?: number;
  /** Probability (0–1) that an event is never delivered (Shopify's missed webhooks). */
  drop?: number;
  /**
   * Each event, and each duplicate, waits a random 0…jitterMs of real time (not the emulator's
   * clock, so a ManualClock test need not advance it) before it is sent: events emitted close
   * together arrive in any order, and a duplicate may come after later events. `idle()` waits.
   */
  jitterMs?: number;
  /** Seed of the fault dice, so a failing test replays. Default 1. */
  seed?: number;
}

/** What Shopify promises and the emulator does unless a test says otherwise: at least once, unordered. */
export const DEFAULT_DELIVERY: Readonly<WebhookFaults> = { duplicate: 0.25, jitterMs: 30, seed: 1 };

/** Exactly once, in the order of the changes: for a test that documents why it needs that. */
export const IN_ORDER_ONCE: Readonly<WebhookFaults> = {};

/** One event's fate per subscription, for assertions and the script API. */
export interface WebhookEventRecord {
  eventId: string;
  webhookId: string;
  topic: string;
  shop: string;
  url: string;
  triggeredAt: string;
  state: "scheduled" | "delivering" | "delivered" | "retrying" | "failed" | "dropped";
  attempts: number;
  nextAttemptAt: string | null;
}

interface WebhookEvent {
  eventId: string;
  topic: string;
  shop: ShopState;
  body: string;
  triggeredAt: Date;
}

export function webhookHmac(secret: string, rawBody: string | Buffer): string {
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}

export class WebhookDispatcher {
  readonly deliveries: Delivery[] = [];
  readonly events: WebhookEventRecord[] = [];
  private readonly stopping = new AbortController();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly cancelTimers = new Set<() => void>();
  private faults: WebhookFaults = { ...DEFAULT_DELIVERY };
  private dice = mulberry32(DEFAULT_DELIVERY.seed ?? 1);

  constructor(
    private readonly app: AppConfig,
    private readonly clock: EmulatorClock,
    private readonly timeoutMs = WEBHOOK_TIMEOUT_MS,
    private readonly connectTimeoutMs = WEBHOOK_CONNECT_TIMEOUT_MS,
  ) {}

  subscriptionsFor(topic: string): AppSubscription[] {
    return this.app.subscriptions.filter((s) => s.topic === topic);
  }

  setFaults(faults: WebhookFaults): void {
    this.faults = { ...faults };
    this.dice = mulberry32(faults.seed ?? 1);
  }

  currentFaults(): WebhookFaults {
    return { ...this.faults };
  }

  /** Delivers one event to every subscription for its topic now; resolves when the first attempts ended. */
  async trigger(shop: ShopState, topic: string, payload: unknown): Promise<Delivery[]> {
    const event = this.newEvent(shop, topic, payload);
    return Promise.all(
      this.subscriptionsFor(topic).map((subscription) => {
        const record = this.record(event, subscription);
        return this.track(this.attempt(event, subscription, record));
      }),
    );
  }

  /**
   * Queues the webhook of a state change (an order created, a level updated …). Delivery runs
   * after the response that caused it, subject to the fault modes; `idle()` waits for it.
   * `eventId` is given when one change is sent under several topics (ADR 027).
   */
  emit(shop: ShopState, topic: string, payload: unknown, eventId?: string): void {
    const subscriptions = this.subscriptionsFor(topic);
    if (subscriptions.length === 0 || !shop.installation.installed) return;
    const event = this.newEvent(shop, topic, payload, eventId);
    for (const subscription of subscriptions) {
      const record = this.record(event, subscription);
      if (this.faults.drop && this.dice() < this.faults.drop) {
        record.state = "dropped";
        continue;
      }
      let wait = this.faults.delayMs ?? 0;
      if (this.faults.reorderWindowMs) wait += Math.floor(this.dice() * this.faults.reorderWindowMs);
      if (wait > 0) {
        record.state = "scheduled";
        record.nextAttemptAt = new Date(this.clock.now().getTime() + wait).toISOString();
        this.schedule(wait, () => this.attempt(event, subscription, record));
      } else {
        // After the current response (a microtask at least keeps the mutation's answer first).
        this.track(this.jitter().then(() => this.attempt(event, subscription, record)));
      }
    }
  }

  /** Resolves when no attempt is in flight (retries scheduled for later do not count). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private newEvent(shop: ShopState, topic: string, payload: unknown, eventId: string = randomUUID()): WebhookEvent {
    return { eventId, topic, shop, body: JSON.stringify(payload), triggeredAt: this.clock.now() };
  }

  /** A seeded random wait of real time, 0…jitterMs (none without jitter). */
  private async jitter(): Promise<void> {
    const ms = this.faults.jitterMs ? Math.floor(this.dice() * this.faults.jitterMs) : 0;
    if (ms > 0 && !this.stopping.signal.aborted) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  private record(event: WebhookEvent, subscription: AppSubscription): WebhookEventRecord {
    const record: WebhookEventRecord = {
      eventId: event.eventId,
      webhookId: randomUUID(),
      topic: event.topic,
      shop: event.shop.domain,
      url: subscription.uri,
      triggeredAt: event.triggeredAt.toISOString(),
      state: "delivering",
      attempts: 0,
      nextAttemptAt: null,
    };
    this.events.push(record);
    return record;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inflight.add(promise);
    void promise.finally(() => this.inflight.delete(promise)).catch(() => undefined);
    return promise;
  }

  private schedule(delayMs: number, fn: () => Promise<unknown>): void {
    const cancel = this.clock.setTimer(delayMs, () => {
      this.cancelTimers.delete(cancel);
      if (!this.stopping.signal.aborted) this.track(fn());
    });
    this.cancelTimers.add(cancel);
  }

  /** One attempt (plus a duplicate if the dice say so); schedules the next retry on failure. */
  private async attempt(event: WebhookEvent, subscription: AppSubscription, record: WebhookEventRecord): Promise<Delivery> {
    record.state = "delivering";
    record.nextAttemptAt = null;
    record.attempts += 1;
    const delivery = await this.send(event, subscription, record.webhookId, record.attempts, false);
    if (this.faults.duplicate && this.dice() < this.faults.duplicate) {
      const attempt = record.attempts;
      const duplicate = this.track(this.jitter().then(() => this.send(event, subscription, record.webhookId, attempt, true)));
      // Without jitter the duplicate follows at once, as the fault tests have always seen it.
      if (!this.faults.jitterMs) await duplicate;
    }
    if (delivery.ok) {
      record.state = "delivered";
    } else if (record.attempts <= RETRY_SCHEDULE_MS.length) {
      const wait = RETRY_SCHEDULE_MS[record.attempts - 1] ?? 0;
      record.state = "retrying";
      record.nextAttemptAt = new Date(this.clock.now().getTime() + wait).toISOString();
      this.schedule(wait, () => this.attempt(event, subscription, record));
    } else {
      record.state = "failed";
    }
    return delivery;
  }

  private async send(event: WebhookEvent, subscription: AppSubscription, webhookId: string, attempt: number, duplicate: boolean): Promise<Delivery> {
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "User-Agent": "Shopify-Captain-Hook",
      "X-Shopify-Topic": event.topic,
      "X-Shopify-Shop-Domain": event.shop.domain,
      "X-Shopify-API-Version": subscription.apiVersion,
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Event-Id": event.eventId,
      "X-Shopify-Triggered-At": event.triggeredAt.toISOString(),
      "X-Shopify-Hmac-Sha256": webhookHmac(this.app.apiSecret, event.body),
    };
    const at = this.clock.now().toISOString();
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      status = await this.post(subscription.uri, headers, event.body);
    } catch (e) {
      error = e instanceof Error ? describeFetchError(e) : String(e);
    }
    const delivery: Delivery = {
      webhookId,
      eventId: event.eventId,
      topic: event.topic,
      shop: event.shop.domain,
      url: subscription.uri,
      attempt,
      duplicate,
      status,
      ok: status !== null && status >= 200 && status < 300,
      error,
      headers,
      body: event.body,
      at,
      durationMs: Math.round(performance.now() - started),
    };
    this.deliveries.push(delivery);
    return delivery;
  }

  /**
   * One POST, failed as Shopify fails it: no connection within connectTimeoutMs, or no answer
   * within timeoutMs of the start (node:http rather than fetch, which has no connect timeout).
   * Redirects are not followed: Shopify counts a 3xx as a failure.
   */
  private post(uri: string, headers: Record<string, string>, body: string): Promise<number> {
    const url = new URL(uri);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<number>((resolve, reject) => {
      let request: ClientRequest | undefined = undefined;
      const fail = (message: string) => request?.destroy(Object.assign(new Error(message), { code: message }));
      const total = setTimeout(() => fail(`no answer within ${this.timeoutMs} ms`), this.timeoutMs);
      const onStop = () => fail("the emulator stopped");
      this.stopping.signal.addEventListener("abort", onStop, { once: true });
      const done = () => {
        clearTimeout(total);
        this.stopping.signal.removeEventListener("abort", onStop);
      };
      request = send(url, { method: "POST", headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) } }, (response: IncomingMessage) => {
        done();
        response.resume(); // the body is not used; free the connection
        resolve(response.statusCode ?? 0);
      });
      request.on("socket", (socket) => {
        if (!socket.connecting) return;
        const connect = setTimeout(() => fail(`no connection within ${this.connectTimeoutMs} ms`), this.connectTimeoutMs);
        socket.once("connect", () => clearTimeout(connect));
        socket.once("close", () => clearTimeout(connect));
      });
      request.on("error", (e) => {
        done();
        reject(e);
      });
      if (this.stopping.signal.aborted) onStop();
      request.end(body);
    });
  }

  /** Aborts attempts still waiting for the app and cancels scheduled retries (on emulator stop). */
  close(): void {
    this.stopping.abort();
    for (const cancel of this.cancelTimers) cancel();
    this.cancelTimers.clear();
  }
}

/** A small deterministic PRNG for the fault dice. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function describeFetchError(error: Error): string {
  return (error as Error & { code?: string }).code ?? error.message;
}

// --- Payloads ----------------------------------------------------------------------------

const WEIGHT_UNITS: Record<ShopState["weightUnit"], string> = { KILOGRAMS: "kg", GRAMS: "g", POUNDS: "lb", OUNCES: "oz" };
const CURRENCY_SYMBOLS: Record<string, string> = { EUR: "€", USD: "$", GBP: "£", CAD: "$", AUD: "$", CHF: "CHF " };

/** The REST shop resource, which `app/uninstalled` (and `shop/update`) deliver. */
export function shopPayload(shop: ShopState, primaryLocationId: number | null) {
  const symbol = CURRENCY_SYMBOLS[shop.currencyCode] ?? "";
  const amount = shop.currencyCode === "EUR" ? "{{amount_with_comma_separator}}" : "{{amount}}";
  const owner = shop.staff.find((s) => s.accountOwner);
  const a = shop.address;
  return {
    id: shop.id,
    name: shop.name,
    email: shop.email,
    domain: shop.domain,
    province: a.province ?? "",
    country: a.countryCode ?? "",
    address1: a.address1 ?? "",
    zip: a.zip ?? "",
    city: a.city ?? "",
    source: null,
    phone: a.phone ?? "",
    latitude: a.latitude,
    longitude: a.longitude,
    primary_locale: shop.primaryLocale,
    address2: a.address2,
    created_at: shop.createdAt.toISOString(),
    updated_at: shop.updatedAt.toISOString(),
    country_code: a.countryCode ?? "",
    country_name: a.country ?? "",
    currency: shop.currencyCode,
    customer_email: shop.email,
    timezone: shop.timezone,
    iana_timezone: shop.ianaTimezone,
    shop_owner: owner ? `${owner.firstName} ${owner.lastName}` : "",
    money_format: `${symbol}${amount}`,
    money_with_currency_format: `${symbol}${amount} ${shop.currencyCode}`,
    weight_unit: WEIGHT_UNITS[shop.weightUnit],
    province_code: a.provinceCode ?? "",
    taxes_included: shop.taxesIncluded,
    auto_configure_tax_inclusivity: null,
    tax_shipping: null,
    county_taxes: true,
    plan_display_name: shop.plan.displayName,
    plan_name: shop.plan.partnerDevelopment ? "affiliate" : shop.plan.displayName.toLowerCase().replace(/\s+/g, "_"),
    has_discounts: false,
    has_gift_cards: false,
    myshopify_domain: shop.domain,
    google_apps_domain: null,
    google_apps_login_enabled: null,
    money_in_emails_format: `${symbol}${amount}`,
    money_with_currency_in_emails_format: `${symbol}${amount} ${shop.currencyCode}`,
    eligible_for_payments: true,
    requires_extra_payments_agreement: false,
    password_enabled: false,
    has_storefront: true,
    finances: true,
    primary_location_id: primaryLocationId ?? 0,
    checkout_api_supported: true,
    multi_location_enabled: true,
    setup_required: false,
    pre_launch_enabled: false,
    enabled_presentment_currencies: [shop.currencyCode],
    marketing_sms_consent_enabled_at_checkout: false,
    transactional_sms_disabled: false,
  };
}

/**
 * Default compliance payloads (Shopify's documented shapes). A caller's payload is merged over
 * the default, so a test can name a specific customer or orders.
 */
export function compliancePayload(shop: ShopState, topic: ComplianceTopic, override: Record<string, unknown> = {}) {
  const base = { shop_id: shop.id, shop_domain: shop.domain };
  const first = shop.customers[0];
  const customer = first
    ? { id: first.id, email: first.email, phone: first.phone }
    : { id: 1, email: "customer@example.com", phone: "+10000000000" };
  switch (topic) {
    case "customers/data_request":
      return { ...base, orders_requested: [], customer, data_request: { id: randomInt(1, 2 ** 31) }, ...override };
    case "customers/redact":
      return { ...base, customer, orders_to_redact: [], ...override };
    case "shop/redact":
      return { ...base, ...override };
  }
}
