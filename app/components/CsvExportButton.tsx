import { useState } from "react";
import { useSearchParams } from "@remix-run/react";
import { Button } from "@shopify/polaris";
import { ExportIcon } from "@shopify/polaris-icons";

/**
 * Downloads a CSV from one of the app's export routes with the list's current filters. A
 * plain link would reach the server without the session token, so the file is fetched (App
 * Bridge adds the token) and handed to the browser as a download.
 */
export function CsvExportButton(props: { path: string; fallbackName: string; label?: string }) {
  const [params] = useSearchParams();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const query = new URLSearchParams(params);
      query.delete("page");
      const response = await fetch(`${props.path}?${query.toString()}`);
      if (!response.ok) throw new Error(`${response.status}`);
      const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? props.fallbackName;
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch {
      window.shopify?.toast.show("The export did not work. Try again in a moment.", { isError: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button icon={ExportIcon} onClick={() => void download()} loading={busy}>
      {props.label ?? "Export CSV"}
    </Button>
  );
}
