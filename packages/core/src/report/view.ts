import * as z from "zod";
import { TimedView } from "../timing";
import { PERIODS, TEMPLATE_IDS } from "./port";

export const ReportView = TimedView.extend({
  template_id: z.enum(TEMPLATE_IDS),
  delivery_method: z.enum(["dashboard", "whatsapp"]),
  session_id: z.string().nullable(),
  recipient_phone: z.string().nullable(),
  period: z.enum(PERIODS),
  threshold_hours: z.number().nullable(),
});
export type ReportView = z.infer<typeof ReportView>;

export const ExecutionView = z.object({
  id: z.string(),
  report_id: z.string(),
  template_id: z.enum(TEMPLATE_IDS),
  generated_at: z.string(),
  period_start: z.string(),
  period_end: z.string(),
  data: z.record(z.string(), z.unknown()),
  text: z.string(),
  delivery: z.object({
    method: z.enum(["dashboard", "whatsapp"]),
    status: z.enum(["kept", "queued", "failed"]),
    to: z.string().nullable(),
    bulk_send_id: z.string().nullable(),
    error: z.string().nullable(),
  }),
});
