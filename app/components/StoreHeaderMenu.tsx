import { useState } from "react";
import { ActionList, Button, Popover } from "@shopify/polaris";
import { MenuHorizontalIcon } from "@shopify/polaris-icons";

/** The header's 3-dot menu: Pause sync and Disconnect. */
export function StoreHeaderMenu(props: {
  canPause: boolean;
  canDisconnect: boolean;
  onPause: () => void;
  onDisconnect: () => void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <Popover
      active={open}
      onClose={() => setOpen(false)}
      activator={
        <Button icon={MenuHorizontalIcon} accessibilityLabel="More actions" onClick={() => setOpen((v) => !v)} />
      }
    >
      <ActionList
        actionRole="menuitem"
        onActionAnyItem={() => setOpen(false)}
        items={[
          { content: "Pause sync", disabled: !props.canPause, onAction: props.onPause },
          { content: "Disconnect", destructive: true, disabled: !props.canDisconnect, onAction: props.onDisconnect },
        ]}
      />
    </Popover>
  );
}
