import type { FrameLocator, Page } from "@playwright/test";
import { EmulatorClient } from "../emulator/client";
import { appFrame, expect, SHOP, SHOPIFY_ORIGIN, shopify, test } from "./fixtures";

/**
 * Live sync through the screens, on the demo store that store-configuration.spec.ts left
 * configured (locations mapped, products imported) and paused: activate, then orders placed in
 * the local Shopify become Tenon sales orders; delivering one in Tenon fulfils it in Shopify, and
 * fulfilling one in Shopify delivers it in Tenon, with its batches taken FIFO.
 */

/** Opens the sales order from the list; it arrives through a webhook and a job, so the list is searched until it is there. */
async function openOrder(page: Page, app: FrameLocator, name: string) {
  await expect(async () => {
    await page.getByRole("navigation", { name: "Admin navigation" }).getByRole("link", { name: "Sales orders", exact: true }).click();
    await app.getByRole("textbox", { name: "Search sales orders" }).fill(name);
    // The search has applied once no other order is listed (clicking earlier races its navigation).
    await expect(app.getByTestId("sales-order-row").filter({ hasNotText: name })).toHaveCount(0, { timeout: 5_000 });
    await app.getByTestId("sales-order-row").filter({ hasText: name }).click({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(app.getByRole("heading", { name, level: 1 })).toBeVisible();
}

async function fulfillmentStatus(client: EmulatorClient, orderId: string): Promise<string> {
  const data = await client.graphql<{ order: { displayFulfillmentStatus: string } }>(`query($id: ID!) { order(id: $id) { displayFulfillmentStatus } }`, { id: orderId });
  return data.order.displayFulfillmentStatus;
}

test("orders flow in once sync is active; fulfilment follows both ways", async ({ page }) => {
  await page.goto(shopify.adminUrl());
  const app = appFrame(page);
  const state = app.getByTestId("integration-state");
  await expect(state).toHaveAttribute("data-state", "sync_inactive");
  await app.getByRole("button", { name: "Activate sync" }).click();
  await expect(state).toHaveAttribute("data-state", "sync_active");
  await expect(app.getByTestId("sync-health")).toBeVisible();

  const client = await EmulatorClient.connect({ url: SHOPIFY_ORIGIN, shop: SHOP });

  // Delivered in Tenon → fulfilled in Shopify.
  const shippedByTenon = await client.createOrder({ lines: [{ sku: "OAK-STOOL-45", quantity: 1 }] });
  await openOrder(page, app, shippedByTenon.name);
  await expect(app.getByTestId("sales-order-line")).toHaveAttribute("data-state", "not_shipped");
  await app.getByRole("button", { name: "Deliver all" }).click();
  await expect(app.getByTestId("sales-order-line")).toHaveAttribute("data-state", "delivered");
  await expect.poll(() => fulfillmentStatus(client, shippedByTenon.id), { timeout: 30_000 }).toBe("FULFILLED");

  // Fulfilled in Shopify → Delivered in Tenon, the batch-tracked oil taken from the oldest batch.
  const shippedInShopify = await client.createOrder({ lines: [{ sku: "OIL-HW-250", quantity: 2 }] });
  await openOrder(page, app, shippedInShopify.name);
  await expect(app.getByTestId("sales-order-line")).toHaveAttribute("data-state", "not_shipped");
  await client.fulfillOrder(shippedInShopify.id, { number: "TRACK-42", company: "DHL" });
  await expect(async () => {
    await openOrder(page, app, shippedInShopify.name);
    await expect(app.getByTestId("sales-order-line")).toHaveAttribute("data-state", "delivered", { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(app.getByTestId("row-batches")).toHaveText("Batch HW-2610-A × 2");

  // Every step is in the store's activity log.
  await page.goto(shopify.adminUrl());
  await appFrame(page).getByRole("link", { name: "View activity" }).click();
  await expect(appFrame(page).getByText(shippedInShopify.name, { exact: false }).first()).toBeVisible();
});
