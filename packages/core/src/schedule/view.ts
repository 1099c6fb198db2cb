import * as z from "zod";
import { TimedView } from "../timing";

export const ScheduledMessageView = TimedView.extend({
  session_id: z.string(),
  custom_group_id: z.string(),
  message_type: z.enum(["text", "media"]),
  message_content: z.string().nullable(),
  media_url: z.string().nullable(),
  min_delay_seconds: z.number().int().nullable(),
  max_delay_seconds: z.number().int().nullable(),
  daily_limit: z.number().int().nullable(),
  send_window: z.object({ start: z.string(), end: z.string(), timezone: z.string() }).nullable(),
  max_consecutive_failures: z.number().int().nullable(),
});
export type ScheduledMessageView = z.infer<typeof ScheduledMessageView>;

export const ScheduleRunView = z.object({
  run_at: z.string(),
  status: z.enum(["running", "created", "failed", "skipped"]),
  bulk_send_id: z.string().nullable(),
  error: z.string().nullable(),
  created_at: z.string(),
});
