import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateShopSeed } from "../emulator/index";
import { startAppHarness, type AppHarness } from "../support/app-harness";

/**
 * Issue 6: killing the app in the middle of a 20,000-variant product import and restarting it
 * finishes the import with no duplicate products or mappings. The job runner runs in a child
 * process (product-import-process.ts) on the test's database (SQLite file or PostgreSQL) and
 * the emulator; the test SIGKILLs it part-way and starts another one.
 */
const HANDLE = "crash-import";
const SHOP = `${HANDLE}.myshopify.com`;
const VARIANTS = 20_000;
let app: AppHarness;

beforeAll(async () => {
  app = await startAppHarness();
  app.emulator.createShop(generateShopSeed({ variants: VARIANTS, locations: 3, seed: 6, handle: HANDLE }));
  const response = await app.request("/app/stores", { headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(SHOP)}` } });
  expect(response.status).toBe(200);
});
afterAll(async () => app.stop());

interface Runner {
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startRunner(importId: string): Runner {
  // node itself with tsx's loader (the tsx CLI would run the script in a grandchild that a
  // SIGKILL of the CLI leaves running).
  const child = spawn(process.execPath, ["--import", "tsx", "tests/integration/product-import-process.ts", importId], {
    cwd: path.resolve("."),
    env: { ...process.env, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  return { child, output, exited };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tenon products a first import of `products` creates, one by one in export order. */
function expectedTenonProducts(products: { variantIds: number[] }[], skuOf: Map<number, string | null>): number {
  const seen = new Set<string>();
  let count = 0;
  for (const product of products) {
    let hasProduct = false;
    for (const id of product.variantIds) {
      const code = skuOf.get(id)?.trim() || null;
      if (code && seen.has(code)) {
        hasProduct = true;
        continue;
      }
      if (!hasProduct) count += 1;
      hasProduct = true;
      if (code) seen.add(code);
    }
  }
  return count;
}

describe("product import after a crash", () => {
  it("a runner killed part-way through 20,000 variants, restarted, finishes without duplicating anything", async () => {
    const { startProductImport } = await import("~/sync/imports/product-import.server");
    const { enqueue } = await import("~/jobs/index.server");
    const store = await app.db.store.findUniqueOrThrow({ where: { shopDomain: SHOP } });
    const started = await startProductImport(app.db, store.accountId, store.id, (tx, importId) => enqueue(tx, "import.products", { importId }));
    if (!started.ok) throw new Error(started.message);
    const importId = started.value.importId;

    // First process: killed (SIGKILL, no clean-up of any kind) once a quarter has landed.
    const first = startRunner(importId);
    let atKill = { done: 0, total: 0 };
    const deadline = Date.now() + 60_000;
    for (;;) {
      const run = await app.db.importRun.findUniqueOrThrow({ where: { id: importId } });
      if (run.total && run.done >= run.total / 4) {
        first.child.kill("SIGKILL");
        atKill = { done: run.done, total: run.total };
        break;
      }
      if (run.state === "succeeded" || run.state === "failed" || Date.now() > deadline) {
        throw new Error(`The first runner was not killed part-way (${run.state}, ${run.done}/${run.total}):\n${first.output.join("")}`);
      }
      await sleep(20);
    }
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(atKill.total).toBe(VARIANTS);
    const afterKill = await app.db.importRun.findUniqueOrThrow({ where: { id: importId } });
    expect(afterKill.state).toBe("running");
    expect(afterKill.done).toBeLessThan(VARIANTS);
    // The progress is committed with each batch: exactly what it counts has landed.
    expect(await app.db.variantMapping.count({ where: { storeId: store.id } })).toBe(afterKill.done);

    // The restart: a new process takes the job over once the dead one's lease runs out.
    const second = startRunner(importId);
    const ended = await Promise.race([second.exited, sleep(90_000).then(() => null)]);
    if (ended?.code !== 0) {
      second.child.kill("SIGKILL");
      throw new Error(`The restarted runner did not finish the import (${JSON.stringify(ended)}):\n${second.output.join("")}`);
    }

    const run = await app.db.importRun.findUniqueOrThrow({ where: { id: importId } });
    expect(run).toMatchObject({ state: "succeeded", done: VARIANTS, total: VARIANTS, error: null, failures: null });
    const job = await app.db.job.findFirstOrThrow({ where: { kind: "import.products" } });
    expect(job).toMatchObject({ state: "succeeded", attempts: 2 });

    // Every Shopify variant mapped exactly once, with its trimmed SKU.
    const shop = app.emulator.shop(HANDLE);
    const skuOf = new Map(shop.variants.map((v) => [v.id, v.sku]));
    const mappings = await app.db.variantMapping.findMany({ where: { storeId: store.id } });
    expect(mappings).toHaveLength(VARIANTS);
    expect(new Set(mappings.map((m) => m.shopifyVariantId))).toEqual(new Set(shop.variants.map((v) => `gid://shopify/ProductVariant/${v.id}`)));
    for (const m of mappings) expect(m.sku).toBe(skuOf.get(Number(m.shopifyVariantId.split("/").pop()))?.trim() || null);

    // One Tenon variant per SKU (shared SKUs share it) and per variant without SKU; no code twice.
    const codes = new Set(shop.variants.map((v) => v.sku?.trim() || null).filter((c): c is string => c !== null));
    const withoutSku = shop.variants.filter((v) => !v.sku?.trim()).length;
    expect(withoutSku).toBeGreaterThan(0);
    expect(codes.size + withoutSku).toBeLessThan(VARIANTS); // the store has shared SKUs
    const variants = await app.db.variant.findMany({ where: { accountId: store.accountId }, select: { id: true, code: true, productId: true } });
    expect(variants).toHaveLength(codes.size + withoutSku);
    expect(new Set(variants.map((v) => v.code).filter((c) => c !== null)).size).toBe(codes.size);
    expect(new Set(mappings.map((m) => m.variantId))).toEqual(new Set(variants.map((v) => v.id)));

    // Tenon products: as many as a one-by-one import makes, none empty.
    const products = await app.db.product.findMany({ where: { accountId: store.accountId }, select: { id: true } });
    expect(products).toHaveLength(expectedTenonProducts(shop.products, skuOf));
    expect(new Set(variants.map((v) => v.productId))).toEqual(new Set(products.map((p) => p.id)));
  }, 180_000);
});
