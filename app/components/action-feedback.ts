import { useEffect } from "react";

/** What a route's action answers: a confirmation, or a service's refusal with field errors. */
export type ActionResult =
  | { ok: true; intent: string; message: string }
  | { ok: false; intent: string; code?: string; message: string; fieldErrors?: Record<string, string> };

/** A confirmation toast on success; an error toast when no field shows the problem. */
export function useActionToast(result: ActionResult | undefined) {
  useEffect(() => {
    if (!result) return;
    if (result.ok) window.shopify?.toast.show(result.message);
    else if (!result.fieldErrors || Object.keys(result.fieldErrors).length === 0) window.shopify?.toast.show(result.message, { isError: true });
  }, [result]);
}

/** The error beside a field, if the last action answered one for it (or for any of `fields`). */
export function fieldError(result: ActionResult | undefined, ...fields: string[]): string | undefined {
  if (!result || result.ok || !result.fieldErrors) return undefined;
  for (const field of fields) if (result.fieldErrors[field]) return result.fieldErrors[field];
  return undefined;
}
