/**
 * `npm run shopify -- <command> [options]`: drives a running local Shopify emulator (e.g. the one
 * `npm run demo` starts on http://127.0.0.1:3457) as a merchant would, through the same Admin
 * GraphQL mutations (tests/emulator/client.ts), plus its test-only script API.
 *
 *   npm run shopify -- orders:create --shop tenon-demo --sku OAK-STOOL-45 --qty 2
 *   npm run shopify -- inventory:set --sku OAK-STOOL-45 --location Workshop --qty 12
 *   npm run shopify -- locations:add --name "Pop-up Dresden" --country DE --city Dresden
 *   npm run shopify -- help
 *
 * Common options: --url (default $SHOPIFY_EMULATOR_URL or http://127.0.0.1:3457), --shop (default
 * tenon-demo), --json (machine-readable output). The CLI mints its own access token for the app
 * through the script API (the app must be installed in the shop).
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { DEFAULT_EMULATOR_URL, EmulatorClient, EmulatorClientError, EmulatorScriptApi, type CreateOrderOptions } from "../tests/emulator/client";

const HELP = `Usage: npm run shopify -- <command> [--url URL] [--shop HANDLE] [--json] [options]

Orders
  orders:create    --sku SKU --qty N [--sku SKU --qty N]… [--status paid|pending|refunded]
                   [--fulfilled] [--decrement] [--pos LOCATION] [--po NUMBER] [--email ADDRESS]
  orders:cancel    --order ID|#1001 [--no-restock]
  orders:fulfill   --order ID|#1001 [--tracking NUMBER]
Inventory
  inventory:set    --sku SKU --qty N [--location NAME] [--name available|on_hand] [--change-from N]
  inventory:adjust --sku SKU --delta N [--location NAME]
  inventory:show   --sku SKU
Locations
  locations:list
  locations:add    --name NAME --country CC [--city CITY] [--address1 STREET] [--zip ZIP] [--no-online]
  locations:deactivate --location NAME [--to NAME]
Products
  products:set     --title TITLE [--handle HANDLE] --sku SKU --price 12.50 [--cost 4.20]
Bulk operations
  bulk:run         --query '{ products { edges { node { id } } } }'
  bulk:status      --id gid://shopify/BulkOperation/…
Emulator (test-only script API)
  shops:list
  shops:generate   --variants N [--locations N] [--orders N] [--seed N] [--handle HANDLE]
  shops:reset
  plan:set         --plan standard|advanced|plus|enterprise
  clock:advance    --ms N                (manual clock only)
  webhooks:faults  [--duplicate 0.5] [--reorder-ms 2000] [--delay-ms 0] [--drop 0] [--seed 7]
`;

const OPTIONS = {
  url: { type: "string" },
  shop: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  sku: { type: "string", multiple: true },
  qty: { type: "string", multiple: true },
  status: { type: "string" },
  fulfilled: { type: "boolean" },
  decrement: { type: "boolean" },
  pos: { type: "string" },
  po: { type: "string" },
  email: { type: "string" },
  order: { type: "string" },
  "no-restock": { type: "boolean" },
  tracking: { type: "string" },
  location: { type: "string" },
  name: { type: "string" },
  "change-from": { type: "string" },
  delta: { type: "string" },
  country: { type: "string" },
  city: { type: "string" },
  address1: { type: "string" },
  zip: { type: "string" },
  "no-online": { type: "boolean" },
  to: { type: "string" },
  title: { type: "string" },
  handle: { type: "string" },
  price: { type: "string" },
  cost: { type: "string" },
  query: { type: "string" },
  id: { type: "string" },
  variants: { type: "string" },
  locations: { type: "string" },
  orders: { type: "string" },
  seed: { type: "string" },
  plan: { type: "string" },
  ms: { type: "string" },
  duplicate: { type: "string" },
  "reorder-ms": { type: "string" },
  "delay-ms": { type: "string" },
  drop: { type: "string" },
} as const;

class UsageError extends Error {}

function int(value: string | undefined, name: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n)) throw new UsageError(`--${name} must be an integer`);
  return n;
}
function num(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}
function required(value: string | undefined, name: string): string {
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

/** Runs one command; returns the exit code. `print` receives each output line. */
export async function runCli(argv: string[], print: (line: string) => void = (line) => console.log(line)): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    print(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (!command || command === "help" || values.help) {
    print(HELP);
    return command || values.help ? 0 : 2;
  }
  const url = values.url ?? process.env.SHOPIFY_EMULATOR_URL ?? DEFAULT_EMULATOR_URL;
  const shop = values.shop ?? "tenon-demo";
  const script = new EmulatorScriptApi(url);
  let client: EmulatorClient | undefined;
  const admin = async () => (client ??= await EmulatorClient.connect({ url, shop }));
  const out = (human: string, data: unknown) => print(values.json ? JSON.stringify(data, null, 2) : human);

  const orderId = async (ref: string) => {
    if (ref.startsWith("gid://")) return ref;
    const name = ref.startsWith("#") ? ref : `#${ref}`;
    const data = await (await admin()).graphql<{ orders: { nodes: { id: string }[] } }>(`query($q: String!) { orders(first: 1, query: $q) { nodes { id } } }`, { q: `name:${name}` });
    const found = data.orders.nodes[0];
    if (!found) throw new UsageError(`No order ${name}`);
    return found.id;
  };

  try {
    switch (command) {
      case "orders:create": {
        const skus = values.sku ?? [];
        if (skus.length === 0) throw new UsageError("--sku is required");
        const qtys = values.qty ?? [];
        const lines = skus.map((sku, i) => ({ sku, quantity: qtys[i] === undefined ? 1 : int(qtys[i], "qty") }));
        const status = (values.status ?? "paid").toUpperCase() as NonNullable<CreateOrderOptions["financialStatus"]>;
        const order = await (await admin()).createOrder({
          lines,
          financialStatus: status,
          fulfillmentStatus: values.fulfilled ? "FULFILLED" : null,
          inventoryBehaviour: values.decrement ? "DECREMENT_IGNORING_POLICY" : "BYPASS",
          ...(values.pos ? { posLocation: values.pos } : {}),
          ...(values.po ? { poNumber: values.po } : {}),
          ...(values.email ? { email: values.email } : {}),
        });
        out(`Created order ${order.name} (${order.id}): ${order.totalPriceSet.shopMoney.amount} ${order.totalPriceSet.shopMoney.currencyCode}, ${order.displayFinancialStatus}, ${order.displayFulfillmentStatus}`, order);
        return 0;
      }
      case "orders:cancel": {
        const id = await orderId(required(values.order, "order"));
        await (await admin()).cancelOrder(id, { restock: !values["no-restock"] });
        out(`Cancelled ${id}`, { id, cancelled: true });
        return 0;
      }
      case "orders:fulfill": {
        const id = await orderId(required(values.order, "order"));
        const fulfillments = await (await admin()).fulfillOrder(id, values.tracking ? { number: values.tracking } : undefined);
        out(fulfillments.length > 0 ? `Fulfilled ${id}: ${fulfillments.join(", ")}` : `Nothing left to fulfil on ${id}`, { id, fulfillments });
        return 0;
      }
      case "inventory:set": {
        const changeFrom = values["change-from"];
        const result = await (await admin()).setInventory({
          sku: required(values.sku?.[0], "sku"),
          location: values.location,
          quantity: int(values.qty?.[0], "qty"),
          name: (values.name ?? "available") as "available" | "on_hand",
          changeFromQuantity: changeFrom === undefined ? null : int(changeFrom, "change-from"),
        });
        const change = result.changes.find((c) => c.name === (values.name ?? "available"));
        out(`${values.sku?.[0]} at ${result.location.name}: ${values.name ?? "available"} = ${change?.quantityAfterChange ?? values.qty?.[0]} (${change ? `${change.delta >= 0 ? "+" : ""}${change.delta}` : "unchanged"})`, result);
        return 0;
      }
      case "inventory:adjust": {
        const result = await (await admin()).adjustInventory({ sku: required(values.sku?.[0], "sku"), location: values.location, delta: int(values.delta, "delta") });
        const change = result.changes.find((c) => c.name === "available");
        out(`${values.sku?.[0]} at ${result.location.name}: available = ${change?.quantityAfterChange ?? "?"} (${values.delta})`, result);
        return 0;
      }
      case "inventory:show": {
        const sku = required(values.sku?.[0], "sku");
        const levels = await (await admin()).inventory(sku);
        out([`${sku}:`, ...levels.map((l) => `  ${l.location}: available ${l.available}, committed ${l.committed}, on hand ${l.on_hand}`)].join("\n"), levels);
        return 0;
      }
      case "locations:list": {
        const locations = await (await admin()).locations();
        out(locations.map((l) => `${l.name}${l.isActive ? "" : " (inactive)"}  ${l.id}`).join("\n"), locations);
        return 0;
      }
      case "locations:add": {
        const location = await (await admin()).addLocation({
          name: required(values.name, "name"),
          address: { countryCode: required(values.country, "country"), ...(values.city ? { city: values.city } : {}), ...(values.address1 ? { address1: values.address1 } : {}), ...(values.zip ? { zip: values.zip } : {}) },
          fulfillsOnlineOrders: !values["no-online"],
        });
        out(`Added location ${location.name} (${location.id})`, location);
        return 0;
      }
      case "locations:deactivate": {
        await (await admin()).deactivateLocation(required(values.location, "location"), values.to);
        out(`Deactivated ${values.location}${values.to ? `; its stock moved to ${values.to}` : ""}`, { deactivated: values.location });
        return 0;
      }
      case "products:set": {
        const product = await (await admin()).productSet(
          {
            title: required(values.title, "title"),
            ...(values.handle ? { handle: values.handle } : {}),
            productOptions: [{ name: "Title", values: [{ name: "Default Title" }] }],
            variants: [
              {
                optionValues: [{ optionName: "Title", name: "Default Title" }],
                sku: required(values.sku?.[0], "sku"),
                price: required(values.price, "price"),
                ...(values.cost ? { inventoryItem: { cost: values.cost } } : {}),
              },
            ],
          },
          values.handle ? { handle: values.handle } : undefined,
        );
        out(`Product ${product.handle} (${product.id}): ${product.variants.nodes.map((v) => v.sku).join(", ")}`, product);
        return 0;
      }
      case "bulk:run": {
        const op = await (await admin()).runBulkQuery(required(values.query, "query"));
        out(`Started ${op.id} (${op.status}); poll with: npm run shopify -- bulk:status --id ${op.id}`, op);
        return 0;
      }
      case "bulk:status": {
        const op = await (await admin()).bulkOperation(required(values.id, "id"));
        out(`${op.id}: ${op.status}, ${op.objectCount} objects${op.url ? `, ${op.url}` : ""}${op.errorCode ? `, ${op.errorCode}` : ""}`, op);
        return 0;
      }
      case "shops:list": {
        const shops = await script.shops();
        out(shops.map((s) => `${s.handle}${s.installed ? "" : " (app not installed)"}: ${s.counts.variants} variants, ${s.counts.locations} locations, ${s.counts.orders} orders`).join("\n"), shops);
        return 0;
      }
      case "shops:generate": {
        const created = await script.generateShop({
          variants: int(values.variants, "variants"),
          ...(values.locations ? { locations: int(values.locations, "locations") } : {}),
          ...(values.orders ? { orders: int(values.orders, "orders") } : {}),
          ...(values.seed ? { seed: int(values.seed, "seed") } : {}),
          ...(values.handle ? { handle: values.handle } : {}),
        });
        out(`Created ${created.handle}: ${created.counts.variants} variants, ${created.counts.locations} locations, ${created.counts.orders} orders`, created);
        return 0;
      }
      case "shops:reset": {
        const reset = await script.resetShop(shop);
        out(`Reset ${reset.handle} to its seed: ${reset.counts.variants} variants, ${reset.counts.orders} orders`, reset);
        return 0;
      }
      case "plan:set": {
        const plan = required(values.plan, "plan") as "standard" | "advanced" | "plus" | "enterprise";
        const status = await script.setPlan(shop, plan);
        out(`${shop}: ${plan}, ${status.restoreRate} points/s, bucket ${status.maximumAvailable}`, status);
        return 0;
      }
      case "clock:advance": {
        const now = await script.advanceClock(int(values.ms, "ms"));
        out(`Emulator time: ${now.now}`, now);
        return 0;
      }
      case "webhooks:faults": {
        const faults = await script.setWebhookFaults({
          ...(values.duplicate ? { duplicate: num(values.duplicate) } : {}),
          ...(values["reorder-ms"] ? { reorderWindowMs: num(values["reorder-ms"]) } : {}),
          ...(values["delay-ms"] ? { delayMs: num(values["delay-ms"]) } : {}),
          ...(values.drop ? { drop: num(values.drop) } : {}),
          ...(values.seed ? { seed: num(values.seed) } : {}),
        });
        out(`Webhook faults: ${JSON.stringify(faults)}`, faults);
        return 0;
      }
      default:
        print(`Unknown command ${command}.\n\n${HELP}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      print(`${error.message}\n\n${HELP}`);
      return 2;
    }
    if (error instanceof EmulatorClientError) {
      print(`Error: ${error.message}`);
      return 1;
    }
    if (error instanceof TypeError && String((error as { cause?: { code?: string } }).cause?.code) === "ECONNREFUSED") {
      print(`Error: no emulator answers at ${url} (start one with npm run demo, or pass --url)`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runCli(process.argv.slice(2));
}
