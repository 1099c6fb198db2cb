import * as z from "zod";
import { LEAD_SOURCES, LEAD_STATUSES } from "./port";

/** A lead as the API shows it (MoltFlow's fields, plus *(ours)* the status history). */
export const LeadView = z.object({
  id: z.string(),
  contact_phone: z.string(),
  contact_name: z.string().nullable(),
  /** `5511999999999@c.us`, as MoltFlow's chat ids. */
  chat_id: z.string(),
  session_id: z.string(),
  source: z.enum(LEAD_SOURCES),
  source_group_id: z.string().nullable(),
  source_wa_group_id: z.string().nullable(),
  keyword: z.string().nullable(),
  job_id: z.string().nullable(),
  status: z.enum(LEAD_STATUSES),
  status_history: z.array(z.object({ status: z.enum(LEAD_STATUSES), at: z.string() })),
  created_at: z.string(),
  updated_at: z.string(),
  /** *(ours, issue 30)* The monitored group's auto-response: when it was queued, its message (`GET /messages/{id}`), or why it was not sent. */
  responded_at: z.string().nullable(),
  response_message_id: z.string().nullable(),
  response_error: z.string().nullable(),
});
export type LeadView = z.infer<typeof LeadView>;
