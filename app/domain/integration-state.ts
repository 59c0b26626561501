/**
 * The integration state of one Shopify store (product.md, "The four integration states").
 * Pure: the page header, the Activate button and every sync flow ask this one function.
 */

export type IntegrationState = "not_connected" | "disabled" | "sync_inactive" | "sync_active";

export const integrationStateLabel: Record<IntegrationState, string> = {
  not_connected: "Not Connected",
  disabled: "Disabled",
  sync_inactive: "Sync inactive",
  sync_active: "Sync active",
};

export interface StateInput {
  /** "connected" while Tenon holds a valid offline token; null when the store never installed Tenon. */
  connection: "connected" | "uninstalled" | null;
  syncActive: boolean;
  /** When Tenon last read the store's locations from Shopify; null = never. */
  locationsReadAt: Date | null;
  shopifyLocations: ReadonlyArray<{
    shopifyLocationId: string;
    name: string;
    /** Deactivated or deleted in Shopify: needs no mapping any more. */
    removed: boolean;
    mappedLocationId: string | null;
  }>;
  tenonLocations: ReadonlyArray<{ id: string; name: string; deleted: boolean }>;
}

export type StateProblem =
  | { code: "LOCATIONS_NOT_READ"; message: string }
  | { code: "LOCATION_UNMAPPED"; shopifyLocationId: string; message: string }
  | { code: "MAPPED_LOCATION_DELETED"; shopifyLocationId: string; locationId: string; message: string };

export interface StateResult {
  state: IntegrationState;
  /** Why the store is Disabled, each saying what to fix; empty otherwise. */
  problems: StateProblem[];
}

export function integrationState(input: StateInput): StateResult {
  if (input.connection !== "connected") return { state: "not_connected", problems: [] };
  const problems = mappingProblems(input);
  if (problems.length > 0) return { state: "disabled", problems };
  return { state: input.syncActive ? "sync_active" : "sync_inactive", problems: [] };
}

function mappingProblems(input: StateInput): StateProblem[] {
  if (input.locationsReadAt === null) {
    return [
      {
        code: "LOCATIONS_NOT_READ",
        message: "Tenon has not read this store's locations from Shopify yet. Reload the page in a moment.",
      },
    ];
  }
  const tenon = new Map(input.tenonLocations.map((l) => [l.id, l]));
  const problems: StateProblem[] = [];
  for (const location of input.shopifyLocations) {
    if (location.removed) continue;
    if (location.mappedLocationId === null) {
      problems.push({
        code: "LOCATION_UNMAPPED",
        shopifyLocationId: location.shopifyLocationId,
        message: `Shopify location "${location.name}" is not mapped. Choose a Tenon location for it on the Inventory tab.`,
      });
      continue;
    }
    const mapped = tenon.get(location.mappedLocationId);
    if (!mapped || mapped.deleted) {
      problems.push({
        code: "MAPPED_LOCATION_DELETED",
        shopifyLocationId: location.shopifyLocationId,
        locationId: location.mappedLocationId,
        message: `Shopify location "${location.name}" was mapped to Tenon location "${mapped?.name ?? "(unknown)"}", which was deleted. Map it to another Tenon location on the Inventory tab.`,
      });
    }
  }
  return problems;
}

/** What the merchant asks for from the page header. */
export type StateAction = "activate" | "pause" | "disconnect" | "connect";

export type ActionCheck = { ok: true } | { ok: false; code: "ACTION_NOT_ALLOWED"; message: string };

const allowed: Record<StateAction, readonly IntegrationState[]> = {
  connect: ["not_connected"],
  activate: ["sync_inactive"],
  pause: ["sync_active"],
  disconnect: ["disabled", "sync_inactive", "sync_active"],
};

const refusal: Record<StateAction, Partial<Record<IntegrationState, string>>> = {
  connect: {},
  activate: {
    not_connected: "Connect the store before activating sync.",
    disabled: "Sync cannot be activated while the store is Disabled. Fix what the banner lists first.",
    sync_active: "Sync is already active.",
  },
  pause: {
    not_connected: "The store is not connected.",
    disabled: "Sync is not running.",
    sync_inactive: "Sync is already inactive.",
  },
  disconnect: { not_connected: "The store is already disconnected." },
};

export function checkAction(action: StateAction, state: IntegrationState): ActionCheck {
  if (allowed[action].includes(state)) return { ok: true };
  return {
    ok: false,
    code: "ACTION_NOT_ALLOWED",
    message: refusal[action][state] ?? `This store is already connected.`,
  };
}
