import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { BlockStack, Button, Card, EmptyState, FormLayout, IndexTable, Page, Text, TextField } from "@shopify/polaris";
import { fieldError, useActionToast, type ActionResult } from "~/components/action-feedback";
import db from "~/db.server";
import { createCustomer, listCustomers } from "~/services/customers/customers.server";
import { requireAppContext } from "~/server/app-context.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const context = await requireAppContext(request);
  const search = new URL(request.url).searchParams.get("q") ?? "";
  const customers = await listCustomers(db, context.accountId, search);
  return {
    search,
    customers: customers.map((c) => ({
      id: c.id,
      name: c.name,
      email: c.email,
      phone: c.phone,
      city: (c.billingAddress as { city?: string } | null)?.city ?? null,
    })),
  };
};

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const context = await requireAppContext(request);
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  const address = { line1: form.line1 || undefined, city: form.city || undefined, zip: form.zip || undefined, country: form.country || undefined };
  const result = await createCustomer(db, context.accountId, {
    name: form.name ?? "",
    email: form.email ?? "",
    phone: form.phone || undefined,
    billingAddress: Object.values(address).some(Boolean) ? address : undefined,
  });
  if (!result.ok) return { ok: false, intent: "create", code: result.code, message: result.message, fieldErrors: result.fieldErrors };
  return { ok: true, intent: "create", message: "Customer added" };
};

const fields = ["name", "email", "phone", "line1", "city", "zip", "country"] as const;
const labels: Record<(typeof fields)[number], string> = {
  name: "Name",
  email: "Email",
  phone: "Phone",
  line1: "Address",
  city: "City",
  zip: "Postal code",
  country: "Country",
};

export default function Customers() {
  const { customers, search } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const busy = useNavigation().state !== "idle";
  const [, setSearchParams] = useSearchParams();
  const [query, setQuery] = useState(search);
  const [values, setValues] = useState<Record<string, string>>({});
  useActionToast(result);
  useEffect(() => {
    if (result?.ok) setValues({});
  }, [result]);

  return (
    <Page title="Customers" subtitle="Who orders from you; Shopify customers arrive with the customer import">
      <BlockStack gap="400">
        <Card>
          <Form
            method="post"
            onSubmit={(event) => {
              event.preventDefault();
              submit(values, { method: "post" });
            }}
          >
            <FormLayout>
              <FormLayout.Group>
                {fields.slice(0, 3).map((f) => (
                  <TextField key={f} label={labels[f]} value={values[f] ?? ""} onChange={(v) => setValues({ ...values, [f]: v })} autoComplete="off" error={fieldError(result, f)} />
                ))}
              </FormLayout.Group>
              <FormLayout.Group>
                {fields.slice(3).map((f) => (
                  <TextField key={f} label={labels[f]} value={values[f] ?? ""} onChange={(v) => setValues({ ...values, [f]: v })} autoComplete="off" />
                ))}
              </FormLayout.Group>
              <Button submit variant="primary" loading={busy}>
                Add customer
              </Button>
            </FormLayout>
          </Form>
        </Card>
        <Card padding="0">
          <div style={{ padding: "var(--p-space-300)" }}>
            <TextField
              label="Search customers"
              labelHidden
              placeholder="Search by name or email"
              value={query}
              onChange={(v) => {
                setQuery(v);
                setSearchParams(v ? { q: v } : {}, { replace: true });
              }}
              autoComplete="off"
            />
          </div>
          {customers.length === 0 ? (
            <EmptyState heading={search ? "No customer matches" : "No customers yet"} image="">
              <Text as="p">{search ? "Try another name or email." : "Add one above, or import your Shopify customers from a store's Customers tab."}</Text>
            </EmptyState>
          ) : (
            <IndexTable
              resourceName={{ singular: "customer", plural: "customers" }}
              itemCount={customers.length}
              selectable={false}
              headings={[{ title: "Name" }, { title: "Email" }, { title: "Phone" }, { title: "City" }]}
            >
              {customers.map((c, i) => (
                <IndexTable.Row id={c.id} key={c.id} position={i}>
                  <IndexTable.Cell>
                    <Text as="span" fontWeight="semibold">
                      {c.name}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{c.email ?? "—"}</IndexTable.Cell>
                  <IndexTable.Cell>{c.phone ?? "—"}</IndexTable.Cell>
                  <IndexTable.Cell>{c.city ?? "—"}</IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}
