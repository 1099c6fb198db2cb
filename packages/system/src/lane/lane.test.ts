import { systemClock } from "@outreach/core/port";
import { describe, expect, it } from "vitest";
import { createLanes } from ".";

describe("session lanes", () => {
  it("runs one at a time per session, earliest slot first, never closer than the minimum gap", async () => {
    const lane = createLanes(systemClock);
    const start = Date.now();
    const sent: { id: number; at: number }[] = [];
    const job = (id: number, notBefore: number) =>
      lane("s1", notBefore, 150, async () => {
        sent.push({ id, at: Date.now() });
        return true;
      });
    await Promise.all([job(3, start + 100), job(1, start), job(2, start + 10)]);
    expect(sent.map((s) => s.id)).toEqual([1, 2, 3]);
    const gaps = sent.slice(1).map((s, i) => s.at - (sent[i] as { at: number }).at);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(148);
  });

  it("holds a message until its slot", async () => {
    const lane = createLanes(systemClock);
    const at = Date.now() + 200;
    let ran = 0;
    await lane("s2", at, 0, async () => {
      ran = Date.now();
      return true;
    });
    expect(ran).toBeGreaterThanOrEqual(at - 2);
  });

  it("does not count a turn that sent nothing towards the gap, and keeps sessions independent", async () => {
    const lane = createLanes(systemClock);
    const t0 = Date.now();
    const times: number[] = [];
    await lane("a", t0, 1000, async () => false);
    await lane("a", t0, 1000, async () => {
      times.push(Date.now() - t0);
      return true;
    });
    await lane("b", t0, 1000, async () => {
      times.push(Date.now() - t0);
      return true;
    });
    expect(times.every((x) => x < 200)).toBe(true);
    expect(lane.idle()).toBe(true);
  });

  it("on close finishes the send under way and hands waiting and new messages back to the queue (Deferred 0)", async () => {
    const lane = createLanes(systemClock);
    let release: () => void = () => {};
    const underWay = lane("s", Date.now(), 0, () => new Promise<boolean>((r) => (release = () => r(true))));
    const waiting = lane("s", Date.now(), 0, async () => true);
    await new Promise((r) => setTimeout(r, 20));
    expect(lane.busy("s")).toBe(true);
    lane.close();
    await expect(waiting).rejects.toMatchObject({ name: "Deferred", seconds: 0 });
    await expect(lane("t", Date.now(), 0, async () => true)).rejects.toMatchObject({ name: "Deferred", seconds: 0 });
    release();
    await expect(underWay).resolves.toBeUndefined();
    expect(lane.idle()).toBe(true);
  });

  it("draining a shard's sessions hands their waiting messages back and leaves other sessions' lanes alone", async () => {
    const lane = createLanes(systemClock);
    let release: () => void = () => {};
    const underWay = lane("a1", Date.now(), 0, () => new Promise<boolean>((r) => (release = () => r(true))));
    const waitingA = lane("a1", Date.now(), 0, async () => true);
    const sent: string[] = [];
    const otherB = lane("b1", Date.now() + 100, 0, async () => {
      sent.push("b1");
      return true;
    });
    await new Promise((r) => setTimeout(r, 20));
    lane.drain((id) => id.startsWith("a"));
    await expect(waitingA).rejects.toMatchObject({ name: "Deferred", seconds: 0 });
    await expect(otherB).resolves.toBeUndefined();
    expect(sent).toEqual(["b1"]);
    release();
    await expect(underWay).resolves.toBeUndefined();
    expect(lane.idle()).toBe(true);
  });
});
