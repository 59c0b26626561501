import { describe, expect, it } from "vitest";
import { discountPercent, exchangeRate, mapOrder, netOfTax, type MappingContext } from "./order-mapping";
import { line, order } from "./order-fixtures.test-support";
import { defaultSettings } from "./settings";

const stool = { variantId: "v-stool", productKind: "physical" as const, defaultDeliveryDays: 3 };
const table = { variantId: "v-table", productKind: "physical" as const, defaultDeliveryDays: 10 };
const context = (over: Partial<MappingContext> = {}): MappingContext => ({
  settings: defaultSettings,
  byShopifyVariant: new Map([["gid://shopify/ProductVariant/11", stool]]),
  bySku: new Map([["TABLE", table]]),
  locationFor: new Map<string, string | null>([
    ["gid://shopify/Location/1", "loc-workshop"],
    ["gid://shopify/Location/2", null],
  ]),
  defaultLocationId: "loc-default",
  ...over,
});

describe("mapOrder", () => {
  it("maps number, dates, PO number, currency and one row per line", () => {
    const draft = mapOrder(order({ poNumber: " PO-77 " }), context());
    expect(draft).toMatchObject({
      number: "#1001",
      orderDate: new Date("2026-07-01T10:00:00Z"),
      deliveryDate: new Date("2026-07-04T10:00:00Z"),
      customerReference: "PO-77",
      currency: "EUR",
      exchangeRate: "1",
      shippingFee: null,
      needsReview: false,
    });
    expect(draft.rows).toEqual([
      {
        externalLineId: "gid://shopify/LineItem/1",
        item: { kind: "existing", variantId: "v-stool", productKind: "physical" },
        description: "Oak stool",
        quantity: "2",
        pricePerUnit: "100",
        discountPercent: "0",
        locationId: "loc-workshop",
        needsReview: false,
        shopifyLocationId: "gid://shopify/Location/1",
      },
    ]);
  });

  it("delivery date = created + the longest default delivery time of the order's products", () => {
    const o = order({ lines: [line(), line({ id: "gid://shopify/LineItem/2", variantId: null, sku: "TABLE", title: "Table" })] });
    expect(mapOrder(o, context()).deliveryDate).toEqual(new Date("2026-07-11T10:00:00Z"));
  });

  it("matches lines through the SKU map first, then by SKU", () => {
    const o = order({ lines: [line({ variantId: "gid://shopify/ProductVariant/99", sku: "TABLE" })] });
    expect(mapOrder(o, context()).rows[0]?.item).toEqual({ kind: "existing", variantId: "v-table", productKind: "physical" });
    const mapped = order({ lines: [line({ sku: "TABLE" })] });
    expect(mapOrder(mapped, context()).rows[0]?.item).toMatchObject({ variantId: "v-stool" });
  });

  it("an unknown SKU becomes a new item, the row and the order flagged for review", () => {
    const o = order({ lines: [line({ variantId: "gid://shopify/ProductVariant/55", sku: " NEW-1 ", title: "Bench", variantTitle: "Walnut" })] });
    const draft = mapOrder(o, context());
    expect(draft.rows[0]).toMatchObject({
      item: { kind: "create", productName: "Bench", variantName: "Walnut", sku: "NEW-1", productKind: "physical", salesPrice: "100" },
      description: "Bench — Walnut",
      needsReview: true,
    });
    expect(draft.needsReview).toBe(true);
    expect(draft.reviewNotes).toEqual([expect.stringContaining("SKU NEW-1")]);
  });

  it("custom non-physical lines become a service (default) or a product (setting); physical ones a product", () => {
    const custom = line({ variantId: null, productId: null, sku: null, title: "Engraving", requiresShipping: false });
    const asService = mapOrder(order({ lines: [custom] }), context());
    expect(asService.rows[0]).toMatchObject({ item: { kind: "create", productKind: "service", productName: "Engraving" }, locationId: null, needsReview: false });
    const productSettings = { ...defaultSettings, orders: { ...defaultSettings.orders, customNonPhysicalLines: "product" as const } };
    const asProduct = mapOrder(order({ lines: [custom] }), context({ settings: productSettings }));
    expect(asProduct.rows[0]).toMatchObject({ item: { productKind: "physical" }, locationId: "loc-workshop", needsReview: true });
    const physical = mapOrder(order({ lines: [{ ...custom, requiresShipping: true }] }), context());
    expect(physical.rows[0]?.item).toMatchObject({ productKind: "physical" });
  });

  it("uses current quantities: a line removed by an edit gives no row", () => {
    const o = order({ lines: [line({ quantity: 3, currentQuantity: 1 }), line({ id: "gid://shopify/LineItem/2", currentQuantity: 0 })] });
    expect(mapOrder(o, context()).rows.map((r) => r.quantity)).toEqual(["1"]);
  });

  it("prices net of tax when the order's prices include tax", () => {
    const o = order({ taxesIncluded: true, lines: [line({ unitPrice: "119.00", taxRate: 0.19 })] });
    expect(mapOrder(o, context()).rows[0]?.pricePerUnit).toBe("100");
    const untaxed = order({ taxesIncluded: false, lines: [line({ unitPrice: "119.00", taxRate: 0.19 })] });
    expect(mapOrder(untaxed, context()).rows[0]?.pricePerUnit).toBe("119");
  });

  it("allocates discounts as each line's percentage of its total", () => {
    const o = order({
      lines: [
        line({ unitPrice: "100.00", quantity: 2, currentQuantity: 2, totalDiscount: "20.00" }),
        line({ id: "gid://shopify/LineItem/2", sku: "TABLE", variantId: null, unitPrice: "30.00", quantity: 1, currentQuantity: 1, totalDiscount: "3.00" }),
      ],
    });
    expect(mapOrder(o, context()).rows.map((r) => r.discountPercent)).toEqual(["10", "10"]);
  });

  it("one shipping-fee row with the shipping, net of tax; none when off or free", () => {
    const shipping = [
      { title: "Standard", price: "11.90", taxRate: 0.19 },
      { title: "Express", price: "5.95", taxRate: 0.19 },
    ];
    expect(mapOrder(order({ taxesIncluded: true, shippingLines: shipping }), context()).shippingFee).toBe("15");
    expect(mapOrder(order({ shippingLines: shipping }), context()).shippingFee).toBe("17.85");
    const off = { ...defaultSettings, orders: { ...defaultSettings.orders, shippingFeeLine: false } };
    expect(mapOrder(order({ shippingLines: shipping }), context({ settings: off })).shippingFee).toBeNull();
    expect(mapOrder(order({ shippingLines: [{ title: "Free", price: "0.00", taxRate: 0 }] }), context()).shippingFee).toBeNull();
  });

  it("keeps the customer's currency with the exchange rate fixed from the order total", () => {
    const draft = mapOrder(order({ currency: "USD", totalShop: "100.00", totalPresentment: "110.00" }), context());
    expect(draft).toMatchObject({ currency: "USD", exchangeRate: "0.9091" });
  });

  it("row location: the Tenon location mapped to the line's fulfillment-order location, else the default (flagged)", () => {
    const o = order();
    o.fulfillmentOrders[0]!.locationId = "gid://shopify/Location/2";
    const draft = mapOrder(o, context());
    expect(draft.rows[0]).toMatchObject({ locationId: "loc-default", needsReview: true });
    expect(draft.needsReview).toBe(true);
  });

  it("takes the customer and the addresses from the order", () => {
    const address = { firstName: "Anna", lastName: "Becker", company: null, address1: "Holzweg 1", address2: null, city: "Hamburg", zip: "20095", province: null, country: "Germany", phone: null };
    const draft = mapOrder(order({ billingAddress: address, shippingAddress: { ...address, address1: "Lager 2" } }), context());
    expect(draft.customer).toMatchObject({ shopifyId: "gid://shopify/Customer/7", name: "Anna Becker", email: "anna@example.com" });
    expect(draft.billTo).toEqual({ name: "Anna Becker", line1: "Holzweg 1", city: "Hamburg", zip: "20095", country: "Germany" });
    expect(draft.shipTo).toMatchObject({ line1: "Lager 2" });
    // A guest checkout: named after the billing address; shipping falls back to billing.
    const guest = mapOrder(order({ customer: null, billingAddress: address }), context());
    expect(guest.customer).toMatchObject({ shopifyId: null, name: "Anna Becker" });
    expect(guest.shipTo).toEqual(guest.billTo);
    expect(mapOrder(order({ customer: null, email: null }), context()).customer).toBeNull();
    // A Shopify customer known only by email is named after the billing address.
    const emailOnly = { id: "gid://shopify/Customer/8", firstName: null, lastName: null, email: "tom@example.com" };
    expect(mapOrder(order({ customer: emailOnly, billingAddress: address }), context()).customer).toMatchObject({ name: "Anna Becker", shopifyId: "gid://shopify/Customer/8" });
    expect(mapOrder(order({ customer: emailOnly }), context()).customer).toMatchObject({ name: "tom@example.com" });
  });
});

describe("money helpers", () => {
  it("netOfTax rounds to 4 decimal places", () => {
    expect(netOfTax("10", 0.19)).toBe("8.4034");
    expect(netOfTax("10", 0)).toBe("10");
  });
  it("discountPercent stays within 0–100", () => {
    expect(discountPercent({ unitPrice: "3", quantity: 1, totalDiscount: "1" })).toBe("33.3333");
    expect(discountPercent({ unitPrice: "3", quantity: 1, totalDiscount: "5" })).toBe("100");
    expect(discountPercent({ unitPrice: "0", quantity: 1, totalDiscount: "0" })).toBe("0");
  });
  it("exchangeRate is 1 for the shop's own currency or a zero total", () => {
    expect(exchangeRate({ currency: "EUR", shopCurrency: "EUR", totalShop: "5", totalPresentment: "6" })).toBe("1");
    expect(exchangeRate({ currency: "USD", shopCurrency: "EUR", totalShop: "0", totalPresentment: "0" })).toBe("1");
  });
});
