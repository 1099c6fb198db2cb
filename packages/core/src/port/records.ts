import type { PlanId } from "../plan";
import type { SessionStatus, WaParticipant } from "./transport";

/** Records as the store keeps them and the API shows them (snake_case, ISO timestamps). */

export interface Tenant {
  id: string;
  name: string;
  plan: PlanId;
  created_at: string;
}

export const SCOPES = [
  "custom-groups:read",
  "custom-groups:manage",
  "bulk-send:read",
  "bulk-send:manage",
  "scheduled:read",
  "scheduled:manage",
  "reports:read",
  "reports:manage",
  "sessions:read",
  "sessions:manage",
] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKey {
  id: string;
  tenant_id: string;
  name: string;
  /** First characters of the key, to recognise it in lists; the key itself is never stored. */
  prefix: string;
  scopes: Scope[];
  created_at: string;
  revoked_at?: string;
}

export interface Group {
  id: string;
  name: string;
  description: string | null;
  member_count: number;
  created_at: string;
  updated_at: string;
}

export interface Member {
  phone: string;
  name: string | null;
  added_at: string;
}

export interface Contact {
  phone: string;
  name: string | null;
  session_ids: string[];
  group_ids: string[];
}

export interface WaGroupRecord {
  wa_group_id: string;
  session_id: string;
  name: string;
  participant_count: number;
  participants: WaParticipant[];
  updated_at: string;
}

export interface Session {
  id: string;
  tenant_id: string;
  name: string;
  status: SessionStatus;
  status_reason: string | null;
  phone: string | null;
  transport: "sandbox" | "baileys";
  desired: "running" | "stopped";
  qr: string | null;
  qr_png_data_url: string | null;
  pairing_code: string | null;
  created_at: string;
  updated_at: string;
  /** Pacing: epoch ms of the last reserved send slot of this session. */
  last_slot_at?: number;
  /** Pacing: day (`yyyy-mm-dd` in the limit's zone) and slots reserved on it. */
  slot_day?: string;
  slot_day_count?: number;
}

export interface SendWindow {
  start: string;
  end: string;
  timezone: string;
}

export type JobStatus = "pending" | "running" | "paused" | "completed" | "cancelled" | "failed";
export type RecipientStatus = "pending" | "sending" | "sent" | "delivered" | "read" | "failed" | "skipped" | "cancelled" | "unknown";

export interface JobCounts {
  total_recipients: number;
  pending_count: number;
  sent_count: number;
  delivered_count: number;
  read_count: number;
  failed_count: number;
  skipped_count: number;
  cancelled_count: number;
  unknown_count: number;
}

export interface Job extends JobCounts {
  id: string;
  tenant_id: string;
  session_id: string;
  /** Null for direct sends (a report delivered by WhatsApp). */
  custom_group_id: string | null;
  /** Who created it: the API, a scheduled message, or a report delivery (not listed as a bulk send). */
  origin: "api" | "schedule" | "report";
  direct_recipients?: { phone: string; name: string | null }[];
  message_type: "text" | "media";
  message_content: string | null;
  media_url: string | null;
  min_delay_seconds: number;
  max_delay_seconds: number;
  daily_limit: number | null;
  send_window: SendWindow | null;
  start_at: string | null;
  max_consecutive_failures: number;
  status: JobStatus;
  pause_reason: "user" | "failures" | "session" | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  scheduled_message_id: string | null;
  /** Internal: snapshot done, planning epoch and cursor, quota held, failures in a row. */
  snapshot_done: boolean;
  plan_epoch: number;
  plan_cursor: string | null;
  plan_done: boolean;
  quota_held: number;
  quota_month: string;
  consecutive_failures: number;
  snapshot_cursor?: string | null;
  snapshot_count?: number;
  snapshot_settled?: boolean;
  /** Epoch ms by which the job should have shown activity; past it (plus grace) its queued messages are presumed lost. */
  watch_at?: number;
}

export interface Recipient {
  phone: string;
  name: string | null;
  status: RecipientStatus;
  attempts: number;
  sent_at: string | null;
  error: string | null;
  message_id: string | null;
  lease_until?: number;
}

export interface OptOut {
  phone: string;
  source: "api" | "inbound";
  created_at: string;
}

export interface Usage {
  month: string;
  total_messages: number;
  reserved_messages: number;
}

export type ScheduleStatus = "active" | "paused" | "cancelled" | "completed";

/** Fields shared by everything that runs on a recurrence (scheduled messages and reports). */
export interface TimedRecord {
  id: string;
  tenant_id: string;
  name: string;
  status: ScheduleStatus;
  schedule_type: "one_time" | "daily" | "weekly" | "monthly" | "cron";
  timezone: string;
  scheduled_time: string | null;
  cron_expression: string | null;
  time_of_day: string | null;
  days_of_week: ("sun" | "mon" | "tue" | "wed" | "thu" | "fri" | "sat")[] | null;
  day_of_month: number | null;
  next_run_at: string | null;
  last_run_at: string | null;
  run_count: number;
  created_at: string;
  updated_at: string;
}

export interface ScheduledMessage extends TimedRecord {
  session_id: string;
  custom_group_id: string;
  message_type: "text" | "media";
  message_content: string | null;
  media_url: string | null;
  min_delay_seconds: number | null;
  max_delay_seconds: number | null;
  daily_limit: number | null;
  send_window: SendWindow | null;
  max_consecutive_failures: number | null;
}

export interface ScheduleRun {
  run_at: string;
  status: "running" | "created" | "failed";
  bulk_send_id: string | null;
  error: string | null;
  created_at: string;
}

export const TEMPLATE_IDS = ["bulk_send_progress", "scheduled_messages_status", "usage_plan", "session_health", "daily_activity"] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];
export const PERIODS = ["last_day", "last_7_days", "last_30_days", "since_last_run"] as const;
export type Period = (typeof PERIODS)[number];

export interface Report extends TimedRecord {
  template_id: TemplateId;
  delivery_method: "dashboard" | "whatsapp";
  session_id: string | null;
  recipient_phone: string | null;
  period: Period;
}

export interface Delivery {
  method: "dashboard" | "whatsapp";
  status: "kept" | "queued" | "failed";
  to: string | null;
  bulk_send_id: string | null;
  error: string | null;
}

export interface Execution {
  id: string;
  report_id: string;
  template_id: TemplateId;
  generated_at: string;
  period_start: string;
  period_end: string;
  data: Record<string, unknown>;
  text: string;
  delivery: Delivery;
}

export interface ReportRun {
  run_at: string;
  status: "running" | "done";
  execution_id: string | null;
  created_at: string;
}

/** A message the sandbox transport sent (local only): its outbox row. */
export interface SandboxMessage {
  id: string;
  session_id: string;
  to: string;
  type: "text" | "media";
  text: string | null;
  media_url: string | null;
  sent_at: string;
  status: "sent" | "delivered" | "read";
}
