/**
 * Query cost and the leaky bucket behind `extensions.cost`.
 *
 * This is the pluggable part of the rate limit: a `CostCalculator` prices a document before it
 * runs (Shopify's `requestedQueryCost`), and a `ThrottleBucket` per shop (Shopify: per app and
 * store) drains by the cost and refills at `restoreRate` points per second of the emulator's
 * clock. A query whose requested cost exceeds what is available is answered THROTTLED (HTTP 200),
 * a single query above 1,000 points MAX_COST_EXCEEDED, as Shopify does.
 */
import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

export interface CostInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown>;
}

export interface CostCalculator {
  requestedCost(input: CostInput): number;
}

/**
 * How many items a connection of this page size is charged for. Shopify documents that a
 * connection is "sized by the first and last arguments" but not the curve
 * (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits); its staff call it
 * logarithmic, and the costs it reports for real documents are far below `first` × children
 * (tests/emulator/cost-calibration.test.ts holds every data point we found, with its source).
 * 0.7 × √first reproduces each of them exactly: 200 → 10, 250 → 11 (docs/decisions/026).
 */
export function connectionMultiplier(size: number): number {
  return Math.max(1, Math.round(CONNECTION_SCALE * Math.sqrt(Math.max(0, size))));
}
export const CONNECTION_SCALE = 0.7;

/** A mutation field's base cost (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits). */
export const MUTATION_BASE_COST = 10;

type Args = Record<string, unknown>;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const record = (value: unknown): Args => (value && typeof value === "object" && !Array.isArray(value) ? (value as Args) : {});

/**
 * Mutations whose cost Shopify computes from their input ("dynamic complexity"), each as its
 * changelog entry states it. Every other mutation costs the base 10, whatever its input:
 * inventorySetQuantities has no such entry (docs/decisions/026 says what could not be verified).
 */
export const DYNAMIC_MUTATION_COSTS: Record<string, (args: Args) => number> = {
  // https://shopify.dev/changelog/dynamic-complexity-cost-for-productset-mutation (2025-10)
  productSet: (args) => {
    const input = record(args.input);
    const variants = list(input.variants).map(record);
    return (
      variants.length * 0.2 +
      variants.filter((v) => v.file !== undefined && v.file !== null).length * 0.6 +
      variants.reduce((sum, v) => sum + list(v.metafields).length, 0) * 0.4 +
      list(input.metafields).length * 0.4 +
      list(input.files).length * 1.9
    );
  },
  // https://shopify.dev/changelog/dynamic-complexity-cost-for-productcreate-and-productupdate-mutations (2025-10)
  productCreate: (args) => productFieldsCost(args),
  productUpdate: (args) => productFieldsCost(args),
};

function productFieldsCost(args: Args): number {
  const product = record(args.product ?? args.input);
  return list(product.metafields).length * 0.4 + list(args.media ?? product.media).length * 1.9;
}

/** A mutation document's cost: 10 per mutation field plus what its input adds, rounded. */
function mutationCost(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>, variables: Record<string, unknown>): number {
  let total = 0;
  for (const field of flattenFields(operation.selectionSet, fragments)) {
    if (field.name.value.startsWith("__")) continue;
    const args: Args = {};
    for (const arg of field.arguments ?? []) args[arg.name.value] = valueFromASTUntyped(arg.value, variables);
    total += MUTATION_BASE_COST + (DYNAMIC_MUTATION_COSTS[field.name.value]?.(args) ?? 0);
  }
  // The changelog's weights are fractions and its reported costs integers: 1 variant (10.2) is "10 points".
  return Math.round(total);
}

/** The fields of a selection set with its fragments spread in (for the mutation root and connections). */
function flattenFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...flattenFields(selection.selectionSet, fragments));
    else {
      const fragment = fragments.get(selection.name.value);
      if (fragment) fields.push(...flattenFields(fragment.selectionSet, fragments));
    }
  }
  return fields;
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

const isConnection = (type: GraphQLNamedType) => type.name.endsWith("Connection");

/**
 * Shopify's published rules (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits):
 * scalars and enums 0, an object 1, an interface or union the maximum of its possible selections,
 * a connection 2 plus its items — each of `nodes`/`edges.node` 1 plus what is selected in it,
 * `pageInfo` and `cursor` free — charged `connectionMultiplier(first|last)` times, a mutation
 * field 10 plus what its input adds. Calibrated to the costs Shopify reports (docs/decisions/026).
 */
export const shopifyCostCalculator: CostCalculator = {
  requestedCost({ schema, document, operation, variables }) {
    const fragments = fragmentsOf(document);
    if (operation.operation === "mutation") return mutationCost(operation, fragments, variables);
    const root = schema.getQueryType();
    return root ? selectionCost({ schema, fragments, variables }, root, operation.selectionSet) : 0;
  },
};

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function selectionCost(walk: Walk, parentType: GraphQLCompositeType, selectionSet: SelectionSetNode): number {
  let total = 0;
  // Fragments on a narrower type than the parent are alternatives: only the dearest counts.
  const narrowed = new Map<string, number>();
  const addFragment = (typeName: string | undefined, set: SelectionSetNode) => {
    const type = typeName ? walk.schema.getType(typeName) : parentType;
    if (!type || !isCompositeType(type)) return;
    const cost = selectionCost(walk, type, set);
    if (type === parentType) total += cost;
    else narrowed.set(type.name, (narrowed.get(type.name) ?? 0) + cost);
  };
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      total += fieldCost(walk, parentType, selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      addFragment(selection.typeCondition?.name.value, selection.selectionSet);
    } else {
      const fragment = walk.fragments.get(selection.name.value);
      if (fragment) addFragment(fragment.typeCondition.name.value, fragment.selectionSet);
    }
  }
  return total + Math.max(0, ...narrowed.values());
}

function fieldCost(walk: Walk, parentType: GraphQLCompositeType, selection: FieldNode): number {
  if (selection.name.value.startsWith("__")) return 0;
  if (!isObjectType(parentType) && !isInterfaceType(parentType)) return 0;
  const field = parentType.getFields()[selection.name.value];
  if (!field) return 0;
  const named = getNamedType(field.type);
  if (!isCompositeType(named)) return 0;
  if (isConnection(named) && (isObjectType(named) || isInterfaceType(named)) && selection.selectionSet) {
    const size =
      argumentNumber(selection.arguments, "first", walk.variables) ?? argumentNumber(selection.arguments, "last", walk.variables) ?? 1;
    return 2 + connectionMultiplier(size) * connectionItemCost(walk, named, selection.selectionSet);
  }
  return 1 + (selection.selectionSet ? selectionCost(walk, named, selection.selectionSet) : 0);
}

/** What one item of a connection costs: its `nodes` entry and its edge (the edge itself is free). */
function connectionItemCost(walk: Walk, connection: GraphQLObjectType | GraphQLInterfaceType, selectionSet: SelectionSetNode): number {
  let perItem = 0;
  for (const field of flattenFields(selectionSet, walk.fragments)) {
    const name = field.name.value;
    if (name === "pageInfo" || !field.selectionSet) continue;
    const connectionField = connection.getFields()[name];
    const type = connectionField && getNamedType(connectionField.type);
    if (!type || !isCompositeType(type)) continue;
    if (name === "nodes") perItem += 1 + selectionCost(walk, type, field.selectionSet);
    else if (name === "edges") perItem += selectionCost(walk, type, field.selectionSet);
  }
  return perItem;
}

function argumentNumber(
  args: readonly { name: { value: string }; value: ValueNode }[] | undefined,
  name: string,
  variables: Record<string, unknown>,
): number | undefined {
  const arg = args?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  if (arg.value.kind === Kind.INT) return Number(arg.value.value);
  if (arg.value.kind === Kind.VARIABLE) {
    const value = variables[arg.value.name.value];
    return typeof value === "number" ? value : undefined;
  }
  return undefined;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Shopify's plans and their buckets (points, points per second). */
export const THROTTLE_PLANS = {
  standard: { maximumAvailable: 2_000, restoreRate: 100 },
  advanced: { maximumAvailable: 4_000, restoreRate: 200 },
  plus: { maximumAvailable: 20_000, restoreRate: 1_000 },
  enterprise: { maximumAvailable: 40_000, restoreRate: 2_000 },
} as const;
export type ThrottlePlan = keyof typeof THROTTLE_PLANS;

/** Shopify's single-query limit, independent of the plan. */
export const MAX_QUERY_COST = 1_000;

/**
 * A leaky bucket per app and shop (Standard plan by default: 2,000 points, 100 points/s).
 * Shopify checks the requested cost before running a query and charges the actual cost after.
 */
export class ThrottleBucket {
  private available: number;
  private updatedAt: number | null = null;

  constructor(
    public maximumAvailable: number = THROTTLE_PLANS.standard.maximumAvailable,
    public restoreRate: number = THROTTLE_PLANS.standard.restoreRate,
  ) {
    this.available = maximumAvailable;
  }

  private refill(now: Date) {
    const t = now.getTime();
    if (this.updatedAt !== null) {
      const elapsedSeconds = Math.max(0, t - this.updatedAt) / 1000;
      this.available = Math.min(this.maximumAvailable, this.available + elapsedSeconds * this.restoreRate);
    }
    this.updatedAt = t;
  }

  /** Whether a query of this requested cost may run now. */
  admits(cost: number, now: Date): boolean {
    this.refill(now);
    return cost <= this.available;
  }

  /** Takes the (actual) cost of a query that ran and reports the status after it. */
  spend(cost: number, now: Date): ThrottleStatus {
    this.refill(now);
    this.available = Math.max(0, this.available - cost);
    return this.status(now);
  }

  status(now: Date): ThrottleStatus {
    this.refill(now);
    return {
      maximumAvailable: this.maximumAvailable,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.restoreRate,
    };
  }

  /** Changes the plan's numbers; the bucket starts full, as after an upgrade. */
  configure(settings: { maximumAvailable?: number; restoreRate?: number }): void {
    if (settings.maximumAvailable !== undefined) this.maximumAvailable = settings.maximumAvailable;
    if (settings.restoreRate !== undefined) this.restoreRate = settings.restoreRate;
    this.available = this.maximumAvailable;
    this.updatedAt = null;
  }
}

/**
 * The actual cost of a query that ran: the same rules as the requested cost, but a connection
 * is charged for the items it returned (at least one, as Shopify charges 3 for an empty page),
 * each at the dearest returned item, and a null object costs its 1 point without its children
 * (Shopify charges 1 for `product(id:)` answering null). A mutation costs what it requested.
 */
export function actualQueryCost(input: CostInput & { data: unknown }): number {
  const { schema, document, operation, variables, data } = input;
  const fragments = fragmentsOf(document);
  if (operation.operation === "mutation") return mutationCost(operation, fragments, variables);
  const root = schema.getQueryType();
  return root && data && typeof data === "object"
    ? actualSelectionCost({ schema, fragments, variables }, root, operation.selectionSet, data as Record<string, unknown>)
    : 0;
}

function actualSelectionCost(walk: Walk, parentType: GraphQLCompositeType, selectionSet: SelectionSetNode, data: Record<string, unknown>): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith("__")) continue;
      if (!isObjectType(parentType) && !isInterfaceType(parentType)) continue;
      const field = parentType.getFields()[selection.name.value];
      if (!field) continue;
      const named = getNamedType(field.type);
      if (!isCompositeType(named)) continue;
      const value = data[selection.alias?.value ?? selection.name.value];
      if (value === undefined) continue;
      if (value === null) {
        total += 1;
        continue;
      }
      const costOf = (item: unknown) =>
        selection.selectionSet && item && typeof item === "object"
          ? actualSelectionCost(walk, named, selection.selectionSet, item as Record<string, unknown>)
          : 0;
      if (isConnection(named) && (isObjectType(named) || isInterfaceType(named)) && selection.selectionSet && !Array.isArray(value)) {
        total += actualConnectionCost(walk, named, selection.selectionSet, value as Record<string, unknown>);
      } else if (Array.isArray(value)) {
        total += value.reduce((sum: number, item) => sum + (item === null ? 0 : 1 + costOf(item)), 0);
      } else {
        total += 1 + costOf(value);
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parentType;
      const matches = !selection.typeCondition || data.__typename === undefined || data.__typename === selection.typeCondition.name.value || !isObjectType(type);
      if (type && isCompositeType(type) && matches) total += actualSelectionCost(walk, type, selection.selectionSet, data);
    } else {
      const fragment = walk.fragments.get(selection.name.value);
      const type = fragment && walk.schema.getType(fragment.typeCondition.name.value);
      if (fragment && type && isCompositeType(type)) total += actualSelectionCost(walk, type, fragment.selectionSet, data);
    }
  }
  return total;
}

function actualConnectionCost(
  walk: Walk,
  connection: GraphQLObjectType | GraphQLInterfaceType,
  selectionSet: SelectionSetNode,
  value: Record<string, unknown>,
): number {
  const perItem: number[] = [];
  for (const field of flattenFields(selectionSet, walk.fragments)) {
    const name = field.name.value;
    if ((name !== "nodes" && name !== "edges") || !field.selectionSet) continue;
    const connectionField = connection.getFields()[name];
    const type = connectionField && getNamedType(connectionField.type);
    if (!type || !isCompositeType(type)) continue;
    list(value[field.alias?.value ?? name]).forEach((item, i) => {
      const own = name === "nodes" ? 1 : 0;
      const cost = item && typeof item === "object" ? own + actualSelectionCost(walk, type, field.selectionSet as SelectionSetNode, item as Record<string, unknown>) : 0;
      perItem[i] = (perItem[i] ?? 0) + cost;
    });
  }
  // An empty page is charged as one item of what was asked for.
  const itemCost = perItem.length > 0 ? Math.max(...perItem) : connectionItemCost(walk, connection, selectionSet);
  return 2 + connectionMultiplier(Math.max(1, perItem.length)) * itemCost;
}

/** Shopify's limit on list inputs (ids, quantities, line items …). */
export const MAX_INPUT_ARRAY = 250;

/** The first list input longer than 250 items, in the variables or literal in the document. */
export function oversizedInputArray(operation: OperationDefinitionNode, variables: Record<string, unknown>): number | null {
  let found: number | null = null;
  const inspectValue = (value: unknown) => {
    if (found !== null) return;
    if (Array.isArray(value)) {
      if (value.length > MAX_INPUT_ARRAY) found = value.length;
      value.forEach(inspectValue);
    } else if (value && typeof value === "object") {
      Object.values(value).forEach(inspectValue);
    }
  };
  inspectValue(variables);
  const inspectNode = (node: ValueNode) => {
    if (found !== null) return;
    if (node.kind === Kind.LIST) {
      if (node.values.length > MAX_INPUT_ARRAY) found = node.values.length;
      node.values.forEach(inspectNode);
    } else if (node.kind === Kind.OBJECT) {
      node.fields.forEach((f) => inspectNode(f.value));
    }
  };
  const walk = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        selection.arguments?.forEach((a) => inspectNode(a.value));
        walk(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
    }
  };
  walk(operation.selectionSet);
  return found;
}
