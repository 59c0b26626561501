import { z } from "zod";
import { processComplianceRequest } from "~/sync/compliance/compliance.server";
import { runCustomerImport } from "~/sync/imports/customer-import.server";
import { runProductImport } from "~/sync/imports/product-import.server";
import { runStockImport } from "~/sync/imports/stock-import.server";
import { readShopifyFacts } from "~/services/stores/connections.server";
import { recordLocationReadFailure, refreshShopifyLocations } from "~/sync/locations/location-refresh.server";
import { linesOf } from "~/shopify/jsonl";
import { defineJob } from "./catalog";
import { parkOnAccessLoss } from "./parking";
import { renewStoreToken, storeAdmin } from "./shopify-access.server";

/** Carries out a recorded compliance request (customers/data_request, customers/redact, shop/redact). */
export const complianceProcess = defineJob({
  kind: "compliance.process",
  payload: z.object({ requestId: z.string().min(1) }),
  options: { maxAttempts: 10 },
  handler: async ({ requestId }, { db, clock }) => {
    await processComplianceRequest(db, requestId, clock());
  },
});

/**
 * Reads a store's locations from Shopify when it could not be done inline (e.g. throttled
 * during install). Until it succeeds the store stays Disabled with "locations not read yet".
 */
export const storeReadLocations = parkOnAccessLoss(
  defineJob({
    kind: "store.read_locations",
    payload: z.object({ shopDomain: z.string().min(1) }),
    options: { maxAttempts: 8, serialKey: (p) => `store:${p.shopDomain}` },
    handler: async ({ shopDomain }, { db, clock, log, attempt, maxAttempts }) => {
      const store = await db.store.findUnique({ where: { shopDomain } });
      if (!store || store.connection !== "connected") {
        log.info("Store is not connected any more; its locations are read again on reconnect.", { shopDomain });
        return;
      }
      const admin = await storeAdmin(shopDomain);
      const facts = await readShopifyFacts(admin);
      if (!facts.ok) {
        // The last attempt: the activity log shows it as needing action, with Retry.
        if (attempt >= maxAttempts) await recordLocationReadFailure(db, store.id, shopDomain, facts.message, clock());
        throw new Error(`Could not read the locations of ${shopDomain}: ${facts.message}`);
      }
      // Saves them (new ones unmapped → Disabled; vanished ones removed) and logs each change.
      await db.$transaction((tx) => refreshShopifyLocations(tx, store.id, facts.data.locations, clock()));
    },
  }),
);

/**
 * Migrates a store's non-expiring offline token to an expiring one (docs/decisions/022), for the
 * stores that hold one at server start; jobs and app opens migrate on their own too.
 */
export const storeRenewToken = parkOnAccessLoss(
  defineJob({
    kind: "store.renew_token",
    payload: z.object({ shopDomain: z.string().min(1) }),
    options: { maxAttempts: 8, serialKey: (p) => `token:${p.shopDomain}` },
    handler: async ({ shopDomain }, { db, log }) => {
      const store = await db.store.findUnique({ where: { shopDomain } });
      if (!store || store.connection !== "connected") {
        log.info("Store is not connected any more; it gets an expiring token when it reconnects.", { shopDomain });
        return;
      }
      await renewStoreToken(shopDomain);
    },
  }),
);

/** The product import (bulk operation → Tenon products, variants and the SKU map). */
export const importProducts = parkOnAccessLoss(
  defineJob({
    kind: "import.products",
    payload: z.object({ importId: z.string().min(1) }),
    options: { maxAttempts: 20, serialKey: (p) => `import:${p.importId}` },
    handler: async ({ importId }, { db, clock, signal }) => {
      const run = await db.importRun.findUniqueOrThrow({ where: { id: importId }, include: { store: true } });
      const admin = await storeAdmin(run.store.shopDomain);
      await runProductImport(importId, {
          db,
          admin,
          clock,
          signal,
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          download: async (url) => {
            const response = await fetch(url, { signal });
            if (!response.ok || !response.body) throw new Error(`Downloading Shopify's export failed with HTTP ${response.status}.`);
            return linesOf(response.body);
          },
        });
      // ImportNotReady (still exporting, or stopped part-way) reaches the runner: it retries and resumes.
    },
  }),
);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The customer import (paged read of Shopify customers → Tenon customers linked to the store). */
export const importCustomers = parkOnAccessLoss(
  defineJob({
    kind: "import.customers",
    payload: z.object({ importId: z.string().min(1) }),
    options: { maxAttempts: 20, serialKey: (p) => `import:${p.importId}` },
    handler: async ({ importId }, { db, clock, signal }) => {
      const run = await db.importRun.findUniqueOrThrow({ where: { id: importId }, include: { store: true } });
      const admin = await storeAdmin(run.store.shopDomain);
      await runCustomerImport(importId, { db, admin, clock, signal, sleep });
    },
  }),
);

/** The initial stock import (Shopify available + open imported orders → one adjustment per Tenon location). */
export const importStock = parkOnAccessLoss(
  defineJob({
    kind: "import.stock",
    payload: z.object({ importId: z.string().min(1) }),
    options: { maxAttempts: 20, serialKey: (p) => `import:${p.importId}` },
    handler: async ({ importId }, { db, clock, signal }) => {
      const run = await db.importRun.findUniqueOrThrow({ where: { id: importId }, include: { store: true } });
      const admin = await storeAdmin(run.store.shopDomain);
      await runStockImport(importId, { db, admin, clock, signal, sleep });
    },
  }),
);
