/**
 * The Shopify emulator in a process of its own, for benchmarks that measure Tenon's CPU: in
 * production Shopify's GraphQL resolution, cost calculation and HTTP server do not run on Tenon's
 * machine, so they must not share the bench's JS thread either.
 *
 *   const emulator = await startEmulatorProcess();
 *   const shop = await emulator.createShop("bench-orders", 5_000);
 *   …
 *   await emulator.stop();
 *
 * The child reads one JSON command a line on stdin and answers one JSON line on stdout; it stops
 * when stdin ends (also when the bench process dies) or on SIGTERM.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { generateShopSeed, startEmulator, type Emulator } from "../emulator/index";
import { offlineAccessToken, TEST_APP } from "../emulator/testing";
import { shopDomainOf } from "../emulator/state";

/** A generated store, as a benchmark needs it: where to call it, and what it holds. */
export interface BenchShop {
  emulatorUrl: string;
  domain: string;
  token: string;
  graphqlUrl: string;
  /** The throttle bucket's size; it never refills, so size minus what is left = points spent. */
  maximumAvailable: number;
  locations: { id: number; name: string }[];
  skus: string[];
  orders: { id: number; name: string; updatedAt: string }[];
}

export interface EmulatorProcess {
  /** A store seeded with `orders` orders and a bucket that never runs dry. */
  createShop(handle: string, orders: number): Promise<BenchShop>;
  stop(): Promise<void>;
}

type Command = { command: "createShop"; handle: string; orders: number };
type Answer = { ok: true; value: unknown } | { ok: false; error: string };

export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/bench/emulator-process.ts"], { stdio: ["pipe", "pipe", "inherit"] });
  // Answers come back in the order commands were sent.
  const waiting: { resolve: (value: unknown) => void; reject: (error: Error) => void }[] = [];
  let gone: Error | undefined;
  // "close", not "exit": stdout is fully read by then, so an error line the child wrote is seen first.
  const closed = new Promise<void>((resolve) => {
    child.once("close", (code, signal) => {
      gone = new Error(`The emulator process exited (${signal ?? `code ${code}`}).`);
      for (const w of waiting.splice(0)) w.reject(gone);
      resolve();
    });
  });
  child.once("error", (error) => {
    for (const w of waiting.splice(0)) w.reject(error);
  });
  // Writing to a child that died raises EPIPE here; the "close" handler already rejects the caller.
  child.stdin!.on("error", () => undefined);
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const w = waiting.shift();
    if (!w) return;
    let answer: Answer;
    try {
      answer = JSON.parse(line) as Answer;
    } catch {
      w.reject(new Error(`The emulator process answered with something that is not JSON: ${line.slice(0, 200)}`));
      return;
    }
    if (answer.ok) w.resolve(answer.value);
    else w.reject(new Error(answer.error));
  });
  const nextAnswer = <T>() =>
    new Promise<T>((resolve, reject) => (gone ? reject(gone) : waiting.push({ resolve: resolve as (value: unknown) => void, reject })));
  const ask = <T>(command: Command) => {
    const answer = nextAnswer<T>();
    child.stdin!.write(`${JSON.stringify(command)}\n`);
    return answer;
  };

  await nextAnswer<{ url: string }>(); // the child's first line: the emulator listens
  return {
    createShop: (handle, orders) => ask<BenchShop>({ command: "createShop", handle, orders }),
    async stop() {
      child.stdin!.end();
      await closed;
    },
  };
}

async function createShop(emulator: Emulator, handle: string, orders: number): Promise<BenchShop> {
  const seed = generateShopSeed({ variants: 300, locations: 2, orders, seed: 3, handle });
  const shop = emulator.createShop(seed);
  // No refill, a bucket that never runs dry: what is left at the end tells the points spent.
  const bucket = emulator.setThrottle(shop.domain, { maximumAvailable: 1_000_000_000, restoreRate: 0 });
  return {
    emulatorUrl: emulator.url,
    domain: shop.domain,
    token: await offlineAccessToken(emulator, handle),
    graphqlUrl: `${emulator.url}/shops/${shopDomainOf(handle)}/admin/api/2026-07/graphql.json`,
    maximumAvailable: bucket.maximumAvailable,
    locations: shop.locations.map((l) => ({ id: l.id, name: l.name })),
    skus: [...new Set((seed.products ?? []).flatMap((p) => p.variants.map((v) => v.sku)).filter((s): s is string => !!s))],
    orders: shop.orders.map((o) => ({ id: o.id, name: o.name, updatedAt: o.updatedAt.toISOString() })),
  };
}

function reply(answer: Answer): Promise<void> {
  return new Promise((resolve) => process.stdout.write(`${JSON.stringify(answer)}\n`, () => resolve()));
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function main() {
  let emulator: Emulator;
  try {
    emulator = await startEmulator({ app: { ...TEST_APP, appUrl: "http://127.0.0.1:9" } });
  } catch (error) {
    await reply({ ok: false, error: `The emulator did not start: ${messageOf(error)}` });
    process.exit(1);
  }
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= emulator.stop().finally(() => process.exit(0)));
  process.once("SIGTERM", () => void stop());

  // One command at a time, so the answers keep the commands' order.
  let pending = Promise.resolve();
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    pending = pending.then(async () => {
      try {
        const command = JSON.parse(line) as Command;
        if (command.command !== "createShop") throw new Error(`Unknown emulator-process command ${JSON.stringify(command.command)}.`);
        await reply({ ok: true, value: await createShop(emulator, command.handle, command.orders) });
      } catch (error) {
        await reply({ ok: false, error: messageOf(error) });
      }
    });
  });
  lines.on("close", () => void pending.then(stop));
  await reply({ ok: true, value: { url: emulator.url } });
}

if (process.argv[1]?.endsWith("emulator-process.ts")) await main();
