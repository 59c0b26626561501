import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

/**
 * Shopify admin opens the app at its application URL with `shop`, `host` and `id_token`:
 * carry them into the embedded app. Anyone else gets a short explanation.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return null;
};

export default function Index() {
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 560, margin: "4rem auto", lineHeight: 1.5 }}>
      <h1>Tenon</h1>
      <p>
        Tenon keeps a maker&apos;s stock, orders and production in step with Shopify. It runs inside Shopify
        admin: open it from your store&apos;s Apps page.
      </p>
    </main>
  );
}
