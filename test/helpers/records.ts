import type { Job, Session } from "../../packages/core/src/port";

/** A bulk-send job record as the store keeps it, for tests that write one directly. */
export const jobRecord = (over: Partial<Job> & Pick<Job, "id" | "tenant_id">): Job => ({
  session_id: "ses_1",
  custom_group_id: "grp_1",
  origin: "api",
  message_type: "text",
  message_content: "hi",
  media_url: null,
  min_delay_seconds: 0,
  max_delay_seconds: 0,
  daily_limit: null,
  send_window: null,
  start_at: null,
  max_consecutive_failures: 10,
  status: "running",
  pause_reason: null,
  created_at: new Date().toISOString(),
  started_at: null,
  completed_at: null,
  scheduled_message_id: null,
  total_recipients: 0,
  pending_count: 0,
  sent_count: 0,
  delivered_count: 0,
  read_count: 0,
  failed_count: 0,
  skipped_count: 0,
  cancelled_count: 0,
  unknown_count: 0,
  snapshot_done: false,
  plan_epoch: 0,
  plan_cursor: null,
  plan_done: false,
  quota_held: 0,
  quota_month: new Date().toISOString().slice(0, 7),
  consecutive_failures: 0,
  ...over,
});

/** A session record as the store keeps it. */
export const sessionRecord = (over: Partial<Session> & Pick<Session, "id" | "tenant_id">): Session => {
  const now = new Date().toISOString();
  return {
    name: "test",
    status: "starting",
    status_reason: null,
    phone: null,
    transport: "baileys",
    desired: "running",
    qr: null,
    qr_png_data_url: null,
    pairing_code: null,
    created_at: now,
    updated_at: now,
    ...over,
  };
};
