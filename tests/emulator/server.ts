/**
 * The emulator's HTTP surface (node:http, a small route table):
 *
 *   Shopify, as the app's server reaches it through SHOPIFY_LOCAL_URL (`https://{shop}/X` →
 *   `/shops/{shop}/X`):
 *     POST /shops/{shop}/admin/oauth/access_token
 *     POST /shops/{shop}/admin/api/{version}/graphql.json
 *     GET  /shops/{shop}/admin/oauth/install?client_id=…   → the admin's consent page
 *     GET  /shops/{shop}/admin/…                           → /store/{handle}/… (as Shopify redirects)
 *   The admin, as the browser sees admin.shopify.com:
 *     GET  /store/{handle}[/apps/{apiKey|handle}[/sub/path]]
 *     POST /store/{handle}/apps/{apiKey}/session-token      (the admin page mints id tokens here)
 *     GET|POST /store/{handle}/oauth/install
 *     POST /store/{handle}/apps/{apiKey}/uninstall
 *   Shopify's CDN: GET /cdn/app-bridge.js
 *   The script API for tests and the demo: /_emulator/…
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { COMPLIANCE_TOPICS, type ComplianceTopic } from "./app-config";
import { adminHomePage, APP_BASE_PATH, appFramePage, errorPage, indexPage, installPage } from "./admin-pages";
import { EmulatorCore, EmulatorError } from "./emulator";
import { grantedScopes } from "./graphql/access";
import { executeAdminGraphql } from "./graphql/admin-api";
import { ADMIN_API_VERSION } from "./graphql/schema";
import { checkAccessToken, grantOf, handleAccessTokenRequest, issueScriptAccessToken } from "./oauth";
import type { MintSessionTokenOptions } from "./session-token";
import type { WebhookFaults } from "./webhooks";
import { generateShopSeed, type GenerateShopOptions } from "./seed-generator";
import { shopDomainOf, summarizeShop, type ShopState } from "./state";

const MAX_BODY_BYTES = 5 * 1024 * 1024;

const asset = (name: string) => readFileSync(new URL(`./browser/${name}`, import.meta.url), "utf8");
const APP_BRIDGE_JS = asset("app-bridge.js");
const ADMIN_FRAME_JS = asset("admin-frame.js");

interface EmulatorRequest {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

type Handler = (request: EmulatorRequest, match: string[]) => Reply | Promise<Reply>;

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
  body: JSON.stringify(body),
});
const html = (status: number, body: string): Reply => ({ status, headers: { "Content-Type": "text/html; charset=utf-8" }, body });
const javascript = (body: string): Reply => ({
  status: 200,
  headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store", "Access-Control-Allow-Origin": "*" },
  body,
});
const redirect = (location: string, status = 302): Reply => ({ status, headers: { Location: location } });

export function createRequestHandler(core: EmulatorCore) {
  const { app } = core;
  const appPathPattern = `(?:${escapeRegExp(app.apiKey)}|${escapeRegExp(app.handle)})`;

  const adminAppPath = (shop: ShopState, subpath = "") => `/store/${shop.handle}/apps/${app.apiKey}${subpath}`;

  /** The embedded app URL with the query Shopify's admin adds (sorted, HMAC-signed). */
  function appFrameUrl(shop: ShopState, subpath: string, appQuery: URLSearchParams): string {
    const url = new URL(`${app.appUrl}${APP_BASE_PATH}${subpath}`);
    const params = new URLSearchParams(appQuery);
    params.set("embedded", "1");
    // Standard base64 without padding: the library's sanitizeHost accepts [0-9a-zA-Z+/] only.
    params.set("host", Buffer.from(`admin.shopify.com/store/${shop.handle}`).toString("base64").replace(/=+$/, ""));
    params.set("id_token", core.mintSessionToken(shop.domain));
    params.set("locale", shop.staff.find((s) => s.accountOwner)?.locale ?? "en");
    params.set("session", randomBytes(32).toString("hex"));
    params.set("shop", shop.domain);
    params.set("timestamp", String(Math.floor(core.clock().getTime() / 1000)));
    params.sort();
    const message = [...params].map(([k, v]) => `${k}=${v}`).join("&");
    params.set("hmac", createHmac("sha256", app.apiSecret).update(message).digest("hex"));
    params.sort();
    url.search = params.toString();
    return url.toString();
  }

  function shopOr404Html(handle: string): ShopState | Reply {
    return core.findShop(handle) ?? html(404, errorPage({ status: 404, message: `There is no store at ${shopDomainOf(handle)}.`, app }));
  }

  function shopOr404Json(shopParam: string): ShopState | Reply {
    return core.findShop(decodeURIComponent(shopParam)) ?? json(404, { errors: "Not Found" });
  }

  const isReply = (value: ShopState | Reply): value is Reply => !("domain" in value);

  const routes: { method: string; pattern: RegExp; handle: Handler }[] = [
    { method: "GET", pattern: /^\/$/, handle: () => html(200, indexPage({ shops: core.allShops(), app })) },
    { method: "GET", pattern: /^\/favicon\.ico$/, handle: () => ({ status: 204 }) },
    { method: "GET", pattern: /^\/cdn\/app-bridge\.js$/, handle: () => javascript(APP_BRIDGE_JS) },
    { method: "GET", pattern: /^\/_emulator\/assets\/admin-frame\.js$/, handle: () => javascript(ADMIN_FRAME_JS) },

    // --- Shopify, reached by the app's server --------------------------------------------------
    {
      method: "POST",
      pattern: /^\/shops\/([^/]+)\/admin\/oauth\/access_token$/,
      handle: (request, [shopParam = ""]) => {
        const shop = shopOr404Json(shopParam);
        if (isReply(shop)) return shop;
        const body = parseBody(request);
        const result = handleAccessTokenRequest({ app, shop, body, now: core.clock() });
        core.tokenRequests.push({ shop: shop.domain, grant: grantOf(body), status: result.status, error: typeof result.body.error === "string" ? result.body.error : null, at: core.clock() });
        return json(result.status, result.body, { "X-Request-Id": randomUUID() });
      },
    },
    {
      method: "POST",
      pattern: /^\/shops\/([^/]+)\/admin\/api\/([^/]+)\/graphql\.json$/,
      handle: (request, [shopParam = "", version = ""]) => {
        const shop = shopOr404Json(shopParam);
        if (isReply(shop)) return shop;
        const requestId = randomUUID();
        if (version !== ADMIN_API_VERSION) {
          return json(
            404,
            { errors: `Admin API version ${version} is not served by the Tenon Shopify emulator; it serves ${ADMIN_API_VERSION} only.` },
            { "X-Request-Id": requestId },
          );
        }
        const now = core.clock();
        const header = request.headers["x-shopify-access-token"];
        core.beforeAdminRequest(shop);
        const check = checkAccessToken(shop, Array.isArray(header) ? header[0] : header, now, { acceptNonExpiring: core.acceptNonExpiringOfflineTokens });
        if (!check.ok) return json(check.status, { errors: check.message }, { "X-Request-Id": requestId });
        const token = check.token;
        const transport = { answerLost: false };
        const result = executeAdminGraphql({
          request: graphqlRequest(request),
          // What the store has granted the app now (graphql/access.ts): scopes belong to the
          // installation (AppInstallation.accessScopes), not to one token. Script tokens act as the merchant.
          context: { ...core.adminContext(shop), now, scopes: token.issuedTo === "script" ? undefined : grantedScopes(shop.installation.scopes), transport },
          bucket: core.bucketFor(shop),
        });
        // A slow attempt (graphql/idempotency.ts): it ran, but the app never hears how.
        if (transport.answerLost) return json(504, { errors: "Gateway Timeout" }, { "X-Request-Id": requestId });
        return json(result.status, result.body, { "X-Request-Id": requestId, "X-Shopify-API-Version": ADMIN_API_VERSION });
      },
    },
    {
      method: "GET",
      pattern: /^\/shops\/([^/]+)\/admin\/oauth\/install$/,
      handle: (request, [shopParam = ""]) => {
        const shop = shopOr404Html(decodeURIComponent(shopParam));
        if (isReply(shop)) return shop;
        return redirect(`/store/${shop.handle}/oauth/install${request.url.search}`);
      },
    },
    {
      method: "GET",
      pattern: /^\/shops\/([^/]+)\/admin(\/.*)?$/,
      handle: (request, [shopParam = "", rest = ""]) => {
        const shop = shopOr404Html(decodeURIComponent(shopParam));
        if (isReply(shop)) return shop;
        return redirect(`/store/${shop.handle}${rest}${request.url.search}`);
      },
    },

    // --- The admin, as the browser sees it --------------------------------------------------
    {
      method: "GET",
      pattern: /^\/store\/([^/]+)\/?$/,
      handle: (_request, [handle = ""]) => {
        const shop = shopOr404Html(handle);
        if (isReply(shop)) return shop;
        return html(200, adminHomePage({ shop, app }));
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`^/store/([^/]+)/apps/${appPathPattern}/session-token$`),
      handle: async (request, [handle = ""]) => {
        const shop = core.findShop(handle);
        if (!shop) return json(404, { error: "shop not found" });
        if (!shop.installation.installed) return json(403, { error: `${app.name} is not installed on ${shop.domain}` });
        return json(200, { token: core.mintSessionToken(shop.domain) }, { "Cache-Control": "no-store" });
      },
    },
    {
      method: "POST",
      pattern: new RegExp(`^/store/([^/]+)/apps/${appPathPattern}/uninstall$`),
      handle: async (_request, [handle = ""]) => {
        const shop = shopOr404Html(handle);
        if (isReply(shop)) return shop;
        if (shop.installation.installed) await core.uninstall(shop.domain);
        return redirect(`/store/${shop.handle}`, 303);
      },
    },
    {
      method: "GET",
      pattern: new RegExp(`^/store/([^/]+)/apps/${appPathPattern}(/.*)?$`),
      handle: (request, [handle = "", subpath = ""]) => {
        const shop = shopOr404Html(handle);
        if (isReply(shop)) return shop;
        const returnTo = adminAppPath(shop, subpath) + request.url.search;
        if (!shop.installation.installed) return html(200, installPage({ shop, app, returnTo }));
        return html(
          200,
          appFramePage({
            shop,
            app,
            iframeSrc: appFrameUrl(shop, subpath === "/" ? "" : subpath, request.url.searchParams),
            sessionTokenUrl: adminAppPath(shop, "/session-token"),
          }),
        );
      },
    },
    {
      method: "GET",
      pattern: /^\/store\/([^/]+)\/apps\/([^/]+)/,
      handle: (_request, [, appParam = ""]) =>
        html(404, errorPage({ status: 404, message: `No app ${decodeURIComponent(appParam)} in this emulator (it serves ${app.name}, ${app.apiKey}).`, app })),
    },
    {
      method: "GET",
      pattern: /^\/store\/([^/]+)\/oauth\/install$/,
      handle: (request, [handle = ""]) => {
        const shop = shopOr404Html(handle);
        if (isReply(shop)) return shop;
        const clientId = request.url.searchParams.get("client_id");
        if (clientId !== app.apiKey) {
          return html(404, errorPage({ status: 404, message: `No app with client_id ${clientId ?? "(none)"} in this emulator.`, app }));
        }
        // Managed installation: an installed app opens directly.
        if (shop.installation.installed) return redirect(adminAppPath(shop));
        return html(200, installPage({ shop, app, returnTo: adminAppPath(shop) }));
      },
    },
    {
      method: "POST",
      pattern: /^\/store\/([^/]+)\/oauth\/install$/,
      handle: (request, [handle = ""]) => {
        const shop = shopOr404Html(handle);
        if (isReply(shop)) return shop;
        const form = parseBody(request);
        if (form.client_id !== app.apiKey) return html(400, errorPage({ status: 400, message: "Unknown client_id.", app }));
        core.install(shop.domain);
        const returnTo = typeof form.return_to === "string" && form.return_to.startsWith(`/store/${shop.handle}/`) ? form.return_to : adminAppPath(shop);
        return redirect(returnTo, 303);
      },
    },

    // --- Shopify's file storage: bulk operation results (an unguessable URL, like a signed one) ---
    {
      method: "GET",
      pattern: /^\/bulk-operation-results\/([^/]+)\/(\d+)\/([0-9a-f]+)\.jsonl$/,
      handle: (_request, [handle = "", id = "", token = ""]): Reply => {
        const file = core.bulkOperationFile(handle, Number(id), token);
        if (file === null) return { status: 404, headers: { "Content-Type": "text/plain" }, body: "Not Found" };
        return { status: 200, headers: { "Content-Type": "application/jsonl", "Content-Length": String(Buffer.byteLength(file)) }, body: file };
      },
    },

    // --- Script API ---------------------------------------------------------------------------
    { method: "GET", pattern: /^\/_emulator\/health$/, handle: () => json(200, { ok: true }) },
    {
      method: "GET",
      pattern: /^\/_emulator\/shops$/,
      handle: () => json(200, core.allShops().map((s) => summarizeShop(s, core.clock()))),
    },
    {
      method: "POST",
      pattern: /^\/_emulator\/shops$/,
      // A seed (seed.ts), or {"generate": {"variants": 100000, "locations": 50, "orders": 10000, "seed": 1, "handle"?: …}}.
      handle: (request) => {
        const body = parseJson(request) as { generate?: GenerateShopOptions } | null;
        const seed = body && typeof body === "object" && "generate" in body ? generatedSeed(body.generate) : body;
        const shop = core.createShop(seed as never);
        return json(201, summarizeShop(shop, core.clock()));
      },
    },
    {
      method: "GET",
      pattern: /^\/_emulator\/shops\/([^/]+)$/,
      handle: (_request, [shopParam = ""]) => {
        const shop = core.shop(decodeURIComponent(shopParam));
        return json(200, { ...summarizeShop(shop, core.clock()), webhookSubscriptions: app.subscriptions });
      },
    },
    {
      // An offline access token of the app for scripts (the CLI); the app must be installed.
      method: "POST",
      pattern: /^\/_emulator\/shops\/([^/]+)\/access-token$/,
      handle: (_request, [shopParam = ""]) => {
        const shop = core.shop(decodeURIComponent(shopParam));
        if (!shop.installation.installed) return json(409, { error: `${app.name} is not installed on ${shop.domain}` });
        return json(200, issueScriptAccessToken(shop, core.clock()));
      },
    },
    {
      // Back to the shop's seed; the app stays installed with its tokens.
      method: "POST",
      pattern: /^\/_emulator\/shops\/([^/]+)\/reset$/,
      handle: (_request, [shopParam = ""]) => json(200, summarizeShop(core.resetShop(decodeURIComponent(shopParam)), core.clock())),
    },
    {
      method: "POST",
      pattern: /^\/_emulator\/shops\/([^/]+)\/install$/,
      handle: (_request, [shopParam = ""]) => json(200, summarizeShop(core.install(decodeURIComponent(shopParam)), core.clock())),
    },
    {
      method: "POST",
      pattern: /^\/_emulator\/shops\/([^/]+)\/uninstall$/,
      handle: async (_request, [shopParam = ""]) => {
        const deliveries = await core.uninstall(decodeURIComponent(shopParam));
        return json(200, { shop: summarizeShop(core.shop(decodeURIComponent(shopParam)), core.clock()), deliveries });
      },
    },
    {
      method: "POST",
      pattern: /^\/_emulator\/shops\/([^/]+)\/webhooks\/(.+)$/,
      handle: async (request, [shopParam = "", topic = ""]) => {
        const decodedTopic = decodeURIComponent(topic);
        if (!(COMPLIANCE_TOPICS as readonly string[]).includes(decodedTopic)) {
          return json(400, { error: `Only compliance topics can be sent from the script API: ${COMPLIANCE_TOPICS.join(", ")}` });
        }
        const payload = request.body.length > 0 ? parseJson(request) : undefined;
        if (payload !== undefined && (payload === null || typeof payload !== "object" || Array.isArray(payload))) {
          return json(400, { error: "The payload must be a JSON object" });
        }
        const delivery = await core.sendComplianceWebhook(
          decodeURIComponent(shopParam),
          decodedTopic as ComplianceTopic,
          payload as Record<string, unknown> | undefined,
        );
        return json(200, delivery);
      },
    },
    {
      method: "POST",
      pattern: /^\/_emulator\/shops\/([^/]+)\/session-token$/,
      handle: (request, [shopParam = ""]) => {
        const options = request.body.length > 0 ? (parseJson(request) as MintSessionTokenOptions) : {};
        return json(200, { token: core.mintSessionToken(decodeURIComponent(shopParam), options) });
      },
    },
    {
      method: "GET",
      pattern: /^\/_emulator\/clock$/,
      handle: () => json(200, { now: core.clock().toISOString() }),
    },
    {
      // {"advanceMs": 60000}: moves a manual clock (409 on real time), running due webhook retries.
      method: "POST",
      pattern: /^\/_emulator\/clock$/,
      handle: async (request) => {
        const body = parseBody(request);
        const advanceMs = Number(body.advanceMs);
        if (!Number.isFinite(advanceMs) || advanceMs < 0) return json(400, { error: "advanceMs must be a non-negative number" });
        await core.advanceClock(advanceMs);
        return json(200, { now: core.clock().toISOString() });
      },
    },
    {
      // {"duplicate": 0.5, "reorderWindowMs": 2000, "delayMs": 0, "drop": 0.1, "seed": 7}; {} turns faults off.
      method: "POST",
      pattern: /^\/_emulator\/webhooks\/faults$/,
      handle: (request) => {
        core.webhooks.setFaults(parseBody(request) as WebhookFaults);
        return json(200, core.webhooks.currentFaults());
      },
    },
    {
      method: "GET",
      pattern: /^\/_emulator\/webhooks\/events$/,
      handle: () => json(200, core.webhooks.events),
    },
    {
      // {"plan": "standard"|"advanced"|"plus"|"enterprise"} or {"restoreRate": 100, "maximumAvailable": 2000}
      method: "POST",
      pattern: /^\/_emulator\/shops\/([^/]+)\/throttle$/,
      handle: (request, [shopParam = ""]) => json(200, core.setThrottle(decodeURIComponent(shopParam), parseBody(request) as never)),
    },
    {
      method: "GET",
      pattern: /^\/_emulator\/deliveries$/,
      handle: (request) => {
        const topic = request.url.searchParams.get("topic");
        const shop = request.url.searchParams.get("shop");
        return json(
          200,
          core.webhooks.deliveries.filter((d) => (!topic || d.topic === topic) && (!shop || d.shop === shopDomainOf(shop))),
        );
      },
    },
  ];

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      const request: EmulatorRequest = {
        method: req.method ?? "GET",
        url: new URL(req.url ?? "/", "http://emulator.invalid"),
        headers: req.headers,
        body: await readBody(req),
      };
      reply = await route(request);
    } catch (error) {
      if (error instanceof EmulatorError) reply = json(error.status, { error: error.message });
      else if (error instanceof BadRequest) reply = json(400, { error: error.message });
      else {
        // An emulator bug: make it visible in the test run that hit it.
        console.error("Tenon Shopify emulator: unhandled error", error);
        reply = json(500, { errors: "Internal error in the Tenon Shopify emulator" });
      }
    }
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  };

  async function route(request: EmulatorRequest): Promise<Reply> {
    let pathMatched = false;
    for (const candidate of routes) {
      const match = candidate.pattern.exec(request.url.pathname);
      if (!match) continue;
      pathMatched = true;
      if (candidate.method !== request.method && !(candidate.method === "GET" && request.method === "HEAD")) continue;
      return candidate.handle(request, match.slice(1));
    }
    if (pathMatched) return json(405, { errors: `Method ${request.method} not allowed` });
    return request.url.pathname.startsWith("/shops/") || request.url.pathname.startsWith("/_emulator/")
      ? json(404, { errors: "Not Found" })
      : html(404, errorPage({ status: 404, message: `${request.url.pathname} is not part of the emulated admin.`, app }));
  }
}

class BadRequest extends Error {}

function generatedSeed(options: unknown) {
  if (!options || typeof options !== "object") throw new BadRequest("generate must be an object such as {\"variants\": 1000}");
  try {
    return generateShopSeed(options as GenerateShopOptions);
  } catch (error) {
    throw new BadRequest(error instanceof Error ? error.message : String(error));
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BadRequest("Request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function parseJson(request: EmulatorRequest): unknown {
  try {
    return JSON.parse(request.body.toString("utf8"));
  } catch {
    throw new BadRequest("The request body is not valid JSON");
  }
}

/** JSON or form-encoded bodies (Shopify's token endpoint accepts both). */
function parseBody(request: EmulatorRequest): Record<string, unknown> {
  const type = String(request.headers["content-type"] ?? "");
  if (type.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(request.body.toString("utf8")));
  }
  if (request.body.length === 0) return {};
  const parsed = parseJson(request);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new BadRequest("Expected a JSON object");
  return parsed as Record<string, unknown>;
}

/** Shopify accepts `application/json` ({query, variables, operationName}) and `application/graphql`. */
function graphqlRequest(request: EmulatorRequest) {
  const type = String(request.headers["content-type"] ?? "");
  if (type.includes("application/graphql")) return { query: request.body.toString("utf8") };
  return parseBody(request);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
