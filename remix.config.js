/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  serverModuleFormat: "esm",
  serverPlatform: "node",
  // Polaris and the Shopify libraries ship ESM that the server bundle must include.
  serverDependenciesToBundle: [/^@shopify\/polaris/],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    // Off: lazy discovery fetches route manifests in the background, each needing a session token.
    v3_lazyRouteDiscovery: false,
    v3_singleFetch: false,
  },
};
