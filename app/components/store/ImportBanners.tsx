import { useEffect } from "react";
import { useRevalidator } from "@remix-run/react";
import { Banner, List, Text } from "@shopify/polaris";

export interface ImportRunView {
  id: string;
  kind: string;
  state: string;
  done: number;
  total: number | null;
  error: string | null;
  failures: { ref: string; message: string }[];
  finishedAt: string | null;
}

const kindLabel: Record<string, string> = { products: "Product import", customers: "Customer import", stock: "Initial stock import" };

/**
 * A yellow banner on every tab while an import runs (the page refreshes itself until it ends),
 * then a success or error banner with what did not land and why.
 */
export function ImportBanners({ runs }: { runs: ImportRunView[] }) {
  const revalidator = useRevalidator();
  const running = runs.some((r) => r.state === "queued" || r.state === "running");
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1_500);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  return (
    <>
      {runs.map((run) => {
        const label = kindLabel[run.kind] ?? "Import";
        if (run.state === "queued" || run.state === "running") {
          return (
            <div key={run.id} data-testid="import-banner" data-state="running">
              <Banner tone="warning" title={`${label} in progress`}>
                <p>{run.total ? `${run.done} of ${run.total} done.` : "Waiting for Shopify's export…"} You can keep working meanwhile.</p>
              </Banner>
            </div>
          );
        }
        if (run.state === "failed") {
          return (
            <div key={run.id} data-testid="import-banner" data-state="failed">
              <Banner tone="critical" title={`${label} failed`}>
                <p>{run.error} Nothing was lost: start the import again to finish it.</p>
              </Banner>
            </div>
          );
        }
        return (
          <div key={run.id} data-testid="import-banner" data-state="succeeded">
            <Banner tone={run.failures.length > 0 ? "warning" : "success"} title={`${label} finished`}>
              <Text as="p">
                {run.done} imported{run.failures.length > 0 ? `; ${run.failures.length} could not be imported:` : "."}
              </Text>
              {run.failures.length > 0 && (
                <List>
                  {run.failures.slice(0, 10).map((f) => (
                    <List.Item key={f.ref}>
                      {f.ref}: {f.message}
                    </List.Item>
                  ))}
                </List>
              )}
            </Banner>
          </div>
        );
      })}
    </>
  );
}
