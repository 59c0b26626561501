import { readFile } from "node:fs/promises";
import type { FrameLocator, Page } from "@playwright/test";
import { appFrame, expect, shopify, test } from "./fixtures";

/**
 * The maker's day in Tenon, through the screens only: a component and a kit made of it, stock
 * received, a sales order for the kit made to order, produced and delivered — with the
 * inventory page checked after every step, and its CSV export at the end.
 */

const run = Date.now().toString(36).toUpperCase();
const LOCATION = `Workshop ${run}`;
const PLANK = { name: `Oak plank ${run}`, code: `PLANK-${run}` };
const KIT = { name: `Table kit ${run}`, code: `KIT-${run}` };

function openFromNav(page: Page, name: string) {
  return page.getByRole("navigation", { name: "Admin navigation" }).getByRole("link", { name, exact: true }).click();
}

async function expectToast(page: Page, text: string | RegExp) {
  await expect(page.getByTestId("admin-toast").filter({ hasText: text }).last()).toBeVisible();
}

type Levels = { inStock: string; committed: string; available: string; potential?: string };

async function expectInventory(page: Page, app: FrameLocator, expected: Record<string, Levels>) {
  await openFromNav(page, "Inventory");
  await app.getByRole("textbox", { name: "Search inventory" }).fill(run);
  // The search has applied once only this run's items are listed.
  await expect(app.locator(`[data-testid="inventory-row"]:not([data-code*="${run}"])`)).toHaveCount(0);
  for (const [code, levels] of Object.entries(expected)) {
    const row = app.locator("tr", { has: app.locator(`[data-testid="inventory-row"][data-code="${code}"][data-location="${LOCATION}"]`) });
    await expect(row.getByTestId("in-stock"), `${code} in stock`).toHaveText(levels.inStock);
    await expect(row.getByTestId("committed"), `${code} committed`).toHaveText(levels.committed);
    await expect(row.getByTestId("available"), `${code} available`).toHaveText(levels.available);
    await expect(row.getByTestId("potential"), `${code} potential`).toHaveText(levels.potential ?? "—");
  }
}

async function addProduct(page: Page, app: FrameLocator, product: { name: string; code: string }, price: string) {
  await openFromNav(page, "Products");
  await app.getByRole("link", { name: "Add product" }).first().click();
  await app.getByLabel("Name", { exact: true }).fill(product.name);
  await app.getByLabel("Code (SKU)").fill(product.code);
  await app.getByLabel("Sales price").fill(price);
  await app.getByRole("button", { name: "Save product" }).first().click();
  await expect(app.getByRole("heading", { name: product.name })).toBeVisible();
}

test("a kit is received, sold, made to order, completed and delivered, and the inventory follows", async ({ page }) => {
  await page.goto(shopify.adminUrl());
  const app = appFrame(page);
  await expect(app.getByTestId("integration-state")).toBeVisible();

  await openFromNav(page, "Locations");
  await app.getByLabel("New location").fill(LOCATION);
  await app.getByRole("button", { name: "Add location" }).click();
  await expect(app.getByTestId("location-row").filter({ hasText: LOCATION })).toBeVisible();

  // A component, and a kit of two of them.
  await addProduct(page, app, PLANK, "5");
  await addProduct(page, app, KIT, "120");
  await app.getByRole("button", { name: "Add component" }).click();
  await app.getByLabel("Component", { exact: true }).selectOption({ label: `${PLANK.name} (${PLANK.code})` });
  await app.getByLabel("Quantity per kit").fill("2");
  await app.getByRole("button", { name: "Save bill of materials" }).click();
  await expectToast(page, "Bill of materials saved (1 component)");
  await expectInventory(page, app, {
    [PLANK.code]: { inStock: "0", committed: "0", available: "0" },
    [KIT.code]: { inStock: "0", committed: "0", available: "0", potential: "0" },
  });

  // Ten planks come in: five kits' worth.
  await app.getByRole("button", { name: "Receive purchase" }).click();
  const receipt = app.getByRole("dialog");
  await receipt.getByLabel("Item").selectOption({ label: `${PLANK.name} (${PLANK.code})` });
  await receipt.getByLabel("Location").selectOption({ label: LOCATION });
  await receipt.getByLabel("Quantity received").fill("10");
  await receipt.getByRole("button", { name: "Receive" }).click();
  await expectToast(page, "Purchase received");
  await expectInventory(page, app, {
    [PLANK.code]: { inStock: "10", committed: "0", available: "10" },
    [KIT.code]: { inStock: "0", committed: "0", available: "0", potential: "5" },
  });

  // A sales order for one kit commits it.
  await openFromNav(page, "Sales orders");
  await app.getByRole("link", { name: "Create sales order" }).first().click();
  await app.getByRole("combobox", { name: "Customer" }).fill("greta");
  await app.getByRole("option", { name: "Greta Holzmann (greta@example.com)" }).click();
  await expect(app.getByRole("combobox", { name: "Customer" })).toHaveValue("Greta Holzmann (greta@example.com)");
  await app.getByLabel("Item").selectOption({ label: `${KIT.name} (${KIT.code})` });
  await expect(app.getByLabel("Price per unit")).toHaveValue("120");
  await app.getByLabel("Location").selectOption({ label: LOCATION });
  await app.getByLabel("Customer reference").fill(`PO-${run}`);
  await app.getByRole("button", { name: "Create order" }).first().click();
  const line = app.getByTestId("sales-order-line");
  await expect(line).toHaveAttribute("data-state", "not_shipped");
  const orderNumber = (await app.getByRole("heading", { level: 1 }).textContent())!.trim();
  await expect(app.getByText("Greta Holzmann · Ordered", { exact: false })).toBeVisible();
  await expectInventory(page, app, {
    [PLANK.code]: { inStock: "10", committed: "0", available: "10" },
    [KIT.code]: { inStock: "0", committed: "1", available: "-1", potential: "5" },
  });

  // Make to order, start, complete: two planks become one kit.
  await openFromNav(page, "Sales orders");
  await app.getByRole("textbox", { name: "Search sales orders" }).fill(`PO-${run}`);
  await expect(app.getByTestId("sales-order-row")).toHaveCount(1);
  await app.getByTestId("sales-order-row").click();
  await app.getByRole("button", { name: "Make to order" }).click();
  await expectToast(page, /Manufacturing order MO-\d+ created/);
  await line.getByRole("link", { name: /MO-\d+ · Not started/ }).click();
  await expect(app.getByTestId("linked-row")).toContainText(orderNumber);
  await app.getByRole("button", { name: "Start" }).click();
  await expect(app.getByTestId("mo-state")).toHaveAttribute("data-state", "work_in_progress");
  await app.getByRole("button", { name: "Complete" }).click();
  await expect(app.getByTestId("mo-state")).toHaveAttribute("data-state", "done");
  await expectInventory(page, app, {
    [PLANK.code]: { inStock: "8", committed: "0", available: "8" },
    [KIT.code]: { inStock: "1", committed: "1", available: "0", potential: "4" },
  });

  // Deliver the order: the kit leaves, nothing stays committed.
  await openFromNav(page, "Manufacturing orders");
  await app.getByRole("textbox", { name: "Search manufacturing orders" }).fill(KIT.code);
  await expect(app.getByTestId("mo-row")).toHaveCount(1);
  await app.getByTestId("mo-row").click();
  await app.getByTestId("linked-row").getByRole("link", { name: orderNumber }).click();
  await app.getByRole("button", { name: "Deliver all" }).click();
  await expectToast(page, "Order delivered");
  await expect(line).toHaveAttribute("data-state", "delivered");
  await expectInventory(page, app, {
    [PLANK.code]: { inStock: "8", committed: "0", available: "8" },
    [KIT.code]: { inStock: "0", committed: "0", available: "0", potential: "4" },
  });

  // The customer sends the kit back: restocked, it is in stock again.
  await openFromNav(page, "Sales orders");
  await app.getByRole("textbox", { name: "Search sales orders" }).fill(`PO-${run}`);
  await expect(app.getByTestId("sales-order-row")).toHaveCount(1);
  await app.getByTestId("sales-order-row").click();
  await app.getByRole("button", { name: "Return" }).click();
  await app.getByRole("dialog").getByRole("button", { name: "Record return" }).click();
  await expectToast(page, /Return RO-\d+ recorded/);
  await expectInventory(page, app, {
    [KIT.code]: { inStock: "1", committed: "0", available: "1", potential: "4" },
  });

  // The export carries what the page shows, for the same search.
  const [download] = await Promise.all([page.waitForEvent("download"), app.getByRole("button", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^inventory-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = (await readFile((await download.path())!, "utf8")).replace(/^\uFEFF/, "");
  const records = csv.trimEnd().split("\r\n");
  expect(records[0]).toBe("Product,Variant,Code,Location,In stock,Committed,Available,Kit potential");
  expect(records).toContain(`${PLANK.name},,${PLANK.code},${LOCATION},8,0,8,`);
  expect(records).toContain(`${KIT.name},,${KIT.code},${LOCATION},1,0,1,4`);
  expect(records.filter((r, i) => i > 0 && !r.includes(run))).toEqual([]);
});
