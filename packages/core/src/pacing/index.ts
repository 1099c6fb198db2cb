import { DateTime } from "luxon";
import type { SendWindow } from "../job/port";
import type { SlotState } from "../session/port";

export * from "./policy";

export interface PacingOptions {
  now: number;
  /** How many slots are wanted. */
  count: number;
  minMs: number;
  maxMs: number;
  dailyLimit: number | null;
  window: SendWindow | null;
  /** Slots later than now + horizon are not reserved (SQS delays reach 15 minutes). */
  horizonMs: number;
  random?: () => number;
}

const parseHm = (hm: string) => {
  const [h, m] = hm.split(":").map(Number);
  return { hour: h ?? 0, minute: m ?? 0 };
};

/** The first instant ≥ t inside the send window (the window may wrap midnight, e.g. 20:00–06:00). */
export const intoWindow = (t: number, w: SendWindow | null): number => {
  if (!w) return t;
  const local = DateTime.fromMillis(t, { zone: w.timezone });
  const start = local.set({ ...parseHm(w.start), second: 0, millisecond: 0 });
  const end = local.set({ ...parseHm(w.end), second: 0, millisecond: 0 });
  if (start <= end) {
    if (local < start) return start.toMillis();
    if (local >= end) return start.plus({ days: 1 }).toMillis();
    return t;
  }
  // Wrapping window: open from start to midnight and from midnight to end.
  if (local >= end && local < start) return start.toMillis();
  return t;
};

const dayOf = (t: number, zone: string) => DateTime.fromMillis(t, { zone }).toISODate() ?? "";

/** Start of the next day in `zone`, then into the window. */
const nextDay = (t: number, w: SendWindow | null, zone: string) => intoWindow(DateTime.fromMillis(t, { zone }).plus({ days: 1 }).startOf("day").toMillis(), w);

/**
 * Reserves consecutive send slots on a session's timeline: a random gap in [min, max] after the
 * previous slot (or now, if the session has been idle longer), inside the send window, at most
 * `dailyLimit` per day. Pure: the caller stores the returned state with a conditional write.
 */
export const reserveSlots = (
  state: SlotState,
  o: PacingOptions,
): { slots: number[]; state: SlotState; nextAt: number | null; nextReason: "send_window" | "daily_cap" | null } => {
  const random = o.random ?? Math.random;
  const zone = o.window?.timezone ?? "UTC";
  let last = state.last_slot_at;
  let day = state.slot_day;
  let dayCount = state.slot_day_count;
  const slots: number[] = [];
  let nextAt: number | null = null;
  let nextReason: "send_window" | "daily_cap" | null = null;
  while (slots.length < o.count) {
    const gap = Math.min(o.maxMs, o.minMs + Math.floor(random() * (o.maxMs - o.minMs + 1)));
    const wanted = last === null ? o.now : Math.max(o.now, last + gap);
    let t = intoWindow(wanted, o.window);
    let why: "send_window" | "daily_cap" | null = t > wanted ? "send_window" : null;
    for (let guard = 0; guard < 400; guard++) {
      const d = dayOf(t, zone);
      const count = d === day ? dayCount : 0;
      if (o.dailyLimit === null || count < o.dailyLimit) break;
      t = nextDay(t, o.window, zone);
      why = "daily_cap";
    }
    if (t > o.now + o.horizonMs) {
      nextAt = t;
      nextReason = why;
      break;
    }
    const d = dayOf(t, zone);
    dayCount = d === day ? dayCount + 1 : 1;
    day = d;
    last = t;
    slots.push(t);
  }
  return { slots, state: { last_slot_at: last, slot_day: day, slot_day_count: dayCount }, nextAt, nextReason };
};
