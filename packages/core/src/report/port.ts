import type { Page, PageRequest } from "../port/page";
import type { TimedRecord } from "../schedule/port";

export const TEMPLATE_IDS = [
  "bulk_send_progress",
  "scheduled_messages_status",
  "usage_plan",
  "session_health",
  "daily_activity",
  "unanswered_contacts",
  "vip_contacts",
  "lead_pipeline",
  "group_monitoring",
  "review_digest",
] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];
/** `unanswered_contacts` lists contacts who have waited at least this long (hours) unless the report says otherwise. */
export const DEFAULT_THRESHOLD_HOURS = 4;
export const PERIODS = ["last_day", "last_7_days", "last_30_days", "since_last_run"] as const;
export type Period = (typeof PERIODS)[number];

export interface Report extends TimedRecord {
  template_id: TemplateId;
  delivery_method: "dashboard" | "whatsapp";
  session_id: string | null;
  recipient_phone: string | null;
  period: Period;
  /** `unanswered_contacts`: how long a contact must have waited to be listed (hours; null = the default 4). */
  threshold_hours?: number | null;
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

export interface ExecutionRepo {
  put(e: Execution): Promise<boolean>;
  get(reportId: string, id: string): Promise<Execution | undefined>;
  list(reportId: string, page: PageRequest): Promise<Page<Execution>>;
  /** Deletes up to `max` executions of a deleted report; 0 when none are left. */
  purge(reportId: string, max: number): Promise<number>;
}
