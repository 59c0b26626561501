import { describe, expect, it } from "vitest";
import { linesOf } from "./jsonl";

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === "string" ? new TextEncoder().encode(part) : part;
}

async function collect(source: AsyncIterable<string>): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of source) lines.push(line);
  return lines;
}

describe("linesOf", () => {
  it("hands on each line as it completes, across chunk boundaries", async () => {
    expect(await collect(linesOf(chunks('{"id":1}\n{"i', 'd":2}\n', '{"id":3}\n')))).toEqual(['{"id":1}', '{"id":2}', '{"id":3}']);
  });

  it("keeps a character whose bytes are split between two chunks whole", async () => {
    const bytes = new TextEncoder().encode('{"title":"Hobelstraße"}\n');
    const split = bytes.indexOf(0xc3) + 1; // inside the two bytes of ß
    expect(await collect(linesOf(chunks(bytes.slice(0, split), bytes.slice(split))))).toEqual(['{"title":"Hobelstraße"}']);
  });

  it("reads a fetch body (a web ReadableStream)", async () => {
    const body = new Response('{"id":1}\n{"id":2}').body!;
    expect(await collect(linesOf(body))).toEqual(['{"id":1}', '{"id":2}']);
  });

  it("gives the last line without its newline, keeps empty lines, and nothing for an empty file", async () => {
    expect(await collect(linesOf(chunks("a\n\nb")))).toEqual(["a", "", "b"]);
    expect(await collect(linesOf(chunks()))).toEqual([]);
  });
});
