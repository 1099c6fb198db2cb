import { DateTime } from "luxon";
import * as z from "zod";
import { unprocessable } from "../error";
import { iso } from "../port";
import { compile, type Timing } from "../timing";

/** The most runs one preview lists. */
export const MAX_PREVIEW_RUNS = 20;

/** What a preview shows of one run: the instant, and the same instant on the schedule's own clock. */
export const PreviewRunView = z.object({
  run_at: z.string(),
  local_time: z.string(),
});

export const SchedulePreviewView = z.object({
  schedule_type: z.enum(["one_time", "daily", "weekly", "monthly", "cron"]),
  timezone: z.string(),
  runs: z.array(PreviewRunView),
});
export type SchedulePreviewView = z.infer<typeof SchedulePreviewView>;

/**
 * The next `count` runs of a timing after `now`, by the same recurrence rules that arm the timers
 * (`compile`), so a client shows exactly what the server will do. The same refusals as creating a
 * schedule: an unknown zone, a bad cron, more often than every 5 minutes, a one_time in the past
 * (all 422).
 */
export const previewRuns = (t: Timing, now: number, count = 5): SchedulePreviewView => {
  const rec = compile(t, now);
  const runs: { run_at: string; local_time: string }[] = [];
  let after = now;
  for (let i = 0; i < Math.min(count, MAX_PREVIEW_RUNS); i++) {
    const next = rec.next(after);
    if (next === null) break;
    runs.push({ run_at: iso(next), local_time: DateTime.fromMillis(next, { zone: t.timezone }).toISO({ suppressMilliseconds: true }) ?? iso(next) });
    after = next;
  }
  if (runs.length === 0) {
    throw unprocessable(
      "schedule.in_the_past",
      t.schedule_type === "one_time" ? `scheduled_time ${t.scheduled_time} is in the past.` : "This schedule has no future run.",
    );
  }
  return { schedule_type: t.schedule_type, timezone: t.timezone, runs };
};
