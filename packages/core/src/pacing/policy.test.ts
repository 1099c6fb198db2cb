import { describe, expect, it } from "vitest";
import { effectivePace, nextAllowed, noteSend, type PacingPolicy, policyWarnings, REAL_DEFAULT, type SessionSends, WARMUP_CAPS, warmupCap } from "./policy";

const T0 = Date.parse("2026-11-26T10:00:00Z");
const fresh = (): SessionSends => ({ lastAt: null, recent: [], day: "2026-11-26", dayCount: 0 });
const policy = (p: Partial<PacingPolicy>): PacingPolicy => ({ burst: null, min_gap_seconds: 0, daily_cap: null, warmup: false, ...p });

describe("session pacing policy", () => {
  it("the real-number default: 4 per 120 s, 20 s apart, warm-up on", () => {
    expect(REAL_DEFAULT).toEqual({ burst: { max: 4, window_seconds: 120 }, min_gap_seconds: 20, daily_cap: null, warmup: true });
  });

  it("keeps the floor from the last real send", () => {
    const s = fresh();
    noteSend(s, T0, 4);
    expect(nextAllowed(policy({ min_gap_seconds: 20 }), s, T0 + 5_000, null)).toEqual({ at: T0 + 20_000, reason: null });
    expect(nextAllowed(policy({ min_gap_seconds: 20 }), s, T0 + 25_000, null)).toEqual({ at: T0 + 25_000, reason: null });
  });

  it("never lets more than `max` messages into any window: the next waits for the oldest to leave it", () => {
    const p = policy({ burst: { max: 4, window_seconds: 120 } });
    const s = fresh();
    for (const dt of [0, 10_000, 20_000, 30_000]) noteSend(s, T0 + dt, 4);
    expect(nextAllowed(p, s, T0 + 31_000, null)).toEqual({ at: T0 + 120_000, reason: "burst" });
    noteSend(s, T0 + 120_000, 4);
    // The window slides: the fifth went at 120 s, the sixth waits for the second (10 s) to leave.
    expect(nextAllowed(p, s, T0 + 121_000, null)).toEqual({ at: T0 + 130_000, reason: "burst" });
  });

  it("a daily cap moves the rest to the next UTC day, and counts real sends of that day only", () => {
    const p = policy({ daily_cap: 2 });
    const s = fresh();
    noteSend(s, T0, 1);
    expect(nextAllowed(p, s, T0 + 1, null).reason).toBeNull();
    noteSend(s, T0 + 1, 1);
    expect(nextAllowed(p, s, T0 + 2, null)).toEqual({ at: Date.parse("2026-11-27T00:00:00Z"), reason: "daily_cap" });
    // The next day starts at zero.
    expect(nextAllowed(p, s, Date.parse("2026-11-27T08:00:00Z"), null).reason).toBeNull();
  });

  it("warm-up: 20 on the pairing day, growing to no cap from day 14; off when turned off", () => {
    const paired = Date.parse("2026-11-20T15:00:00Z");
    expect(warmupCap(paired, Date.parse("2026-11-20T23:00:00Z"))).toBe(20);
    expect(warmupCap(paired, Date.parse("2026-11-21T01:00:00Z"))).toBe(30);
    expect(warmupCap(paired, paired + 12 * 86_400_000)).toBe(WARMUP_CAPS[12]);
    expect(warmupCap(paired, paired + 13 * 86_400_000)).toBeNull();
    for (let i = 1; i < WARMUP_CAPS.length; i++) expect(WARMUP_CAPS[i]).toBeGreaterThan(WARMUP_CAPS[i - 1] as number);
    const s: SessionSends = { lastAt: T0, recent: [T0], day: "2026-11-26", dayCount: 20 };
    const justPaired = Date.parse("2026-11-26T09:00:00Z");
    expect(nextAllowed(policy({ warmup: true }), s, T0 + 1000, justPaired)).toEqual({ at: Date.parse("2026-11-27T00:00:00Z"), reason: "warmup" });
    expect(nextAllowed(policy({ warmup: false }), s, T0 + 1000, justPaired).reason).toBeNull();
  });

  it("a job's pace is the stricter of its delays and the policy", () => {
    expect(effectivePace({ min_delay_seconds: 5, max_delay_seconds: 10 }, REAL_DEFAULT)).toEqual({ min_gap_seconds: 20, per_message_ms: 30_000 });
    expect(effectivePace({ min_delay_seconds: 60, max_delay_seconds: 120 }, REAL_DEFAULT)).toEqual({ min_gap_seconds: 60, per_message_ms: 90_000 });
  });

  it("says what turning a safeguard off risks on a real number, and nothing on the sandbox", () => {
    expect(policyWarnings(REAL_DEFAULT, "baileys")).toEqual([]);
    expect(policyWarnings({ ...REAL_DEFAULT, warmup: false, burst: null, min_gap_seconds: 0 }, "baileys")).toHaveLength(3);
    expect(policyWarnings({ ...REAL_DEFAULT, warmup: false }, "sandbox")).toEqual([]);
  });
});
