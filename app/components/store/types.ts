import type { Settings } from "~/domain/settings";
import type { StoreView } from "~/services/stores/connections.server";

/** What the store page's loader hands to its tabs. */
export interface StoreTabData {
  storeId: string;
  state: "not_connected" | "disabled" | "sync_inactive" | "sync_active";
  /** The settings shown: the draft while one exists, else the applied ones. */
  settings: Settings;
  hasDraft: boolean;
  shopifyLocations: StoreView["shopifyLocations"];
  tenonLocations: { id: string; name: string; isDefaultForOrders: boolean }[];
  imports: {
    productsRunning: boolean;
    customersRunning: boolean;
    stockRunning: boolean;
    /** Why "Import initial stock" cannot start now (null = it can). */
    stockImportBlockedReason: string | null;
  };
}

/** The action's answer, shared by every form on the page. */
export type StoreActionResult =
  | { ok: true; intent: string; message: string; mode?: "applied" | "draft" }
  | { ok: false; intent: string; message: string; fieldErrors?: Record<string, string> };
