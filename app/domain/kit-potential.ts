import { floorDivideUnits, parseQuantity, toUnits, type DecimalLike, type DecimalString, type QuantityErrorCode } from "./quantity";
import { pairKey, type StockLevel } from "./stock-levels";

/**
 * Kits / bundles (issue 5, "Kits/bundles (BOM)"): a kit variant is made of components × quantity.
 * Its potential stock at a location is how many complete kits the components' *available* stock
 * there allows: floor(min over components of available / quantity per kit), never negative.
 * The kit's own stock (if it is also manufactured and stocked) is not part of the potential.
 * A component that is itself a kit counts with its own available stock, not its potential.
 */

export interface BomComponent {
  variantId: string;
  quantityPerKit: DecimalLike;
}

export type KitPotentialCode = "OK" | "KIT_EMPTY_BOM" | "KIT_INVALID_BOM";

export interface KitPotential {
  /** Whole kits; 0 when the BOM is empty or invalid. */
  potential: number;
  code: KitPotentialCode;
  /** The component that limits the potential (the first one on a tie); null for an empty BOM. */
  limitingVariantId: string | null;
}

type Availability = ReadonlyMap<string, DecimalLike> | Readonly<Record<string, DecimalLike>>;

function availableOf(availability: Availability, variantId: string): DecimalLike | undefined {
  if (availability instanceof Map) return availability.get(variantId);
  return Object.prototype.hasOwnProperty.call(availability, variantId)
    ? (availability as Record<string, DecimalLike>)[variantId]
    : undefined;
}

/** Quantities per kit summed per component (a component listed twice needs both quantities). */
function perComponent(components: readonly BomComponent[]): Map<string, bigint> {
  const needs = new Map<string, bigint>();
  for (const c of components) needs.set(c.variantId, (needs.get(c.variantId) ?? 0n) + toUnits(c.quantityPerKit));
  return needs;
}

/**
 * How many kits the available stock allows. A component missing from `availableByVariant` has
 * nothing available.
 */
export function kitPotential(components: readonly BomComponent[], availableByVariant: Availability): KitPotential {
  const needs = perComponent(components);
  if (needs.size === 0) return { potential: 0, code: "KIT_EMPTY_BOM", limitingVariantId: null };
  let best: { potential: number; variantId: string } | null = null;
  for (const [variantId, need] of needs) {
    if (need <= 0n) return { potential: 0, code: "KIT_INVALID_BOM", limitingVariantId: variantId };
    const available = availableOf(availableByVariant, variantId);
    const units = available === undefined ? 0n : toUnits(available);
    const kits = units <= 0n ? 0 : floorDivideUnits(units, need);
    if (best === null || kits < best.potential) best = { potential: kits, variantId };
  }
  return { potential: best!.potential, code: "OK", limitingVariantId: best!.variantId };
}

export interface KitPotentialAt {
  kitVariantId: string;
  locationId: string;
  potential: number;
  code: KitPotentialCode;
  limitingVariantId: string | null;
}

/**
 * Potential of many kits at many locations from one set of stock levels (what the inventory
 * overview and the stock push read): one entry per kit × location, kits in `boms` order.
 */
export function kitPotentials(input: {
  boms: Iterable<{ kitVariantId: string; components: readonly BomComponent[] }>;
  levels: Iterable<StockLevel>;
  locationIds: readonly string[];
}): KitPotentialAt[] {
  const available = new Map<string, DecimalString>();
  for (const level of input.levels) available.set(pairKey(level.variantId, level.locationId), level.available);
  const results: KitPotentialAt[] = [];
  for (const bom of input.boms) {
    for (const locationId of input.locationIds) {
      const at = new Map<string, DecimalString>();
      for (const c of bom.components) {
        const value = available.get(pairKey(c.variantId, locationId));
        if (value !== undefined) at.set(c.variantId, value);
      }
      results.push({ kitVariantId: bom.kitVariantId, locationId, ...kitPotential(bom.components, at) });
    }
  }
  return results;
}

// ───────────────────────────── validating a BOM ─────────────────────────────

export interface BomLineInput {
  variantId: string;
  /** As typed by the merchant. */
  quantityPerKit: unknown;
  /** The component is a service product: services hold no stock and cannot be a component. */
  isService?: boolean;
}

export type BomProblem =
  | { code: "BOM_CONTAINS_ITSELF"; line: number; message: string }
  | { code: "BOM_CYCLE"; line: number; path: string[]; message: string }
  | { code: "BOM_DUPLICATE_COMPONENT"; line: number; message: string }
  | { code: "BOM_SERVICE_COMPONENT"; line: number; message: string }
  | { code: QuantityErrorCode; line: number; message: string };

export type BomValidation =
  | { ok: true; components: { variantId: string; quantityPerKit: DecimalString }[] }
  | { ok: false; problems: BomProblem[] };

export interface ValidateBomInput {
  kitVariantId: string;
  lines: readonly BomLineInput[];
  /** The other kits' current components (kit variant id → component variant ids). This kit's own entry is ignored. */
  existingBoms: ReadonlyMap<string, readonly string[]>;
  /** Variant code or name per id, for messages; the id is shown when missing. */
  labels?: ReadonlyMap<string, string>;
}

/**
 * Checks a kit's new bill of materials: each line a positive quantity (up to 4 places), no
 * service, no component twice, and no cycle — the kit may not contain itself, directly or
 * through a component that is (or contains) a kit made from it. Every problem is reported with
 * its line (0-based), so the form shows each beside its field. An empty BOM is valid: the
 * variant is then no longer a kit.
 */
export function validateBom(input: ValidateBomInput): BomValidation {
  const label = (id: string) => input.labels?.get(id) ?? id;
  const kit = label(input.kitVariantId);
  const problems: BomProblem[] = [];
  const seen = new Set<string>();
  const components: { variantId: string; quantityPerKit: DecimalString }[] = [];

  input.lines.forEach((line, index) => {
    const quantity = parseQuantity(line.quantityPerKit, { label: "quantity per kit" });
    if (!quantity.ok) problems.push({ code: quantity.code, line: index, message: quantity.message });
    if (line.variantId === input.kitVariantId) {
      problems.push({
        code: "BOM_CONTAINS_ITSELF",
        line: index,
        message: `"${kit}" cannot be a component of itself. Remove this line.`,
      });
      return;
    }
    if (seen.has(line.variantId)) {
      problems.push({
        code: "BOM_DUPLICATE_COMPONENT",
        line: index,
        message: `"${label(line.variantId)}" is already a component of this kit. Remove this line and add its quantity to the first one.`,
      });
      return;
    }
    seen.add(line.variantId);
    if (line.isService) {
      problems.push({
        code: "BOM_SERVICE_COMPONENT",
        line: index,
        message: `"${label(line.variantId)}" is a service and holds no stock, so it cannot be a kit component. Remove this line.`,
      });
      return;
    }
    const path = pathBackToKit(line.variantId, input.kitVariantId, input.existingBoms);
    if (path) {
      const shown = [input.kitVariantId, ...path].map(label).join(" → ");
      problems.push({
        code: "BOM_CYCLE",
        line: index,
        path: [input.kitVariantId, ...path],
        message: `"${label(line.variantId)}" is itself made from "${kit}" (${shown}), so it cannot be one of its components. Remove this line or change the other kit first.`,
      });
      return;
    }
    if (quantity.ok) components.push({ variantId: line.variantId, quantityPerKit: quantity.value });
  });

  return problems.length > 0 ? { ok: false, problems } : { ok: true, components };
}

/** The chain from `start` down the existing BOMs to `kitVariantId`, or null if there is none. */
function pathBackToKit(start: string, kitVariantId: string, boms: ReadonlyMap<string, readonly string[]>): string[] | null {
  const parent = new Map<string, string | null>([[start, null]]);
  const stack = [start];
  while (stack.length > 0) {
    const current = stack.pop()!;
    const children = current === kitVariantId ? [] : (boms.get(current) ?? []);
    for (const child of children) {
      if (parent.has(child)) continue;
      parent.set(child, current);
      if (child === kitVariantId) {
        const path: string[] = [];
        for (let node: string | null = child; node !== null; node = parent.get(node) ?? null) path.unshift(node);
        return path;
      }
      stack.push(child);
    }
  }
  return null;
}
