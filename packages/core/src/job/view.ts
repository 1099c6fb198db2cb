import * as z from "zod";
import { PacingPolicy } from "../pacing";

/**
 * The public shapes of a bulk send, one source for the HTTP API, its OpenAPI document and any typed
 * client: every field is listed (an allow-list), so an internal field added to the record stays inside.
 */
export const JOB_STATUSES = ["pending", "running", "paused", "completed", "cancelled", "failed"] as const;
export const PUBLIC_RECIPIENT_STATUSES = ["pending", "sent", "delivered", "read", "failed", "skipped", "cancelled", "unknown"] as const;

const Window = z.object({ start: z.string(), end: z.string(), timezone: z.string() });

export const BulkSendView = z.object({
  id: z.string(),
  /** *(ours)* The campaign's name, if it was given one (a scheduled message's runs carry its name). */
  name: z.string().nullable(),
  session_id: z.string(),
  custom_group_id: z.string().nullable(),
  message_type: z.enum(["text", "media"]),
  message_content: z.string().nullable(),
  media_url: z.string().nullable(),
  status: z.enum(JOB_STATUSES),
  pause_reason: z.enum(["user", "failures", "session", "restricted"]).nullable(),
  /** *(ours)* With `pause_reason: "restricted"`: what WhatsApp restricted and what to do. */
  pause_detail: z.string().nullable(),
  /** *(ours)* With `pause_reason: "restricted"`: when WhatsApp says the restriction ends, where it says so. */
  restricted_until: z.string().nullable(),
  total_recipients: z.number().int(),
  sent_count: z.number().int(),
  failed_count: z.number().int(),
  skipped_count: z.number().int(),
  delivered_count: z.number().int(),
  read_count: z.number().int(),
  cancelled_count: z.number().int(),
  unknown_count: z.number().int(),
  pending_count: z.number().int(),
  replied_count: z.number().int(),
  reply_rate: z.number(),
  /** *(ours)* Recipients who wrote STOP in answer to this bulk send (within the reply window of its message), once each. */
  opted_out_count: z.number().int(),
  min_delay_seconds: z.number().int(),
  max_delay_seconds: z.number().int(),
  daily_limit: z.number().int().nullable(),
  send_window: Window.nullable(),
  start_at: z.string().nullable(),
  max_consecutive_failures: z.number().int(),
  scheduled_message_id: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  /** *(ours)* The gap the job really gets: the stricter of its minimum delay and its session's pacing floor. */
  effective_min_gap_seconds: z.number().int(),
  /** *(ours)* When the job should finish at its effective pace from its last send (null unless pending or running). */
  estimated_finish_at: z.string().nullable(),
  /** *(ours)* Why the next message waits beyond its job's own delay: the session's burst limit, daily cap or warm-up, or the send window. */
  waiting_reason: z.enum(["burst", "daily_cap", "warmup", "send_window"]).nullable(),
  next_send_at: z.string().nullable(),
});
export type BulkSendView = z.infer<typeof BulkSendView>;

export const RecipientView = z.object({
  phone: z.string(),
  name: z.string().nullable(),
  status: z.enum(PUBLIC_RECIPIENT_STATUSES),
  attempts: z.number().int(),
  sent_at: z.string().nullable(),
  error: z.string().nullable(),
  replied_at: z.string().nullable(),
});
export type RecipientView = z.infer<typeof RecipientView>;

/** MoltFlow's progress event plus our counts. */
export const ProgressView = z.object({
  sent: z.number().int(),
  total: z.number().int(),
  failed: z.number().int(),
  status: z.enum(JOB_STATUSES),
  skipped: z.number().int(),
  delivered: z.number().int(),
  read: z.number().int(),
  pending: z.number().int(),
  cancelled: z.number().int(),
  unknown: z.number().int(),
  waiting_reason: z.enum(["burst", "daily_cap", "warmup", "send_window"]).nullable(),
  next_send_at: z.string().nullable(),
  estimated_finish_at: z.string().nullable(),
  replied: z.number().int(),
  reply_rate: z.number(),
});
export type ProgressView = z.infer<typeof ProgressView>;

/**
 * What a bulk send would do, before it is created (`POST /bulk-send/preview`, MCP `bulk_send_preview`):
 * recipients after opt-outs, the first rendered messages, quota, pacing and the estimated finish.
 */
export const BulkSendPreview = z.object({
  session_id: z.string(),
  session_status: z.string(),
  custom_group_id: z.string(),
  message_type: z.enum(["text", "media"]),
  members: z.number().int(),
  opted_out: z.number().int(),
  recipients: z.number().int(),
  counted_exactly: z.boolean(),
  sample: z.array(
    z.object({
      phone: z.string(),
      name: z.string().nullable(),
      text: z.string().nullable(),
      media_url: z.string().nullable(),
      /** *(ours)* The member's custom fields, when it has any. */
      fields: z.record(z.string(), z.string()).optional(),
      /** *(ours)* Placeholders in this message that came out blank or from their fallback. */
      fallbacks: z.number().int(),
    }),
  ),
  quota: z.object({
    would_use: z.number().int(),
    limit: z.number().int().nullable(),
    used: z.number().int(),
    remaining: z.number().int().nullable(),
    remaining_after: z.number().int().nullable(),
  }),
  pacing: z.object({
    min_delay_seconds: z.number().int(),
    max_delay_seconds: z.number().int(),
    daily_limit: z.number().int().nullable(),
    send_window: Window.nullable(),
    effective_min_gap_seconds: z.number().int(),
    session_policy: PacingPolicy,
    per_message_seconds: z.number(),
  }),
  starts_at: z.string(),
  estimated_finish_at: z.string().nullable(),
  can_send: z.boolean(),
  blocked_by: z.array(z.object({ code: z.string(), message: z.string() })),
  /** *(ours)* Where `sample` starts among the recipients matching `sample_query`. */
  sample_offset: z.number().int(),
  /** *(ours)* Recipients matching `sample_query` (all when none), among the members looked through (`looked_through`). */
  sample_matches: z.number().int(),
  /** *(ours)* Recipients whose message has a placeholder that came out blank or from its fallback (same scope as `sample_matches`). */
  fallback_count: z.number().int(),
  /** *(ours)* Members the search, sample and fallback count looked through: all of them, or the first 10,000 when not `counted_exactly`. */
  looked_through: z.number().int(),
  /** *(ours)* The custom field keys the recipients have, for `{{fields.key}}`. */
  fields: z.array(z.string()),
});
export type BulkSendPreview = z.infer<typeof BulkSendPreview>;
