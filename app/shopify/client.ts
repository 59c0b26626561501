/**
 * A thin typed layer over the Admin GraphQL client of @shopify/shopify-app-remix
 * (`admin.graphql`, which goes through the library's fetch seam and session handling).
 * GraphQL errors come back as a typed failure instead of a `!` chain on `data`.
 *
 * Two entry points:
 * - `shopifyQuery`: one call, one answer (no waiting, no retry) — for request handlers.
 * - `createShopifyClient`: the throttle-aware client every background feature shares
 *   (docs/decisions/011-throttle-aware-client.md). It reads `extensions.cost.throttleStatus`
 *   from every answer, paces requests to the bucket, waits exactly as long as needed on
 *   THROTTLED, retries transient failures with backoff, never retries a mutation whose outcome
 *   is unknown unless it is idempotent, and turns `userErrors` into a typed failure.
 */

export interface AdminGraphql {
  graphql(query: string, options?: { variables?: Record<string, unknown> }): Promise<Response>;
}

export type ShopifyFailureCode =
  | "SHOPIFY_GRAPHQL_ERROR"
  | "SHOPIFY_THROTTLED"
  | "SHOPIFY_HTTP_ERROR"
  /** Network failure or 5xx on a mutation that is not idempotent: it may or may not have run. */
  | "SHOPIFY_OUTCOME_UNKNOWN"
  /** The request costs more than Shopify runs in one call (split it). */
  | "SHOPIFY_MAX_COST_EXCEEDED"
  /** The mutation ran and answered `userErrors` (see `userErrors`). */
  | "SHOPIFY_USER_ERRORS"
  /**
   * Shopify refused an object the app is not approved to read at all: orders and customers
   * without protected customer data access (docs/decisions/023). No retry helps until Shopify
   * approves the app.
   */
  | "SHOPIFY_CUSTOMER_DATA_REFUSED"
  /** The store has not granted a scope the document needs (ACCESS_DENIED; docs/decisions/024). */
  | "SHOPIFY_ACCESS_DENIED";

export interface ShopifyUserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

/** A failure is the same type whatever was asked, so callers can pass it on as their own. */
export interface ShopifyFailure {
  ok: false;
  code: ShopifyFailureCode;
  message: string;
  /** HTTP status when Shopify answered one (401, 500, …). */
  status?: number;
  /** With SHOPIFY_USER_ERRORS: the errors, and the payload (`data`) they came with. */
  userErrors?: ShopifyUserError[];
  data?: unknown;
  cost?: QueryCost;
}

/**
 * `redacted`: the fields Shopify answered null because the app is not approved for that protected
 * customer data (name, email, phone, address), as paths ("order.customer.firstName"); absent when
 * nothing was redacted.
 */
export type ShopifyResult<T> = { ok: true; data: T; cost?: QueryCost; redacted?: string[] } | ShopifyFailure;

type GraphqlError = { message: string; path?: (string | number)[]; extensions?: { code?: string } & Record<string, unknown> };

/**
 * Shopify's refusal of protected customer data: "This app is not approved to access the Customer
 * object" (or "… to use the phoneNumber field"), HTTP 200, at the refused field's path
 * (https://shopify.dev/docs/apps/launch/protected-customer-data, "Using protected customer data").
 * Shopify's example shows no `extensions.code`, apps report ACCESS_DENIED: either counts.
 */
function isProtectedDataRefusal(error: GraphqlError): boolean {
  // A missing scope is ACCESS_DENIED too, but names the scope it needs (docs/decisions/024): that
  // is not redaction, and must never be read as a field that is merely null.
  return /not approved to (access|use) the /i.test(error.message) && error.extensions?.requiredAccess === undefined;
}

/**
 * An answer whose only errors are refusals of fields inside the data (not of a root field) is
 * the data with those fields redacted: the paths, or null when the answer is not one of those.
 */
function redactedPaths(errors: GraphqlError[], data: unknown): string[] | null {
  if (errors.length === 0 || data === undefined || data === null) return null;
  const paths: string[] = [];
  for (const error of errors) {
    if (!isProtectedDataRefusal(error) || !error.path || error.path.length < 2) return null;
    paths.push(error.path.join("."));
  }
  return paths;
}

/** One answer, read the same way whether the library returned it or threw it. */
interface Answer<T> {
  kind: "answer";
  data?: T;
  errors: GraphqlError[];
  cost?: QueryCost;
}
interface TransportFailure {
  kind: "transport";
  /** HTTP status, or undefined for a network failure (no answer at all). */
  status?: number;
  message: string;
  retryAfterMs?: number;
}

/**
 * Tenon holds no valid credentials for the store: its offline session is gone (uninstall race,
 * shop/redact, removed), or Shopify answered 401 to its access token (revoked or expired).
 * Thrown by the jobs' Admin client (app/jobs/shopify-access.server.ts) and passed through this
 * client and the services unchanged: no retry can help until the merchant opens Tenon again and
 * token exchange stores a new session, so the job parks its work (docs/decisions/019).
 */
export class ShopifyAccessLostError extends Error {
  readonly code = "SHOPIFY_ACCESS_LOST";
  constructor(
    readonly shopDomain: string,
    reason: string,
  ) {
    super(`Tenon has no valid access to ${shopDomain}: ${reason}`);
    this.name = "ShopifyAccessLostError";
  }
}

async function send<T>(admin: AdminGraphql, document: string, variables?: Record<string, unknown>): Promise<Answer<T> | TransportFailure> {
  let response: Response;
  try {
    response = await admin.graphql(document, variables ? { variables } : undefined);
  } catch (error) {
    // Not a failure of this request to retry: every request to the store fails the same way.
    if (error instanceof ShopifyAccessLostError) throw error;
    return fromThrown<T>(error);
  }
  if (!response.ok) return { kind: "transport", status: response.status, message: `HTTP ${response.status}` };
  let body: { data?: T; errors?: GraphqlError[] | { graphQLErrors?: GraphqlError[] }; extensions?: { cost?: QueryCost } };
  try {
    body = (await response.json()) as typeof body;
  } catch (error) {
    return { kind: "transport", status: response.status, message: `Shopify's answer was not JSON: ${(error as Error).message}` };
  }
  return { kind: "answer", data: body.data ?? undefined, errors: errorList(body.errors), cost: body.extensions?.cost };
}

/**
 * The library throws:
 * - a Response for auth failures (shopify-app-remix's handleClientError, e.g. 401 → reauthorize);
 * - GraphqlQueryError when Shopify answered HTTP 200 with `errors` (THROTTLED among them), whose
 *   `body` is the client's response: `{ data?, extensions?, errors: { graphQLErrors, networkStatusCode } }`
 *   — the cost extension is still there;
 * - HttpResponseError / HttpInternalError / HttpThrottlingError (`response.code`, `retryAfter` in s);
 * - HttpRequestError or a fetch TypeError when no answer came at all.
 */
function fromThrown<T>(error: unknown): Answer<T> | TransportFailure {
  if (error instanceof Response) return { kind: "transport", status: error.status, message: `HTTP ${error.status}` };
  const e = error as {
    message?: string;
    body?: { data?: T; extensions?: { cost?: QueryCost }; errors?: unknown };
    response?: { code?: number; retryAfter?: number };
  } | null;
  if (e?.body && typeof e.body === "object" && !e.response?.code) {
    const errors = errorList(e.body.errors as GraphqlError[] | { graphQLErrors?: GraphqlError[] } | undefined);
    if (errors.length > 0 || e.body.extensions) {
      return { kind: "answer", data: e.body.data ?? undefined, errors, cost: e.body.extensions?.cost };
    }
  }
  if (typeof e?.response?.code === "number") {
    const retryAfter = e.response.retryAfter;
    return {
      kind: "transport",
      status: e.response.code,
      message: `HTTP ${e.response.code}`,
      retryAfterMs: typeof retryAfter === "number" && Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
    };
  }
  return { kind: "transport", message: e?.message ?? String(error) };
}

function errorList(errors: GraphqlError[] | { graphQLErrors?: GraphqlError[] } | undefined | null): GraphqlError[] {
  if (!errors) return [];
  if (Array.isArray(errors)) return errors;
  return errors.graphQLErrors ?? [];
}

function graphqlFailure(errors: GraphqlError[], cost?: QueryCost): ShopifyFailure {
  const codes = errors.map((e) => e.extensions?.code);
  const customerDataRefused = errors.length > 0 && errors.every(isProtectedDataRefusal);
  if (!customerDataRefused && codes.includes("ACCESS_DENIED")) return accessDenied(errors, cost);
  const code: ShopifyFailureCode = customerDataRefused
    ? "SHOPIFY_CUSTOMER_DATA_REFUSED"
    : codes.includes("THROTTLED")
      ? "SHOPIFY_THROTTLED"
      : codes.includes("MAX_COST_EXCEEDED")
        ? "SHOPIFY_MAX_COST_EXCEEDED"
        : "SHOPIFY_GRAPHQL_ERROR";
  return { ok: false, code, message: errors.map((e) => e.message).join("; "), ...(cost ? { cost } : {}) };
}

/**
 * Shopify refused a field for a missing access scope (its answer names the scope). Tenon asks for
 * every scope it uses in shopify.app.toml, so this is a store that has not approved them yet (an
 * installation of an earlier version): only the merchant can fix it, by approving the updated
 * permissions, which Shopify asks for when Tenon is opened in the store's admin (docs/decisions/024).
 */
function accessDenied(errors: GraphqlError[], cost?: QueryCost): ShopifyFailure {
  const denied = errors.filter((e) => e.extensions?.code === "ACCESS_DENIED");
  const required = [...new Set(denied.map((e) => (typeof e.extensions?.requiredAccess === "string" ? e.extensions.requiredAccess : e.message)))];
  return {
    ok: false,
    code: "SHOPIFY_ACCESS_DENIED",
    message:
      `Shopify refused Tenon access: the store has not granted a permission Tenon needs (${required.join("; ")}). ` +
      "Open Tenon in the store's Shopify admin and approve its updated permissions; nothing was changed.",
    ...(cost ? { cost } : {}),
  };
}

/** One call, one answer: no waiting and no retry (request handlers answer the merchant at once). */
export async function shopifyQuery<T>(
  admin: AdminGraphql,
  document: string,
  variables?: Record<string, unknown>,
): Promise<ShopifyResult<T>> {
  const answer = await send<T>(admin, document, variables);
  if (answer.kind === "transport") {
    return { ok: false, code: "SHOPIFY_HTTP_ERROR", message: answer.message, ...(answer.status ? { status: answer.status } : {}) };
  }
  const redacted = redactedPaths(answer.errors, answer.data);
  if (answer.errors.length > 0 && !redacted) return graphqlFailure(answer.errors, answer.cost);
  if (!answer.data) return { ok: false, code: "SHOPIFY_GRAPHQL_ERROR", message: "Shopify answered without data." };
  return { ok: true, data: answer.data, ...(answer.cost ? { cost: answer.cost } : {}), ...(redacted ? { redacted } : {}) };
}

// ---------------------------------------------------------------------------------------------
// The throttle-aware client
// ---------------------------------------------------------------------------------------------

export interface ShopifyClientOptions {
  /** Waits; tests pass one that advances the emulator's manual clock. */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch; the same clock `sleep` moves. */
  now?: () => number;
  /** Attempts for transient failures (5xx, 429, network, INTERNAL_SERVER_ERROR). Default 5. */
  maxAttempts?: number;
  /** Backoff before transient attempt n (1-based). Default 500 ms × 2^(n−1), at most 30 s. */
  backoffMs?: (attempt: number) => number;
  /** Gives up with SHOPIFY_THROTTLED after waiting this long in all for one request. Default 10 min. */
  maxThrottleWaitMs?: number;
  /** Stops waiting (the request answers SHOPIFY_THROTTLED / the transient failure). */
  signal?: AbortSignal;
  /** Share one budget between clients of the same store (e.g. several jobs of one process). */
  budget?: ThrottleBudget;
}

export interface RequestOptions {
  /** Is the document a mutation? Default: read from the document. */
  mutation?: boolean;
  /**
   * The mutation's idempotency key: sent as the `$idempotencyKey` variable, which the document
   * passes to `@idempotent(key: $idempotencyKey)`. A mutation is retried after an unknown
   * outcome (network failure, 5xx) only when it is idempotent — Shopify answers a replay with
   * the first run's payload.
   */
  idempotencyKey?: string;
  /** Expected requested cost, for pacing before the first answer tells it. */
  cost?: number;
  /** The payload field whose `userErrors` turn the answer into SHOPIFY_USER_ERRORS. */
  userErrorsAt?: string;
}

export interface ShopifyClient {
  request<T>(document: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<ShopifyResult<T>>;
  /** The last throttle status Shopify reported, or null before the first answer. */
  readonly lastThrottleStatus: ThrottleStatus | null;
  /** Points available now by the last status plus what the restore rate has refilled since. */
  estimatedAvailable(): number | null;
  /** Waits until the bucket holds `cost` points (by the estimate); 0 ms when it does. */
  waitFor(cost: number): Promise<void>;
}

/** The last throttle status of a store and when it was seen. */
export class ThrottleBudget {
  status: ThrottleStatus | null = null;
  seenAt = 0;

  record(status: ThrottleStatus, at: number) {
    this.status = status;
    this.seenAt = at;
  }

  /** Available points at `at`, by the last status and the restore rate. */
  available(at: number): number | null {
    if (!this.status) return null;
    const refilled = (Math.max(0, at - this.seenAt) / 1000) * this.status.restoreRate;
    return Math.min(this.status.maximumAvailable, this.status.currentlyAvailable + refilled);
  }

  /** Milliseconds until `cost` points are available (0 if unknown or already there). */
  waitMs(cost: number, at: number): number {
    const available = this.available(at);
    if (available === null || !this.status) return 0;
    const needed = Math.min(cost, this.status.maximumAvailable) - available;
    if (needed <= 0) return 0;
    return Math.ceil((needed / this.status.restoreRate) * 1000);
  }

  /** Charges a request sent now, so concurrent requests don't all count the same points. */
  spend(cost: number, at: number) {
    const available = this.available(at);
    if (available === null || !this.status) return;
    this.record({ ...this.status, currentlyAvailable: available - cost }, at);
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Is this document a mutation (its first operation, comments and fragments aside)? */
export function isMutationDocument(document: string): boolean {
  const code = document.replace(/#[^\n]*/g, " ");
  return /^\s*mutation\b/.test(code) || /(^|\})\s*mutation\b/.test(code);
}

/** Does the document carry `@idempotent` (so a replay is answered, not run again)? */
export function hasIdempotentDirective(document: string): boolean {
  return /@idempotent\s*\(/.test(document.replace(/#[^\n]*/g, " "));
}

const TRANSIENT_GRAPHQL_CODES = new Set(["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"]);

export function createShopifyClient(admin: AdminGraphql, options: ShopifyClientOptions = {}): ShopifyClient {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? (() => Date.now());
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? ((attempt: number) => Math.min(30_000, 500 * 2 ** (attempt - 1)));
  const maxThrottleWaitMs = options.maxThrottleWaitMs ?? 10 * 60_000;
  const budget = options.budget ?? new ThrottleBudget();
  /** What each document asked for last time: the best guess of its next requested cost. */
  const requestedCost = new Map<string, number>();

  const aborted = () => options.signal?.aborted === true;

  async function waitFor(cost: number) {
    const ms = budget.waitMs(cost, now());
    if (ms > 0) await sleep(ms);
  }

  async function request<T>(document: string, variables?: Record<string, unknown>, requestOptions: RequestOptions = {}): Promise<ShopifyResult<T>> {
    const mutation = requestOptions.mutation ?? isMutationDocument(document);
    const key = requestOptions.idempotencyKey;
    if (key !== undefined && !/\$idempotencyKey\b/.test(document)) {
      throw new Error("An idempotency key was given but the document has no $idempotencyKey variable for @idempotent(key:).");
    }
    if (key !== undefined && key.trim() === "") {
      // Shopify refuses a blank key ("cannot be an empty string or whitespace only", the 2026-07
      // schema's @idempotent): a caller computing one has a bug, and no retry would fix it.
      throw new Error("An idempotency key cannot be empty or whitespace only; Shopify refuses it. Derive it from what the call changes.");
    }
    const vars = key !== undefined ? { ...variables, idempotencyKey: key } : variables;
    // Only an idempotent mutation may be sent again when we cannot know whether it ran.
    const replayable = !mutation || hasIdempotentDirective(document);
    let waited = 0;
    let transientAttempts = 0;

    for (;;) {
      const expected = requestedCost.get(document) ?? requestOptions.cost ?? 0;
      const pace = budget.waitMs(expected, now());
      if (pace > 0) {
        if (waited + pace > maxThrottleWaitMs || aborted()) {
          return { ok: false, code: "SHOPIFY_THROTTLED", message: "Shopify's rate limit did not leave room for this request in time; it will be tried again." };
        }
        await sleep(pace);
        waited += pace;
      }
      budget.spend(expected, now());
      const answer = await send<T>(admin, document, vars);

      if (answer.kind === "transport") {
        const status = answer.status;
        const transient = status === undefined || status === 429 || status >= 500;
        const unknownOutcome = mutation && status !== 429; // 429 ran nothing; 5xx / network may have
        if (!transient) {
          return { ok: false, code: "SHOPIFY_HTTP_ERROR", message: answer.message, ...(status ? { status } : {}) };
        }
        if (unknownOutcome && !replayable) {
          return {
            ok: false,
            code: "SHOPIFY_OUTCOME_UNKNOWN",
            message: `${answer.message}: Shopify may or may not have run this change, and it is not idempotent, so it is not sent again. Check Shopify before retrying.`,
            ...(status ? { status } : {}),
          };
        }
        transientAttempts++;
        if (transientAttempts >= maxAttempts || aborted()) {
          return { ok: false, code: "SHOPIFY_HTTP_ERROR", message: `${answer.message} (after ${transientAttempts} attempts)`, ...(status ? { status } : {}) };
        }
        await sleep(answer.retryAfterMs ?? backoffMs(transientAttempts));
        continue;
      }

      if (answer.cost) {
        budget.record(answer.cost.throttleStatus, now());
        requestedCost.set(document, answer.cost.requestedQueryCost);
      }

      const codes = answer.errors.map((e) => e.extensions?.code);
      if (codes.includes("THROTTLED")) {
        // A THROTTLED answer ran nothing: safe to send again, mutation or not, once the bucket holds enough.
        const cost = answer.cost;
        const ms = cost
          ? Math.max(1, Math.ceil(((Math.min(cost.requestedQueryCost, cost.throttleStatus.maximumAvailable) - cost.throttleStatus.currentlyAvailable) / cost.throttleStatus.restoreRate) * 1000))
          : backoffMs(1);
        if (waited + ms > maxThrottleWaitMs || aborted()) return graphqlFailure(answer.errors, answer.cost);
        await sleep(ms);
        waited += ms;
        continue;
      }
      if (answer.errors.length > 0 && codes.every((c) => c !== undefined && TRANSIENT_GRAPHQL_CODES.has(c))) {
        if (mutation && !replayable) {
          return { ok: false, code: "SHOPIFY_OUTCOME_UNKNOWN", message: `${answer.errors.map((e) => e.message).join("; ")}: Shopify may or may not have run this change; it is not sent again.` };
        }
        transientAttempts++;
        if (transientAttempts >= maxAttempts || aborted()) return graphqlFailure(answer.errors, answer.cost);
        await sleep(backoffMs(transientAttempts));
        continue;
      }
      const redacted = redactedPaths(answer.errors, answer.data);
      if (answer.errors.length > 0 && !redacted) return graphqlFailure(answer.errors, answer.cost);
      if (!answer.data) return { ok: false, code: "SHOPIFY_GRAPHQL_ERROR", message: "Shopify answered without data." };

      if (requestOptions.userErrorsAt) {
        const payload = (answer.data as Record<string, unknown>)[requestOptions.userErrorsAt] as { userErrors?: ShopifyUserError[] } | null | undefined;
        const userErrors = payload?.userErrors ?? [];
        if (userErrors.length > 0) {
          return {
            ok: false,
            code: "SHOPIFY_USER_ERRORS",
            message: userErrors.map((e) => e.message).join("; "),
            userErrors,
            data: answer.data,
            ...(answer.cost ? { cost: answer.cost } : {}),
          };
        }
      }
      return { ok: true, data: answer.data, ...(answer.cost ? { cost: answer.cost } : {}), ...(redacted ? { redacted } : {}) };
    }
  }

  return {
    request,
    get lastThrottleStatus() {
      return budget.status;
    },
    estimatedAvailable: () => budget.available(now()),
    waitFor,
  };
}
