import { AppProvider } from "@shopify/polaris";
import { renderToStaticMarkup } from "react-dom/server";
import { StaticRouter } from "react-router-dom/server";
import { describe, expect, it } from "vitest";
import { SyncHealth, type SyncHealthView } from "./SyncHealth";

/** The store header's sync-health line as the server renders it (Polaris needs its provider). */
function render(health: SyncHealthView) {
  return renderToStaticMarkup(
    <AppProvider i18n={{}}>
      <StaticRouter location="/app/stores/store-1">
        <SyncHealth health={health} activityUrl="/app/stores/store-1/activity" />
      </StaticRouter>
    </AppProvider>,
  );
}

const healthy: SyncHealthView = { lastOrderInAt: null, pendingJobs: 0, openFailures: 0, accessLost: null, customerDataWithheld: null };

describe("SyncHealth", () => {
  it("says when Tenon lost access to the store, since when, and what to do (ADR 019)", () => {
    const html = render({
      ...healthy,
      openFailures: 1,
      accessLost: { since: "2026-12-04T02:00:00.000Z", message: "Tenon lost access to this store — open Tenon in Shopify admin to reconnect." },
    });
    expect(html).toContain('data-testid="sync-health-access-lost"');
    expect(html).toContain("Tenon lost access to this store — open Tenon in Shopify admin to reconnect. (since 2026-12-04 02:00 UTC)");
    expect(html).toContain("1 needs action");
  });

  it("shows nothing about access while Tenon has it", () => {
    const html = render(healthy);
    expect(html).not.toContain("sync-health-access-lost");
    expect(html).toContain("No errors");
  });

  it("says once, in the header, what customer data Shopify withholds (ADR 023), and nothing while it withholds none", () => {
    const message = "Shopify does not give Tenon your customers' names and street addresses: the app is not approved for that protected customer data.";
    const html = render({ ...healthy, customerDataWithheld: { since: "2026-12-04T02:30:00.000Z", message } });
    expect(html).toContain('data-testid="sync-health-customer-data"');
    expect(html).toContain(`${message} (since 2026-12-04 02:30 UTC)`.replace(/'/g, "&#x27;"));
    expect(html).toContain("No errors");
    expect(render(healthy)).not.toContain("sync-health-customer-data");
  });
});
