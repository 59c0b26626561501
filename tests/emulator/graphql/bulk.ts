/**
 * Bulk operations: `bulkOperationRunQuery` runs a query over the whole shop without page limits
 * and writes a JSONL file — one line per node; the nodes of a nested connection on lines of their
 * own with `__parentId` (the id of the node they belong to). Only with `groupObjects: true` do
 * they follow their parent; the argument defaults to false from API 2025-10 on ("Bulk operations
 * group objects default changed to false",
 * https://shopify.dev/changelog/posts/bulk-operations-group-objects-default-changed-to-false), and
 * ungrouped lines come in no promised order, so the emulator writes every nested line before
 * the lines of its parents (the order a reader that waits for the parent gets wrong).
 * A finished operation's `url` expires seven days after completion (BulkOperation.url,
 * https://shopify.dev/docs/api/admin-graphql/latest/objects/BulkOperation): the status turns
 * EXPIRED, `url` answers null and the file is gone.
 *
 * The query is checked when the operation is created (valid against the real schema, a query
 * operation without variables, 1–5 connections nested at most two deep, `id` selected on every
 * node that has a nested connection) and executed once at completion, on the emulator's clock
 * (`EmulatorCore.startBulkOperation`): CREATED → RUNNING → COMPLETED (or FAILED / CANCELED),
 * then `bulk_operations/finish`. At most five bulk query operations run at once per shop and app
 * (API 2026-01 and later).
 */
import {
  execute,
  getNamedType,
  GraphQLError,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  OperationTypeNode,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { BulkOperationRecord } from "../commerce";
import { indexRecord, recordOf } from "../state";
import { paginate, withBulkConnections, type ConnectionArgs } from "./connection";
import { gid, idArgument } from "./ids";
import type { AdminContext } from "./resolvers";
import { isAccessDenied } from "./protected-data";
import { adminSchema } from "./schema";
import { applySearch, date, exact, idMatch } from "./search";

/** Bulk query operations an app may run at once in a shop (API 2026-01+; one before). */
export const BULK_QUERY_CONCURRENCY = 5;
export const MAX_BULK_CONNECTIONS = 5;
export const MAX_BULK_CONNECTION_DEPTH = 2;

const ACTIVE_STATUSES: BulkOperationRecord["status"][] = ["CREATED", "RUNNING", "CANCELING"];

/** What the query selects, by response key: which fields are connections, and what is inside. */
interface Shape {
  fields: Map<string, FieldShape>;
}
interface FieldShape {
  fieldName: string;
  connection: boolean;
  /** Objects: their selection; connections: the selection of their nodes (edges.node ∪ nodes). */
  shape: Shape | null;
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

function shapeOf(schema: GraphQLSchema, parentType: GraphQLCompositeType, selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, into: Shape = { fields: new Map() }): Shape {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const existing = into.fields.get(key);
      if (!selection.selectionSet) {
        if (!existing) into.fields.set(key, { fieldName: selection.name.value, connection: false, shape: null });
        continue;
      }
      if (!(isObjectType(parentType) || isInterfaceType(parentType))) continue;
      const field = parentType.getFields()[selection.name.value];
      const named = field && getNamedType(field.type);
      if (!named || !isCompositeType(named)) continue;
      if (named.name.endsWith("Connection") && (isObjectType(named) || isInterfaceType(named))) {
        const inner = shapeOf(schema, named, selection.selectionSet, fragments);
        const nodeShape: Shape = existing?.shape ?? { fields: new Map() };
        for (const part of inner.fields.values()) {
          const nodes = part.fieldName === "edges" ? [...(part.shape?.fields.values() ?? [])].find((f) => f.fieldName === "node")?.shape : part.fieldName === "nodes" ? part.shape : null;
          for (const [k, v] of nodes?.fields ?? []) nodeShape.fields.set(k, v);
        }
        into.fields.set(key, { fieldName: selection.name.value, connection: true, shape: nodeShape });
      } else {
        const shape = shapeOf(schema, named, selection.selectionSet, fragments, existing?.shape ?? undefined);
        into.fields.set(key, { fieldName: selection.name.value, connection: false, shape });
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
      if (type && isCompositeType(type)) shapeOf(schema, type, selection.selectionSet, fragments, into);
    } else {
      const fragment = fragments.get(selection.name.value);
      const type = fragment && schema.getType(fragment.typeCondition.name.value);
      if (fragment && type && isCompositeType(type)) shapeOf(schema, type, fragment.selectionSet, fragments, into);
    }
  }
  return into;
}

/** Whether the node selects `id` under its own name (the nested lines' `__parentId`). */
const selectsId = (shape: Shape) => shape.fields.get("id")?.fieldName === "id";

function structureProblems(shape: Shape, idSelected: (nodeShape: Shape) => boolean): string[] {
  const problems: string[] = [];
  let connections = 0;
  const walk = (current: Shape, depth: number, ownerHasId: boolean | null, path: string[]) => {
    for (const [key, field] of current.fields) {
      if (!field.shape) continue;
      if (field.connection) {
        connections += 1;
        if (depth + 1 > MAX_BULK_CONNECTION_DEPTH) {
          problems.push(`Bulk queries cannot contain connections with a nesting depth greater than ${MAX_BULK_CONNECTION_DEPTH}: ${[...path, key].join(".")}`);
        }
        if (ownerHasId === false) {
          problems.push(`The parent of the nested connection '${[...path, key].join(".")}' must select the 'id' field (it becomes the nested lines' __parentId)`);
        }
        walk(field.shape, depth + 1, idSelected(field.shape), [...path, key]);
      } else {
        walk(field.shape, depth, ownerHasId, [...path, key]);
      }
    }
  };
  walk(shape, 0, null, []);
  if (connections === 0) problems.push("Bulk queries must contain at least one connection");
  if (connections > MAX_BULK_CONNECTIONS) problems.push(`Bulk queries cannot contain more than ${MAX_BULK_CONNECTIONS} connections (this one has ${connections})`);
  return problems;
}

interface PreparedBulkQuery {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  shape: Shape;
}

/** The query's problems as userError messages, or the parsed query. */
function prepareBulkQuery(query: string): { problems: string[] } | PreparedBulkQuery {
  const schema = adminSchema();
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    if (error instanceof GraphQLError) return { problems: [`Invalid bulk query: ${error.message}`] };
    throw error;
  }
  const errors = validate(schema, document);
  if (errors.length > 0) return { problems: errors.map((e) => `Invalid bulk query: ${e.message}`) };
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) return { problems: ["Bulk queries must contain exactly one operation"] };
  const operation = operations[0]!;
  if (operation.operation !== OperationTypeNode.QUERY) return { problems: ["Bulk queries cannot contain mutations or subscriptions; use bulkOperationRunMutation for mutations"] };
  if (operation.variableDefinitions?.length) return { problems: ["Bulk queries cannot use variables; write the values into the query"] };
  const root = schema.getQueryType();
  if (!root) throw new Error("the Admin schema has no query type");
  const shape = shapeOf(schema, root, operation.selectionSet, fragmentsOf(document));
  const problems = structureProblems(shape, selectsId);
  return problems.length > 0 ? { problems } : { document, operation, shape };
}

function executeUnbounded(context: AdminContext, document: DocumentNode, mode: "all" | "probe") {
  return withBulkConnections(mode, () => {
    const result = execute({ schema: adminSchema(), document, rootValue: {}, contextValue: context, fieldResolver: bulkFieldResolver() });
    if (result instanceof Promise) throw new Error("Admin API resolvers must be synchronous");
    return result;
  });
}

// resolvers.ts imports this module for its mutations and registers its field resolver here
// (importing it back would make a cycle).
let registeredFieldResolver: GraphQLFieldResolver<unknown, AdminContext> | undefined;
export function registerBulkFieldResolver(resolver: GraphQLFieldResolver<unknown, AdminContext>): void {
  registeredFieldResolver = resolver;
}
function bulkFieldResolver() {
  if (!registeredFieldResolver) throw new Error("graphql/resolvers.ts has not registered its field resolver");
  return registeredFieldResolver;
}

type Json = Record<string, unknown>;

/**
 * Flattens the result into JSONL lines, nested connection nodes with `__parentId`: grouped, each
 * right after its parent; ungrouped, the deepest lines first (children before their parents).
 */
export function toJsonl(data: Json, shape: Shape, grouped: boolean): { lines: string[]; rootObjectCount: number } {
  const placed: { line: string; depth: number }[] = [];
  let rootObjectCount = 0;
  const nodesOf = (connection: unknown): Json[] => {
    if (!connection || typeof connection !== "object") return [];
    const c = connection as { edges?: { node?: Json }[]; nodes?: Json[] };
    if (c.edges?.some((e) => e.node !== undefined)) return c.edges.map((e) => e.node).filter((n): n is Json => Boolean(n));
    return c.nodes ?? [];
  };
  const copy = (value: Json, current: Shape, nested: [unknown, Shape][]): Json => {
    const out: Json = {};
    for (const [key, v] of Object.entries(value)) {
      const field = current.fields.get(key);
      if (field?.connection) {
        nested.push([v, field.shape ?? { fields: new Map() }]);
      } else if (field?.shape && v !== null && typeof v === "object") {
        const inner = field.shape;
        out[key] = Array.isArray(v) ? v.map((item: unknown) => (item && typeof item === "object" ? copy(item as Json, inner, nested) : item)) : copy(v as Json, inner, nested);
      } else {
        out[key] = v;
      }
    }
    return out;
  };
  const emit = (node: Json, current: Shape, parentId: string | null, depth: number) => {
    const nested: [unknown, Shape][] = [];
    const line = copy(node, current, nested);
    if (parentId !== null) line.__parentId = parentId;
    placed.push({ line: JSON.stringify(line), depth });
    const id = typeof node.id === "string" ? node.id : parentId;
    for (const [connection, nodeShape] of nested) for (const child of nodesOf(connection)) emit(child, nodeShape, id, depth + 1);
  };
  for (const [key, value] of Object.entries(data)) {
    const field = shape.fields.get(key);
    if (!field?.shape || value === null || typeof value !== "object") continue;
    const roots = field.connection ? nodesOf(value) : [value as Json];
    for (const node of roots) {
      rootObjectCount += 1;
      emit(node, field.shape, null, 0);
    }
  }
  // Array.prototype.sort is stable: within a depth the lines keep their order.
  const ordered = grouped ? placed : [...placed].sort((a, b) => b.depth - a.depth);
  return { lines: ordered.map((p) => p.line), rootObjectCount };
}

export interface BulkResult {
  jsonl: string;
  objectCount: number;
  rootObjectCount: number;
  /** Why the export stopped (the lines before it are the partial data). */
  failure: string | null;
  /** The export stopped at a field outside the token's scopes. */
  accessDenied: boolean;
}

/** Runs a bulk query over the whole shop, as the operation's completion does. */
export function runBulkQuery(context: AdminContext, query: string, groupObjects: boolean): BulkResult {
  const prepared = prepareBulkQuery(query);
  if ("problems" in prepared) return { jsonl: "", objectCount: 0, rootObjectCount: 0, failure: prepared.problems.join("; "), accessDenied: false };
  const result = executeUnbounded(context, prepared.document, "all");
  const { lines, rootObjectCount } = toJsonl((result.data ?? {}) as Json, prepared.shape, groupObjects);
  const jsonl = lines.length > 0 ? `${lines.join("\n")}\n` : "";
  // A field redacted for want of protected customer data approval is null in the file, not a
  // failed operation (graphql/protected-data.ts); an object the app may not read at all fails it,
  // and so does a field the store has not granted the scope for (ACCESS_DENIED naming the scope).
  const errors = (result.errors ?? []).filter((e) => !(isAccessDenied(e) && (e.path?.length ?? 0) > 1 && e.extensions.requiredAccess === undefined));
  const failure = errors.length ? errors.map((e) => e.message).join("; ") : null;
  const accessDenied = errors.some((e) => e.extensions.code === "ACCESS_DENIED");
  return { jsonl, objectCount: lines.length, rootObjectCount, failure, accessDenied };
}

// --- GraphQL --------------------------------------------------------------------------------

type UserError = { field: string[] | null; message: string; code: "INVALID" | "LIMIT_REACHED" | "OPERATION_IN_PROGRESS" };

export const bulkMutations = {
  bulkOperationRunQuery: (_s: unknown, args: { query: string; groupObjects: boolean }, ctx: AdminContext) => {
    const fail = (userErrors: UserError[]) => ({ bulkOperation: null, userErrors });
    const active = ctx.shop.bulkOperations.filter((op) => op.type === "QUERY" && ACTIVE_STATUSES.includes(op.status));
    if (active.length >= BULK_QUERY_CONCURRENCY) {
      return fail([
        {
          field: null,
          code: "LIMIT_REACHED",
          message: `A maximum of ${BULK_QUERY_CONCURRENCY} bulk query operations can run at the same time for this app and shop; in progress: ${active.map((op) => gid("BulkOperation", op.id)).join(", ")}`,
        },
      ]);
    }
    const prepared = prepareBulkQuery(args.query);
    if ("problems" in prepared) return fail(prepared.problems.map((message) => ({ field: ["query"], message, code: "INVALID" })));
    // A dry run over one node per connection: a field the emulator does not model is reported now,
    // naming it, rather than as a failed operation later.
    const probe = executeUnbounded(ctx, prepared.document, "probe");
    // A field outside the token's scopes is not a bad query: Shopify runs it and the operation
    // fails with errorCode ACCESS_DENIED ("returned access denied due to missing access scopes").
    if (probe.errors?.some((e) => e.extensions.code !== "ACCESS_DENIED")) {
      return fail(probe.errors.map((e) => ({ field: ["query"], message: `Invalid bulk query: ${e.message}`, code: "INVALID" })));
    }
    const operation: BulkOperationRecord = {
      __typename: "BulkOperation",
      id: ctx.ids.take(),
      type: "QUERY",
      query: args.query,
      groupObjects: args.groupObjects,
      status: "CREATED",
      errorCode: null,
      createdAt: ctx.now,
      completedAt: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      result: null,
      url: null,
      partialDataUrl: null,
      failure: null,
      ...(ctx.scopes ? { scopes: ctx.scopes } : {}),
    };
    ctx.shop.bulkOperations.push(operation);
    indexRecord(ctx.shop, operation);
    ctx.actions.startBulkOperation(operation);
    return { bulkOperation: operation, userErrors: [] };
  },
  bulkOperationCancel: (_s: unknown, args: { id: string }, ctx: AdminContext) => {
    const operation = recordOf<BulkOperationRecord>(ctx.shop, "BulkOperation", idArgument(args.id, "BulkOperation"));
    if (!operation) return { bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
    if (operation.status !== "CREATED" && operation.status !== "RUNNING") {
      return { bulkOperation: operation, userErrors: [{ field: null, message: `A bulk operation cannot be canceled when it is ${operation.status.toLowerCase()}` }] };
    }
    operation.status = "CANCELING";
    return { bulkOperation: operation, userErrors: [] };
  },
};

const iso = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : null);

function bulkOperationsFor(ctx: AdminContext, args: ConnectionArgs & { query?: string | null; sortKey?: string | null }) {
  const filtered = applySearch(ctx.shop.bulkOperations, args.query, "bulkOperations", {
    status: (op, t) => exact(op.status, t),
    operation_type: (op, t) => exact(op.type, t),
    created_at: (op, t) => date(op.createdAt, t),
    id: (op, t) => idMatch(op.id, t),
  });
  const key = args.sortKey === "COMPLETED_AT" ? (op: BulkOperationRecord) => op.completedAt?.getTime() ?? Number.MAX_SAFE_INTEGER : (op: BulkOperationRecord) => op.createdAt.getTime();
  // Newest first by default, as Shopify lists them.
  const sorted = [...filtered].sort((a, b) => key(b) - key(a) || b.id - a.id);
  return paginate(sorted, args, "bulkOperations");
}

export const bulkQueries = {
  currentBulkOperation: (_s: unknown, args: { type?: "QUERY" | "MUTATION" | null }, ctx: AdminContext) => {
    const type = args.type ?? "QUERY";
    return ctx.shop.bulkOperations.filter((op) => op.type === type).at(-1) ?? null;
  },
  bulkOperation: (_s: unknown, args: { id: string }, ctx: AdminContext) =>
    recordOf<BulkOperationRecord>(ctx.shop, "BulkOperation", idArgument(args.id, "BulkOperation")),
  bulkOperations: (_s: unknown, args: ConnectionArgs & { query?: string | null; sortKey?: string | null }, ctx: AdminContext) => bulkOperationsFor(ctx, args),
};

export const bulkTypes = {
  BulkOperation: {
    id: (op: BulkOperationRecord) => gid("BulkOperation", op.id),
    type: (op: BulkOperationRecord) => op.type,
    status: (op: BulkOperationRecord) => op.status,
    query: (op: BulkOperationRecord) => op.query,
    errorCode: (op: BulkOperationRecord) => op.errorCode,
    createdAt: (op: BulkOperationRecord) => iso(op.createdAt),
    completedAt: (op: BulkOperationRecord) => iso(op.completedAt),
    // UnsignedInt64 is serialized as a string, as Shopify answers it.
    objectCount: (op: BulkOperationRecord) => String(op.objectCount),
    rootObjectCount: (op: BulkOperationRecord) => String(op.rootObjectCount),
    fileSize: (op: BulkOperationRecord) => (op.fileSize === null ? null : String(op.fileSize)),
    url: (op: BulkOperationRecord) => op.url,
    partialDataUrl: (op: BulkOperationRecord) => op.partialDataUrl,
  },
};
