/**
 * A typed client for a running emulator: the common merchant actions as the same Admin GraphQL
 * mutations Shopify serves (orderCreate, inventorySetQuantities, locationAdd, productSet,
 * fulfillmentCreate, orderCancel, bulkOperationRunQuery …), plus the test-only script API
 * (clock, faults, plans, generated shops, reset). Used by `npm run shopify` (scripts/shopify.ts),
 * tests and people.
 *
 *   const shopify = await EmulatorClient.connect({ url: "http://127.0.0.1:3457", shop: "tenon-demo" });
 *   await shopify.createOrder({ lines: [{ sku: "OAK-STOOL-45", quantity: 2 }] });
 *   await shopify.setInventory({ sku: "OAK-STOOL-45", location: "Workshop", quantity: 12 });
 *
 * Calls follow Shopify's throttle: a THROTTLED answer waits for the bucket (per its
 * `throttleStatus`) and retries. Any other GraphQL error or a userError throws.
 */
import { randomUUID } from "node:crypto";

export const DEFAULT_EMULATOR_URL = "http://127.0.0.1:3457";
const API_VERSION = "2026-07";

export interface UserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

export class EmulatorClientError extends Error {
  constructor(
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
    this.name = "EmulatorClientError";
  }
}

const shopDomain = (shop: string) => (shop.endsWith(".myshopify.com") ? shop : `${shop}.myshopify.com`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface OrderLine {
  /** The first variant with this SKU. */
  sku?: string;
  variantId?: string;
  /** A custom line (no variant): title and unit price. */
  title?: string;
  price?: string;
  quantity: number;
}

export interface CreateOrderOptions {
  lines: OrderLine[];
  financialStatus?: "PAID" | "PENDING" | "REFUNDED" | "AUTHORIZED" | "PARTIALLY_PAID" | "PARTIALLY_REFUNDED" | "VOIDED";
  fulfillmentStatus?: "FULFILLED" | null;
  /** BYPASS (Shopify's default for orderCreate) or DECREMENT_IGNORING_POLICY / DECREMENT_OBEYING_POLICY. */
  inventoryBehaviour?: "BYPASS" | "DECREMENT_IGNORING_POLICY" | "DECREMENT_OBEYING_POLICY";
  email?: string;
  poNumber?: string;
  tags?: string[];
  /** A POS sale at this location (name or id), fulfilled on the spot. */
  posLocation?: string;
}

export interface CreatedOrder {
  id: string;
  name: string;
  displayFinancialStatus: string;
  displayFulfillmentStatus: string;
  totalPriceSet: { shopMoney: { amount: string; currencyCode: string } };
}

export interface Location {
  id: string;
  name: string;
  isActive: boolean;
}

export interface Variant {
  id: string;
  sku: string | null;
  title: string;
  product: { id: string; title: string };
  inventoryItem: { id: string };
}

export interface BulkOperation {
  id: string;
  status: string;
  errorCode: string | null;
  objectCount: string;
  fileSize: string | null;
  url: string | null;
  partialDataUrl: string | null;
}

export class EmulatorClient {
  readonly url: string;
  readonly shop: string;

  constructor(options: { url?: string; shop: string; accessToken: string }, private readonly accessToken = options.accessToken) {
    this.url = (options.url ?? DEFAULT_EMULATOR_URL).replace(/\/+$/, "");
    this.shop = shopDomain(options.shop);
  }

  /** Mints an offline access token for the app in the shop through the script API (the app must be installed). */
  static async connect(options: { url?: string; shop: string }): Promise<EmulatorClient> {
    const url = (options.url ?? DEFAULT_EMULATOR_URL).replace(/\/+$/, "");
    const script = new EmulatorScriptApi(url);
    const { access_token } = await script.post<{ access_token: string }>(`/_emulator/shops/${shopDomain(options.shop)}/access-token`, {});
    return new EmulatorClient({ url, shop: options.shop, accessToken: access_token });
  }

  /** One Admin GraphQL call; waits out THROTTLED answers; throws on errors. */
  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${this.url}/shops/${this.shop}/admin/api/${API_VERSION}/graphql.json`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": this.accessToken },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json().catch(() => null)) as {
        data?: T;
        errors?: { message: string; extensions?: { code?: string } }[] | string;
        extensions?: { cost?: { requestedQueryCost: number; throttleStatus: { currentlyAvailable: number; restoreRate: number } } };
      } | null;
      if (!response.ok || body === null) throw new EmulatorClientError(`Admin API answered HTTP ${response.status}`, body);
      const errors = Array.isArray(body.errors) ? body.errors : body.errors ? [{ message: body.errors }] : [];
      const cost = body.extensions?.cost;
      if (errors.some((e) => e.extensions?.code === "THROTTLED") && cost && attempt < 20) {
        const missing = cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable;
        await sleep(Math.max(50, Math.ceil((missing / cost.throttleStatus.restoreRate) * 1000)));
        continue;
      }
      if (errors.length > 0) throw new EmulatorClientError(errors.map((e) => e.message).join("; "), errors);
      return body.data as T;
    }
  }

  /** Runs a mutation and throws if its payload has userErrors (under any `…UserErrors` key). */
  private async mutate<T extends Record<string, unknown>>(field: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const data = await this.graphql<Record<string, T>>(query, variables);
    const payload = data[field];
    if (!payload) throw new EmulatorClientError(`${field} returned nothing`);
    const errors = Object.entries(payload)
      .filter(([key]) => key === "userErrors" || key.endsWith("UserErrors"))
      .flatMap(([, value]) => (Array.isArray(value) ? (value as UserError[]) : []));
    if (errors.length > 0) {
      throw new EmulatorClientError(`${field}: ${errors.map((e) => `${e.code ? `${e.code} ` : ""}${e.field?.join(".") ?? ""}: ${e.message}`).join("; ")}`, errors);
    }
    return payload;
  }

  // --- Lookups ------------------------------------------------------------------------------

  async locations(): Promise<Location[]> {
    const data = await this.graphql<{ locations: { nodes: Location[] } }>(`{ locations(first: 250, includeInactive: true) { nodes { id name isActive } } }`);
    return data.locations.nodes;
  }

  /** A location by id or (case-insensitive) name; the primary location when none is named. */
  async location(nameOrId?: string): Promise<Location> {
    if (!nameOrId) {
      const data = await this.graphql<{ location: Location | null }>(`{ location { id name isActive } }`);
      if (!data.location) throw new EmulatorClientError("The shop has no primary location");
      return data.location;
    }
    const all = await this.locations();
    const found = all.find((l) => l.id === nameOrId || l.name.toLowerCase() === nameOrId.toLowerCase());
    if (!found) throw new EmulatorClientError(`No location ${nameOrId} (${all.map((l) => l.name).join(", ")})`);
    return found;
  }

  /** The variants with this SKU (Shopify allows duplicates), oldest first. */
  async variantsBySku(sku: string): Promise<Variant[]> {
    const data = await this.graphql<{ productVariants: { nodes: Variant[] } }>(
      `query($q: String!) { productVariants(first: 50, query: $q) { nodes { id sku title product { id title } inventoryItem { id } } } }`,
      { q: `sku:${JSON.stringify(sku)}` },
    );
    return data.productVariants.nodes.filter((v) => v.sku === sku);
  }

  async variantBySku(sku: string): Promise<Variant> {
    const [variant] = await this.variantsBySku(sku);
    if (!variant) throw new EmulatorClientError(`No variant with SKU ${sku}`);
    return variant;
  }

  // --- Orders -------------------------------------------------------------------------------

  async createOrder(options: CreateOrderOptions): Promise<CreatedOrder> {
    const currency = (await this.graphql<{ shop: { currencyCode: string } }>(`{ shop { currencyCode } }`)).shop.currencyCode;
    const lineItems = await Promise.all(
      options.lines.map(async (line) => {
        if (line.sku) return { variantId: (await this.variantBySku(line.sku)).id, quantity: line.quantity };
        if (line.variantId) return { variantId: line.variantId, quantity: line.quantity };
        if (!line.title || !line.price) throw new EmulatorClientError("A line needs a sku, a variantId, or a title and price");
        return { title: line.title, quantity: line.quantity, priceSet: { shopMoney: { amount: line.price, currencyCode: currency } } };
      }),
    );
    const order: Record<string, unknown> = {
      lineItems,
      financialStatus: options.financialStatus ?? "PAID",
      ...(options.fulfillmentStatus ? { fulfillmentStatus: options.fulfillmentStatus } : {}),
      ...(options.email ? { email: options.email } : {}),
      ...(options.poNumber ? { poNumber: options.poNumber } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
    };
    if (options.posLocation) order.fulfillment = { locationId: (await this.location(options.posLocation)).id };
    const payload = await this.mutate<{ order: CreatedOrder }>(
      "orderCreate",
      `mutation($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
        orderCreate(order: $order, options: $options) {
          order { id name displayFinancialStatus displayFulfillmentStatus totalPriceSet { shopMoney { amount currencyCode } } }
          userErrors { field message code }
        }
      }`,
      { order, options: { inventoryBehaviour: options.inventoryBehaviour ?? "BYPASS" } },
    );
    return payload.order;
  }

  /**
   * Cancels the order and waits for Shopify's job to run (orderCancel is asynchronous: the order
   * is cancelled, and its webhooks sent, only once `job.done`). `wait` passes time between polls
   * (default 50 ms of real time; a test on a ManualClock advances it).
   */
  async cancelOrder(
    orderId: string,
    options: { restock?: boolean; reason?: "CUSTOMER" | "DECLINED" | "FRAUD" | "INVENTORY" | "OTHER" | "STAFF"; wait?: () => Promise<void> } = {},
  ): Promise<void> {
    const payload = await this.mutate<{ job: { id: string; done: boolean } }>(
      "orderCancel",
      `mutation($id: ID!, $restock: Boolean!, $reason: OrderCancelReason!) { orderCancel(orderId: $id, restock: $restock, reason: $reason) { job { id done } orderCancelUserErrors { field message code } } }`,
      { id: orderId, restock: options.restock ?? true, reason: options.reason ?? "OTHER" },
    );
    await this.waitForJob(payload.job, options.wait);
  }

  /** Polls an asynchronous mutation's job until it is done (at most 200 polls). */
  async waitForJob(job: { id: string; done: boolean }, wait: () => Promise<void> = () => new Promise((resolve) => setTimeout(resolve, 50))): Promise<void> {
    for (let poll = 0, done = job.done; !done; poll++) {
      if (poll >= 200) throw new EmulatorClientError(`Job ${job.id} is still not done`);
      await wait();
      done = (await this.graphql<{ job: { done: boolean } | null }>(`query($id: ID!) { job(id: $id) { done } }`, { id: job.id })).job?.done ?? false;
    }
  }

  /** Fulfils everything still open on the order (one fulfillmentCreate per fulfillment order). */
  async fulfillOrder(orderId: string, tracking?: { number: string; company?: string; url?: string }): Promise<string[]> {
    const data = await this.graphql<{ order: { fulfillmentOrders: { nodes: { id: string; status: string }[] } } | null }>(
      `query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 50) { nodes { id status } } } }`,
      { id: orderId },
    );
    if (!data.order) throw new EmulatorClientError(`No order ${orderId}`);
    const ids: string[] = [];
    for (const fo of data.order.fulfillmentOrders.nodes.filter((f) => f.status === "OPEN" || f.status === "IN_PROGRESS")) {
      const payload = await this.mutate<{ fulfillment: { id: string } }>(
        "fulfillmentCreate",
        `mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { id } userErrors { field message } } }`,
        { f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.id }], ...(tracking ? { trackingInfo: tracking } : {}) } },
      );
      ids.push(payload.fulfillment.id);
    }
    return ids;
  }

  // --- Inventory ----------------------------------------------------------------------------

  private async itemAndLocation(target: { sku?: string; inventoryItemId?: string; location?: string }) {
    const inventoryItemId = target.inventoryItemId ?? (target.sku ? (await this.variantBySku(target.sku)).inventoryItem.id : undefined);
    if (!inventoryItemId) throw new EmulatorClientError("Give a sku or an inventoryItemId");
    return { inventoryItemId, location: await this.location(target.location) };
  }

  /**
   * inventorySetQuantities for one item at one location. `changeFromQuantity`: the quantity you
   * believe it has now (compare-and-set), or null to overwrite (the default).
   */
  async setInventory(options: { sku?: string; inventoryItemId?: string; location?: string; quantity: number; name?: "available" | "on_hand"; changeFromQuantity?: number | null; reason?: string; idempotencyKey?: string }) {
    const { inventoryItemId, location } = await this.itemAndLocation(options);
    const payload = await this.mutate<{ inventoryAdjustmentGroup: { changes: { name: string; delta: number; quantityAfterChange: number }[] } | null }>(
      "inventorySetQuantities",
      `mutation($input: InventorySetQuantitiesInput!, $key: String!) {
        inventorySetQuantities(input: $input) @idempotent(key: $key) {
          inventoryAdjustmentGroup { changes { name delta quantityAfterChange } }
          userErrors { field message code }
        }
      }`,
      {
        key: options.idempotencyKey ?? randomUUID(),
        input: {
          name: options.name ?? "available",
          reason: options.reason ?? "correction",
          quantities: [{ inventoryItemId, locationId: location.id, quantity: options.quantity, changeFromQuantity: options.changeFromQuantity ?? null }],
        },
      },
    );
    return { location, changes: payload.inventoryAdjustmentGroup?.changes ?? [] };
  }

  /** inventoryAdjustQuantities: `delta` units of `available` (or another name) at a location. */
  async adjustInventory(options: { sku?: string; inventoryItemId?: string; location?: string; delta: number; name?: string; reason?: string; idempotencyKey?: string }) {
    const { inventoryItemId, location } = await this.itemAndLocation(options);
    const payload = await this.mutate<{ inventoryAdjustmentGroup: { changes: { name: string; delta: number; quantityAfterChange: number }[] } | null }>(
      "inventoryAdjustQuantities",
      `mutation($input: InventoryAdjustQuantitiesInput!, $key: String!) {
        inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
          inventoryAdjustmentGroup { changes { name delta quantityAfterChange } }
          userErrors { field message code }
        }
      }`,
      {
        key: options.idempotencyKey ?? randomUUID(),
        input: { name: options.name ?? "available", reason: options.reason ?? "correction", changes: [{ inventoryItemId, locationId: location.id, delta: options.delta, changeFromQuantity: null }] },
      },
    );
    return { location, changes: payload.inventoryAdjustmentGroup?.changes ?? [] };
  }

  /** The named quantities of an item at each location where it is stocked. */
  async inventory(sku: string): Promise<{ location: string; available: number; committed: number; on_hand: number }[]> {
    const variant = await this.variantBySku(sku);
    const data = await this.graphql<{ inventoryItem: { inventoryLevels: { nodes: { location: { name: string }; quantities: { name: string; quantity: number }[] }[] } } }>(
      `query($id: ID!) { inventoryItem(id: $id) { inventoryLevels(first: 250) { nodes { location { name } quantities(names: ["available", "committed", "on_hand"]) { name quantity } } } } }`,
      { id: variant.inventoryItem.id },
    );
    return data.inventoryItem.inventoryLevels.nodes.map((level) => {
      const q = (name: string) => level.quantities.find((x) => x.name === name)?.quantity ?? 0;
      return { location: level.location.name, available: q("available"), committed: q("committed"), on_hand: q("on_hand") };
    });
  }

  // --- Locations and products ----------------------------------------------------------------

  async addLocation(input: { name: string; address: { countryCode: string; address1?: string; city?: string; zip?: string; provinceCode?: string; phone?: string }; fulfillsOnlineOrders?: boolean }): Promise<Location> {
    const payload = await this.mutate<{ location: Location }>(
      "locationAdd",
      `mutation($input: LocationAddInput!) { locationAdd(input: $input) { location { id name isActive } userErrors { field message code } } }`,
      { input },
    );
    return payload.location;
  }

  async deactivateLocation(location: string, destination?: string): Promise<void> {
    const from = await this.location(location);
    const to = destination ? await this.location(destination) : null;
    await this.mutate(
      "locationDeactivate",
      `mutation($id: ID!, $to: ID, $key: String!) { locationDeactivate(locationId: $id, destinationLocationId: $to) @idempotent(key: $key) { location { id } locationDeactivateUserErrors { field message code } } }`,
      { id: from.id, to: to?.id ?? null, key: randomUUID() },
    );
  }

  /** productSet (synchronous): the ProductSetInput as Shopify takes it. */
  async productSet(input: Record<string, unknown>, identifier?: { id?: string; handle?: string }): Promise<{ id: string; handle: string; variants: { nodes: { id: string; sku: string | null }[] } }> {
    const payload = await this.mutate<{ product: { id: string; handle: string; variants: { nodes: { id: string; sku: string | null }[] } } }>(
      "productSet",
      `mutation($input: ProductSetInput!, $identifier: ProductSetIdentifiers) {
        productSet(input: $input, identifier: $identifier) { product { id handle variants(first: 250) { nodes { id sku } } } userErrors { field message code } }
      }`,
      { input, identifier: identifier ?? null },
    );
    return payload.product;
  }

  // --- Bulk operations ------------------------------------------------------------------------

  async runBulkQuery(query: string): Promise<BulkOperation> {
    const payload = await this.mutate<{ bulkOperation: BulkOperation }>(
      "bulkOperationRunQuery",
      `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { ${BULK_FIELDS} } userErrors { field message code } } }`,
      { q: query },
    );
    return payload.bulkOperation;
  }

  async bulkOperation(id: string): Promise<BulkOperation> {
    const data = await this.graphql<{ bulkOperation: BulkOperation | null }>(`query($id: ID!) { bulkOperation(id: $id) { ${BULK_FIELDS} } }`, { id });
    if (!data.bulkOperation) throw new EmulatorClientError(`No bulk operation ${id}`);
    return data.bulkOperation;
  }
}

const BULK_FIELDS = "id status errorCode objectCount fileSize url partialDataUrl";

/** The emulator's test-only script API (`/_emulator/…`): things Shopify has no API for. */
export class EmulatorScriptApi {
  constructor(readonly url: string = DEFAULT_EMULATOR_URL) {}

  async post<T>(path: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const json = (await response.json().catch(() => null)) as T & { error?: string; errors?: string };
    if (!response.ok) throw new EmulatorClientError(`${path}: HTTP ${response.status} ${json?.error ?? json?.errors ?? ""}`.trim(), json);
    return json;
  }

  async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.url}${path}`);
    const json = (await response.json().catch(() => null)) as T & { error?: string };
    if (!response.ok) throw new EmulatorClientError(`${path}: HTTP ${response.status} ${json?.error ?? ""}`.trim(), json);
    return json;
  }

  shops() {
    return this.get<{ handle: string; domain: string; installed: boolean; counts: Record<string, number> }[]>("/_emulator/shops");
  }
  /** A generated shop (seed-generator.ts options). */
  generateShop(options: { variants: number; locations?: number; orders?: number; seed?: number; handle?: string }) {
    return this.post<{ handle: string; counts: Record<string, number> }>("/_emulator/shops", { generate: options });
  }
  resetShop(shop: string) {
    return this.post<{ handle: string; counts: Record<string, number> }>(`/_emulator/shops/${shopDomain(shop)}/reset`, {});
  }
  setPlan(shop: string, plan: "standard" | "advanced" | "plus" | "enterprise") {
    return this.post<{ restoreRate: number; maximumAvailable: number }>(`/_emulator/shops/${shopDomain(shop)}/throttle`, { plan });
  }
  advanceClock(ms: number) {
    return this.post<{ now: string }>("/_emulator/clock", { advanceMs: ms });
  }
  setWebhookFaults(faults: { duplicate?: number; reorderWindowMs?: number; delayMs?: number; drop?: number; seed?: number }) {
    return this.post<Record<string, unknown>>("/_emulator/webhooks/faults", faults);
  }
}
