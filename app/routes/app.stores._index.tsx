import { useState } from "react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type TypedResponse } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { BlockStack, Button, Card, InlineStack, Page, ResourceItem, ResourceList, Text, TextField } from "@shopify/polaris";
import { z } from "zod";
import { createLinkCode, joinAccount } from "~/services/stores/account-links.server";
import { StateBadge } from "~/components/StateBadge";
import db from "~/db.server";
import { listStoreViews } from "~/services/stores/connections.server";
import { requireAppContext } from "~/server/app-context.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const stores = await listStoreViews(db, context.accountId);
  return {
    stores: stores.map((s) => ({ id: s.id, name: s.name, shopDomain: s.shopDomain, state: s.state.state })),
  };
};

const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create_code") }),
  z.object({ intent: z.literal("join"), code: z.string() }),
]);

type LinkResult =
  | { ok: true; intent: "create_code"; code: string; expiresAt: string }
  | { ok: true; intent: "join" }
  | { ok: false; message: string };

export const action = async ({ request }: ActionFunctionArgs): Promise<LinkResult | TypedResponse<LinkResult>> => {
  const context = await requireAppContext(request);
  const parsed = Intent.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false, message: "Unknown action. Reload the page and try again." };
  const now = new Date();
  if (parsed.data.intent === "create_code") {
    const link = await createLinkCode(db, context.accountId, now);
    return { ok: true, intent: "create_code", code: link.code, expiresAt: link.expiresAt.toISOString() };
  }
  const joined = await joinAccount(db, context.accountId, context.storeId, parsed.data.code, now);
  if (joined.ok) return { ok: true, intent: "join" };
  if (joined.retryAfterSeconds !== undefined) {
    return json<LinkResult>(
      { ok: false, message: joined.message },
      { status: 429, headers: { "Retry-After": String(joined.retryAfterSeconds) } },
    );
  }
  return { ok: false, message: joined.message };
};

export default function Stores() {
  const { stores } = useLoaderData<typeof loader>();
  return (
    <Page title="Shopify stores">
      <BlockStack gap="400">
        <Text as="p" tone="subdued">
          Each connected store has its own configuration and sync. Open a store to map its locations, import
          products and activate sync.
        </Text>
        <Card padding="0">
          <ResourceList
            resourceName={{ singular: "store", plural: "stores" }}
            items={stores}
            renderItem={(store) => (
              <ResourceItem id={store.id} url={`/app/stores/${store.id}`} accessibilityLabel={`Open ${store.name}`}>
                <div data-testid="store-row">
                  <BlockStack gap="100">
                    <Text as="h3" variant="headingSm">
                      {store.name}
                    </Text>
                    <Text as="span" tone="subdued">
                      {store.shopDomain}
                    </Text>
                    <div>
                      <StateBadge state={store.state} />
                    </div>
                  </BlockStack>
                </div>
              </ResourceItem>
            )}
          />
        </Card>
        <ConnectAnotherStore />
      </BlockStack>
    </Page>
  );
}

/** Another store joins this account with a one-time code (app/services/stores/account-links.server.ts). */
function ConnectAnotherStore() {
  const create = useFetcher<LinkResult>();
  const join = useFetcher<LinkResult>();
  const revalidator = useRevalidator();
  const [code, setCode] = useState("");
  const created = create.data?.ok && create.data.intent === "create_code" ? create.data : null;
  const joinError = join.data && !join.data.ok ? join.data.message : undefined;
  const joined = join.data?.ok === true;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Connect another store
        </Text>
        <Text as="p" tone="subdued">
          Install Tenon on the other Shopify store and open it there. Then enter the code below on its Stores page: the
          store joins this Tenon with its own configuration, sharing products, stock and orders.
        </Text>
        <InlineStack gap="300" blockAlign="center">
          <Button onClick={() => create.submit({ intent: "create_code" }, { method: "post" })} loading={create.state !== "idle"}>
            Create a connection code
          </Button>
          {created && (
            <Text as="p">
              Code <span data-testid="link-code" style={{ fontFamily: "monospace", fontWeight: 600 }}>{created.code}</span>, valid
              for an hour.
            </Text>
          )}
        </InlineStack>
        <Text as="h3" variant="headingSm">
          Join an existing Tenon
        </Text>
        <InlineStack gap="200" blockAlign="end">
          <TextField label="Connection code from the other store" value={code} onChange={setCode} autoComplete="off" error={joinError} />
          <Button
            onClick={() => join.submit({ intent: "join", code }, { method: "post" })}
            loading={join.state !== "idle"}
            disabled={code.trim() === ""}
          >
            Join
          </Button>
        </InlineStack>
        {joined && (
          <Text as="p" tone="success">
            This store now belongs to that Tenon.{" "}
            <Button variant="plain" onClick={() => revalidator.revalidate()}>
              Refresh the list
            </Button>
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
