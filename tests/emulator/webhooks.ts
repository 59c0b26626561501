/**
 * Webhook delivery to the app, as Shopify does it for app-specific subscriptions
 * (shopify.app.toml): HTTP POST of the JSON payload with Shopify's headers, signed with
 * base64(HMAC-SHA256(app secret, raw body)), 5 s to answer.
 *
 * Every attempt is recorded in `deliveries`. For now each event gets one attempt per
 * subscription; Shopify's retry schedule (8 retries over 4 h, time-scaled in tests) and the fault
 * modes (duplicate, reorder, delay, drop) plug in at `deliver`, which already numbers attempts
 * and keeps the webhook id and event id stable across them.
 */
import { createHmac, randomInt, randomUUID } from "node:crypto";
import type { AppConfig, AppSubscription, ComplianceTopic } from "./app-config";
import type { ShopState } from "./state";

export const WEBHOOK_TIMEOUT_MS = 5_000;

export interface Delivery {
  /** `X-Shopify-Webhook-Id`: one per event and subscription, the same for every retry. */
  webhookId: string;
  /** `X-Shopify-Event-Id`: one per event, shared by every subscription it is delivered to. */
  eventId: string;
  topic: string;
  shop: string;
  url: string;
  /** 1 for the first attempt. */
  attempt: number;
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
  private readonly stopping = new AbortController();

  constructor(
    private readonly app: AppConfig,
    private readonly clock: () => Date,
    private readonly timeoutMs = WEBHOOK_TIMEOUT_MS,
  ) {}

  subscriptionsFor(topic: string): AppSubscription[] {
    return this.app.subscriptions.filter((s) => s.topic === topic);
  }

  /** Delivers one event to every subscription for its topic; resolves when all attempts ended. */
  async trigger(shop: ShopState, topic: string, payload: unknown): Promise<Delivery[]> {
    const event: WebhookEvent = {
      eventId: randomUUID(),
      topic,
      shop,
      body: JSON.stringify(payload),
      triggeredAt: this.clock(),
    };
    return Promise.all(this.subscriptionsFor(topic).map((subscription) => this.deliver(event, subscription, randomUUID(), 1)));
  }

  private async deliver(event: WebhookEvent, subscription: AppSubscription, webhookId: string, attempt: number): Promise<Delivery> {
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
    const at = this.clock().toISOString();
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(subscription.uri, {
        method: "POST",
        headers,
        body: event.body,
        redirect: "manual", // Shopify does not follow redirects for webhooks
        signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.stopping.signal]),
      });
      status = response.status;
      await response.body?.cancel(); // the body is not used; free the connection
    } catch (e) {
      const cause = e instanceof Error ? e : new Error(String(e));
      error = cause.name === "TimeoutError" ? `no answer within ${this.timeoutMs} ms` : describeFetchError(cause);
    }
    const delivery: Delivery = {
      webhookId,
      eventId: event.eventId,
      topic: event.topic,
      shop: event.shop.domain,
      url: subscription.uri,
      attempt,
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

  /** Aborts attempts still waiting for the app (on emulator stop). */
  close(): void {
    this.stopping.abort();
  }
}

function describeFetchError(error: Error): string {
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
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
