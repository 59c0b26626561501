import type { Db } from "~/db/client";
import { defaultSettings } from "~/domain/settings";
import { createProduct, setKitComponents } from "../products/products.server";
import { createCustomer } from "../customers/customers.server";
import { createManufacturingOrder, setManufacturingOrderState } from "../manufacturing/manufacturing.server";
import { createSalesOrder, deliverOrder, packRows } from "../sales-orders/sales-orders.server";
import { adjustStock, receivePurchase } from "../stock/stock.server";

/**
 * The demo maker's Tenon, matching the emulator's demo store (tests/emulator/seeds/demo-store.json):
 * the same SKUs, three locations (not mapped yet: the store opens Disabled), stock, batches of
 * oil, open and delivered orders and one manufacturing order in progress. Used by `npm run demo`.
 */

type DemoProduct = {
  name: string;
  kind?: "physical" | "service";
  batchTracked?: boolean;
  days?: number;
  variants: { name?: string; code: string; price: string; cost?: string }[];
};

const catalogue: DemoProduct[] = [
  { name: "Oak Stool", days: 10, variants: [{ name: "45 cm", code: "OAK-STOOL-45", price: "149", cost: "52" }, { name: "60 cm", code: "OAK-STOOL-60", price: "169", cost: "58" }, { name: "75 cm", code: "OAK-STOOL-75", price: "189", cost: "64" }] },
  { name: "Walnut Cutting Board", days: 5, variants: [{ name: "S", code: "WAL-BOARD-S", price: "59", cost: "18" }, { name: "M", code: "WAL-BOARD-M", price: "79", cost: "24" }, { name: "L", code: "WAL-BOARD-L", price: "99", cost: "31" }] },
  { name: "Walnut Serving Board", days: 5, variants: [{ code: "WAL-SERVE-01", price: "69", cost: "21" }] },
  { name: "Beech Step Stool", days: 7, variants: [{ code: "BEECH-STEP-01", price: "119", cost: "40" }] },
  { name: "Oak Bench", days: 21, variants: [{ name: "120 cm", code: "OAK-BENCH-120", price: "389", cost: "140" }, { name: "160 cm", code: "OAK-BENCH-160", price: "449", cost: "165" }] },
  { name: "Mortise & Tenon Practice Kit", variants: [{ code: "KIT-MT-01", price: "39", cost: "11" }] },
  { name: "Dovetail Practice Kit", variants: [{ code: "KIT-DT-01", price: "39", cost: "11" }] },
  { name: "Hardwax Oil", batchTracked: true, variants: [{ name: "250 ml", code: "OIL-HW-250", price: "18.90", cost: "7.20" }, { name: "750 ml", code: "OIL-HW-750", price: "42", cost: "16" }] },
  { name: "Raw Linseed Oil", batchTracked: true, variants: [{ name: "500 ml", code: "OIL-LIN-500", price: "12.50", cost: "4.10" }] },
  { name: "Beeswax Polish", variants: [{ code: "WAX-BEE-200", price: "14.90", cost: "5" }] },
  { name: "Floating Oak Shelf", days: 7, variants: [{ name: "60 cm", code: "OAK-SHELF-60", price: "89", cost: "30" }, { name: "90 cm", code: "OAK-SHELF-90", price: "119", cost: "41" }] },
  { name: "Walnut Coasters (set of 4)", variants: [{ code: "WAL-COAST-4", price: "29", cost: "8" }] },
  { name: "Ash Joiner's Mallet", variants: [{ code: "TOOL-MALLET-ASH", price: "45", cost: "15" }] },
  { name: "Brass Marking Gauge", variants: [{ code: "TOOL-GAUGE-01", price: "34", cost: "12" }] },
  { name: "Bench Chisel Set", variants: [{ code: "TOOL-CHISEL-4", price: "129", cost: "60" }] },
  { name: "Spare Oak Leg", variants: [{ code: "OAK-LEG-45", price: "24", cost: "6" }] },
  { name: "Leg Wedge Set", variants: [{ code: "REPAIR-LEG-WEDGE", price: "29", cost: "7" }] },
  { name: "Walnut Tray", days: 7, variants: [{ code: "WAL-TRAY-01", price: "84", cost: "27" }] },
  { name: "Workshop Course: Intro to Joinery", kind: "service", variants: [{ code: "COURSE-JOIN-1", price: "180" }] },
  { name: "Starter Joinery Kit", variants: [{ code: "KIT-STARTER", price: "139" }] },
];

export async function seedDemoData(db: Db, shopDomain: string, now: Date): Promise<{ accountId: string }> {
  const existing = await db.store.findUnique({ where: { shopDomain } });
  if (existing) return { accountId: existing.accountId };
  const account = await db.account.create({ data: { name: "Tenon Demo Workshop" } });
  const accountId = account.id;
  // The store as Tenon knew it before: not connected yet; opening the app connects it.
  await db.store.create({
    data: { accountId, shopDomain, name: "Tenon Demo Workshop", connection: "uninstalled", settings: defaultSettings },
  });
  const workshop = await db.location.create({ data: { accountId, name: "Workshop", isDefaultForOrders: true } });
  const warehouse = await db.location.create({ data: { accountId, name: "Warehouse Leipzig" } });
  await db.location.create({ data: { accountId, name: "Market Stall" } });

  const variantId = new Map<string, string>();
  for (const product of catalogue) {
    const created = await createProduct(db, accountId, {
      name: product.name,
      kind: product.kind ?? "physical",
      batchTracked: product.batchTracked ?? false,
      defaultDeliveryDays: product.days ?? 3,
      variants: product.variants.map((v) => ({ name: v.name ?? "", code: v.code, salesPrice: v.price, cost: v.cost ?? "" })),
    });
    if (!created.ok) throw new Error(`Demo product ${product.name}: ${created.message}`);
    product.variants.forEach((v, i) => variantId.set(v.code, created.value.variantIds[i]!));
  }
  const id = (code: string) => variantId.get(code)!;
  await setKitComponents(db, accountId, id("KIT-STARTER"), [
    { variantId: id("TOOL-MALLET-ASH"), quantityPerKit: "1" },
    { variantId: id("TOOL-GAUGE-01"), quantityPerKit: "1" },
    { variantId: id("KIT-MT-01"), quantityPerKit: "2" },
  ]);
  await setKitComponents(db, accountId, id("OAK-STOOL-45"), [
    { variantId: id("OAK-LEG-45"), quantityPerKit: "3" },
    { variantId: id("OIL-HW-250"), quantityPerKit: "0.25" },
  ]);

  const day = (daysAgo: number) => new Date(now.getTime() - daysAgo * 86_400_000);
  const stock: [string, string, string][] = [
    ["OAK-STOOL-45", workshop.id, "6"], ["OAK-STOOL-60", workshop.id, "4"], ["OAK-STOOL-75", workshop.id, "2"],
    ["WAL-BOARD-S", warehouse.id, "20"], ["WAL-BOARD-M", warehouse.id, "14"], ["WAL-BOARD-L", warehouse.id, "8"],
    ["WAL-SERVE-01", warehouse.id, "9"], ["BEECH-STEP-01", workshop.id, "5"], ["OAK-BENCH-120", workshop.id, "1"],
    ["KIT-MT-01", warehouse.id, "25"], ["KIT-DT-01", warehouse.id, "18"], ["WAX-BEE-200", warehouse.id, "30"],
    ["OAK-SHELF-60", workshop.id, "7"], ["OAK-SHELF-90", workshop.id, "3"], ["WAL-COAST-4", warehouse.id, "40"],
    ["TOOL-MALLET-ASH", warehouse.id, "12"], ["TOOL-GAUGE-01", warehouse.id, "10"], ["TOOL-CHISEL-4", warehouse.id, "4"],
    ["OAK-LEG-45", workshop.id, "36"], ["REPAIR-LEG-WEDGE", workshop.id, "15"], ["WAL-TRAY-01", warehouse.id, "6"],
  ];
  for (const locationId of [workshop.id, warehouse.id]) {
    const lines = stock.filter(([, l]) => l === locationId).map(([code, , quantity]) => ({ variantId: id(code), quantity }));
    const adjusted = await adjustStock(db, accountId, { locationId, reason: "Opening stock", occurredAt: day(30), lines });
    if (!adjusted.ok) throw new Error(`Demo stock: ${adjusted.message}`);
  }
  for (const [code, batch, quantity, daysAgo] of [
    ["OIL-HW-250", "HW-2610-A", "12", 28],
    ["OIL-HW-250", "HW-2611-B", "24", 9],
    ["OIL-HW-750", "HW7-2610", "10", 20],
    ["OIL-LIN-500", "LIN-2609", "16", 40],
  ] as const) {
    const received = await receivePurchase(db, accountId, {
      variantId: id(code), locationId: workshop.id, quantity, unitCost: "5", receivedAt: day(daysAgo), batchNumber: batch,
    });
    if (!received.ok) throw new Error(`Demo receipt: ${received.message}`);
  }

  const customer = await createCustomer(db, accountId, {
    name: "Greta Holzmann",
    email: "greta@example.com",
    billingAddress: { line1: "Karl-Liebknecht-Str. 12", city: "Leipzig", zip: "04107", country: "DE" },
  });
  if (!customer.ok) throw new Error(customer.message);
  const orders = [
    { daysAgo: 12, rows: [{ variantId: id("WAL-BOARD-M"), quantity: "2", pricePerUnit: "79" }, { variantId: id("OIL-HW-250"), quantity: "3", pricePerUnit: "18.90" }], deliver: true },
    { daysAgo: 4, rows: [{ variantId: id("OAK-STOOL-60"), quantity: "2", pricePerUnit: "169" }], pack: true },
    { daysAgo: 2, rows: [{ variantId: id("OAK-BENCH-160"), quantity: "1", pricePerUnit: "449", discountPercent: "5" }], shippingFee: "39" },
    { daysAgo: 1, rows: [{ variantId: id("KIT-STARTER"), quantity: "1", pricePerUnit: "139" }, { variantId: id("COURSE-JOIN-1"), quantity: "1", pricePerUnit: "180" }] },
  ];
  let benchRowId: string | null = null;
  for (const order of orders) {
    const created = await createSalesOrder(db, accountId, {
      customerId: customer.value.customerId,
      orderDate: day(order.daysAgo),
      rows: order.rows,
      shippingFee: order.shippingFee,
    });
    if (!created.ok) throw new Error(`Demo order: ${created.message}`);
    if (order.deliver) {
      const delivered = await deliverOrder(db, accountId, created.value.orderId, day(order.daysAgo - 1));
      if (!delivered.ok) throw new Error(`Demo delivery: ${delivered.message}`);
    }
    const rows = await db.salesOrderRow.findMany({ where: { salesOrderId: created.value.orderId, isShippingFee: false } });
    if (order.pack) await packRows(db, accountId, created.value.orderId, rows.map((r) => r.id));
    if (order.shippingFee) benchRowId = rows[0]!.id;
  }
  const mo = await createManufacturingOrder(db, accountId, { variantId: id("OAK-BENCH-160"), locationId: workshop.id, quantity: "1" });
  if (!mo.ok) throw new Error(mo.message);
  await db.manufacturingOrder.update({ where: { id: mo.value.moId }, data: { salesOrderRowId: benchRowId } });
  await setManufacturingOrderState(db, accountId, mo.value.moId, "work_in_progress", day(1));
  return { accountId };
}
