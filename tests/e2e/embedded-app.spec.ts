import { APP_ORIGIN, SHOP_DOMAIN, appFrame, expect, shopify, test } from "./fixtures";

test("the demo store opens embedded in the admin frame, Disabled, and its four tabs switch", async ({ page }) => {
  await page.goto(shopify.adminUrl());
  const app = appFrame(page);

  const state = app.getByTestId("integration-state");
  await expect(state).toHaveAttribute("data-state", "disabled");
  await expect(state).toContainText("Disabled");
  await expect(app.getByRole("heading", { name: "Tenon Demo Workshop" })).toBeVisible();
  await expect(app.getByText(SHOP_DOMAIN, { exact: true })).toBeVisible();
  await expect(app.getByRole("listitem").filter({ hasText: 'Shopify location "Market Stall" is not mapped.' })).toBeVisible();
  await expect(app.getByRole("button", { name: "Activate sync" })).toBeDisabled();

  for (const tab of ["Products", "Orders", "Customers", "Inventory"]) {
    await app.getByRole("tab", { name: tab }).click();
    await expect(app.getByRole("tab", { name: tab })).toHaveAttribute("aria-selected", "true");
    await expect(app.getByTestId(`tab-${tab.toLowerCase()}`)).toBeVisible();
  }
  await expect(app.getByTestId("mapping-row")).toHaveCount(3);
  await expect(app.locator('[data-shopify-location="Warehouse Leipzig"]')).toBeVisible();

  // The 3-dot menu offers Pause sync (not possible while Disabled) and Disconnect.
  await app.getByRole("button", { name: "More actions" }).click();
  await expect(app.getByRole("menuitem", { name: "Pause sync" })).toBeDisabled();
  await expect(app.getByRole("menuitem", { name: "Disconnect" })).toBeEnabled();
});

test("uninstall shows Not Connected; reinstalling brings the same store back as it was", async ({ page }) => {
  await page.goto(shopify.adminUrl());
  const app = appFrame(page);
  await expect(app.getByTestId("integration-state")).toHaveAttribute("data-state", "disabled");
  const frame = page.frames().find((f) => f.url().startsWith(`${APP_ORIGIN}/app/stores/`));
  const storePath = new URL(frame!.url()).pathname;

  await shopify.post(`/_emulator/shops/${SHOP_DOMAIN}/uninstall`);
  await expect.poll(async () => (await shopify.deliveries("app/uninstalled")).at(-1)?.status).toBe(200);

  // The merchant's open Tenon page, asked again with a still-valid session token.
  const { token } = (await shopify.post(`/_emulator/shops/${SHOP_DOMAIN}/session-token`)) as { token: string };
  const params = new URL(frame!.url()).searchParams;
  params.set("id_token", token);
  await frame!.goto(`${APP_ORIGIN}${storePath}?${params.toString()}`);
  await expect(app.getByTestId("integration-state")).toHaveAttribute("data-state", "not_connected");
  await expect(app.getByTestId("integration-state")).toContainText("Not Connected");
  await expect(app.getByText("This store is not connected")).toBeVisible();

  // Connect leads to Shopify's install page; installing opens Tenon again.
  await app.getByRole("link", { name: "Connect" }).click();
  await page.getByRole("button", { name: "Install Tenon" }).click();
  await expect(appFrame(page).getByTestId("integration-state")).toHaveAttribute("data-state", "disabled");
  await expect
    .poll(() => page.frames().find((f) => f.url().startsWith(`${APP_ORIGIN}/app/stores/`))?.url() ?? "")
    .toContain(storePath);

  // One store, kept — not a second one created by the reinstall. (Admin navigation → app.)
  await page.getByRole("navigation", { name: "Admin navigation" }).getByRole("link", { name: "Stores" }).click();
  await expect(appFrame(page).getByTestId("store-row")).toHaveCount(1);
  await expect(appFrame(page).getByTestId("store-row")).toContainText("Disabled");
});
