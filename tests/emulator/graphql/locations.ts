/**
 * Merchant locations: `locationAdd`, `locationEdit`, `locationDeactivate` (`@idempotent` required
 * from 2026-04; refused while the location holds stock or open fulfillment orders, unless a
 * destination takes the stock), `locationActivate` and `locationDelete` (inactive locations only).
 * Webhooks: locations/create, locations/update, locations/delete, and locations/deactivate and
 * locations/activate, the topics Shopify names for "a location is deactivated" and "a deactivated
 * location is re-activated" (https://shopify.dev/docs/api/webhooks?reference=toml, topics
 * LOCATIONS_ACTIVATE / LOCATIONS_DEACTIVATE), each with the location's REST payload. Whether Shopify
 * also sends locations/update for the same change is not documented; the emulator sends it too,
 * under the same Event-Id (docs/decisions/027-webhook-delivery.md), so Tenon copes either way.
 */
import type { GraphQLResolveInfo } from "graphql";
import { emitChange } from "../commerce";
import { indexRecord, recordOf, type LocationRecord } from "../state";
import { gid, idArgument } from "./ids";
import { idempotent } from "./idempotency";
import type { AdminContext } from "./resolvers";

interface AddressInput {
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  countryCode?: string | null;
  phone?: string | null;
  provinceCode?: string | null;
  zip?: string | null;
}

const COUNTRY_NAMES = new Intl.DisplayNames(["en"], { type: "region" });

function applyAddress(location: LocationRecord, input: AddressInput): void {
  const a = location.address;
  for (const key of ["address1", "address2", "city", "phone", "provinceCode", "zip"] as const) {
    if (input[key] !== undefined) a[key] = input[key] ?? null;
  }
  if (input.countryCode) {
    a.countryCode = input.countryCode;
    a.country = COUNTRY_NAMES.of(input.countryCode) ?? input.countryCode;
  }
}

const hasStock = (ctx: AdminContext, location: LocationRecord) =>
  ctx.shop.inventoryLevels.some((l) => l.locationId === location.id && l.isActive && Object.values(l.quantities).some((q) => q !== 0));
const hasOpenFulfillmentOrders = (ctx: AdminContext, location: LocationRecord) =>
  ctx.shop.fulfillmentOrders.some((fo) => fo.locationId === location.id && fo.status !== "CLOSED" && fo.status !== "CANCELLED");

function deactivate(ctx: AdminContext, args: { locationId: string; destinationLocationId?: string | null }) {
  const fail = (code: string | null, message: string, field = ["locationId"]) => ({ location: null, locationDeactivateUserErrors: [{ code, message, field }] });
  const location = recordOf<LocationRecord>(ctx.shop, "Location", idArgument(args.locationId, "Location"));
  if (!location) return fail("LOCATION_NOT_FOUND", "Location not found.");
  if (!location.isActive) return { location, locationDeactivateUserErrors: [] };
  let destination: LocationRecord | null = null;
  if (args.destinationLocationId) {
    destination = recordOf<LocationRecord>(ctx.shop, "Location", idArgument(args.destinationLocationId, "Location"));
    if (destination?.id === location.id) return fail("DESTINATION_LOCATION_IS_THE_SAME_LOCATION", "The destination is the location being deactivated.", ["destinationLocationId"]);
    if (!destination?.isActive) return fail("DESTINATION_LOCATION_NOT_FOUND_OR_INACTIVE", "The destination location is not found or inactive.", ["destinationLocationId"]);
  }
  if (hasOpenFulfillmentOrders(ctx, location)) return fail("HAS_FULFILLMENT_ORDERS_ERROR", "The location has open fulfillment orders.");
  if (!destination && hasStock(ctx, location)) return fail("HAS_ACTIVE_INVENTORY_ERROR", "The location has inventory; give a destination location for it.");
  if (!ctx.shop.locations.some((l) => l.isActive && l.id !== location.id && l.fulfillsOnlineOrders) && location.fulfillsOnlineOrders) {
    return fail("CANNOT_DISABLE_ONLINE_ORDER_FULFILLMENT", "At least one location must fulfil online orders.");
  }
  if (destination) {
    // The stock moves to the destination (its levels are created as needed).
    for (const level of ctx.shop.inventoryLevels.filter((l) => l.locationId === location.id && l.isActive)) {
      let target = ctx.shop.inventoryLevels.find((l) => l.locationId === destination.id && l.inventoryItemId === level.inventoryItemId);
      if (!target) {
        target = { ...level, id: ctx.ids.take(), locationId: destination.id, quantities: { available: 0, committed: 0, reserved: 0, damaged: 0, quality_control: 0, safety_stock: 0, incoming: 0 }, createdAt: ctx.now };
        ctx.shop.inventoryLevels.push(target);
        indexRecord(ctx.shop, target);
      }
      for (const name of Object.keys(level.quantities) as (keyof typeof level.quantities)[]) {
        target.quantities[name] += level.quantities[name];
        level.quantities[name] = 0;
      }
      target.isActive = true;
      target.updatedAt = ctx.now;
      level.isActive = false;
      level.updatedAt = ctx.now;
    }
  } else {
    for (const level of ctx.shop.inventoryLevels.filter((l) => l.locationId === location.id)) level.isActive = false;
  }
  location.isActive = false;
  location.fulfillsOnlineOrders = false;
  location.deactivatedAt = ctx.now;
  location.updatedAt = ctx.now;
  emitChange(ctx, { topic: "locations/deactivate", subject: location }, { topic: "locations/update", subject: location });
  return { location, locationDeactivateUserErrors: [] };
}

/** A deactivated location active again; its inventory levels stay where deactivation left them. */
type LocationActivatePayload = { location: LocationRecord | null; locationActivateUserErrors: { code: string | null; message: string; field: string[] }[] };

function activate(ctx: AdminContext, args: { locationId: string }): LocationActivatePayload {
  const location = recordOf<LocationRecord>(ctx.shop, "Location", idArgument(args.locationId, "Location"));
  if (!location) return { location: null, locationActivateUserErrors: [{ code: "LOCATION_NOT_FOUND", message: "Location not found.", field: ["locationId"] }] };
  if (location.isActive) return { location, locationActivateUserErrors: [] };
  if (ctx.shop.locations.some((l) => l.id !== location.id && l.isActive && l.name.toLowerCase() === location.name.toLowerCase())) {
    return { location: null, locationActivateUserErrors: [{ code: "HAS_NON_UNIQUE_NAME", message: "An active location already has this name.", field: ["locationId"] }] };
  }
  location.isActive = true;
  location.deactivatedAt = null;
  location.updatedAt = ctx.now;
  emitChange(ctx, { topic: "locations/activate", subject: location }, { topic: "locations/update", subject: location });
  return { location, locationActivateUserErrors: [] };
}

export const locationMutations = {
  locationAdd: (_s: unknown, args: { input: { name: string; address: AddressInput; fulfillsOnlineOrders?: boolean | null; metafields?: unknown[] | null } }, ctx: AdminContext) => {
    const name = args.input.name.trim();
    if (name === "") return { location: null, userErrors: [{ field: ["input", "name"], message: "Name can't be blank", code: "BLANK" }] };
    if (ctx.shop.locations.some((l) => l.name.toLowerCase() === name.toLowerCase())) {
      return { location: null, userErrors: [{ field: ["input", "name"], message: "Name has already been taken", code: "TAKEN" }] };
    }
    const location: LocationRecord = {
      __typename: "Location",
      id: ctx.ids.take(),
      key: `location-${ctx.shop.locations.length + 1}`,
      name,
      address: { address1: null, address2: null, city: null, zip: null, province: null, provinceCode: null, country: null, countryCode: null, phone: null, latitude: null, longitude: null },
      isActive: true,
      fulfillsOnlineOrders: args.input.fulfillsOnlineOrders ?? true,
      shipsInventory: true,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      deactivatedAt: null,
    };
    applyAddress(location, args.input.address);
    ctx.shop.locations.push(location);
    indexRecord(ctx.shop, location);
    ctx.emit({ topic: "locations/create", subject: location });
    return { location, userErrors: [] };
  },

  locationEdit: (_s: unknown, args: { id: string; input: { name?: string | null; address?: AddressInput | null; fulfillsOnlineOrders?: boolean | null } }, ctx: AdminContext) => {
    const location = recordOf<LocationRecord>(ctx.shop, "Location", idArgument(args.id, "Location"));
    if (!location) return { location: null, userErrors: [{ field: ["id"], message: "Location not found.", code: "NOT_FOUND" }] };
    const name = args.input.name?.trim();
    if (name !== undefined && name === "") return { location: null, userErrors: [{ field: ["input", "name"], message: "Name can't be blank", code: "BLANK" }] };
    if (name && ctx.shop.locations.some((l) => l.id !== location.id && l.name.toLowerCase() === name.toLowerCase())) {
      return { location: null, userErrors: [{ field: ["input", "name"], message: "Name has already been taken", code: "TAKEN" }] };
    }
    if (args.input.fulfillsOnlineOrders === false && !ctx.shop.locations.some((l) => l.id !== location.id && l.isActive && l.fulfillsOnlineOrders)) {
      return { location: null, userErrors: [{ field: ["input", "fulfillsOnlineOrders"], message: "At least one location must fulfil online orders.", code: "CANNOT_DISABLE_ONLINE_ORDER_FULFILLMENT" }] };
    }
    if (name) location.name = name;
    if (args.input.address) applyAddress(location, args.input.address);
    if (typeof args.input.fulfillsOnlineOrders === "boolean") location.fulfillsOnlineOrders = args.input.fulfillsOnlineOrders;
    location.updatedAt = ctx.now;
    ctx.emit({ topic: "locations/update", subject: location });
    return { location, userErrors: [] };
  },

  locationDeactivate: (_s: unknown, args: { locationId: string; destinationLocationId?: string | null }, ctx: AdminContext, info: GraphQLResolveInfo) =>
    idempotent(
      ctx,
      info,
      args,
      () => deactivate(ctx, args),
      // LocationDeactivateUserErrorCode has no IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED (2026-07): code null.
      (code, message) => ({
        location: null,
        locationDeactivateUserErrors: [{ code: code === "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED" ? null : code, message, field: ["locationId"] }],
      }),
    ),

  locationActivate: (_s: unknown, args: { locationId: string }, ctx: AdminContext, info: GraphQLResolveInfo) =>
    idempotent(
      ctx,
      info,
      args,
      () => activate(ctx, args),
      // LocationActivateUserErrorCode has no IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED either (2026-07): code null.
      (code, message) => ({
        location: null,
        locationActivateUserErrors: [{ code: code === "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED" ? null : code, message, field: ["locationId"] }],
      }),
    ),

  locationDelete: (_s: unknown, args: { locationId: string }, ctx: AdminContext) => {
    const fail = (code: string, message: string) => ({ deletedLocationId: null, locationDeleteUserErrors: [{ code, message, field: ["locationId"] }] });
    const location = recordOf<LocationRecord>(ctx.shop, "Location", idArgument(args.locationId, "Location"));
    if (!location) return fail("LOCATION_NOT_FOUND", "Location not found.");
    if (location.isActive) return fail("LOCATION_IS_ACTIVE", "Only a deactivated location can be deleted.");
    if (hasStock(ctx, location)) return fail("LOCATION_HAS_INVENTORY", "The location has inventory.");
    ctx.shop.locations = ctx.shop.locations.filter((l) => l.id !== location.id);
    ctx.shop.inventoryLevels = ctx.shop.inventoryLevels.filter((l) => l.locationId !== location.id);
    for (const [item, levels] of ctx.shop.index.levelsByItem) ctx.shop.index.levelsByItem.set(item, levels.filter((l) => l.locationId !== location.id));
    ctx.shop.index.byId.delete(location.id);
    ctx.emit({ topic: "locations/delete", subject: location });
    return { deletedLocationId: gid("Location", location.id), locationDeleteUserErrors: [] };
  },
};
