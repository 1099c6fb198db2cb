import type { SendWindow } from "../job/port";
import type { Page, PageRequest } from "../port/page";

/** What runs on a recurrence; timers, their index and run histories are per kind. */
export type TimerKind = "schedule" | "report";

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
  /**
   * Set when an agent (MCP) created or resumed it: the key's `agent_max_recipients`, checked at every
   * run (a run that would reach more is skipped, with the reason).
   */
  agent_max_recipients?: number | null;
}

export interface ScheduleRun {
  run_at: string;
  status: "running" | "created" | "failed" | "skipped";
  bulk_send_id: string | null;
  error: string | null;
  created_at: string;
}

export interface TimedRepo<T extends TimedRecord> {
  create(r: T): Promise<void>;
  get(tenantId: string, id: string): Promise<T | undefined>;
  list(tenantId: string, page: PageRequest): Promise<Page<T>>;
  /** Replaces the record if it is still in one of `from` (and still due at `nextRunAt` when given). */
  replace(next: T, cond: { from: ScheduleStatus[]; nextRunAt?: string | null }): Promise<boolean>;
  delete(tenantId: string, id: string, from: ScheduleStatus[]): Promise<boolean>;
  /** Creates the record counted against the tenant's limit (`report_count` for reports), in one transaction. */
  createCounted(r: T, limit: number | null): Promise<"ok" | "limit">;
  deleteCounted(tenantId: string, id: string): Promise<boolean>;
}

export interface RunRepo<R extends { run_at: string }> {
  claim(parentId: string, run: R): Promise<{ first: boolean; run: R }>;
  update(parentId: string, runAt: string, patch: Partial<R>): Promise<void>;
  list(parentId: string, page: PageRequest): Promise<Page<R>>;
  latest(parentId: string, n: number): Promise<R[]>;
  /** Deletes up to `max` runs of a deleted record; 0 when none are left. */
  purge(parentId: string, max: number): Promise<number>;
}

export interface TimerIndex {
  /** Active records with a next run before `beforeIso` (all when omitted). */
  due(beforeIso?: string): Promise<{ kind: TimerKind; tenant_id: string; id: string; next_run_at: string }[]>;
}
