/**
 * The `data:` payloads of a Server-Sent Events body (as `GET /bulk-send/{id}/progress` streams them),
 * parsed as JSON, one per event as it arrives. Read with `fetch` rather than `EventSource`, which
 * cannot send the key header; used by the CLI and the console alike.
 */
export async function* sseData<T = unknown>(body: ReadableStream<Uint8Array>): AsyncGenerator<T> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
      for (let i = buf.indexOf("\n\n"); i !== -1; i = buf.indexOf("\n\n")) {
        const data = buf
          .slice(0, i)
          .split("\n")
          .filter((l) => l.startsWith("data:"))
          .map((l) => l.slice(5).trim())
          .join("\n");
        buf = buf.slice(i + 2);
        if (data) yield JSON.parse(data) as T;
      }
    }
  } finally {
    reader.releaseLock();
  }
}
