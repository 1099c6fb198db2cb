import { Cron } from "croner";
import { DateTime } from "luxon";
import { unprocessable } from "../error";

export const SCHEDULE_TYPES = ["one_time", "daily", "weekly", "monthly", "cron"] as const;
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When something runs: MoltFlow's `cron_expression`, or our `time_of_day` / `days_of_week` / `day_of_month`. */
export interface Timing {
  schedule_type: ScheduleType;
  timezone: string;
  scheduled_time?: string | null;
  cron_expression?: string | null;
  time_of_day?: string | null;
  days_of_week?: Weekday[] | null;
  day_of_month?: number | null;
}

/** A recurring schedule may not fire more often than this. */
export const MIN_INTERVAL_MS = 5 * 60_000;

const bad = (message: string) => unprocessable("schedule.invalid", message);

const zoneOk = (zone: string) => DateTime.now().setZone(zone).isValid;

const cron = (pattern: string, timezone: string) => {
  try {
    return new Cron(pattern, { timezone, mode: "5-part", paused: true });
  } catch (e) {
    throw bad(`cron_expression "${pattern}" is not a valid 5-field cron expression (${(e as Error).message.replace(/^CronPattern: /, "")}).`);
  }
};

const hm = (t: string) => {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(t);
  if (!m) throw bad(`time_of_day must be HH:MM (24 h), got "${t}".`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
};

/** A compiled recurrence: the next run strictly after an instant, or null when it never runs again. */
export interface Recurrence {
  next(afterMs: number): number | null;
}

const fromCron = (c: Cron): Recurrence => ({
  next: (after) => c.nextRun(new Date(after))?.getTime() ?? null,
});

/**
 * Monthly on `day` at `hour:minute`; a month without that day runs on its last day
 * (day 31 → 30 April, 28/29 February).
 */
const monthly = (day: number, hour: number, minute: number, zone: string): Recurrence => {
  const exact = cron(`${minute} ${hour} ${day} * *`, zone);
  const last = cron(`${minute} ${hour} L * *`, zone);
  return {
    next(after) {
      const a = exact.nextRun(new Date(after))?.getTime() ?? null;
      let b: number | null = null;
      let from = new Date(after);
      for (let i = 0; i < 24 && day > 28; i++) {
        const cand = last.nextRun(from);
        if (!cand) break;
        if (DateTime.fromJSDate(cand, { zone }).daysInMonth! < day) {
          b = cand.getTime();
          break;
        }
        from = cand;
      }
      if (a === null) return b;
      if (b === null) return a;
      return Math.min(a, b);
    },
  };
};

/** Parses `scheduled_time`: with `Z` or an offset it is that instant, without one a local time in `zone`. */
export const parseScheduledTime = (value: string, zone: string): number => {
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim());
  const dt = hasOffset ? DateTime.fromISO(value, { setZone: true }) : DateTime.fromISO(value, { zone });
  if (!dt.isValid) throw bad(`scheduled_time "${value}" is not an ISO 8601 date-time.`);
  return dt.toMillis();
};

/**
 * Compiles and checks a timing. Refuses (422) an unknown time zone, a malformed or impossible cron,
 * a recurrence firing more often than every 5 minutes. `one_time` in the past is the caller's check
 * (it depends on now).
 */
export const compile = (t: Timing, now: number = Date.now()): Recurrence => {
  if (!zoneOk(t.timezone)) throw bad(`Unknown time zone "${t.timezone}"; use an IANA name such as Europe/London.`);
  if (t.schedule_type === "one_time") {
    if (!t.scheduled_time) throw unprocessable("request.missing_field", "scheduled_time is required for one_time schedules.");
    const at = parseScheduledTime(t.scheduled_time, t.timezone);
    return { next: (after) => (at > after ? at : null) };
  }
  let rec: Recurrence;
  if (t.cron_expression) {
    rec = fromCron(cron(t.cron_expression.trim(), t.timezone));
  } else {
    if (!t.time_of_day) {
      throw unprocessable(
        "request.missing_field",
        `A ${t.schedule_type} schedule needs cron_expression, or time_of_day (HH:MM)${t.schedule_type === "weekly" ? " with days_of_week" : t.schedule_type === "monthly" ? " with day_of_month" : ""}.`,
      );
    }
    if (t.schedule_type === "cron") throw unprocessable("request.missing_field", "A cron schedule needs cron_expression.");
    const { hour, minute } = hm(t.time_of_day);
    if (t.schedule_type === "daily") rec = fromCron(cron(`${minute} ${hour} * * *`, t.timezone));
    else if (t.schedule_type === "weekly") {
      if (!t.days_of_week?.length) throw unprocessable("request.missing_field", 'A weekly schedule needs days_of_week, e.g. ["mon","thu"].');
      const days = [...new Set(t.days_of_week)].map((d) => WEEKDAYS.indexOf(d)).sort();
      rec = fromCron(cron(`${minute} ${hour} * * ${days.join(",")}`, t.timezone));
    } else {
      const day = t.day_of_month;
      if (!day) throw unprocessable("request.missing_field", "A monthly schedule needs day_of_month (1–31).");
      rec = monthly(day, hour, minute, t.timezone);
    }
  }
  return checked(rec, now);
};

/** Refuses a recurrence that never fires or fires more often than every 5 minutes (checked over its next 200 runs). */
const checked = (rec: Recurrence, now: number): Recurrence => {
  let prev = rec.next(now);
  if (prev === null) throw bad("This schedule can never fire (e.g. 31 February); check the day and month fields.");
  for (let i = 0; i < 200; i++) {
    const n = rec.next(prev);
    if (n === null) break;
    if (n - prev < MIN_INTERVAL_MS) {
      throw bad(
        `This schedule fires more often than every 5 minutes (runs ${Math.round((n - prev) / 60000)} min apart); recurring schedules may run at most every 5 minutes.`,
      );
    }
    prev = n;
  }
  return rec;
};
