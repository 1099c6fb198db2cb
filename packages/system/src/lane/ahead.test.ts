import { systemClock } from "@outreach/core/port";
import { describe, expect, it } from "vitest";
import { createLanes } from ".";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("session lanes: a message taken ahead", () => {
  it("offers `prepare` to the message due at once after the one being sent, and runs that message next", async () => {
    const lane = createLanes(systemClock);
    const order: string[] = [];
    const prepared: string[] = [];
    const now = Date.now();
    let late: Promise<void> | undefined;
    const entry = (id: string, notBefore: number, during?: () => void) =>
      lane(
        "s",
        notBefore,
        0,
        async (ahead) => {
          order.push(id);
          await sleep(5);
          ahead();
          during?.();
          await sleep(10);
          return true;
        },
        () => {
          prepared.push(id);
          return true;
        },
      );
    // While `a` is being sent, `b` takes ahead; `d`, queued then with an earlier slot, waits for `b`.
    const a = entry("a", now, () => {
      late = entry("d", now - 1000);
    });
    const b = entry("b", now + 1);
    const x = entry("x", now + 2);
    await Promise.all([a, b, x]);
    await late;
    expect(prepared.slice(0, 2)).toEqual(["b", "d"]);
    expect(order).toEqual(["a", "b", "d", "x"]);
  });

  it("offers nothing to a message that must keep a gap from the send under way, and one offer per send", async () => {
    const lane = createLanes(systemClock);
    const prepared: string[] = [];
    const now = Date.now();
    const run = (id: string, gap: number) =>
      lane(
        "g",
        now,
        gap,
        async (ahead) => {
          await sleep(5);
          ahead();
          ahead();
          return true;
        },
        () => {
          prepared.push(id);
          return true;
        },
      );
    await Promise.all([run("first", 0), run("gapped", 100), run("free", 0)]);
    expect(prepared).toEqual(["free"]);
  });

  it("on close, a message whose claim was taken ahead ends with Deferred like any waiting one", async () => {
    const lane = createLanes(systemClock);
    let release: () => void = () => {};
    const underWay = lane("c", Date.now(), 0, async (ahead) => {
      await sleep(5);
      ahead();
      return new Promise<boolean>((r) => (release = () => r(true)));
    });
    let took = false;
    const next = lane(
      "c",
      Date.now(),
      0,
      async () => true,
      () => (took = true),
    );
    await sleep(30);
    expect(took).toBe(true);
    lane.close();
    await expect(next).rejects.toMatchObject({ name: "Deferred", seconds: 0 });
    release();
    await expect(underWay).resolves.toBeUndefined();
  });
});
