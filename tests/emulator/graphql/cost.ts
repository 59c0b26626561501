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
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
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
 * Shopify's published rules, simplified: scalars and enums cost 0, each object 1, a connection
 * 2 + (first|last) × the cost of what is selected in it, a mutation 10.
 */
export const simpleCostCalculator: CostCalculator = {
  requestedCost({ schema, document, operation, variables }) {
    if (operation.operation === "mutation") return 10;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const root = schema.getQueryType();
    return root ? selectionCost(schema, root, operation.selectionSet, fragments, variables) : 0;
  },
};

function selectionCost(
  schema: GraphQLSchema,
  parentType: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith("__")) continue;
      if (!isObjectType(parentType) && !isInterfaceType(parentType)) continue;
      const field = parentType.getFields()[selection.name.value];
      if (!field) continue;
      const named = getNamedType(field.type);
      if (!isCompositeType(named)) continue;
      const inner = selection.selectionSet ? selectionCost(schema, named, selection.selectionSet, fragments, variables) : 0;
      if (named.name.endsWith("Connection")) {
        const size = argumentNumber(selection.arguments, "first", variables) ?? argumentNumber(selection.arguments, "last", variables) ?? 1;
        total += 2 + size * inner;
      } else {
        total += 1 + inner;
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
      if (type && isCompositeType(type)) total += selectionCost(schema, type, selection.selectionSet, fragments, variables);
    } else {
      const fragment = fragments.get(selection.name.value);
      const type = fragment && schema.getType(fragment.typeCondition.name.value);
      if (fragment && type && isCompositeType(type)) total += selectionCost(schema, type, fragment.selectionSet, fragments, variables);
    }
  }
  return total;
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
 * counts the nodes it returned instead of `first`, and a null object costs nothing.
 */
export function actualQueryCost(input: CostInput & { data: unknown }): number {
  const { schema, document, operation, data } = input;
  if (operation.operation === "mutation") return 10;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const root = schema.getQueryType();
  return root && data && typeof data === "object" ? actualSelectionCost(schema, root, operation.selectionSet, fragments, data as Record<string, unknown>) : 0;
}

function actualSelectionCost(
  schema: GraphQLSchema,
  parentType: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  data: Record<string, unknown>,
): number {
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
      if (value === null || value === undefined) continue;
      const costOf = (item: unknown) =>
        selection.selectionSet && item && typeof item === "object"
          ? actualSelectionCost(schema, named, selection.selectionSet, fragments, item as Record<string, unknown>)
          : 0;
      if (named.name.endsWith("Connection") && !Array.isArray(value)) {
        // edges/nodes are priced by what came back.
        total += 2 + costOf(value);
      } else if (Array.isArray(value)) {
        total += value.reduce((sum: number, item) => sum + (item === null ? 0 : 1 + costOf(item)), 0);
      } else {
        total += 1 + costOf(value);
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parentType;
      const matches = !selection.typeCondition || data.__typename === undefined || data.__typename === selection.typeCondition.name.value || !isObjectType(type);
      if (type && isCompositeType(type) && matches) total += actualSelectionCost(schema, type, selection.selectionSet, fragments, data);
    } else {
      const fragment = fragments.get(selection.name.value);
      const type = fragment && schema.getType(fragment.typeCondition.name.value);
      if (fragment && type && isCompositeType(type)) total += actualSelectionCost(schema, type, fragment.selectionSet, fragments, data);
    }
  }
  return total;
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
