/**
 * Request bodies have a size limit, enforced before anything reads them whole
 * (docs/decisions/021-webhook-trust.md). server.mjs and the test harness put every request
 * through `withBodyLimit`; `readBodyWithin` is how the webhook routes read theirs.
 *
 * Webhooks: 4 MiB. Shopify documents no size for HTTPS deliveries; it inlines payloads up to
 * 1,000,000 bytes on Amazon EventBridge
 * (https://shopify.dev/changelog/amazon-eventbridge-webhook-payload-size-limit-increased-to-1-mb),
 * and an order of several hundred lines is about 1 MB. A refused order webhook loses nothing:
 * the reconciliation sweep reads the order from the Admin API (docs/decisions/013).
 * Everything else is the embedded app's forms and fetches, a few kilobytes: 256 KiB.
 * Peak memory is then about the limit times the requests in flight, whatever the client sends.
 */
export const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;
export const FORM_BODY_LIMIT = 256 * 1024;

export function bodyLimitFor(pathname: string): number {
  return pathname.startsWith("/webhooks/") ? WEBHOOK_BODY_LIMIT : FORM_BODY_LIMIT;
}

const mib = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 100) / 100} MiB`;

/** 413, closing the connection: the rest of the body is never read. */
export function bodyTooLarge(limit: number): Response {
  return new Response(`The request body is larger than ${mib(limit)}, the most Tenon accepts here; nothing was stored.`, {
    status: 413,
    headers: { "Content-Type": "text/plain; charset=utf-8", Connection: "close" },
  });
}

/** A body declared (Content-Length) or counted (chunked) past the limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${mib(limit)}.`);
    this.name = "BodyTooLargeError";
  }
}

function declaredTooLarge(request: Request, limit: number): boolean {
  const declared = request.headers.get("content-length");
  return declared !== null && Number(declared) > limit;
}

/**
 * Answers 413 for a body past the limit, whatever the handler made of it: a declared
 * Content-Length before the handler runs, a chunked body as soon as its bytes pass the limit
 * (the handler's read of it fails). The source is not cancelled, so the 413 can still be sent.
 */
export async function withBodyLimit(request: Request, limit: number, handle: (request: Request) => Promise<Response>): Promise<Response> {
  if (declaredTooLarge(request, limit)) return bodyTooLarge(limit);
  if (!request.body) return handle(request);
  let seen = 0;
  let over = false;
  const counted = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) {
          over = true;
          controller.error(new BodyTooLargeError(limit));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
    { preventCancel: true },
  );
  const response = await handle(new Request(request, { body: counted, duplex: "half" } as RequestInit));
  return over ? bodyTooLarge(limit) : response;
}

export type BodyRead = { ok: true; body: Buffer } | { ok: false; tooLarge: boolean; message: string };

/**
 * The body, read chunk by chunk, each chunk handed to `onChunk` (the webhook HMAC runs on the
 * stream), and never more than `limit` bytes of it kept.
 */
export async function readBodyWithin(request: Request, limit: number, onChunk: (chunk: Uint8Array) => void): Promise<BodyRead> {
  if (declaredTooLarge(request, limit)) return { ok: false, tooLarge: true, message: new BodyTooLargeError(limit).message };
  if (!request.body) return { ok: true, body: Buffer.alloc(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let seen = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      seen += value.byteLength;
      if (seen > limit) return { ok: false, tooLarge: true, message: new BodyTooLargeError(limit).message };
      onChunk(value);
      chunks.push(value);
    }
  } catch (error) {
    // By name: server.mjs's limit and the route may hold different copies of this module.
    if ((error as Error).name === "BodyTooLargeError") return { ok: false, tooLarge: true, message: (error as Error).message };
    return { ok: false, tooLarge: false, message: `The request body could not be read: ${(error as Error).message}` };
  } finally {
    reader.releaseLock();
  }
  return { ok: true, body: Buffer.concat(chunks) };
}
