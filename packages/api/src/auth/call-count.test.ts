import type { Store } from "@outreach/core/port";
import { describe, expect, it } from "vitest";
import { countApiCall } from "./call-count";

/** A store whose `countApiCall` writes complete when the test says so (the group-commit logic alone). */
const slowStore = () => {
  const writes: { tenant: string; day: string; n: number; done: () => void; fail: (e: Error) => void }[] = [];
  const tenants = {
    countApiCall: (tenant: string, day: string, n = 1) =>
      new Promise<void>((done, fail) => {
        writes.push({ tenant, day, n, done, fail });
      }),
  };
  return { store: { tenants } as unknown as Store, writes };
};
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("api_calls with group commit", () => {
  it("writes the first call at once, the calls that arrive meanwhile in one write, and each waits for its own write", async () => {
    const { store, writes } = slowStore();
    const settled: number[] = [];
    const call = (i: number) => countApiCall(store, "t1", "2026-12-07").then(() => settled.push(i));
    const first = call(1);
    const rest = [call(2), call(3), call(4)];
    expect(writes.map((w) => w.n)).toEqual([1]);
    writes[0]?.done();
    await first;
    await tick();
    expect(settled).toEqual([1]);
    expect(writes.map((w) => w.n)).toEqual([1, 3]);
    writes[1]?.done();
    await Promise.all(rest);
    expect(settled).toEqual([1, 2, 3, 4]);
  });

  it("keeps tenants and days apart, and a failed write does not stop the next", async () => {
    const { store, writes } = slowStore();
    const a = countApiCall(store, "t1", "2026-12-07");
    const b = countApiCall(store, "t2", "2026-12-07");
    const c = countApiCall(store, "t1", "2026-12-08");
    const waiting = countApiCall(store, "t1", "2026-12-07", 2);
    expect(writes.map((w) => [w.tenant, w.day, w.n])).toEqual([
      ["t1", "2026-12-07", 1],
      ["t2", "2026-12-07", 1],
      ["t1", "2026-12-08", 1],
    ]);
    writes[0]?.fail(new Error("unavailable"));
    await expect(a).rejects.toThrow("unavailable");
    await tick();
    expect(writes[3]).toMatchObject({ tenant: "t1", day: "2026-12-07", n: 2 });
    for (const w of writes.slice(1)) w.done();
    await Promise.all([b, c, waiting]);
  });
});
