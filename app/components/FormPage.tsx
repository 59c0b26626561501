import type { ReactNode } from "react";
import { Banner, BlockStack, Page } from "@shopify/polaris";

/**
 * A create page: title, back link, a primary save action and the form; a refused save shows its
 * message on top (field errors sit beside their fields, inside `children`).
 */
export function FormPage(props: {
  title: string;
  back: { content: string; url: string };
  saveLabel: string;
  onSave: () => void;
  busy: boolean;
  error?: { message: string; detail?: string };
  children: ReactNode;
}) {
  return (
    <Page title={props.title} backAction={props.back} primaryAction={{ content: props.saveLabel, onAction: props.onSave, loading: props.busy }}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          props.onSave();
        }}
      >
        <BlockStack gap="400">
          {props.error && (
            <Banner tone="critical" title={props.error.message}>
              {props.error.detail && <p>{props.error.detail}</p>}
            </Banner>
          )}
          {props.children}
        </BlockStack>
      </form>
    </Page>
  );
}
