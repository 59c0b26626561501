/**
 * The `@idempotent(key:)` directive as Shopify implements it on the mutations that support it
 * (inventory mutations, refundCreate, locationActivate/Deactivate; mandatory from 2026-04):
 * https://shopify.dev/docs/api/usage/implementing-idempotency,
 * https://shopify.dev/docs/api/usage/idempotent-requests,
 * https://shopify.dev/changelog/making-idempotency-mandatory-for-inventory-adjustments-and-refund-mutations
 *
 * - a key that is missing, empty or whitespace only is refused (the directive's description in
 *   the 2026-07 schema: "The idempotency key cannot be an empty string or whitespace only");
 * - the first request with a key runs; a repeat with the same arguments answers the first
 *   request's payload without running again — its userErrors included (nothing is re-validated);
 * - a repeat while the first request is still running answers IDEMPOTENCY_CONCURRENT_REQUEST
 *   ("This request is currently in progress, please try again.");
 * - a repeat after the first request failed (an error, not a payload) answers
 *   IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED ("… Retry with a new idempotency key.");
 * - the key with other arguments answers IDEMPOTENCY_KEY_PARAMETER_MISMATCH, whatever the first
 *   request's state;
 * - Shopify keeps a key for 24 hours from the original request; after that the key is not
 *   recognised and the request runs as a new one.
 * The codes and their descriptions are the 2026-07 schema's (`InventorySetQuantitiesUserErrorCode`
 * …). Not verified against Shopify's own answers: the wording of the refusal of a blank key (the
 * emulator answers a top-level BAD_REQUEST, as for a missing key); whether a payload with
 * userErrors counts as a failed attempt (the emulator replays it); whether a mismatch wins over
 * "in progress"; the exact moment the 24 hours start (the emulator: when the first request ran).
 *
 * Slow and failing attempts do not happen by themselves in an in-memory emulator, so a test
 * queues them per mutation (`queueMutationFault`): `fail` answers INTERNAL_SERVER_ERROR and
 * runs nothing (the key is then a failed attempt); `slow` runs the mutation but keeps its key in
 * progress for `holdMs` of the emulator's time and loses the answer (HTTP 504), as when Shopify
 * takes longer than the connection lasts.
 */
import { Kind, type GraphQLResolveInfo } from "graphql";
import type { ShopState } from "../state";
import { AdminApiError } from "./errors";
import type { AdminContext } from "./resolvers";

/** How long Shopify recognises a key (implementing-idempotency: 24 hours from the original request). */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3600_000;

export type IdempotencyRefusal = "IDEMPOTENCY_CONCURRENT_REQUEST" | "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED" | "IDEMPOTENCY_KEY_PARAMETER_MISMATCH";

/** Shopify's descriptions of the codes (2026-07 schema). */
export const IDEMPOTENCY_MESSAGES: Record<IdempotencyRefusal, string> = {
  IDEMPOTENCY_CONCURRENT_REQUEST: "This request is currently in progress, please try again.",
  IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED: "A previous request with this idempotency key failed. Retry with a new idempotency key.",
  IDEMPOTENCY_KEY_PARAMETER_MISMATCH: "The same idempotency key cannot be used with different operation parameters.",
};

/** One key's record: when the first request ran, with which arguments, and how it ended. */
export interface IdempotencyRecord {
  fingerprint: string;
  at: Date;
  state: "succeeded" | "failed";
  payload?: unknown;
  /** A slow attempt's key stays in progress until then. */
  inProgressUntil?: Date;
}

/** A fault the next request of a mutation meets (tests; see the file comment). */
export type MutationFault = { field: string; kind: "fail" } | { field: string; kind: "slow"; holdMs: number };

/** The key of `@idempotent(key:)` on the field being resolved, or an error if it is missing or blank. */
export function idempotencyKey(info: GraphQLResolveInfo): string {
  const directive = info.fieldNodes[0]?.directives?.find((d) => d.name.value === "idempotent");
  const arg = directive?.arguments?.find((a) => a.name.value === "key");
  let key: unknown;
  if (arg?.value.kind === Kind.STRING) key = arg.value.value;
  else if (arg?.value.kind === Kind.VARIABLE) key = info.variableValues[arg.value.name.value];
  if (typeof key !== "string") {
    throw new AdminApiError(`The @idempotent directive with a key is required for ${info.fieldName} as of API version 2026-04.`, "BAD_REQUEST", {
      documentation: "https://shopify.dev/docs/api/usage/idempotent-requests",
    });
  }
  if (key.trim() === "") {
    throw new AdminApiError("The idempotency key cannot be an empty string or whitespace only.", "BAD_REQUEST", {
      documentation: "https://shopify.dev/docs/api/usage/idempotent-requests",
    });
  }
  return key;
}

/**
 * Runs a mutation once per idempotency key (the rules in the file comment); `refuse` builds the
 * mutation's payload for a refused repeat, with its own userError type.
 */
export function idempotent<T extends object>(
  ctx: Pick<AdminContext, "shop" | "now" | "transport">,
  info: GraphQLResolveInfo,
  args: unknown,
  run: () => T,
  refuse: (code: IdempotencyRefusal, message: string) => T,
): T {
  const { shop, now } = ctx;
  const key = `${info.fieldName}:${idempotencyKey(info)}`;
  const fingerprint = JSON.stringify(args);
  let previous = shop.idempotency.get(key);
  if (previous && now.getTime() - previous.at.getTime() >= IDEMPOTENCY_RETENTION_MS) {
    shop.idempotency.delete(key);
    previous = undefined;
  }
  if (previous) {
    const refusal: IdempotencyRefusal | null =
      previous.fingerprint !== fingerprint
        ? "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"
        : previous.inProgressUntil && now < previous.inProgressUntil
          ? "IDEMPOTENCY_CONCURRENT_REQUEST"
          : previous.state === "failed"
            ? "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED"
            : null;
    return refusal ? refuse(refusal, IDEMPOTENCY_MESSAGES[refusal]) : (previous.payload as T);
  }
  forgetExpired(shop, now);
  const fault = takeFault(shop, info.fieldName);
  if (fault?.kind === "fail") {
    shop.idempotency.set(key, { fingerprint, at: now, state: "failed" });
    throw new AdminApiError("Internal error. Looks like something went wrong on our end.", "INTERNAL_SERVER_ERROR");
  }
  let payload: T;
  try {
    payload = run();
  } catch (error) {
    shop.idempotency.set(key, { fingerprint, at: now, state: "failed" });
    throw error;
  }
  const record: IdempotencyRecord = { fingerprint, at: now, state: "succeeded", payload };
  if (fault?.kind === "slow") {
    record.inProgressUntil = new Date(now.getTime() + fault.holdMs);
    if (ctx.transport) ctx.transport.answerLost = true;
  }
  shop.idempotency.set(key, record);
  return payload;
}

/** Queues a fault for the next request of `field` in the shop (tests). */
export function queueMutationFault(shop: ShopState, fault: MutationFault) {
  shop.mutationFaults.push(fault);
}

function takeFault(shop: ShopState, field: string): MutationFault | undefined {
  const index = shop.mutationFaults.findIndex((f) => f.field === field);
  return index < 0 ? undefined : shop.mutationFaults.splice(index, 1)[0];
}

let lastSweep = 0;
/** Drops records past the retention window now and then, so a long demo does not keep every key. */
function forgetExpired(shop: ShopState, now: Date) {
  if (shop.idempotency.size < 10_000 || now.getTime() - lastSweep < 60_000) return;
  lastSweep = now.getTime();
  for (const [key, record] of shop.idempotency) {
    if (now.getTime() - record.at.getTime() >= IDEMPOTENCY_RETENTION_MS) shop.idempotency.delete(key);
  }
}
