import { describe, expect, it } from "vitest";
import { createCoalescer } from ".";

const recorder = (opts: { max: number; lingerMs: number; fail?: (items: number[]) => boolean; flushMs?: number }) => {
  const flushes: { key: string; items: number[] }[] = [];
  let running = 0;
  let overlapped = false;
  const add = createCoalescer<number>({
    max: opts.max,
    lingerMs: opts.lingerMs,
    flush: async (key, items) => {
      running++;
      if (running > 1) overlapped = true;
      await new Promise((r) => setTimeout(r, opts.flushMs ?? 5));
      running--;
      flushes.push({ key, items });
      if (opts.fail?.(items)) throw new Error(`flush of ${items.join(",")} failed`);
    },
  });
  return { add, flushes, overlapped: () => overlapped };
};

describe("coalescer", () => {
  it("writes items of one key that arrive together in one flush, and keys apart", async () => {
    const r = recorder({ max: 10, lingerMs: 20 });
    await Promise.all([r.add("a", 1), r.add("b", 2), r.add("a", 3), r.add("a", 4)]);
    expect(r.flushes.sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { key: "a", items: [1, 3, 4] },
      { key: "b", items: [2] },
    ]);
  });

  it("never puts more than `max` items in a flush and runs one flush per key at a time", async () => {
    const r = recorder({ max: 4, lingerMs: 5, flushMs: 10 });
    await Promise.all(Array.from({ length: 11 }, (_, i) => r.add("k", i)));
    expect(r.flushes.map((f) => f.items.length).every((n) => n <= 4)).toBe(true);
    expect(r.flushes.flatMap((f) => f.items).sort((a, b) => a - b)).toEqual(Array.from({ length: 11 }, (_, i) => i));
    expect(r.overlapped()).toBe(false);
  });

  it("collects what arrives during a flush into the next one", async () => {
    const r = recorder({ max: 100, lingerMs: 1, flushMs: 30 });
    const first = r.add("k", 1);
    await new Promise((res) => setTimeout(res, 10)); // the first flush is running now
    await Promise.all([first, r.add("k", 2), r.add("k", 3), r.add("k", 4)]);
    expect(r.flushes.map((f) => f.items)).toEqual([[1], [2, 3, 4]]);
  });

  it("fails exactly the items of a failed flush", async () => {
    const r = recorder({ max: 2, lingerMs: 5, fail: (items) => items.includes(3) });
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => r.add("k", i)));
    expect(results.map((x) => x.status)).toEqual(["fulfilled", "fulfilled", "rejected", "rejected"]);
  });

  it("drains a key at once: what waits is written before drain resolves, without waiting out the linger", async () => {
    const r = recorder({ max: 100, lingerMs: 60_000 });
    const a = r.add("k", 1);
    const b = r.add("k", 2);
    await r.add.drain("k");
    expect(r.flushes).toEqual([{ key: "k", items: [1, 2] }]);
    await Promise.all([a, b]);
    await r.add.drain("other"); // nothing waits: resolves at once
  });
});
