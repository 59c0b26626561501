import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { Prisma } from "@prisma/client";
import {
  createJobCatalog,
  defineJob,
  executeJob,
  formatJobError,
  JobOptionsError,
  JobPayloadError,
  PermanentJobError,
  UnknownJobKindError,
  type JobCatalog,
  type JobContext,
  type JobPayload,
  type JobPayloadInput,
} from "./catalog";
import { minRetryDelayMs, retryDelayMs, silentJobLogger, type JobQueue } from "./queue";

const received: unknown[] = [];

const catalog = createJobCatalog([
  defineJob({
    kind: "store.read_locations",
    payload: z.object({ shopDomain: z.string(), force: z.boolean().default(false) }),
    options: { serialKey: (payload) => `store:${payload.shopDomain}`, maxAttempts: 8 },
    handler: async (payload) => {
      received.push(payload);
    },
  }),
  defineJob({
    kind: "order.apply",
    payload: z.object({ orderId: z.coerce.number().int() }),
    handler: async () => {
      throw new Error("not today");
    },
  }),
]);
type Definitions = typeof catalog extends JobCatalog<infer D> ? D : never;

function context(overrides: Partial<JobContext> = {}): JobContext {
  return {
    db: undefined as never,
    jobId: "job-1",
    attempt: 1,
    maxAttempts: 5,
    clock: () => new Date(),
    log: silentJobLogger,
    signal: new AbortController().signal,
    completeIn: async () => undefined,
    ...overrides,
  };
}

describe("job catalog", () => {
  it("types enqueue's payload from the kind", () => {
    type Enqueue = JobQueue<Definitions>["enqueue"];
    expectTypeOf<Parameters<Enqueue>[1]>().toEqualTypeOf<"store.read_locations" | "order.apply">();
    expectTypeOf<JobPayloadInput<Definitions, "store.read_locations">>().toEqualTypeOf<{ shopDomain: string; force?: boolean | undefined }>();
    expectTypeOf<JobPayload<Definitions, "store.read_locations">>().toEqualTypeOf<{ shopDomain: string; force: boolean }>();

    const enqueue = (() => Promise.resolve("id")) as Enqueue;
    const tx = undefined as unknown as Prisma.TransactionClient;
    void enqueue(tx, "store.read_locations", { shopDomain: "a.myshopify.com" });
    void enqueue(tx, "order.apply", { orderId: 1 });
    // @ts-expect-error — the payload of another kind
    void enqueue(tx, "order.apply", { shopDomain: "a.myshopify.com" });
    // @ts-expect-error — a kind that is not in the catalog
    void enqueue(tx, "order.unknown", { orderId: 1 });
  });

  it("prepares the JSON to store, the serialKey and maxAttempts", () => {
    expect(catalog.prepare("store.read_locations", { shopDomain: "a.myshopify.com" })).toEqual({
      kind: "store.read_locations",
      payload: { shopDomain: "a.myshopify.com" },
      serialKey: "store:a.myshopify.com",
      maxAttempts: 8,
      runAt: null,
    });
    const runAt = new Date("2030-01-01T00:00:00Z");
    expect(catalog.prepare("order.apply", { orderId: "12" }, { serialKey: "order:12", maxAttempts: 2, runAt })).toEqual({
      kind: "order.apply",
      payload: { orderId: "12" },
      serialKey: "order:12",
      maxAttempts: 2,
      runAt,
    });
  });

  it("rejects bad payloads, unknown kinds and bad options with typed errors", () => {
    expect(() => catalog.prepare("order.apply", { orderId: "twelve" })).toThrow(JobPayloadError);
    expect(() => catalog.prepare("order.apply", { orderId: "twelve" })).toThrow(/Invalid payload for job kind "order.apply": orderId: Expected number/);
    expect(() => catalog.prepare("order.apply", "12")).toThrow(/a job payload must be a JSON object/);
    expect(() => catalog.prepare("nope", {})).toThrow(UnknownJobKindError);
    expect(() => catalog.prepare("order.apply", { orderId: 1 }, { maxAttempts: 0 })).toThrow(JobOptionsError);
    expect(() => catalog.prepare("order.apply", { orderId: 1 }, { runAt: new Date("nope") })).toThrow(JobOptionsError);
    // What is validated is what will be stored: JSON drops undefined, so a required field is missing.
    expect(() => catalog.prepare("store.read_locations", { shopDomain: undefined })).toThrow(JobPayloadError);
  });

  it("refuses to define a kind twice", () => {
    const twice = () =>
      createJobCatalog([
        defineJob({ kind: "a", payload: z.object({}), handler: async () => {} }),
        defineJob({ kind: "a", payload: z.object({}), handler: async () => {} }),
      ]);
    expect(twice).toThrow('Job kind "a" is defined twice.');
  });

  it("runs a handler with the parsed payload and classifies failures", async () => {
    received.length = 0;
    expect(await executeJob(catalog, "store.read_locations", { shopDomain: "a" }, context())).toEqual({ status: "succeeded" });
    expect(received).toEqual([{ shopDomain: "a", force: false }]);

    const failed = await executeJob(catalog, "order.apply", { orderId: 1 }, context());
    expect(failed).toMatchObject({ status: "failed", retryable: true, error: expect.stringMatching(/^Error: not today\n\s+at /) });

    expect(await executeJob(catalog, "order.apply", { orderId: "x" }, context())).toMatchObject({ status: "failed", retryable: false });
    expect(await executeJob(catalog, "gone.kind", {}, context())).toMatchObject({ status: "failed", retryable: false });
  });

  it("formats errors with their stack head, cause and non-errors", () => {
    const error = new PermanentJobError("store uninstalled", { cause: new Error("401") });
    expect(formatJobError(error)).toMatch(/^PermanentJobError: store uninstalled\n\s+at [\s\S]*\nCaused by: Error: 401$/);
    expect(formatJobError("plain")).toBe("Non-error thrown: plain");
    expect(formatJobError({ code: 42 })).toBe('Non-error thrown: {"code":42}');
    expect(formatJobError(new Error("x".repeat(5000))).length).toBe(4000);
  });
});

describe("retry backoff", () => {
  const backoff = { baseMs: 1000, capMs: 60_000 };

  it("waits between base·2^(n-1) and base·2^n, capped", () => {
    expect([1, 2, 3, 4].map((n) => minRetryDelayMs(n, backoff))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, backoff, () => 0.999999))).toEqual([2000, 4000, 8000, 16000]);
    expect(retryDelayMs(10, backoff, () => 0.5)).toBe(60_000);
  });
});
