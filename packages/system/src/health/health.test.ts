import { createLogger } from "@outreach/log";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSessionHost } from "../host";
import { HOST_STALL_MS } from "./index";

afterEach(() => vi.useRealTimers());

/**
 * The worker's liveness (ECS replaces a task whose check fails three times) must reflect its own
 * loop and session host, not the store: a DynamoDB blip would otherwise replace every task at once.
 */
describe("worker liveness", () => {
  it("stays alive while the store fails, as long as the host's rounds still turn", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    let now = 1_000_000;
    const clock = { now: () => now, sleep: async () => {} };
    let storeUp = true;
    const down = () => Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    const store = {
      sessions: { all: () => (storeUp ? Promise.resolve([]) : down()), acquireLease: () => down() },
    };
    const host = createSessionHost({
      store: store as never,
      queue: {} as never,
      clock,
      ids: {} as never,
      timers: {} as never,
      logger: createLogger({ level: "silent" }),
      owner: "w1",
    });
    await host.syncAll();
    storeUp = false;
    for (let round = 0; round < 9; round++) {
      now += 10_000;
      await vi.advanceTimersByTimeAsync(10_000);
    }
    // 90 s of failed rounds: every one ended, so the host is not stalled.
    expect(now - host.lastRoundAt()).toBeLessThan(HOST_STALL_MS);
    await host.stop();
  });
});
