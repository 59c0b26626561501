import { useEffect, useState } from "react";
import { useNavigation, useSearchParams } from "@remix-run/react";
import { InlineStack, Pagination, Select, TextField } from "@shopify/polaris";

/**
 * Search and one filter above a list, kept in the URL so a list can be reloaded, shared and
 * paged. Typing waits a moment before asking the server; any change goes back to page 1.
 */
export function ListControls(props: {
  searchLabel: string;
  searchPlaceholder?: string;
  filter?: { name: string; label: string; options: { label: string; value: string }[] };
}) {
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get("search") ?? "");

  useEffect(() => {
    if (search === (params.get("search") ?? "")) return;
    const timer = setTimeout(() => {
      const next = new URLSearchParams(params);
      if (search) next.set("search", search);
      else next.delete("search");
      next.delete("page");
      setParams(next, { replace: true });
    }, 300);
    return () => clearTimeout(timer);
  }, [search, params, setParams]);

  const filter = props.filter;
  return (
    <InlineStack gap="300" blockAlign="end" wrap={false}>
      <div style={{ flexGrow: 1 }}>
        <TextField
          label={props.searchLabel}
          labelHidden
          value={search}
          onChange={setSearch}
          placeholder={props.searchPlaceholder ?? props.searchLabel}
          autoComplete="off"
          clearButton
          onClearButtonClick={() => setSearch("")}
        />
      </div>
      {filter && (
        <div style={{ minWidth: 200 }}>
          <Select
            label={filter.label}
            labelInline
            options={[{ label: "All", value: "" }, ...filter.options]}
            value={params.get(filter.name) ?? ""}
            onChange={(value) => {
              const next = new URLSearchParams(params);
              if (value) next.set(filter.name, value);
              else next.delete(filter.name);
              next.delete("page");
              setParams(next);
            }}
          />
        </div>
      )}
    </InlineStack>
  );
}

/** Previous / next for a paged list, with "page x of y". */
export function ListPagination(props: { page: number; pageCount: number; total: number; resourceName: string }) {
  const [params, setParams] = useSearchParams();
  const busy = useNavigation().state === "loading";
  if (props.pageCount <= 1) return null;
  const go = (page: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(page));
    setParams(next);
  };
  return (
    <InlineStack align="center">
      <Pagination
        hasPrevious={!busy && props.page > 1}
        onPrevious={() => go(props.page - 1)}
        hasNext={!busy && props.page < props.pageCount}
        onNext={() => go(props.page + 1)}
        label={`Page ${props.page} of ${props.pageCount} · ${props.total} ${props.resourceName}`}
      />
    </InlineStack>
  );
}
