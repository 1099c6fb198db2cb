import * as z from "zod";
import { INBOUND_MEDIA_TYPES } from "../conversation/port";
import { MONITOR_MODES } from "./port";

/** A monitored group as the API shows it: MoltFlow's fields and counts, plus *(ours)* `keyword_matches` and `matches_by_keyword`. */
export const MonitoredGroupView = z.object({
  id: z.string(),
  session_id: z.string(),
  wa_group_id: z.string(),
  name: z.string(),
  monitor_mode: z.enum(MONITOR_MODES),
  monitor_keywords: z.array(z.string()),
  is_active: z.boolean(),
  /** Messages stored from the group (while active). */
  messages_processed: z.number().int(),
  /** Messages that matched at least one keyword. */
  keyword_matches: z.number().int(),
  matches_by_keyword: z.record(z.string(), z.number().int()),
  leads_detected: z.number().int(),
  /** Accepted, stored and echoed; Outreach does not act on these (no auto-responses, labels or per-group webhooks). */
  auto_respond: z.boolean(),
  auto_label_leads: z.boolean(),
  monitor_prompt: z.string().nullable(),
  response_template: z.string().nullable(),
  lead_label_id: z.string().nullable(),
  webhook_url: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type MonitoredGroupView = z.infer<typeof MonitoredGroupView>;

/** *(ours)* A stored message of a monitored group. */
export const GroupMessageView = z.object({
  id: z.string(),
  group_id: z.string(),
  wa_group_id: z.string(),
  session_id: z.string(),
  from: z.string().nullable(),
  from_lid: z.string().nullable(),
  name: z.string().nullable(),
  text: z.string(),
  media_type: z.enum(INBOUND_MEDIA_TYPES).nullable(),
  matched_keywords: z.array(z.string()),
  timestamp: z.string(),
});
export type GroupMessageView = z.infer<typeof GroupMessageView>;

/** A WhatsApp group of a session, and whether it is monitored (`GET /groups/available/{session_id}`). */
export const AvailableGroupView = z.object({
  wa_group_id: z.string(),
  session_id: z.string(),
  name: z.string(),
  participant_count: z.number().int(),
  monitored: z.boolean(),
  monitored_group_id: z.string().nullable(),
});
export type AvailableGroupView = z.infer<typeof AvailableGroupView>;
