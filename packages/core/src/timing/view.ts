import * as z from "zod";

/** The public fields every timed record shows (scheduled messages and reports). */
export const TimedView = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(["active", "paused", "cancelled", "completed"]),
  schedule_type: z.enum(["one_time", "daily", "weekly", "monthly", "cron"]),
  timezone: z.string(),
  scheduled_time: z.string().nullable(),
  cron_expression: z.string().nullable(),
  time_of_day: z.string().nullable(),
  days_of_week: z.array(z.enum(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])).nullable(),
  day_of_month: z.number().int().nullable(),
  next_run_at: z.string().nullable(),
  last_run_at: z.string().nullable(),
  run_count: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});
