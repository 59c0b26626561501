/**
 * Scenario "product-import": the product import of a generated store from the emulator into a
 * fresh SQLite test database, through the real service (bulk operation over HTTP, JSONL
 * download, matching and writing). Side by side: one transaction per Shopify product (the
 * original way) and batched transactions (ADR 016), on 10,000 variants; then batched on the
 * large store (100,000 variants; BENCH_VARIANTS replaces it) and a re-run of it that finds
 * everything mapped. Each row splits the wall time into waiting for the bulk operation
 * (start, polls, until it is COMPLETED), the download, and processing (parse, match, write).
 */
import { createTestDatabase } from "../support/db";
import { createStore } from "../support/factories";
import { generateShopSeed, startEmulator } from "../emulator/index";
import { adminGraphql, offlineAccessToken, TEST_APP } from "../emulator/testing";
import type { AdminGraphql } from "~/shopify/client";
import { runProductImport, type ImportTuning } from "~/sync/imports/product-import.server";

const LARGE = Number(process.env.BENCH_VARIANTS ?? 100_000);
const SMALL = Math.min(10_000, LARGE);

/**
 * The emulator and this client share one event loop that the import keeps busy: a kept-alive
 * connection can be closed by the server just as the client reuses it (ECONNRESET). Retry once.
 */
async function retried<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== "ECONNRESET") throw error;
    return call();
  }
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const pct = (part: number, whole: number) => `${Math.round((part / whole) * 100)} %`;

export async function run(): Promise<void> {
  // The emulator's real clock: an export completes 1 s after it starts (Shopify takes longer).
  const emulator = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:9" } });
  const database = await createTestDatabase();
  const db = database.db;
  const rows: string[][] = [];
  try {
    const shops = new Map<string, { admin: AdminGraphql; storeId: string }>();
    async function shopOf(key: string, variants: number) {
      const existing = shops.get(key);
      if (existing) return existing;
      const handle = `bench-import-${key}`;
      emulator.createShop(generateShopSeed({ variants, locations: 3, seed: 1, handle }));
      const token = await retried(() => offlineAccessToken(emulator, handle));
      const admin: AdminGraphql = {
        async graphql(query, options) {
          const { status, body } = await retried(() => adminGraphql(emulator, handle, token, query, options?.variables ?? {}));
          return Response.json(body, { status });
        },
      };
      // Each store in an account of its own, so each first import starts from an empty catalogue.
      const store = await createStore(db, { shopDomain: `${handle}.myshopify.com` });
      const shop = { admin, storeId: store.id };
      shops.set(key, shop);
      return shop;
    }

    async function measure(label: string, key: string, variants: number, tuning: ImportTuning) {
      const shop = await shopOf(key, variants);
      const importRun = await db.importRun.create({ data: { storeId: shop.storeId, kind: "products" } });
      let downloadStart = 0;
      let downloadEnd = 0;
      const start = performance.now();
      await runProductImport(
        importRun.id,
        {
          db,
          admin: shop.admin,
          clock: () => new Date(),
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          download: async (url) => {
            downloadStart = performance.now();
            const text = await retried(async () => (await fetch(url)).text());
            downloadEnd = performance.now();
            return text;
          },
        },
        tuning,
      );
      const end = performance.now();
      const finished = await db.importRun.findUniqueOrThrow({ where: { id: importRun.id } });
      if (finished.state !== "succeeded" || finished.done !== variants) {
        throw new Error(`${label}: the import ended ${finished.state} with ${finished.done}/${finished.total} (${finished.error ?? ""})`);
      }
      const wall = end - start;
      const waiting = downloadStart - start;
      const processing = end - downloadEnd;
      rows.push([
        label,
        variants.toLocaleString("en"),
        fmt(wall),
        `${fmt(waiting)} (${pct(waiting, wall)})`,
        fmt(downloadEnd - downloadStart),
        `${fmt(processing)} (${pct(processing, wall)})`,
        `${Math.round(variants / (processing / 1000)).toLocaleString("en")}/s`,
      ]);
    }

    await measure("per product (before)", "small-a", SMALL, { strategy: "per-product" });
    await measure("batched (after)", "small-b", SMALL, { strategy: "batched" });
    if (LARGE > SMALL) {
      await measure("batched (after)", "large", LARGE, { strategy: "batched" });
      await measure("batched, re-run", "large", LARGE, { strategy: "batched" });
    }
  } finally {
    await emulator.stop();
    await database.drop();
  }
  const header = ["way", "variants", "wall", "waiting for export", "download", "processing", "processing rate"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "));
  console.log("(SQLite; emulator exports complete 1 s after they start; processing = parse JSONL + match + write; re-run = everything already mapped)");
}
