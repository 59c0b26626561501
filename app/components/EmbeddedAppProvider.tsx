import { forwardRef, useEffect, type ReactNode } from "react";
import { Link, useNavigate } from "@remix-run/react";
import { AppProvider as PolarisAppProvider, type AppProviderProps } from "@shopify/polaris";
import englishI18n from "@shopify/polaris/locales/en.json";

/**
 * What `@shopify/shopify-app-remix/react`'s AppProvider does — the App Bridge script in the
 * document, Polaris with Remix links — written out here because that module imports Polaris'
 * translations with an import attribute (`with { type: "json" }`) that Remix's classic
 * compiler (esbuild 0.17) cannot parse. Same markup, same `data-api-key`, same URL override.
 */
const APP_BRIDGE_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

type LinkLikeComponentProps = React.ComponentProps<NonNullable<AppProviderProps["linkComponent"]>>;

const RemixPolarisLink = forwardRef<HTMLAnchorElement, LinkLikeComponentProps>(function RemixPolarisLink(
  { url, children, external, ...rest },
  ref,
) {
  if (external) {
    return (
      <a href={url} ref={ref} target="_blank" rel="noopener noreferrer" {...rest}>
        {children}
      </a>
    );
  }
  return (
    <Link to={url} ref={ref} {...rest}>
      {children}
    </Link>
  );
});

export function EmbeddedAppProvider(props: { apiKey: string; appBridgeUrl?: string; children: ReactNode }) {
  const navigate = useNavigate();
  // App Bridge announces clicks on the admin's navigation menu (<ui-nav-menu> links) this way.
  useEffect(() => {
    const handleNavigate = (event: Event) => {
      const href = (event.target as HTMLElement | null)?.getAttribute("href");
      if (href) navigate(href);
    };
    addEventListener("shopify:navigate", handleNavigate);
    return () => removeEventListener("shopify:navigate", handleNavigate);
  }, [navigate]);
  return (
    <>
      <script src={props.appBridgeUrl ?? APP_BRIDGE_URL} data-api-key={props.apiKey} />
      <PolarisAppProvider i18n={englishI18n} linkComponent={RemixPolarisLink}>
        {props.children}
      </PolarisAppProvider>
    </>
  );
}
