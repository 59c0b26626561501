import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Button,
  Card,
  EmptyState,
  InlineStack,
  Modal,
  Page,
  ResourceItem,
  ResourceList,
  Text,
  TextField,
} from "@shopify/polaris";
import { z } from "zod";
import db from "~/db.server";
import { createLocation, deleteLocation, listLocations, makeDefaultForOrders, renameLocation } from "~/services/locations/locations.server";
import { requireAppContext } from "~/server/app-context.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  return { locations: await listLocations(db, context.accountId) };
};

const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), name: z.string() }),
  z.object({ intent: z.literal("rename"), id: z.string(), name: z.string() }),
  z.object({ intent: z.literal("default"), id: z.string() }),
  z.object({ intent: z.literal("delete"), id: z.string(), confirmMapped: z.enum(["yes", "no"]).default("no") }),
]);

export const action = async ({ request }: ActionFunctionArgs) => {
  const context = await requireAppContext(request);
  const parsed = Intent.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false as const, intent: "unknown", message: "Unknown action. Reload the page and try again." };
  const input = parsed.data;
  const result = await (() => {
    switch (input.intent) {
      case "create":
        return createLocation(db, context.accountId, { name: input.name });
      case "rename":
        return renameLocation(db, context.accountId, input.id, { name: input.name });
      case "default":
        return makeDefaultForOrders(db, context.accountId, input.id);
      case "delete":
        return deleteLocation(db, context.accountId, input.id, { confirmMapped: input.confirmMapped === "yes", now: new Date() });
    }
  })();
  if (!result.ok) {
    return { ok: false as const, intent: input.intent, code: result.code, message: result.message, fieldErrors: result.fieldErrors ?? {} };
  }
  const done = { create: "Location added", rename: "Location renamed", default: "Default location changed", delete: "Location deleted" };
  return { ok: true as const, intent: input.intent, message: done[input.intent] };
};

export default function Locations() {
  const { locations } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [name, setName] = useState("");
  const [deleting, setDeleting] = useState<{ id: string; name: string } | null>(null);

  useEffect(() => {
    if (!result) return;
    if (result.ok) {
      window.shopify?.toast.show(result.message);
      if (result.intent === "create") setName("");
      if (result.intent === "delete") setDeleting(null);
    } else if (!("fieldErrors" in result) || Object.keys(result.fieldErrors).length === 0) {
      if (!(result.intent === "delete" && "code" in result && result.code === "LOCATION_MAPPED")) {
        window.shopify?.toast.show(result.message, { isError: true });
      }
    }
  }, [result]);

  const mappedWarning = result && !result.ok && "code" in result && result.code === "LOCATION_MAPPED" ? result.message : null;
  const nameError = result && !result.ok && result.intent === "create" && "fieldErrors" in result ? result.fieldErrors.name : undefined;

  return (
    <Page title="Locations" subtitle="Where stock is kept and orders are fulfilled from">
      <BlockStack gap="400">
        <Card>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              submit({ intent: "create", name }, { method: "post" });
            }}
          >
            <InlineStack gap="300" blockAlign="end">
              <div style={{ flexGrow: 1 }}>
                <TextField label="New location" value={name} onChange={setName} autoComplete="off" error={nameError} placeholder="e.g. Workshop" />
              </div>
              <Button submit variant="primary" loading={busy}>
                Add location
              </Button>
            </InlineStack>
          </form>
        </Card>
        <Card padding="0">
          {locations.length === 0 ? (
            <EmptyState heading="No locations yet" image="">
              <p>Add the places where you keep stock: your workshop, a warehouse, a market stall.</p>
            </EmptyState>
          ) : (
            <ResourceList
              resourceName={{ singular: "location", plural: "locations" }}
              items={locations}
              renderItem={(location) => (
                <ResourceItem id={location.id} onClick={() => undefined} accessibilityLabel={location.name}>
                  <div data-testid="location-row">
                    <InlineStack align="space-between" blockAlign="center">
                      <BlockStack gap="100">
                        <InlineStack gap="200">
                          <Text as="h3" variant="headingSm">
                            {location.name}
                          </Text>
                          {location.isDefaultForOrders && <Badge tone="info">Default for orders</Badge>}
                        </InlineStack>
                        {location.mappedFrom.length > 0 && (
                          <Text as="span" tone="subdued">
                            Mapped from {location.mappedFrom.map((m) => `${m.shopifyLocationName} (${m.storeName})`).join(", ")}
                          </Text>
                        )}
                      </BlockStack>
                      <InlineStack gap="200">
                        {!location.isDefaultForOrders && (
                          <Button onClick={() => submit({ intent: "default", id: location.id }, { method: "post" })}>Make default</Button>
                        )}
                        <Button
                          tone="critical"
                          variant="plain"
                          onClick={() => {
                            setDeleting({ id: location.id, name: location.name });
                            submit({ intent: "delete", id: location.id, confirmMapped: "no" }, { method: "post" });
                          }}
                        >
                          Delete
                        </Button>
                      </InlineStack>
                    </InlineStack>
                  </div>
                </ResourceItem>
              )}
            />
          )}
        </Card>
      </BlockStack>
      <Modal
        open={deleting !== null && mappedWarning !== null}
        onClose={() => setDeleting(null)}
        title={`Delete ${deleting?.name ?? "location"}?`}
        primaryAction={{
          content: "Delete and disable sync",
          destructive: true,
          onAction: () => deleting && submit({ intent: "delete", id: deleting.id, confirmMapped: "yes" }, { method: "post" }),
        }}
        secondaryActions={[{ content: "Keep location", onAction: () => setDeleting(null) }]}
      >
        <Modal.Section>
          <Text as="p">{mappedWarning}</Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}
