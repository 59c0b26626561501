/**
 * Generated shop seeds of any size, deterministic for a given `seed` number:
 *
 *   const seed = generateShopSeed({ variants: 100_000, locations: 50, orders: 10_000, seed: 1 });
 *   emulator.createShop(seed);                         // or POST /_emulator/shops {"generate": {...}}
 *
 * A small manufacturer's catalogue grown large: wooden goods in 1–5 sizes, most variants with a
 * SKU, about 1 % without one and 0.5 % sharing another variant's SKU (Shopify allows both), unit
 * costs on most items, stock at one to three locations each (the first location is the workshop;
 * every tenth after it a retail stall that does not fulfil online orders), orders over the half
 * year before the shop's clock (2026-01-01 … 2026-06-30): mostly paid, some pending or refunded,
 * about half fulfilled.
 */
import type { OrderSeed, ShopSeed } from "./seed";

export interface GenerateShopOptions {
  /** Total variants (products get 1–5 each until the total is reached). */
  variants: number;
  /** Default 3. */
  locations?: number;
  /** Default 0. */
  orders?: number;
  /** PRNG seed: the same options always give the same shop. Default 1. */
  seed?: number;
  /** Default `generated-{variants}-{seed}`. */
  handle?: string;
  /** Whether the app starts installed. Default true. */
  installed?: boolean;
}

const WOODS = ["Oak", "Walnut", "Ash", "Beech", "Cherry", "Maple", "Elm", "Larch", "Pine", "Birch", "Alder", "Chestnut"];
const ITEMS = ["Stool", "Cutting Board", "Serving Board", "Shelf", "Side Table", "Bench", "Box", "Tray", "Coat Rack", "Desk Organiser", "Lamp", "Spoon Set", "Bowl", "Frame", "Bookend"];
const FINISHES = ["Oiled", "Waxed", "Raw", "Lacquered", "Smoked"];
const SIZES = [["Default Title"], ["Small", "Large"], ["Small", "Medium", "Large"], ["30 cm", "45 cm", "60 cm", "75 cm"], ["XS", "S", "M", "L", "XL"]];
const CITIES = ["Leipzig", "Dresden", "Berlin", "Hamburg", "Munich", "Cologne", "Frankfurt", "Stuttgart", "Bremen", "Hanover", "Nuremberg", "Freiburg"];

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const code = (word: string) => word.replace(/[^A-Za-z]/g, "").slice(0, 4).toUpperCase();

export function generateShopSeed(options: GenerateShopOptions): ShopSeed {
  const { variants, locations: locationCount = 3, orders: orderCount = 0, seed = 1, installed = true } = options;
  if (!Number.isInteger(variants) || variants < 1) throw new Error("variants must be a positive integer");
  if (!Number.isInteger(locationCount) || locationCount < 1) throw new Error("locations must be a positive integer");
  if (!Number.isInteger(orderCount) || orderCount < 0) throw new Error("orders must be a non-negative integer");
  const random = prng(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const handle = options.handle ?? `generated-${variants}-${seed}`;

  const locations: NonNullable<ShopSeed["locations"]> = Array.from({ length: locationCount }, (_, i) => {
    const city = CITIES[i % CITIES.length]!;
    if (i === 0) return { key: "workshop", name: "Workshop", kind: "workshop" as const, address: { city, countryCode: "DE", country: "Germany", address1: "Holzweg 1", zip: "04109" } };
    const retail = i % 10 === 9;
    return {
      key: `location-${i}`,
      name: retail ? `Market Stall ${city} ${i}` : `Warehouse ${city} ${i}`,
      kind: retail ? ("retail" as const) : ("warehouse" as const),
      fulfillsOnlineOrders: !retail,
      shipsInventory: !retail,
      address: { city, countryCode: "DE", country: "Germany", address1: `Lagerstraße ${i}`, zip: String(10000 + i * 137).slice(0, 5) },
    };
  });

  const products: NonNullable<ShopSeed["products"]> = [];
  const skus: string[] = [];
  let made = 0;
  for (let p = 0; made < variants; p++) {
    const wood = pick(WOODS);
    const item = pick(ITEMS);
    const finish = pick(FINISHES);
    const sizes = SIZES[Math.min(int(0, SIZES.length - 1), variants - made - 1)]!;
    const base = int(12, 480);
    const productVariants = sizes.map((size, s) => {
      made += 1;
      const roll = random();
      let sku: string | null = `${code(wood)}-${code(item)}-${p + 1}${sizes.length > 1 ? `-${s + 1}` : ""}`;
      if (roll < 0.01) sku = null;
      else if (roll < 0.015 && skus.length > 0) sku = pick(skus);
      if (sku !== null) skus.push(sku);
      const price = (base * (1 + s * 0.35)).toFixed(2);
      const stockedAt = new Set([0, ...Array.from({ length: int(0, 2) }, () => int(0, locationCount - 1))]);
      return {
        title: size,
        sku,
        price,
        ...(size === "Default Title" ? {} : { options: { Size: size } }),
        unitCost: random() < 0.85 ? (Number(price) * (0.3 + random() * 0.2)).toFixed(2) : null,
        inventory: Object.fromEntries([...stockedAt].map((l) => [locations[l]!.key, { available: int(0, 50) }])),
      };
    });
    products.push({
      title: `${wood} ${item} (${finish}) ${p + 1}`,
      handle: `${wood}-${item}-${finish}-${p + 1}`.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      vendor: "Tenon Generated Workshop",
      productType: item,
      status: random() < 0.95 ? "ACTIVE" : "DRAFT",
      tags: [wood.toLowerCase(), finish.toLowerCase()],
      variants: productVariants,
    });
  }

  const sellable = [...new Set(skus)];
  const start = Date.parse("2026-01-01T00:00:00Z");
  const span = Date.parse("2026-06-30T23:00:00Z") - start;
  const orders: OrderSeed[] = sellable.length === 0 ? [] : Array.from({ length: orderCount }, (_, o) => {
    const roll = random();
    const financialStatus = roll < 0.85 ? ("PAID" as const) : roll < 0.95 ? ("PENDING" as const) : ("REFUNDED" as const);
    return {
      // Spread evenly with jitter, so order numbers follow time as in a real shop.
      processedAt: new Date(start + Math.floor(((o + random()) / Math.max(1, orderCount)) * span / 1000) * 1000).toISOString(),
      lineItems: Array.from({ length: int(1, 3) }, () => ({ sku: pick(sellable), quantity: int(1, 3) })),
      financialStatus,
      fulfillmentStatus: financialStatus === "PAID" && random() < 0.6 ? ("FULFILLED" as const) : null,
      email: `customer${int(1, Math.max(1, Math.floor(orderCount / 3)))}@example.com`,
      poNumber: random() < 0.05 ? `PO-${10000 + o}` : null,
      tags: [],
      inventoryBehaviour: "BYPASS" as const,
    };
  });

  return {
    handle,
    name: `Generated Workshop ${variants.toLocaleString("en")} (${seed})`,
    email: `owner@${handle}.example.com`,
    currencyCode: "EUR",
    ianaTimezone: "Europe/Berlin",
    timezone: "(GMT+01:00) Europe/Berlin",
    taxesIncluded: true,
    createdAt: "2025-06-01T09:00:00Z",
    installed,
    staff: [{ id: 9_000_000 + seed, firstName: "Gen", lastName: "Owner", email: `owner@${handle}.example.com`, accountOwner: true }],
    locations,
    products,
    orders,
  };
}
