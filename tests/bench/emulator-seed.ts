/**
 * Scenario "emulator-seed": the local Shopify emulator with a large generated store.
 * Side by side for 10,000 and 100,000 variants (BENCH_VARIANTS replaces the larger size): the time
 * to generate the seed and load it into the emulator (50 locations, 10,000 orders at the large
 * size), and the time for a bulk export of its products and variants (bulkOperationRunQuery over
 * HTTP, completion on the emulator's manual clock, JSONL download).
 */
import { generateShopSeed, ManualClock, startEmulator } from "../emulator/index";
import { adminGraphql, offlineAccessToken, TEST_APP } from "../emulator/testing";

const LARGE = Number(process.env.BENCH_VARIANTS ?? 100_000);
const SIZES = [{ variants: Math.min(10_000, LARGE), orders: 1_000 }, { variants: LARGE, orders: 10_000 }];
const EXPORT_QUERY = `{ products { edges { node { id handle title variants { edges { node { id sku price inventoryItem { id unitCost { amount } } } } } } } } }`;

const ms = (start: number) => performance.now() - start;
const fmt = (n: number) => `${(n / 1000).toFixed(2)} s`;

export async function run(): Promise<void> {
  const emulator = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:9" }, clock: new ManualClock() });
  const rows: string[][] = [];
  try {
    for (const [index, size] of SIZES.entries()) {
      const handle = `bench-${index}`;
      let start = performance.now();
      const seed = generateShopSeed({ variants: size.variants, locations: 50, orders: size.orders, seed: 1, handle });
      const generateMs = ms(start);
      start = performance.now();
      const shop = emulator.createShop(seed);
      const loadMs = ms(start);

      const token = await offlineAccessToken(emulator, handle);
      start = performance.now();
      const started = await adminGraphql(emulator, handle, token, `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { message } } }`, { q: EXPORT_QUERY });
      const id = (started.body.data as { bulkOperationRunQuery: { bulkOperation: { id: string } | null } }).bulkOperationRunQuery.bulkOperation?.id;
      if (!id) throw new Error(`bulkOperationRunQuery failed: ${JSON.stringify(started.body)}`);
      await emulator.advanceClock(emulator.bulkTiming.completeAfterMs);
      const polled = await adminGraphql(emulator, handle, token, `query($id: ID!) { bulkOperation(id: $id) { status objectCount fileSize url } }`, { id });
      const op = (polled.body.data as { bulkOperation: { status: string; objectCount: string; fileSize: string; url: string } }).bulkOperation;
      if (op.status !== "COMPLETED") throw new Error(`bulk export ended ${op.status}`);
      const text = await (await fetch(op.url)).text();
      const exportMs = ms(start);
      const lines = text.length === 0 ? 0 : text.trimEnd().split("\n").length;
      if (String(lines) !== op.objectCount) throw new Error(`objectCount ${op.objectCount} ≠ ${lines} lines`);

      rows.push([
        size.variants.toLocaleString("en"),
        `${shop.products.length.toLocaleString("en")} / ${shop.orders.length.toLocaleString("en")}`,
        fmt(generateMs),
        fmt(loadMs),
        fmt(generateMs + loadMs),
        fmt(exportMs),
        `${lines.toLocaleString("en")} lines, ${(Number(op.fileSize) / 1024 / 1024).toFixed(1)} MB`,
      ]);
    }
  } finally {
    await emulator.stop();
  }
  const header = ["variants", "products / orders", "generate", "load", "generate + load", "bulk export", "JSONL"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padStart(widths[i]!)).join("  "));
  console.log("(50 locations; export = bulkOperationRunQuery → COMPLETED → JSONL downloaded, on the manual clock)");
}
