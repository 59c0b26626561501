import type { LoaderFunction } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_USER_AGENT, startAppHarness, type AppHarness } from "../support/app-harness";

/** The CSV export routes, called as the embedded app's fetch calls them (session token). */

const SHOP = "tenon-demo.myshopify.com";
let app: AppHarness;
let accountId: string;

beforeAll(async () => {
  app = await startAppHarness();
  // The first authenticated request installs the store (token exchange) and creates its account.
  const installed = await app.request("/app/stores", { headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(SHOP)}` } });
  expect(installed.status).toBe(200);
  accountId = (await app.db.store.findUniqueOrThrow({ where: { shopDomain: SHOP } })).accountId;
});
afterAll(async () => app.stop());

function exportRequest(path: string, token = app.emulator.mintSessionToken(SHOP)) {
  return new Request(new URL(path, app.appUrl), { headers: { Authorization: `Bearer ${token}`, "User-Agent": BROWSER_USER_AGENT } });
}

async function call(loader: LoaderFunction, request: Request): Promise<Response> {
  try {
    return (await loader({ request, params: {}, context: {} })) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe("inventory export", () => {
  it("answers an attachment of In stock, Committed, Available and kit potential, formulas defused", async () => {
    const { createLocation } = await import("~/services/locations/locations.server");
    const { createProduct, setKitComponents } = await import("~/services/products/products.server");
    const { adjustStock } = await import("~/services/stock/stock.server");
    const location = await createLocation(app.db, accountId, { name: "Workshop" });
    if (!location.ok) throw new Error(location.message);
    const leg = await createProduct(app.db, accountId, { name: "=HYPERLINK(\"http://evil\")", variants: [{ code: "LEG", name: "Long, oak" }] });
    const kit = await createProduct(app.db, accountId, { name: "Stool kit", variants: [{ code: "KIT" }] });
    if (!leg.ok || !kit.ok) throw new Error("catalogue");
    await setKitComponents(app.db, accountId, kit.value.variantIds[0]!, [{ variantId: leg.value.variantIds[0]!, quantityPerKit: "4" }]);
    await adjustStock(app.db, accountId, {
      locationId: location.value.id,
      reason: "Stocktake",
      occurredAt: new Date(),
      lines: [{ variantId: leg.value.variantIds[0]!, quantity: "9" }],
    });

    const { loader } = await import("~/routes/app.inventory.export");
    const response = await call(loader, exportRequest("/app/inventory/export"));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="inventory-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // a byte order mark, for Excel
    expect(new TextDecoder().decode(bytes).split("\r\n")).toEqual([
      "Product,Variant,Code,Location,In stock,Committed,Available,Kit potential",
      `"'=HYPERLINK(""http://evil"")","Long, oak",LEG,Workshop,9,0,9,`,
      "Stool kit,,KIT,Workshop,0,0,0,2",
      "",
    ]);

    const searched = await (await call(loader, exportRequest("/app/inventory/export?search=KIT"))).text();
    expect(searched.split("\r\n")).toHaveLength(3);
  });

  it("refuses a request without a valid session token", async () => {
    const { loader } = await import("~/routes/app.inventory.export");
    const response = await call(loader, exportRequest("/app/inventory/export", app.emulator.mintSessionToken(SHOP, { secret: "wrong" })));
    expect(response.status).toBe(401);
    expect(response.headers.get("Content-Type") ?? "").not.toContain("text/csv");
  });
});

describe("sales-order export", () => {
  it("lists the orders of the filter with totals and delivery status", async () => {
    const { createSalesOrder } = await import("~/services/sales-orders/sales-orders.server");
    const variant = await app.db.variant.findFirstOrThrow({ where: { accountId, code: "LEG" } });
    const created = await createSalesOrder(app.db, accountId, {
      orderDate: new Date("2026-11-02T10:00:00Z"),
      customerReference: "@SUM(A1)",
      rows: [{ variantId: variant.id, quantity: "2", pricePerUnit: "12.50", discountPercent: "10" }],
      shippingFee: "5",
    });
    if (!created.ok) throw new Error(created.message);

    const { loader } = await import("~/routes/app.sales-orders.export");
    const response = await call(loader, exportRequest("/app/sales-orders/export?status=not_shipped"));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="sales-orders-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect((await response.text()).split("\r\n")).toEqual([
      "Order,Customer,Customer reference,Order date,Delivery date,Total,Currency,Delivery,Invoiced,Source",
      `${created.value.number},,'@SUM(A1),2026-11-02,,27.5,EUR,Not shipped,no,manual`,
      "",
    ]);
    const none = await (await call(loader, exportRequest("/app/sales-orders/export?status=delivered"))).text();
    expect(none.split("\r\n")).toHaveLength(2);
  });
});
