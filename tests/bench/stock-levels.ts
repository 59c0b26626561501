/**
 * Scenario "stock-levels": read In stock, Committed, Available and kit potential for a large
 * catalogue (default 100,000 variants × 5 locations, BENCH_VARIANTS to change) on SQLite.
 * Side by side: Tenon's grouped read (`readStockLevels`, a fixed number of queries) and the
 * naive read one variant at a time (N+1), measured on a slice and extrapolated.
 */
import type { Db } from "~/db/client";
import { readStockLevels } from "~/services/stock/stock.server";
import { createTestDatabase } from "../support/db";

const VARIANTS = Number(process.env.BENCH_VARIANTS ?? 100_000);
const LOCATIONS = 5;
const KITS = Math.max(1, Math.floor(VARIANTS / 100));
const NAIVE_SLICE = Math.min(1_000, VARIANTS);
const CHUNK = 5_000;

/** Counts the database operations a piece of work performs. */
function counting(db: Db) {
  let count = 0;
  const client = db.$extends({
    query: {
      async $allOperations({ args, query }) {
        count += 1;
        return query(args);
      },
    },
  }) as unknown as Db;
  return { client, count: () => count, reset: () => (count = 0) };
}

async function seed(db: Db) {
  const account = await db.account.create({ data: { name: "Bench maker" } });
  const accountId = account.id;
  const locations: { id: string }[] = [];
  for (let l = 0; l < LOCATIONS; l++) {
    locations.push(await db.location.create({ data: { accountId, name: `Location ${l}`, isDefaultForOrders: l === 0 } }));
  }
  for (let start = 0; start < VARIANTS; start += CHUNK) {
    const ids = Array.from({ length: Math.min(CHUNK, VARIANTS - start) }, (_, i) => start + i);
    await db.product.createMany({ data: ids.map((i) => ({ id: `p${i}`, accountId, name: `Product ${i}` })) });
    await db.variant.createMany({ data: ids.map((i) => ({ id: `v${i}`, accountId, productId: `p${i}`, code: `SKU-${i}` })) });
    await db.stockMovement.createMany({
      data: ids.flatMap((i) =>
        locations.map((location, l) => ({
          accountId,
          variantId: `v${i}`,
          locationId: location.id,
          kind: "adjustment",
          quantity: String(((i * 7 + l * 3) % 50) + 1),
          occurredAt: new Date("2026-11-01T00:00:00Z"),
        })),
      ),
    });
  }
  // Kits made of the two variants after them; some open orders to commit stock.
  await db.bomLine.createMany({
    data: Array.from({ length: KITS }, (_, k) => k * 100).flatMap((i) => [
      { kitVariantId: `v${i}`, componentVariantId: `v${(i + 1) % VARIANTS}`, quantity: "2" },
      { kitVariantId: `v${i}`, componentVariantId: `v${(i + 2) % VARIANTS}`, quantity: "0.5" },
    ]),
  });
  const order = await db.salesOrder.create({ data: { accountId, number: "SO-1", currency: "EUR", orderDate: new Date() } });
  for (let start = 0; start < VARIANTS; start += CHUNK * 10) {
    await db.salesOrderRow.createMany({
      data: Array.from({ length: Math.min(CHUNK, Math.ceil((VARIANTS - start) / 10)) }, (_, j) => ({
        salesOrderId: order.id,
        variantId: `v${start + j * 10}`,
        quantity: "1",
        pricePerUnit: "10",
        locationId: locations[j % LOCATIONS]!.id,
      })),
    });
  }
  return accountId;
}

async function naiveRead(db: Db, accountId: string, variantIds: string[]) {
  for (const variantId of variantIds) {
    await db.stockMovement.groupBy({ by: ["locationId"], where: { accountId, variantId }, _sum: { quantity: true } });
    await db.salesOrderRow.findMany({ where: { variantId, state: { in: ["not_shipped", "packed"] } }, select: { quantity: true, locationId: true } });
    await db.bomLine.findMany({ where: { kitVariantId: variantId } });
  }
}

export async function run(): Promise<void> {
  const database = await createTestDatabase();
  try {
    const seeding = performance.now();
    const accountId = await seed(database.db);
    console.log(`Seeded ${VARIANTS.toLocaleString()} variants × ${LOCATIONS} locations, ${KITS} kits in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

    const measured = counting(database.db);
    const started = performance.now();
    const overview = await readStockLevels(measured.client, accountId);
    const groupedMs = performance.now() - started;
    const groupedQueries = measured.count();

    measured.reset();
    const slice = Array.from({ length: NAIVE_SLICE }, (_, i) => `v${i}`);
    const naiveStarted = performance.now();
    await naiveRead(measured.client, accountId, slice);
    const naiveMs = performance.now() - naiveStarted;
    const naiveQueries = measured.count();
    const scale = VARIANTS / NAIVE_SLICE;

    console.log(`\nStock levels for ${overview.levels.length.toLocaleString()} variant × location pairs and ${overview.kits.length.toLocaleString()} kit potentials`);
    console.log(`  ${"way".padEnd(42)} ${"time".padStart(10)} ${"queries".padStart(10)}`);
    console.log(`  ${"grouped read (readStockLevels)".padEnd(42)} ${`${groupedMs.toFixed(0)} ms`.padStart(10)} ${String(groupedQueries).padStart(10)}`);
    console.log(
      `  ${`one variant at a time, ${NAIVE_SLICE} measured`.padEnd(42)} ${`${naiveMs.toFixed(0)} ms`.padStart(10)} ${String(naiveQueries).padStart(10)}`,
    );
    console.log(
      `  ${`  … extrapolated to ${VARIANTS.toLocaleString()}`.padEnd(42)} ${`${((naiveMs * scale) / 1000).toFixed(0)} s`.padStart(10)} ${String(Math.round(naiveQueries * scale)).padStart(10)}`,
    );
  } finally {
    await database.drop();
  }
}
