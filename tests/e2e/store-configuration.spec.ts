import { appFrame, expect, test, shopify } from "./fixtures";

test("map locations (one new), import products and customers in parallel, import initial stock, activate, draft settings with discard and apply, pause, disconnect and reconnect", async ({ page }) => {
  await page.goto(shopify.adminUrl());
  const app = appFrame(page);
  const state = app.getByTestId("integration-state");
  await expect(state).toHaveAttribute("data-state", "disabled");
  await expect(app.getByTestId("next-step")).toContainText("map every Shopify location");

  // Workshop → the existing Tenon location; Warehouse → a new one; Market Stall → the default.
  await app.getByLabel("Tenon location for Workshop").selectOption({ label: "Workshop (default for orders)" });
  await expect(app.getByText('Shopify location "Workshop" is not mapped.', { exact: false })).toHaveCount(0);
  await app.getByLabel("Tenon location for Warehouse Leipzig").selectOption({ label: "+ Create new location" });
  await app.getByLabel("New location name").fill("Leipzig depot");
  await app.getByRole("button", { name: "Create and map" }).click();
  await expect(app.getByLabel("Tenon location for Warehouse Leipzig")).toHaveValue(/.+/);
  await app.getByRole("button", { name: "Map all unmapped to the default location for orders" }).click();
  await expect(state).toHaveAttribute("data-state", "sync_inactive");
  await expect(app.getByText("also serves other Shopify locations", { exact: false })).toHaveCount(2);

  // Initial stock needs the products first: the button says so.
  await expect(app.getByTestId("stock-import-reason")).toContainText("Import the products first");

  // Import the products and, meanwhile, the customers: a banner per import while it runs, then
  // the result; the next step is activation.
  await app.getByRole("tab", { name: "Products" }).click();
  await app.getByRole("button", { name: "Start the import" }).click();
  await expect(app.getByTestId("import-banner").first()).toBeVisible();
  await app.getByRole("tab", { name: "Customers" }).click();
  await app.getByRole("button", { name: "Start customers import" }).click();
  const finished = (label: string) => app.locator('[data-testid="import-banner"][data-state="succeeded"]', { hasText: label });
  await expect(finished("Product import finished")).toContainText("30 imported", { timeout: 30_000 });
  await expect(finished("Customer import finished")).toContainText("2 imported", { timeout: 30_000 });
  await expect(app.getByTestId("next-step")).toContainText("activate sync");

  // Initial stock: confirmed in a dialog that warns it adds again when run twice.
  await app.getByRole("tab", { name: "Inventory" }).click();
  await app.getByRole("button", { name: "Import initial stock" }).click();
  await expect(app.getByRole("dialog")).toContainText("adds the quantities a second time");
  await app.getByRole("dialog").getByRole("button", { name: "Import stock" }).click();
  await expect(finished("Initial stock import finished")).toBeVisible({ timeout: 30_000 });

  await app.getByRole("button", { name: "Activate sync" }).click();
  await expect(state).toHaveAttribute("data-state", "sync_active");
  await expect(page.getByTestId("admin-toast").last()).toContainText("Sync activated");

  // While active, a change is a draft: it waits for Apply, Discard drops it.
  const inventorySync = app.getByLabel("Sync inventory to Shopify");
  await inventorySync.check();
  await expect(app.getByTestId("save-bar")).toBeVisible();
  await app.getByRole("button", { name: "Discard" }).click();
  await expect(app.getByTestId("save-bar")).toHaveCount(0);
  await expect(inventorySync).not.toBeChecked();
  await inventorySync.check();
  await expect(app.getByTestId("save-bar")).toBeVisible();
  await app.getByRole("button", { name: "Apply new settings" }).click();
  await expect(app.getByTestId("save-bar")).toHaveCount(0);
  await expect(inventorySync).toBeChecked();
  await expect(app.getByText("Settings version 2", { exact: false })).toBeVisible();

  await app.getByRole("button", { name: "More actions" }).click();
  await app.getByRole("menuitem", { name: "Pause sync" }).click();
  await expect(state).toHaveAttribute("data-state", "sync_inactive");

  // Not active: changes save at once.
  await app.getByRole("tab", { name: "Orders" }).click();
  await app.getByLabel("Orders with payment pending").check();
  await expect(app.getByTestId("setting-status")).toHaveText("Saved");
  await expect(app.getByTestId("save-bar")).toHaveCount(0);

  // Disconnect uninstalls Tenon from the store and leaves for Shopify admin; reconnecting brings
  // the same configuration back.
  await app.getByRole("button", { name: "More actions" }).click();
  await app.getByRole("menuitem", { name: "Disconnect" }).click();
  await app.getByRole("dialog").getByRole("button", { name: "Disconnect" }).click();
  await expect(page).toHaveURL(/\/store\/tenon-demo$/);
  await page.getByRole("link", { name: "Install Tenon" }).click();
  await page.getByRole("button", { name: "Install Tenon" }).click();
  const again = appFrame(page);
  await expect(again.getByTestId("integration-state")).toHaveAttribute("data-state", "sync_inactive");
  await again.getByRole("tab", { name: "Orders" }).click();
  await expect(again.getByLabel("Orders with payment pending")).toBeChecked();
  await again.getByRole("tab", { name: "Inventory" }).click();
  await expect(again.getByLabel("Sync inventory to Shopify")).toBeChecked();

  // The initial stock import gave the new Leipzig depot exactly Shopify's available at Warehouse
  // Leipzig (the demo store has no open orders): OAK-STOOL-45 has 14 there.
  await page.getByRole("navigation", { name: "Admin navigation" }).getByRole("link", { name: "Inventory", exact: true }).click();
  await again.getByRole("textbox", { name: "Search inventory" }).fill("OAK-STOOL-45");
  const leipzig = again.locator("tr", { has: again.locator('[data-testid="inventory-row"][data-code="OAK-STOOL-45"][data-location="Leipzig depot"]') });
  await expect(leipzig.getByTestId("in-stock")).toHaveText("14");
  await expect(leipzig.getByTestId("available")).toHaveText("14");
});
