import { nextAllowed, noteSend, REAL_DEFAULT, type SessionSends } from "../packages/core/src/pacing";

/**
 * 20 sessions on the default real-number policy, each with two jobs that ask for no delay at all (the
 * fastest a tenant can ask), over 10 minutes of virtual time: every send goes through the sender's own
 * policy functions (`nextAllowed`, `noteSend`). Reports the most messages any session sent in any
 * 2-minute window (the burst limit is 4) and the smallest gap between two messages on a number.
 */
export const pacing = async (sessions = 20, minutes = 10) => {
  const start = Date.parse("2026-11-26T09:00:00Z");
  const end = start + minutes * 60_000;
  const windowMs = (REAL_DEFAULT.burst?.window_seconds ?? 120) * 1000;
  let maxInWindow = 0;
  let minGap = Number.POSITIVE_INFINITY;
  let total = 0;
  for (let s = 0; s < sessions; s++) {
    const sends: SessionSends = { lastAt: null, recent: [], day: "", dayCount: 0 };
    const times: number[] = [];
    // Paired 30 days ago: the warm-up is over, so the burst and the floor are what hold the jobs back.
    const pairedAt = start - 30 * 86_400_000;
    let t = start + s * 137; // sessions start a little apart
    for (;;) {
      const { at } = nextAllowed(REAL_DEFAULT, sends, t, pairedAt);
      if (at >= end) break;
      noteSend(sends, at, REAL_DEFAULT.burst?.max ?? 1);
      times.push(at);
      t = at; // both jobs want their next message at once
    }
    total += times.length;
    for (let i = 0; i < times.length; i++) {
      let n = 0;
      for (let j = i; j < times.length && (times[j] as number) < (times[i] as number) + windowMs; j++) n++;
      maxInWindow = Math.max(maxInWindow, n);
      if (i > 0) minGap = Math.min(minGap, (times[i] as number) - (times[i - 1] as number));
    }
  }
  return {
    sessions,
    virtual_minutes: minutes,
    policy: REAL_DEFAULT,
    messages_per_session: total / sessions,
    max_messages_in_any_2_minute_window: maxInWindow,
    min_gap_seconds_observed: minGap / 1000,
  };
};
