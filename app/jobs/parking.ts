import type { z } from "zod";
import { parkJob } from "~/services/stores/store-access.server";
import { ShopifyAccessLostError } from "~/shopify/client";
import { PermanentJobError, type JobDefinition } from "./catalog";

/**
 * A job kind whose work parks when the store cannot be reached for want of credentials: the
 * handler's ShopifyAccessLostError becomes a parked job (ParkedJob, runner-neutral) plus the
 * store's one "lost access" failure, and the run ends normally — it is neither retried nor
 * dead-lettered. The parked job is enqueued again when the merchant next opens Tenon
 * (`resumeStoreOnAppOpen`).
 */
export function parkOnAccessLoss<const Kind extends string, Schema extends z.ZodTypeAny>(
  definition: JobDefinition<Kind, Schema>,
): JobDefinition<Kind, Schema> {
  return {
    ...definition,
    handler: async (payload, ctx) => {
      try {
        await definition.handler(payload, ctx);
      } catch (error) {
        if (!(error instanceof ShopifyAccessLostError)) throw error;
        const store = await ctx.db.store.findUnique({ where: { shopDomain: error.shopDomain }, select: { id: true } });
        if (!store) throw new PermanentJobError(`${error.shopDomain} is not a store Tenon knows; there is nothing to resume later.`, { cause: error });
        const { openedFailure } = await parkJob(
          ctx.db,
          {
            storeId: store.id,
            kind: definition.kind,
            payload: payload as Record<string, unknown>,
            serialKey: definition.options?.serialKey?.(payload) ?? null,
            reason: error.message,
          },
          ctx.clock(),
        );
        ctx.log.warn("No access to the store: the job is parked until the merchant opens Tenon again.", {
          shopDomain: error.shopDomain,
          reason: error.message,
          openedFailure,
        });
      }
    },
  };
}
