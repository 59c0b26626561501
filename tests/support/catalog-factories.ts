import type { Db } from "~/db/client";

/** A small maker's catalogue for service tests: locations, products, a kit, batches. */
export async function makerWithCatalogue(db: Db, options: { batchTrackedOil?: boolean } = {}) {
  const account = await db.account.create({ data: { name: "Oak & Ash" } });
  const accountId = account.id;
  const workshop = await db.location.create({ data: { accountId, name: "Workshop", isDefaultForOrders: true } });
  const warehouse = await db.location.create({ data: { accountId, name: "Warehouse" } });
  const product = async (name: string, code: string, extra: { kind?: string; batchTracked?: boolean } = {}) => {
    const p = await db.product.create({
      data: { accountId, name, ...extra, variants: { create: { accountId, code, salesPrice: "10" } } },
      include: { variants: true },
    });
    return p.variants[0]!;
  };
  const stool = await product("Oak stool", "STOOL");
  const legs = await product("Stool legs", "LEGS");
  const seat = await product("Stool seat", "SEAT");
  const oil = await product("Linseed oil", "OIL", { batchTracked: options.batchTrackedOil ?? false });
  const kit = await product("Starter kit", "KIT");
  const service = await product("Engraving", "ENGRAVE", { kind: "service" });
  await db.bomLine.createMany({
    data: [
      { kitVariantId: kit.id, componentVariantId: stool.id, quantity: "1" },
      { kitVariantId: kit.id, componentVariantId: oil.id, quantity: "0.5" },
    ],
  });
  return { accountId, workshop, warehouse, stool, legs, seat, oil, kit, service };
}
