/**
 * The lines of a downloaded file as they arrive (a bulk operation's JSONL can be tens of MB):
 * bytes are decoded as a stream, so a character split between two chunks stays whole, and each
 * complete line is handed on before the next chunk is read. The last line may lack its newline.
 */
export async function* linesOf(source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of chunksOf(source)) {
    // Split once per chunk; the unfinished last piece waits for the next chunk.
    const lines = (pending + decoder.decode(chunk, { stream: true })).split("\n");
    pending = lines.pop()!;
    yield* lines;
  }
  pending += decoder.decode();
  if (pending !== "") yield pending;
}

/** A fetch body (a web ReadableStream) or any async iterable of bytes, chunk by chunk. */
async function* chunksOf(source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (!("getReader" in source)) {
    yield* source;
    return;
  }
  const reader = source.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
