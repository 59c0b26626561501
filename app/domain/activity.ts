/**
 * The activity log's vocabulary (ADR 010), shared by the services that write and list it and by
 * the activity page in the browser (which cannot import *.server modules).
 */

export const ACTIVITY_AREAS = ["orders", "stock", "fulfillments", "returns", "imports", "webhooks", "locations", "connection"] as const;
export type ActivityArea = (typeof ACTIVITY_AREAS)[number];

export const ACTIVITY_OUTCOMES = ["ok", "skipped", "failed"] as const;
export type ActivityOutcome = (typeof ACTIVITY_OUTCOMES)[number];

/** How a failed entry was closed. */
export type ActivityResolution = "succeeded" | "superseded" | "dismissed";

/** Why a failed entry no longer needs action, in the merchant's words. */
export function resolutionLabel(resolution: string | null): string {
  switch (resolution) {
    case "succeeded":
      return "a later attempt succeeded";
    case "superseded":
      return "a newer failure of the same item replaced it";
    case "dismissed":
      return "dismissed";
    default:
      return "resolved";
  }
}
