import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProduct, listProducts, setKitComponents, variantForCode } from "./products.server";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t.drop());

const newAccount = async () => (await t.db.account.create({ data: { name: "Maker" } })).id;

describe("catalog", () => {
  it("creates a product with variants, codes trimmed and kept case-sensitive", async () => {
    const accountId = await newAccount();
    const result = await createProduct(t.db, accountId, {
      name: "Oak stool",
      defaultDeliveryDays: "5",
      variants: [
        { name: "Small", code: "  STOOL-s ", salesPrice: "49.9", cost: "20" },
        { name: "Large", code: "STOOL-L", salesPrice: 79 },
      ],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.sharedCodes).toEqual([]);
    const small = await variantForCode(t.db, accountId, "STOOL-s");
    expect(small?.name).toBe("Small");
    expect(small?.salesPrice?.toString()).toBe("49.9");
    expect(await variantForCode(t.db, accountId, "stool-s")).toBeNull();
    const product = await t.db.product.findUniqueOrThrow({ where: { id: result.value.productId } });
    expect(product.defaultDeliveryDays).toBe(5);
  });

  it("warns when a code is shared and syncs the newest variant for it", async () => {
    const accountId = await newAccount();
    const first = await createProduct(t.db, accountId, { name: "Board", variants: [{ code: "BOARD" }] });
    const second = await createProduct(t.db, accountId, { name: "Board v2", variants: [{ code: "BOARD" }] });
    if (!first.ok || !second.ok) throw new Error("create failed");
    expect(second.value.sharedCodes).toEqual(["BOARD"]);
    expect((await variantForCode(t.db, accountId, "BOARD"))?.id).toBe(second.value.variantIds[0]);
  });

  it.each([
    [{ name: "", variants: [{}] }, "name", "Give the product a name."],
    [{ name: "X", variants: [] }, "variants", "A product needs at least one variant."],
    [{ name: "X", defaultDeliveryDays: -1, variants: [{}] }, "defaultDeliveryDays", "Delivery time cannot be negative."],
    [{ name: "X", defaultDeliveryDays: "soon", variants: [{}] }, "defaultDeliveryDays", "Enter a number of days."],
    [{ name: "X", variants: [{ salesPrice: "-3" }] }, "variants.0.salesPrice", "Enter an amount like 12.50 (up to 4 decimals, not negative)."],
    [{ name: "X", kind: "service", batchTracked: true, variants: [{}] }, "batchTracked", "Services are not kept in stock, so they cannot be batch-tracked."],
  ])("refuses bad input %j beside the field, creating nothing", async (input, field, message) => {
    const accountId = await newAccount();
    const result = await createProduct(t.db, accountId, input);
    expect(result).toMatchObject({ ok: false, code: "INPUT_INVALID" });
    if (!result.ok) expect(result.fieldErrors?.[field]).toBe(message);
    expect(await t.db.product.count({ where: { accountId } })).toBe(0);
  });

  it("lists by search on name or code, newest first, paginated", async () => {
    const accountId = await newAccount();
    for (let i = 1; i <= 3; i++) await createProduct(t.db, accountId, { name: `Walnut board ${i}`, variants: [{ code: `WB-${i}` }] });
    await createProduct(t.db, accountId, { name: "Linseed oil", variants: [{ code: "OIL" }] });
    const byName = await listProducts(t.db, accountId, { search: "Walnut" });
    expect(byName.items.map((p) => p.name)).toEqual(["Walnut board 3", "Walnut board 2", "Walnut board 1"]);
    expect((await listProducts(t.db, accountId, { search: "OIL" })).items.map((p) => p.name)).toEqual(["Linseed oil"]);
    expect((await listProducts(t.db, accountId, {})).total).toBe(4);
  });
});

describe("kits", () => {
  it("sets components and refuses a kit that contains itself through another kit", async () => {
    const accountId = await newAccount();
    const made = async (name: string, code: string) => {
      const r = await createProduct(t.db, accountId, { name, variants: [{ code }] });
      if (!r.ok) throw new Error(r.message);
      return r.value.variantIds[0]!;
    };
    const stool = await made("Stool", "S");
    const oil = await made("Oil", "O");
    const kit = await made("Kit", "K");
    const bundle = await made("Bundle", "B");
    expect(await setKitComponents(t.db, accountId, kit, [{ variantId: stool, quantityPerKit: "1" }, { variantId: oil, quantityPerKit: "0.25" }])).toEqual({
      ok: true,
      value: { components: 2 },
    });
    expect(await setKitComponents(t.db, accountId, bundle, [{ variantId: kit, quantityPerKit: "2" }])).toMatchObject({ ok: true });
    const cycle = await setKitComponents(t.db, accountId, kit, [{ variantId: bundle, quantityPerKit: "1" }]);
    expect(cycle).toMatchObject({ ok: false, code: "BOM_INVALID" });
    expect(await t.db.bomLine.count({ where: { kitVariantId: kit } })).toBe(2);
    expect(await setKitComponents(t.db, accountId, kit, [{ variantId: oil, quantityPerKit: "-1" }])).toMatchObject({
      ok: false,
      fieldErrors: { "components.0": expect.any(String) },
    });
  });
});
