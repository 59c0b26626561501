import { useState } from "react";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigate, useNavigation, useSubmit } from "@remix-run/react";
import { Badge, Box, Card, EmptyState, FormLayout, IndexTable, Modal, Page, Select, Text, TextField } from "@shopify/polaris";
import { z } from "zod";
import { ListControls, ListPagination } from "~/components/ListControls";
import { fieldError, useActionToast, type ActionResult } from "~/components/action-feedback";
import { formatDay } from "~/components/labels";
import db from "~/db.server";
import { moStateLabel } from "~/domain/manufacturing-order";
import { listVariantOptions } from "~/services/products/products.server";
import { listLocations } from "~/services/locations/locations.server";
import { createManufacturingOrder, listManufacturingOrders } from "~/services/manufacturing/manufacturing.server";
import { requireAppContext } from "~/server/app-context.server";

const states = ["not_started", "work_in_progress", "done"] as const;

const ListQuery = z.object({
  search: z.string().optional(),
  state: z.enum(states).optional().catch(undefined),
  page: z.coerce.number().int().min(1).optional().catch(undefined),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const query = ListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [list, items, locations] = await Promise.all([
    listManufacturingOrders(db, context.accountId, query),
    listVariantOptions(db, context.accountId, { kind: "physical" }),
    listLocations(db, context.accountId),
  ]);
  return {
    orders: list.items,
    total: list.total,
    page: list.page,
    pageCount: list.pageCount,
    filtered: Boolean(query.search || query.state),
    items: items.map((i) => ({ id: i.id, label: i.label })),
    locations: locations.map((l) => ({ id: l.id, name: l.name, isDefaultForOrders: l.isDefaultForOrders })),
  };
};

const CreateForm = z.object({ variantId: z.string(), locationId: z.string(), quantity: z.string() });

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const context = await requireAppContext(request);
  const parsed = CreateForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false, intent: "create", message: "The form could not be read. Reload the page and try again." };
  const result = await createManufacturingOrder(db, context.accountId, parsed.data);
  if (!result.ok) return { ok: false, intent: "create", code: result.code, message: result.message, fieldErrors: result.fieldErrors ?? {} };
  throw redirect(`/app/manufacturing-orders/${result.value.moId}`);
};

export default function ManufacturingOrders() {
  const { orders, total, page, pageCount, filtered, items, locations } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  return (
    <Page title="Manufacturing orders" subtitle="What you make, from its bill of materials" primaryAction={{ content: "Create manufacturing order", onAction: () => setCreating(true) }}>
      <Card padding="0">
        <Box padding="300">
          <ListControls
            searchLabel="Search manufacturing orders"
            searchPlaceholder="Search by number, product or code"
            filter={{ name: "state", label: "State", options: states.map((s) => ({ label: moStateLabel[s], value: s })) }}
          />
        </Box>
        {orders.length === 0 ? (
          filtered ? (
            <Box padding="600">
              <Text as="p" alignment="center" tone="subdued">
                No manufacturing orders match. Try another search or state.
              </Text>
            </Box>
          ) : (
            <EmptyState heading="Nothing in production" action={{ content: "Create manufacturing order", onAction: () => setCreating(true) }} image="">
              <p>A manufacturing order makes an item at a location: Done consumes its components and adds it to stock.</p>
            </EmptyState>
          )
        ) : (
          <IndexTable
            resourceName={{ singular: "manufacturing order", plural: "manufacturing orders" }}
            itemCount={orders.length}
            selectable={false}
            headings={[{ title: "Order" }, { title: "Item" }, { title: "Quantity", alignment: "end" }, { title: "Location" }, { title: "Sales order" }, { title: "Created" }, { title: "State" }]}
          >
            {orders.map((mo, index) => (
              <IndexTable.Row id={mo.id} key={mo.id} position={index} onClick={() => navigate(`/app/manufacturing-orders/${mo.id}`)}>
                <IndexTable.Cell>
                  <span data-testid="mo-row">
                    <Text as="span" fontWeight="semibold">
                      {mo.number}
                    </Text>
                  </span>
                </IndexTable.Cell>
                <IndexTable.Cell>{mo.itemLabel}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {mo.quantity}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>{mo.locationName}</IndexTable.Cell>
                <IndexTable.Cell>{mo.salesOrderRow?.orderNumber ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>{formatDay(mo.createdAt)}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Badge tone={mo.state === "done" ? "success" : mo.state === "work_in_progress" ? "info" : "attention"}>{moStateLabel[mo.state]}</Badge>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        )}
      </Card>
      <Box paddingBlockStart="400">
        <ListPagination page={page} pageCount={pageCount} total={total} resourceName="manufacturing orders" />
      </Box>
      {creating && <CreateModal items={items} locations={locations} onClose={() => setCreating(false)} />}
    </Page>
  );
}

function CreateModal(props: { items: { id: string; label: string }[]; locations: { id: string; name: string; isDefaultForOrders: boolean }[]; onClose: () => void }) {
  const result = useActionData<typeof action>();
  useActionToast(result);
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [variantId, setVariantId] = useState("");
  const [locationId, setLocationId] = useState((props.locations.find((l) => l.isDefaultForOrders) ?? props.locations[0])?.id ?? "");
  const [quantity, setQuantity] = useState("1");
  const create = () => submit({ variantId, locationId, quantity }, { method: "post" });
  return (
    <Modal
      open
      onClose={props.onClose}
      title="Create manufacturing order"
      primaryAction={{ content: "Create", onAction: create, loading: busy }}
      secondaryActions={[{ content: "Cancel", onAction: props.onClose }]}
    >
      <Modal.Section>
        <FormLayout>
          <Select
            label="Item to make"
            options={[{ label: "Choose an item", value: "" }, ...props.items.map((i) => ({ label: i.label, value: i.id }))]}
            value={variantId}
            onChange={setVariantId}
            error={fieldError(result, "variantId")}
          />
          <FormLayout.Group>
            <TextField label="Quantity" value={quantity} onChange={setQuantity} autoComplete="off" inputMode="decimal" error={fieldError(result, "quantity")} />
            <Select label="Location" options={props.locations.map((l) => ({ label: l.name, value: l.id }))} value={locationId} onChange={setLocationId} error={fieldError(result, "locationId")} />
          </FormLayout.Group>
        </FormLayout>
      </Modal.Section>
    </Modal>
  );
}
