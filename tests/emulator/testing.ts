/**
 * Helpers for tests that talk to the emulator over HTTP, as the app does: a tiny webhook receiver
 * standing in for the app's webhook routes, token exchange and Admin GraphQL calls.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { Emulator } from "./index";
import { shopDomainOf } from "./state";

export const TEST_APP = { apiKey: "tenon-test-api-key", apiSecret: "tenon-test-api-secret" } as const;

export const TOKEN_EXCHANGE = {
  grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
  subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
  offline: "urn:shopify:params:oauth:token-type:offline-access-token",
  online: "urn:shopify:params:oauth:token-type:online-access-token",
} as const;

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  /** Raw body, exactly as received. */
  body: string;
}

export interface WebhookReceiver {
  /** Origin to use as the app URL (toml `uri`s are resolved against it). */
  url: string;
  received: ReceivedWebhook[];
  /** The status the receiver answers; change it between deliveries. */
  status: number;
  /** Delay before answering, to provoke timeouts. */
  delayMs: number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: "",
    received: [],
    status: 200,
    delayMs: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      receiver.received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const answer = () => {
        if (!res.destroyed) res.writeHead(receiver.status).end();
      };
      if (receiver.delayMs > 0) setTimeout(answer, receiver.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

/** The token exchange request @shopify/shopify-api sends, with overrides for negative tests. */
export function exchangeToken(
  emulator: Emulator,
  shop: string,
  subjectToken: string,
  overrides: Record<string, string> = {},
) {
  return postJson(`${emulator.url}/shops/${shopDomainOf(shop)}/admin/oauth/access_token`, {
    client_id: TEST_APP.apiKey,
    client_secret: TEST_APP.apiSecret,
    grant_type: TOKEN_EXCHANGE.grant_type,
    subject_token: subjectToken,
    subject_token_type: TOKEN_EXCHANGE.subject_token_type,
    requested_token_type: TOKEN_EXCHANGE.offline,
    expiring: "1",
    ...overrides,
  });
}

export async function offlineAccessToken(emulator: Emulator, shop: string): Promise<string> {
  const { status, body } = await exchangeToken(emulator, shop, emulator.mintSessionToken(shop));
  if (status !== 200 || typeof body.access_token !== "string") throw new Error(`token exchange failed: ${status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/**
 * A script API token: the merchant acting in Shopify's admin (oauth.ts), not limited by the app's
 * access scopes and never expiring. For tests about something else than scopes (costs, throttling).
 */
export async function merchantAccessToken(emulator: Emulator, shop: string): Promise<string> {
  const { status, body } = await postJson(`${emulator.url}/_emulator/shops/${shopDomainOf(shop)}/access-token`, {});
  if (status !== 200 || typeof (body as { access_token?: unknown }).access_token !== "string") throw new Error(`script token failed: ${status}`);
  return (body as { access_token: string }).access_token;
}

export function adminGraphql(
  emulator: Emulator,
  shop: string,
  accessToken: string | null,
  query: string,
  variables: Record<string, unknown> = {},
  version = "2026-07",
) {
  return postJson(
    `${emulator.url}/shops/${shopDomainOf(shop)}/admin/api/${version}/graphql.json`,
    { query, variables },
    accessToken === null ? {} : { "X-Shopify-Access-Token": accessToken },
  );
}

/** Decodes a JWT's payload without verifying it (the tests verify separately). */
export function jwtPayload(token: string): Record<string, unknown> {
  const payload = token.split(".")[1];
  if (!payload) throw new Error("not a JWT");
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}

/**
 * Shopify's own API library configured for the test app, with its HTTP calls to `https://{shop}`
 * sent to the emulator — the same rewrite the app's SHOPIFY_LOCAL_URL seam does. Tests use it to
 * prove the emulator answers in the shapes the real client code parses.
 */
export async function shopifyApiFor(emulator: Emulator, appUrl = "http://127.0.0.1:3999") {
  await import("@shopify/shopify-api/adapters/node");
  const { setAbstractFetchFunc } = await import("@shopify/shopify-api/runtime");
  const { shopifyApi, ApiVersion, LogSeverity } = await import("@shopify/shopify-api");
  setAbstractFetchFunc(async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (url.hostname.endsWith(".myshopify.com")) {
      return fetch(`${emulator.url}/shops/${url.hostname}${url.pathname}${url.search}`, init);
    }
    return fetch(input, init);
  });
  return shopifyApi({
    apiKey: TEST_APP.apiKey,
    apiSecretKey: TEST_APP.apiSecret,
    apiVersion: ApiVersion.July26,
    hostName: new URL(appUrl).host,
    hostScheme: "http",
    isEmbeddedApp: true,
    scopes: ["read_products"],
    logger: { level: LogSeverity.Error, log: () => undefined },
  });
}
