import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { WEBHOOK_ROUTE_TOPICS } from "./webhook-topics";

describe("the topics each webhook route serves", () => {
  it("are exactly what shopify.app.toml subscribes to that route", () => {
    const toml = parse(readFileSync(new URL("../../shopify.app.toml", import.meta.url), "utf8")) as {
      webhooks: { subscriptions: { uri: string; topics?: string[]; compliance_topics?: string[] }[] };
    };
    const subscribed: Record<string, string[]> = {};
    for (const s of toml.webhooks.subscriptions) (subscribed[s.uri] ??= []).push(...(s.topics ?? []), ...(s.compliance_topics ?? []));
    const served = Object.fromEntries(Object.entries(WEBHOOK_ROUTE_TOPICS).map(([uri, topics]) => [uri, [...topics].sort()]));
    expect(served).toEqual(Object.fromEntries(Object.entries(subscribed).map(([uri, topics]) => [uri, topics.sort()])));
  });
});
