import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_STORE_SEED, ManualClock, startEmulator, type Emulator } from "./index";
import { adminGraphql, offlineAccessToken, startWebhookReceiver, TEST_APP, type WebhookReceiver } from "./testing";
import { payloadErrors } from "./webhook-schemas";

const SHOP = "tenon-demo.myshopify.com";
const ALL_TOPICS_TOML = fileURLToPath(new URL("./fixtures/all-topics.app.toml", import.meta.url));

const RUN = `mutation($query: String!) {
  bulkOperationRunQuery(query: $query) { bulkOperation { id status } userErrors { field message code } }
}`;
const PRODUCTS_AND_VARIANTS = `{
  products(query: "status:active") {
    edges { node { id title variants { edges { node { id sku inventoryItem { unitCost { amount } } } } } } }
  }
}`;
const POLL = `query($id: ID!) {
  node(id: $id) { ... on BulkOperation { id status errorCode objectCount rootObjectCount fileSize url partialDataUrl type createdAt completedAt } }
}`;

interface BulkOperation {
  id: string;
  status: string;
  errorCode: string | null;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  partialDataUrl: string | null;
}
interface UserError {
  field: string[] | null;
  message: string;
  code: string;
}

describe("bulk operations (bulkOperationRunQuery, polling, JSONL, bulk_operations/finish)", () => {
  let emulator: Emulator;
  let receiver: WebhookReceiver;
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    // A fresh token each time: the clock runs on by days, past a token's hour (docs/decisions/022).
    const response = await adminGraphql(emulator, SHOP, await offlineAccessToken(emulator, SHOP), query, variables);
    const body = response.body as { data?: T; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data as T;
  };
  const run = async (query: string) =>
    (await gql<{ bulkOperationRunQuery: { bulkOperation: { id: string; status: string } | null; userErrors: UserError[] } }>(RUN, { query })).bulkOperationRunQuery;
  const poll = async (id: string) => (await gql<{ node: BulkOperation }>(POLL, { id })).node;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    emulator = await startEmulator({
      app: { ...TEST_APP, appUrl: receiver.url, tomlPath: ALL_TOPICS_TOML },
      seedFiles: [DEMO_STORE_SEED],
      clock: new ManualClock(),
      webhookTimeoutMs: 300,
    });
  });
  afterAll(async () => {
    await emulator.stop();
    await receiver.close();
  });

  it("groupObjects: true puts each product's variants right after it, as Shopify did before 2025-10", async () => {
    const started = await gql<{ bulkOperationRunQuery: { bulkOperation: { id: string } | null; userErrors: UserError[] } }>(
      `mutation($query: String!) { bulkOperationRunQuery(query: $query, groupObjects: true) { bulkOperation { id } userErrors { field message code } } }`,
      { query: PRODUCTS_AND_VARIANTS },
    );
    expect(started.bulkOperationRunQuery.userErrors).toEqual([]);
    await emulator.advanceClock(1_200);
    const done = await poll(started.bulkOperationRunQuery.bulkOperation!.id);
    const lines = (await (await fetch(done.url!)).text()).trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    let product: unknown = null;
    for (const line of lines) {
      if (line.__parentId === undefined) product = line.id;
      else expect(line.__parentId).toBe(product);
    }
    expect(lines.some((l) => l.__parentId !== undefined)).toBe(true);
  });

  it("a completed operation's result expires after seven days: EXPIRED, no url, the file gone", async () => {
    const started = await run(PRODUCTS_AND_VARIANTS);
    const id = started.bulkOperation!.id;
    await emulator.advanceClock(1_000);
    const done = await poll(id);
    expect(done.status).toBe("COMPLETED");
    await emulator.advanceClock(7 * 24 * 3600_000 - 1_000);
    expect((await poll(id)).status).toBe("COMPLETED");
    expect((await fetch(done.url!)).status).toBe(200);
    await emulator.advanceClock(1_000);
    expect(await poll(id)).toMatchObject({ status: "EXPIRED", url: null, partialDataUrl: null });
    expect((await fetch(done.url!)).status).toBe(404);
  });

  it("exports products with their variants as JSONL (each node a line, variants with __parentId), polled to COMPLETED", async () => {
    const started = await run(PRODUCTS_AND_VARIANTS);
    expect(started.userErrors).toEqual([]);
    const id = started.bulkOperation!.id;
    expect(started.bulkOperation).toEqual({ id: expect.stringMatching(/^gid:\/\/shopify\/BulkOperation\/\d+$/), status: "CREATED" });

    await emulator.advanceClock(200);
    expect((await poll(id)).status).toBe("RUNNING");
    const current = await gql<{ currentBulkOperation: { id: string; status: string } }>(`{ currentBulkOperation { id status } }`);
    expect(current.currentBulkOperation).toEqual({ id, status: "RUNNING" });

    await emulator.advanceClock(1_000);
    const done = await poll(id);
    const shop = emulator.shop(SHOP);
    const activeProducts = shop.products.filter((p) => p.status === "ACTIVE");
    const variantCount = activeProducts.reduce((n, p) => n + p.variantIds.length, 0);
    expect(done).toMatchObject({
      status: "COMPLETED",
      errorCode: null,
      objectCount: String(activeProducts.length + variantCount),
      rootObjectCount: String(activeProducts.length),
      partialDataUrl: null,
    });

    const response = await fetch(done.url!);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(String(Buffer.byteLength(text))).toBe(done.fileSize);
    const lines = text.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(activeProducts.length + variantCount);

    const productLines = lines.filter((l) => String(l.id).includes("/Product/"));
    expect(productLines.map((l) => l.id).sort()).toEqual(activeProducts.map((p) => `gid://shopify/Product/${p.id}`).sort());
    // A product line has no nested connection in it: its variants are lines of their own.
    expect(productLines.every((l) => !("variants" in l) && !("__parentId" in l))).toBe(true);
    const stool = shop.products.find((p) => p.handle === "oak-stool")!;
    const stoolVariants = lines.filter((l) => l.__parentId === `gid://shopify/Product/${stool.id}`);
    expect(stoolVariants.map((l) => l.sku)).toEqual(["OAK-STOOL-45", "OAK-STOOL-60", "OAK-STOOL-75"]);
    expect(stoolVariants[0]).toEqual({
      id: `gid://shopify/ProductVariant/${stool.variantIds[0]}`,
      sku: "OAK-STOOL-45",
      inventoryItem: { unitCost: expect.anything() },
      __parentId: `gid://shopify/Product/${stool.id}`,
    });
    // Not grouped (groupObjects defaults to false): no variant line follows its product.
    const stoolIndex = lines.findIndex((l) => l.id === `gid://shopify/Product/${stool.id}`);
    expect(lines.findIndex((l) => l.__parentId === `gid://shopify/Product/${stool.id}`)).toBeLessThan(stoolIndex);

    await emulator.webhooksIdle();
    // Once, not counting the duplicates that at-least-once delivery sends by default (ADR 027).
    const finish = emulator.deliveries.filter((d) => d.topic === "bulk_operations/finish" && d.body.includes(`"${id}"`) && !d.duplicate);
    expect(finish).toHaveLength(1);
    const payload = JSON.parse(finish[0]!.body) as Record<string, unknown>;
    expect(payloadErrors("bulk_operations/finish", payload)).toEqual([]);
    expect(payload).toMatchObject({ admin_graphql_api_id: id, status: "completed", type: "query", error_code: null });

    const listed = await gql<{ bulkOperations: { nodes: { id: string }[] } }>(`{ bulkOperations(first: 5, query: "status:completed") { nodes { id } } }`);
    expect(listed.bulkOperations.nodes.map((n) => n.id)).toContain(id);
  });

  it("allows five bulk queries at once and refuses a sixth with LIMIT_REACHED; cancelling frees a slot", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const started = await run(`{ locations { edges { node { id name } } } }`);
      expect(started.userErrors).toEqual([]);
      ids.push(started.bulkOperation!.id);
    }
    const sixth = await run(`{ locations { edges { node { id } } } }`);
    expect(sixth.bulkOperation).toBeNull();
    expect(sixth.userErrors).toEqual([{ field: null, code: "LIMIT_REACHED", message: expect.stringContaining("5 bulk query operations") }]);

    const cancelled = await gql<{ bulkOperationCancel: { bulkOperation: { status: string }; userErrors: unknown[] } }>(
      `mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }`,
      { id: ids[0] },
    );
    expect(cancelled.bulkOperationCancel).toEqual({ bulkOperation: { status: "CANCELING" }, userErrors: [] });
    const seventh = await run(`{ locations { edges { node { id } } } }`);
    expect(seventh.userErrors[0]?.code).toBe("LIMIT_REACHED");

    await emulator.advanceClock(1_000);
    expect((await poll(ids[0]!)).status).toBe("CANCELED");
    const finished = await Promise.all(ids.slice(1).map(poll));
    expect(finished.map((op) => op.status)).toEqual(["COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED"]);
    const again = await run(`{ locations { edges { node { id } } } }`);
    expect(again.userErrors).toEqual([]);
    await emulator.advanceClock(1_000);
    await emulator.webhooksIdle();
    const payloads = emulator.deliveries.filter((d) => d.topic === "bulk_operations/finish").map((d) => JSON.parse(d.body) as { status: string });
    expect(payloads.map((p) => p.status)).toContain("canceled");
    expect(payloads.flatMap((p) => payloadErrors("bulk_operations/finish", p))).toEqual([]);
  });

  it("refuses invalid bulk queries with userErrors on `query`", async () => {
    const cases: [string, RegExp][] = [
      [`{ shop { name } }`, /at least one connection/],
      [`{ products { edges { node { id nope } } } }`, /Invalid bulk query: .*nope/],
      [`{ products { edges { node { title variants { edges { node { id } } } } } } }`, /must select the 'id' field/],
      [`mutation { appUninstall { userErrors { message } } }`, /cannot contain mutations/],
      [
        `{ locations { edges { node { id inventoryLevels { edges { node { id item { id variant { id product { id variants { edges { node { id } } } } } } } } } } } } }`,
        /nesting depth greater than 2/,
      ],
      [`{ products { edges { node { id seo { title } } } } }`, /Invalid bulk query: Field 'Product.seo' is not implemented by the Tenon Shopify emulator/],
    ];
    for (const [query, message] of cases) {
      const result = await run(query);
      expect(result.bulkOperation, query).toBeNull();
      expect(result.userErrors[0], query).toMatchObject({ field: ["query"], code: "INVALID", message: expect.stringMatching(message) });
    }
  });

  it("answers a query without connections' page limits, and an empty export with no URL", async () => {
    const started = await run(`{ products(query: "sku:NO-SUCH-SKU") { nodes { id } } }`);
    await emulator.advanceClock(1_000);
    const done = await poll(started.bulkOperation!.id);
    expect(done).toMatchObject({ status: "COMPLETED", objectCount: "0", url: null, fileSize: null });
  });
});
