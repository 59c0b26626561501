import type { Prisma } from "@prisma/client";
import { z } from "zod";
import type { Db } from "~/db/client";

/**
 * The typed job catalog: every job kind has one zod payload schema and one handler.
 *
 * The payload is validated twice: when it is enqueued (so a caller learns about a bad payload
 * at once, inside its own transaction) and again right before it runs (a job enqueued by an
 * older deploy may no longer match the current schema; such a job is dead-lettered at once,
 * with the zod issues as its error, instead of being retried).
 *
 * What is stored is the JSON form of the payload *as given* (z.input), and the handler receives
 * the parsed value (z.output, defaults and transforms applied) — so a schema with defaults or
 * coercions sees the same input at enqueue time and at run time.
 */

export interface JobLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What a handler gets besides its payload. Everything it needs from outside is in here. */
export interface JobContext {
  db: Db;
  jobId: string;
  /** 1 for the first run, 2 for the first retry, … */
  attempt: number;
  maxAttempts: number;
  clock: () => Date;
  log: JobLogger;
  /**
   * Aborted when the runner loses the job's lease (another runner may take it over) or stops
   * without being able to wait for the handler. Long handlers should pass it on to fetch() etc.
   */
  signal: AbortSignal;
  /**
   * Records the job as succeeded inside the handler's own transaction: the work and the job's
   * completion commit together (one commit, not two), and a run that lost its lease cannot
   * commit its work (this throws JobLeaseLostError and the transaction rolls back). Call it last
   * in a transaction that commits exactly when the handler then returns normally. A runner that
   * keeps its jobs elsewhere (pg-boss) does nothing here and records the success after the
   * handler returns, as it does for every handler that does not call this.
   */
  completeIn(tx: Prisma.TransactionClient): Promise<void>;
}

export interface JobKindOptions<Payload> {
  /** Runs before the job is dead-lettered (default 5, the schema default). */
  maxAttempts?: number;
  /** Jobs with the same key never run at the same time (e.g. one per order, one per store). */
  serialKey?: (payload: Payload) => string | undefined;
}

export interface JobDefinition<Kind extends string = string, Schema extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly kind: Kind;
  readonly payload: Schema;
  readonly handler: (payload: z.output<Schema>, ctx: JobContext) => Promise<void>;
  readonly options?: JobKindOptions<z.output<Schema>>;
}

// `any` (not ZodTypeAny's `any` output plus unknown input) keeps every concrete definition
// assignable here despite the handler's parameter being contravariant.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJobDefinition = JobDefinition<string, any>;

/** Declares one job kind. The `kind` literal becomes part of the catalog's type. */
export function defineJob<const Kind extends string, Schema extends z.ZodTypeAny>(
  definition: JobDefinition<Kind, Schema>,
): JobDefinition<Kind, Schema> {
  return definition;
}

export type JobKindOf<D extends AnyJobDefinition> = D["kind"];
export type JobDefinitionOf<D extends AnyJobDefinition, K extends string> = Extract<D, { kind: K }>;
/** What `enqueue` accepts for a kind. */
export type JobPayloadInput<D extends AnyJobDefinition, K extends string> = z.input<JobDefinitionOf<D, K>["payload"]>;
/** What the handler of a kind receives. */
export type JobPayload<D extends AnyJobDefinition, K extends string> = z.output<JobDefinitionOf<D, K>["payload"]>;

export interface EnqueueOptions {
  /** Not before this time (default: now). */
  runAt?: Date;
  /** Overrides the kind's serialKey for this job. */
  serialKey?: string;
  /** Overrides the kind's maxAttempts for this job. */
  maxAttempts?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

/** A validated job, ready to be written by a runner. */
export interface PreparedJob {
  kind: string;
  /** The JSON that is stored and parsed again before the job runs. */
  payload: JsonObject;
  serialKey: string | null;
  maxAttempts: number;
  runAt: Date | null;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export class UnknownJobKindError extends Error {
  readonly code = "JOB_KIND_UNKNOWN";
  constructor(readonly kind: string) {
    super(`Unknown job kind "${kind}": it is not in the job catalog.`);
    this.name = "UnknownJobKindError";
  }
}

export class JobPayloadError extends Error {
  readonly code = "JOB_PAYLOAD_INVALID";
  constructor(
    readonly kind: string,
    readonly issues: z.ZodIssue[],
  ) {
    super(`Invalid payload for job kind "${kind}": ${describeIssues(issues)}`);
    this.name = "JobPayloadError";
  }
}

export class JobOptionsError extends Error {
  readonly code = "JOB_OPTIONS_INVALID";
  constructor(message: string) {
    super(message);
    this.name = "JobOptionsError";
  }
}

/** The run no longer holds its job (the lease expired and another runner may have it): its work must not commit. */
export class JobLeaseLostError extends Error {
  constructor(jobId: string) {
    super(`Job ${jobId} is no longer held by this run (its lease expired); its work is rolled back and the job runs again.`);
    this.name = "JobLeaseLostError";
  }
}

/**
 * Thrown by a handler that knows retrying cannot help (e.g. the store was uninstalled):
 * the job is dead-lettered at once with this error instead of being retried.
 */
export class PermanentJobError extends Error {
  readonly code = "JOB_PERMANENT_FAILURE";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}

function describeIssues(issues: z.ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "(payload)"}: ${issue.message}`).join("; ");
}

export interface JobCatalog<D extends AnyJobDefinition = AnyJobDefinition> {
  readonly kinds: readonly JobKindOf<D>[];
  definition(kind: string): AnyJobDefinition | undefined;
  /** Validates a payload for enqueueing; throws UnknownJobKindError, JobPayloadError or JobOptionsError. */
  prepare(kind: string, payload: unknown, options?: EnqueueOptions): PreparedJob;
}

export function createJobCatalog<const Definitions extends readonly AnyJobDefinition[]>(
  definitions: Definitions,
): JobCatalog<Definitions[number]> {
  const byKind = new Map<string, AnyJobDefinition>();
  for (const definition of definitions) {
    if (byKind.has(definition.kind)) throw new Error(`Job kind "${definition.kind}" is defined twice.`);
    const maxAttempts = definition.options?.maxAttempts;
    if (maxAttempts !== undefined) checkMaxAttempts(maxAttempts, `job kind "${definition.kind}"`);
    byKind.set(definition.kind, definition);
  }

  return {
    kinds: [...byKind.keys()] as JobKindOf<Definitions[number]>[],
    definition: (kind) => byKind.get(kind),
    prepare(kind, payload, options = {}) {
      const definition = byKind.get(kind);
      if (!definition) throw new UnknownJobKindError(kind);
      // Validate what will actually be stored: the JSON form. A Date, undefined or a class
      // instance that JSON would silently change is caught here, not at run time.
      const json = toJson(kind, payload);
      const parsed = definition.payload.safeParse(json);
      if (!parsed.success) throw new JobPayloadError(kind, parsed.error.issues);
      const maxAttempts = options.maxAttempts ?? definition.options?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
      checkMaxAttempts(maxAttempts, `job "${kind}"`);
      if (options.runAt && Number.isNaN(options.runAt.getTime())) throw new JobOptionsError(`runAt of job "${kind}" is not a valid date.`);
      const serialKey = options.serialKey ?? definition.options?.serialKey?.(parsed.data) ?? null;
      return { kind, payload: json, serialKey: serialKey || null, maxAttempts, runAt: options.runAt ?? null };
    },
  };
}

function checkMaxAttempts(value: number, what: string) {
  if (!Number.isInteger(value) || value < 1) throw new JobOptionsError(`maxAttempts of ${what} must be an integer ≥ 1; got ${value}.`);
}

function toJson(kind: string, payload: unknown): JsonObject {
  let json: unknown;
  try {
    json = JSON.parse(JSON.stringify(payload ?? null)) as unknown;
  } catch (error) {
    throw new JobPayloadError(kind, [
      { code: z.ZodIssueCode.custom, path: [], message: `not serialisable to JSON (${String(error)})` },
    ]);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new JobPayloadError(kind, [{ code: z.ZodIssueCode.custom, path: [], message: "a job payload must be a JSON object" }]);
  }
  return json as JsonObject;
}

/** How one run of a handler ended, as both runners record it. */
export type JobOutcome =
  | { status: "succeeded" }
  | { status: "failed"; error: string; retryable: boolean };

/**
 * Runs one job: looks the kind up, parses the stored payload again, calls the handler. Never
 * throws; a handler error becomes a retryable failure unless it is a PermanentJobError, and a
 * payload the current schema rejects (or a kind no longer in the catalog) is not retryable.
 */
export async function executeJob(
  catalog: JobCatalog,
  kind: string,
  storedPayload: unknown,
  ctx: JobContext,
): Promise<JobOutcome> {
  const definition = catalog.definition(kind);
  if (!definition) return { status: "failed", retryable: false, error: new UnknownJobKindError(kind).message };
  const parsed = definition.payload.safeParse(storedPayload);
  if (!parsed.success) {
    return { status: "failed", retryable: false, error: new JobPayloadError(kind, parsed.error.issues).message };
  }
  try {
    await definition.handler(parsed.data, ctx);
    return { status: "succeeded" };
  } catch (error) {
    return { status: "failed", retryable: !(error instanceof PermanentJobError), error: formatJobError(error) };
  }
}

const STACK_LINES = 6;
const MAX_ERROR_LENGTH = 4000;

/** "Name: message" plus the head of the stack — enough to find the throw site, short enough to store. */
export function formatJobError(error: unknown): string {
  let text: string;
  if (error instanceof Error) {
    const head = `${error.name}: ${error.message}`;
    const frames = (error.stack ?? "")
      .split("\n")
      .filter((line) => line.trimStart().startsWith("at "))
      .slice(0, STACK_LINES);
    text = [head, ...frames].join("\n");
    if (error.cause !== undefined) text += `\nCaused by: ${error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : String(error.cause)}`;
  } else {
    text = `Non-error thrown: ${typeof error === "string" ? error : safeStringify(error)}`;
  }
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
