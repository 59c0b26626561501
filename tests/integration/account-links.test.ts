import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppHarness, type AppHarness } from "../support/app-harness";

const SHOP = "tenon-demo.myshopify.com";
let app: AppHarness;

beforeAll(async () => {
  app = await startAppHarness();
});
afterAll(async () => app.stop());

// "Join an existing Tenon" on the Stores page, as the embedded app's fetcher posts it.
const join = (code: string) =>
  app.request("/app/stores", {
    method: "POST",
    headers: { Authorization: `Bearer ${app.emulator.mintSessionToken(SHOP)}` },
    body: new URLSearchParams({ intent: "join", code }),
  });

describe("connection codes", () => {
  it("answers 429 with Retry-After once a store has entered ten wrong codes", async () => {
    for (let i = 0; i < 10; i++) {
      const response = await join(`WRONG${i}AB`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: false, message: expect.stringMatching(/not known/) });
    }
    const refused = await join("ANYCODE2");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(14 * 60);
    expect(await refused.json()).toEqual({ ok: false, message: expect.stringMatching(/^Too many wrong codes.*Wait 15 minutes/) });
  });
});
