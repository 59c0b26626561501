import type { DetailedHTMLProps, HTMLAttributes } from "react";

// App Bridge's navigation menu web component and the `shopify` global it installs.
declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "ui-nav-menu": DetailedHTMLProps<HTMLAttributes<HTMLElement>, HTMLElement>;
    }
  }
}

declare global {
  interface Window {
    shopify?: {
      toast: { show(message: string, options?: { isError?: boolean; duration?: number }): void };
      idToken(): Promise<string>;
    };
  }
}
