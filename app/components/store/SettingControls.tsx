import { useEffect, useRef, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Checkbox, InlineStack, Select, Text } from "@shopify/polaris";
import type { StoreActionResult } from "./types";

/**
 * One setting, saved on change: applied at once (autosave) unless the store is Sync active, where
 * it joins the draft. The result shows beside the control: "Saved", "Draft", or the field error.
 */
function useSettingSaver(section: string, field: string) {
  const fetcher = useFetcher<StoreActionResult>();
  // Optimistic: the control shows the new value at once, until the page data (revalidated before
  // the fetcher is idle again) carries it.
  const [local, setLocal] = useState<string | null>(null);
  const wasBusy = useRef(false);
  useEffect(() => {
    if (fetcher.state !== "idle") wasBusy.current = true;
    else if (wasBusy.current) {
      wasBusy.current = false;
      setLocal(null);
    }
  }, [fetcher.state]);
  const save = (value: string) => {
    setLocal(value);
    fetcher.submit({ intent: "settings", section, field, value }, { method: "post" });
  };
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  const error = result && !result.ok ? (result.fieldErrors?.[field] ?? result.message) : undefined;
  const status = fetcher.state !== "idle" ? "Saving…" : result?.ok ? (result.mode === "draft" ? "Draft: apply to take effect" : "Saved") : null;
  return { save, error, status, pending: local };
}

function Status({ status }: { status: string | null }) {
  if (!status) return null;
  return (
    <Text as="span" tone={status === "Saved" ? "success" : "subdued"} variant="bodySm">
      <span data-testid="setting-status">{status}</span>
    </Text>
  );
}

export function SettingCheckbox(props: { section: string; field: string; label: string; helpText?: string; checked: boolean; disabled?: boolean }) {
  const { save, error, status, pending } = useSettingSaver(props.section, props.field);
  return (
    <InlineStack gap="200" blockAlign="start">
      <Checkbox
        label={props.label}
        helpText={props.helpText}
        checked={pending !== null ? pending === "true" : props.checked}
        disabled={props.disabled}
        error={error}
        onChange={(checked) => save(String(checked))}
      />
      <Status status={status} />
    </InlineStack>
  );
}

export function SettingSelect(props: {
  section: string;
  field: string;
  label: string;
  options: { label: string; value: string }[];
  value: string;
  helpText?: string;
}) {
  const { save, error, status, pending } = useSettingSaver(props.section, props.field);
  return (
    <InlineStack gap="200" blockAlign="end">
      <div style={{ minWidth: 260 }}>
        <Select label={props.label} options={props.options} value={pending ?? props.value} onChange={save} error={error} helpText={props.helpText} />
      </div>
      <Status status={status} />
    </InlineStack>
  );
}
