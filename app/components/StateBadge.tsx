import { Badge } from "@shopify/polaris";
import { integrationStateLabel, type IntegrationState } from "~/domain/integration-state";

const tone = {
  not_connected: "critical",
  disabled: "warning",
  sync_inactive: undefined,
  sync_active: "success",
} as const;

export function StateBadge({ state }: { state: IntegrationState }) {
  return (
    <span data-testid="integration-state" data-state={state}>
      <Badge tone={tone[state]}>{integrationStateLabel[state]}</Badge>
    </span>
  );
}
