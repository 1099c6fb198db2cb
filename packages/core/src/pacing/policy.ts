import { PacingPolicy } from "./policy-schema";

export { PacingPolicy };

/** Real WhatsApp numbers: MoltFlow's burst rule (4 per 2 minutes), a 20 s floor, warm-up on. */
export const REAL_DEFAULT: PacingPolicy = { burst: { max: 4, window_seconds: 120 }, min_gap_seconds: 20, daily_cap: null, warmup: true };
/** Sandbox sessions: no ceiling, so tests and benchmarks run fast; set a policy to test one. */
export const SANDBOX_DEFAULT: PacingPolicy = { burst: null, min_gap_seconds: 0, daily_cap: null, warmup: false };

export const defaultPolicy = (transport: "sandbox" | "baileys") => (transport === "sandbox" ? SANDBOX_DEFAULT : REAL_DEFAULT);

/**
 * Warm-up: messages allowed on day 1, 2, … of a newly paired number (UTC days since pairing, day 1 is
 * the pairing day); from day 14 on, no warm-up cap. Roughly ×1.5 a day, the ramp WhatsApp Business
 * guidance and bulk-messaging vendors recommend for new numbers.
 */
export const WARMUP_CAPS = [20, 30, 45, 70, 100, 150, 230, 350, 500, 750, 1100, 1700, 2500] as const;
export const WARMUP_DAYS = WARMUP_CAPS.length + 1;

const DAY_MS = 86_400_000;
export const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10);
const startOfNextUtcDay = (t: number) => Math.floor(t / DAY_MS) * DAY_MS + DAY_MS;

/** The warm-up cap on day `t` for a number paired at `pairedAt`; null once warmed up (or never paired). */
export const warmupCap = (pairedAt: number | null, t: number): number | null => {
  if (pairedAt === null) return null;
  const day = Math.floor(t / DAY_MS) - Math.floor(pairedAt / DAY_MS);
  return day >= 0 && day < WARMUP_CAPS.length ? (WARMUP_CAPS[day] as number) : null;
};

/** What a session sent, as the sender knows it: the last send, the recent ones (for the burst window), the day's count. */
export interface SessionSends {
  lastAt: number | null;
  /** Times of the most recent sends, oldest first (at most the burst size). */
  recent: number[];
  day: string;
  dayCount: number;
}

export type WaitingReason = "burst" | "daily_cap" | "warmup" | "send_window";

/**
 * The earliest time ≥ `t` the policy allows the session's next message, and why it is later than `t`
 * (null when it is not). Pure: the sender keeps `sends` current.
 */
export const nextAllowed = (policy: PacingPolicy, sends: SessionSends, t: number, pairedAt: number | null): { at: number; reason: WaitingReason | null } => {
  let at = t;
  let reason: WaitingReason | null = null;
  const later = (x: number, why: WaitingReason | null) => {
    if (x > at) {
      at = x;
      reason = why;
    }
  };
  if (sends.lastAt !== null) later(sends.lastAt + policy.min_gap_seconds * 1000, null);
  if (policy.burst && sends.recent.length >= policy.burst.max) {
    const oldest = sends.recent[sends.recent.length - policy.burst.max] as number;
    later(oldest + policy.burst.window_seconds * 1000, "burst");
  }
  // Day caps: the day of `at`, with today's count only if `at` is still today.
  for (let guard = 0; guard < 3; guard++) {
    const day = utcDay(at);
    const count = day === sends.day ? sends.dayCount : 0;
    const warm = policy.warmup ? warmupCap(pairedAt, at) : null;
    const capHit = policy.daily_cap !== null && count >= policy.daily_cap;
    const warmHit = warm !== null && count >= warm;
    if (!capHit && !warmHit) break;
    later(startOfNextUtcDay(at), capHit ? "daily_cap" : "warmup");
  }
  return { at, reason };
};

/** Records a send in `sends` (keeps the burst window's worth of times). */
export const noteSend = (sends: SessionSends, at: number, keep: number) => {
  const day = utcDay(at);
  sends.dayCount = day === sends.day ? sends.dayCount + 1 : 1;
  sends.day = day;
  sends.lastAt = at;
  sends.recent.push(at);
  if (sends.recent.length > Math.max(1, keep)) sends.recent.splice(0, sends.recent.length - Math.max(1, keep));
};

/**
 * The job's effective pacing under the session's policy: its minimum gap (the stricter of the two) and
 * the average time per message, used for `estimated_finish_at`.
 */
export const effectivePace = (job: { min_delay_seconds: number; max_delay_seconds: number }, policy: PacingPolicy) => {
  const minGap = Math.max(job.min_delay_seconds, policy.min_gap_seconds);
  const avgJob = (job.min_delay_seconds + job.max_delay_seconds) / 2;
  const burstAvg = policy.burst ? policy.burst.window_seconds / policy.burst.max : 0;
  return { min_gap_seconds: minGap, per_message_ms: Math.round(Math.max(avgJob, minGap, burstAvg) * 1000) };
};

/** What turning a safeguard off risks, said in the session's representation. */
export const policyWarnings = (policy: PacingPolicy, transport: "sandbox" | "baileys"): string[] => {
  if (transport === "sandbox") return [];
  const out: string[] = [];
  if (!policy.warmup) out.push("Warm-up is off: a newly paired number that sends at full volume at once is the most common reason WhatsApp bans numbers.");
  if (!policy.burst) out.push("No burst limit: quick runs of messages to people who do not have your number saved get numbers reported and banned.");
  if (policy.min_gap_seconds < 10) out.push(`A ${policy.min_gap_seconds} s floor between messages looks automated to WhatsApp; 20 s or more is safer.`);
  return out;
};
