import { describe, expect, it } from "vitest";
import { sseData } from "./sse";

const body = (chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const s of chunks) c.enqueue(new TextEncoder().encode(s));
      c.close();
    },
  });

describe("sseData", () => {
  it("yields each event's data as it completes, across chunk boundaries, CRLF and comments", async () => {
    const out: unknown[] = [];
    for await (const d of sseData(body([": keep-alive\n\n", 'event: progress\ndata: {"sent":', '1}\r\n\r\ndata: {"sent":2}\n\n', 'data: {"sent":3}'])))
      out.push(d);
    // The last event never ended with a blank line: it is not an event yet.
    expect(out).toEqual([{ sent: 1 }, { sent: 2 }]);
  });

  it("reads a character split between chunks", async () => {
    const bytes = new TextEncoder().encode('data: {"name":"São"}\n\n');
    const at = bytes.indexOf(0xc3) + 1;
    const split = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, at));
        c.enqueue(bytes.slice(at));
        c.close();
      },
    });
    const out: unknown[] = [];
    for await (const d of sseData(split)) out.push(d);
    expect(out).toEqual([{ name: "São" }]);
  });
});
