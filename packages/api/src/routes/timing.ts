import * as z from "../openapi/z";

/** Timing fields shared by scheduled messages and reports. */
export const TimingFields = {
  schedule_type: z.enum(["one_time", "daily", "weekly", "monthly", "cron"]),
  timezone: z.string().min(1).max(64).optional().openapi({ example: "Asia/Shanghai" }),
  scheduled_time: z.string().max(64).nullish().openapi({ example: "2026-02-15T09:00:00" }),
  cron_expression: z.string().max(200).nullish().openapi({ example: "0 9 * * MON-FRI" }),
  time_of_day: z.string().max(5).nullish().openapi({ example: "09:00" }),
  days_of_week: z
    .array(z.enum(["sun", "mon", "tue", "wed", "thu", "fri", "sat"]))
    .max(7)
    .nullish(),
  day_of_month: z.number().int().min(1).max(31).nullish(),
};
