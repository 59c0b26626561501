/**
 * Query cost and the leaky bucket behind `extensions.cost`.
 *
 * This is the pluggable part of the rate limit: a `CostCalculator` prices a document before it
 * runs (Shopify's `requestedQueryCost`), and a `ThrottleBucket` per shop (Shopify: per app and
 * store) drains by the cost and refills at `restoreRate` points per second of the emulator's
 * clock. Enforcement (answering THROTTLED) is a later step; the bucket already reports the same
 * `throttleStatus` shape so apps can read their budget as they would in production.
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

/** Shopify's Standard plan bucket: 2,000 points, 100 points/s. */
export class ThrottleBucket {
  private available: number;
  private updatedAt: number | null = null;

  constructor(
    readonly maximumAvailable = 2000,
    readonly restoreRate = 100,
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

  /** Takes the cost of a query that ran and reports the status after it. */
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
}
