/**
 * inventorySetQuantities and inventoryAdjustQuantities as 2026-07 has them:
 * - `changeFromQuantity` is mandatory on every quantity/change (null = "overwrite, I don't know
 *   the current value"); a value that differs from the stored one refuses the whole call with
 *   CHANGE_FROM_QUANTITY_STALE and changes nothing;
 * - the `@idempotent(key:)` directive is mandatory, with Shopify's rules for a repeated key
 *   (graphql/idempotency.ts).
 */
import type { GraphQLResolveInfo } from "graphql";
import { levelAt } from "../commerce";
import { recordOf, type InventoryAdjustmentGroupRecord, type InventoryChangeRecord, type InventoryItemRecord, type InventoryLevelRecord, type LocationRecord, type ShopState, type StoredQuantityName } from "../state";
import { AdminApiError } from "./errors";
import { idempotent } from "./idempotency";
import { gid, parseGid } from "./ids";
import type { AdminContext } from "./resolvers";

/** Shopify's inventory reasons (InventorySetQuantities / Adjust `reason`). */
export const INVENTORY_REASONS = [
  "correction",
  "cycle_count_available",
  "damaged",
  "movement_created",
  "movement_updated",
  "movement_received",
  "movement_canceled",
  "other",
  "promotion",
  "quality_control",
  "received",
  "reservation_created",
  "reservation_deleted",
  "reservation_updated",
  "restock",
  "safety_stock",
  "shrinkage",
] as const;

const ADJUSTABLE_NAMES = ["available", "damaged", "incoming", "quality_control", "reserved", "safety_stock"] as const;
const MAX_QUANTITY = 1_000_000_000;

interface UserError {
  field: string[];
  message: string;
  code: string;
}

/** changeFromQuantity must be present in every entry, even as null (absent ≠ null). */
function requireChangeFrom(entries: readonly object[], listName: string) {
  entries.forEach((entry, i) => {
    if (!Object.hasOwn(entry, "changeFromQuantity")) {
      throw new AdminApiError(
        `input.${listName}.${i}.changeFromQuantity is required as of API version 2026-04; pass null to skip the compare-and-swap check.`,
        "BAD_REQUEST",
        { field: ["input", listName, String(i), "changeFromQuantity"] },
      );
    }
  });
}

function validReference(uri: string | null | undefined): boolean {
  if (uri === null || uri === undefined) return true;
  return /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(uri) || /^gid:\/\/\S+$/.test(uri);
}

function resolveTarget(shop: ShopState, itemGid: string, locationGid: string, field: string[], errors: UserError[]): InventoryLevelRecord | null {
  const itemId = parseGid(itemGid);
  const item = itemId?.type === "InventoryItem" ? recordOf<InventoryItemRecord>(shop, "InventoryItem", itemId.id) : null;
  if (!item) {
    errors.push({ field: [...field, "inventoryItemId"], message: "The specified inventory item could not be found.", code: "INVALID_INVENTORY_ITEM" });
    return null;
  }
  const locationId = parseGid(locationGid);
  const location = locationId?.type === "Location" ? recordOf<LocationRecord>(shop, "Location", locationId.id) : null;
  if (!location || !location.isActive) {
    errors.push({ field: [...field, "locationId"], message: "The specified location could not be found.", code: "INVALID_LOCATION" });
    return null;
  }
  const level = levelAt(shop, item.id, location.id);
  if (!level) {
    errors.push({ field: [...field, "locationId"], message: "The specified inventory item is not stocked at the location.", code: "ITEM_NOT_STOCKED_AT_LOCATION" });
    return null;
  }
  return level;
}

const onHandOf = (l: InventoryLevelRecord) => {
  const q = l.quantities;
  return q.available + q.committed + q.reserved + q.damaged + q.quality_control + q.safety_stock;
};

interface SetArgs {
  input: {
    name: string;
    reason: string;
    referenceDocumentUri?: string | null;
    quantities: { inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity?: number | null }[];
  };
}

interface AdjustArgs {
  input: {
    name: string;
    reason: string;
    referenceDocumentUri?: string | null;
    changes: { inventoryItemId: string; locationId: string; delta: number; changeFromQuantity?: number | null; ledgerDocumentUri?: string | null }[];
  };
}

function recordGroup(ctx: AdminContext, input: { reason: string; referenceDocumentUri?: string | null }, changes: InventoryChangeRecord[]): InventoryAdjustmentGroupRecord {
  const group: InventoryAdjustmentGroupRecord = {
    __typename: "InventoryAdjustmentGroup",
    id: ctx.ids.take(),
    createdAt: ctx.now,
    reason: input.reason,
    referenceDocumentUri: input.referenceDocumentUri ?? null,
    byApp: true,
    changes,
  };
  ctx.shop.adjustmentGroups.push(group);
  return group;
}

export const inventoryMutations = {
  inventorySetQuantities: (_s: unknown, args: SetArgs, ctx: AdminContext, info: GraphQLResolveInfo) => {
    const { shop } = ctx;
    requireChangeFrom(args.input.quantities, "quantities");
    return idempotent(
      ctx,
      info,
      args,
      () => {
        const { input } = args;
        const errors: UserError[] = [];
        if (input.name !== "available" && input.name !== "on_hand") {
          errors.push({ field: ["input", "name"], message: "The quantity name must be either 'available' or 'on_hand'.", code: "INVALID_NAME" });
        }
        if (!(INVENTORY_REASONS as readonly string[]).includes(input.reason)) {
          errors.push({ field: ["input", "reason"], message: "The specified reason is invalid.", code: "INVALID_REASON" });
        }
        if (!validReference(input.referenceDocumentUri)) {
          errors.push({ field: ["input", "referenceDocumentUri"], message: "The specified reference document is invalid.", code: "INVALID_REFERENCE_DOCUMENT" });
        }
        const seen = new Set<string>();
        const targets: { level: InventoryLevelRecord; quantity: number }[] = [];
        input.quantities.forEach((q, i) => {
          const field = ["input", "quantities", String(i)];
          const pairKey = `${q.inventoryItemId}|${q.locationId}`;
          if (seen.has(pairKey)) {
            errors.push({ field, message: "The combination of inventoryItemId and locationId must be unique.", code: "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR" });
            return;
          }
          seen.add(pairKey);
          if (q.quantity < 0 && input.name === "on_hand") {
            errors.push({ field: [...field, "quantity"], message: "The quantity can't be negative.", code: "INVALID_QUANTITY_NEGATIVE" });
          }
          if (q.quantity > MAX_QUANTITY) {
            errors.push({ field: [...field, "quantity"], message: "The quantity can't be higher than 1,000,000,000.", code: "INVALID_QUANTITY_TOO_HIGH" });
          }
          if (q.quantity < -MAX_QUANTITY) {
            errors.push({ field: [...field, "quantity"], message: "The quantity can't be lower than -1,000,000,000.", code: "INVALID_QUANTITY_TOO_LOW" });
          }
          const level = resolveTarget(shop, q.inventoryItemId, q.locationId, field, errors);
          if (!level) return;
          const current = input.name === "on_hand" ? onHandOf(level) : level.quantities.available;
          if (q.changeFromQuantity !== null && q.changeFromQuantity !== undefined && q.changeFromQuantity !== current) {
            errors.push({
              field: [...field, "changeFromQuantity"],
              message: "The specified changeFromQuantity does not match the current quantity.",
              code: "CHANGE_FROM_QUANTITY_STALE",
            });
            return;
          }
          targets.push({ level, quantity: q.quantity });
        });
        // All or nothing: one refused quantity refuses the call.
        if (errors.length > 0) return { inventoryAdjustmentGroup: null, userErrors: errors };
        const changes: InventoryChangeRecord[] = [];
        for (const { level, quantity } of targets) {
          const delta = quantity - (input.name === "on_hand" ? onHandOf(level) : level.quantities.available);
          level.quantities.available += delta;
          level.updatedAt = ctx.now;
          const base = { inventoryItemId: level.inventoryItemId, locationId: level.locationId, delta, ledgerDocumentUri: null };
          changes.push({ ...base, name: "available", quantityAfterChange: level.quantities.available });
          changes.push({ ...base, name: "on_hand", quantityAfterChange: onHandOf(level) });
          if (delta !== 0) ctx.emit({ topic: "inventory_levels/update", subject: level });
        }
        return { inventoryAdjustmentGroup: recordGroup(ctx, input, changes), userErrors: [] };
      },
      (code, message) => ({ inventoryAdjustmentGroup: null, userErrors: [{ field: [], message, code }] }),
    );
  },

  inventoryAdjustQuantities: (_s: unknown, args: AdjustArgs, ctx: AdminContext, info: GraphQLResolveInfo) => {
    const { shop } = ctx;
    requireChangeFrom(args.input.changes, "changes");
    return idempotent(
      ctx,
      info,
      args,
      () => {
        const { input } = args;
        const errors: UserError[] = [];
        const name = input.name as (typeof ADJUSTABLE_NAMES)[number];
        if (!(ADJUSTABLE_NAMES as readonly string[]).includes(name)) {
          errors.push({ field: ["input", "name"], message: `The quantity name must be one of ${ADJUSTABLE_NAMES.join(", ")}.`, code: "INVALID_QUANTITY_NAME" });
        }
        if (!(INVENTORY_REASONS as readonly string[]).includes(input.reason)) {
          errors.push({ field: ["input", "reason"], message: "The specified reason is invalid.", code: "INVALID_REASON" });
        }
        if (!validReference(input.referenceDocumentUri)) {
          errors.push({ field: ["input", "referenceDocumentUri"], message: "The specified reference document is invalid.", code: "INVALID_REFERENCE_DOCUMENT" });
        }
        const targets: { level: InventoryLevelRecord; delta: number; ledgerDocumentUri: string | null }[] = [];
        input.changes.forEach((c, i) => {
          const field = ["input", "changes", String(i)];
          const level = resolveTarget(shop, c.inventoryItemId, c.locationId, field, errors);
          if (!level || errors.some((e) => e.field[0] === "input" && e.field[1] === "name")) return;
          const current = level.quantities[name as StoredQuantityName];
          if (c.changeFromQuantity !== null && c.changeFromQuantity !== undefined && c.changeFromQuantity !== current) {
            errors.push({ field: [...field, "changeFromQuantity"], message: "The specified changeFromQuantity does not match the current quantity.", code: "CHANGE_FROM_QUANTITY_STALE" });
            return;
          }
          if (current + c.delta > MAX_QUANTITY) {
            errors.push({ field: [...field, "delta"], message: "The quantity can't be higher than 1,000,000,000.", code: "INVALID_QUANTITY_TOO_HIGH" });
            return;
          }
          if (name !== "available" && current + c.delta < 0) {
            errors.push({ field: [...field, "delta"], message: "The quantity can't be negative.", code: "INVALID_QUANTITY_TOO_LOW" });
            return;
          }
          targets.push({ level, delta: c.delta, ledgerDocumentUri: c.ledgerDocumentUri ?? null });
        });
        if (errors.length > 0) return { inventoryAdjustmentGroup: null, userErrors: errors };
        const changes: InventoryChangeRecord[] = [];
        for (const { level, delta, ledgerDocumentUri } of targets) {
          level.quantities[name as StoredQuantityName] += delta;
          level.updatedAt = ctx.now;
          const base = { inventoryItemId: level.inventoryItemId, locationId: level.locationId, delta, ledgerDocumentUri };
          changes.push({ ...base, name, quantityAfterChange: level.quantities[name as StoredQuantityName] });
          if (name !== "incoming") changes.push({ ...base, name: "on_hand", quantityAfterChange: onHandOf(level) });
          if (name === "available" && delta !== 0) ctx.emit({ topic: "inventory_levels/update", subject: level });
        }
        return { inventoryAdjustmentGroup: recordGroup(ctx, input, changes), userErrors: [] };
      },
      (code, message) => ({ inventoryAdjustmentGroup: null, userErrors: [{ field: [], message, code }] }),
    );
  },
};

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

export const inventoryTypes = {
  InventoryAdjustmentGroup: {
    id: (g: InventoryAdjustmentGroupRecord) => gid("InventoryAdjustmentGroup", g.id),
    createdAt: (g: InventoryAdjustmentGroupRecord) => iso(g.createdAt),
    reason: (g: InventoryAdjustmentGroupRecord) => g.reason,
    referenceDocumentUri: (g: InventoryAdjustmentGroupRecord) => g.referenceDocumentUri,
    app: (g: InventoryAdjustmentGroupRecord, _a: unknown, ctx: AdminContext) => (g.byApp ? ctx.app : null),
    staffMember: () => null,
    changes: (g: InventoryAdjustmentGroupRecord, args: { inventoryItemIds?: string[] | null; locationIds?: string[] | null; quantityNames?: string[] | null }) =>
      g.changes
        .filter((c) => !args.inventoryItemIds || args.inventoryItemIds.includes(gid("InventoryItem", c.inventoryItemId)))
        .filter((c) => !args.locationIds || args.locationIds.includes(gid("Location", c.locationId)))
        .filter((c) => !args.quantityNames || args.quantityNames.includes(c.name))
        .map((c) => ({ ...c, __typename: "InventoryChange" as const })),
  },
  InventoryChange: {
    name: (c: InventoryChangeRecord) => c.name,
    delta: (c: InventoryChangeRecord) => c.delta,
    quantityAfterChange: (c: InventoryChangeRecord) => c.quantityAfterChange,
    ledgerDocumentUri: (c: InventoryChangeRecord) => c.ledgerDocumentUri,
    item: (c: InventoryChangeRecord, _a: unknown, { shop }: AdminContext) => recordOf(shop, "InventoryItem", c.inventoryItemId),
    location: (c: InventoryChangeRecord, _a: unknown, { shop }: AdminContext) => recordOf(shop, "Location", c.locationId),
  },
};
