import { useEffect, useMemo, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Autocomplete, Icon } from "@shopify/polaris";
import { SearchIcon } from "@shopify/polaris-icons";

interface CustomerOption {
  id: string;
  name: string;
  email: string | null;
}

/**
 * Picks a Tenon customer for a sales order: type a name or an email and choose from the
 * matches (the Customers page's own search). Choosing nobody leaves the order without a customer.
 */
export function CustomerPicker(props: { value: string; onChange: (customerId: string) => void; error?: string }) {
  const search = useFetcher<{ customers: CustomerOption[] }>();
  const [input, setInput] = useState("");
  const [chosen, setChosen] = useState<CustomerOption | null>(null);

  useEffect(() => {
    if (chosen && input === label(chosen)) return;
    const timer = setTimeout(() => search.load(`/app/customers?q=${encodeURIComponent(input.trim())}`), 250);
    return () => clearTimeout(timer);
    // `search` changes identity on every load; the input alone decides when to search.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [input, chosen]);

  const customers = useMemo(() => search.data?.customers ?? [], [search.data]);
  const options = customers.map((c) => ({ value: c.id, label: label(c) }));
  return (
    <Autocomplete
      options={options}
      selected={props.value ? [props.value] : []}
      loading={search.state === "loading"}
      emptyState={input.trim() ? "No customer matches. Add one on the Customers page." : "Type a name or an email."}
      onSelect={([id]) => {
        const customer = customers.find((c) => c.id === id) ?? null;
        setChosen(customer);
        setInput(customer ? label(customer) : "");
        props.onChange(customer?.id ?? "");
      }}
      textField={
        <Autocomplete.TextField
          label="Customer"
          value={input}
          onChange={(value) => {
            setInput(value);
            if (props.value) props.onChange("");
          }}
          prefix={<Icon source={SearchIcon} />}
          placeholder="Search by name or email"
          autoComplete="off"
          clearButton
          onClearButtonClick={() => {
            setInput("");
            setChosen(null);
            props.onChange("");
          }}
          error={props.error}
        />
      }
    />
  );
}

function label(customer: CustomerOption): string {
  return customer.email ? `${customer.name} (${customer.email})` : customer.name;
}
