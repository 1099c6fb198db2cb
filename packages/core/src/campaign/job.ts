import { conflict, notFound } from "../error";
import { looksLikeId } from "../id";
import { monthKey } from "../plan";
import { iso, type Job, type Store } from "../port";

/** A job as the API shows it: MoltFlow's fields plus ours, without the internal planning state. */
export const view = (j: Job) => ({
  id: j.id,
  session_id: j.session_id,
  custom_group_id: j.custom_group_id,
  message_type: j.message_type,
  message_content: j.message_content,
  media_url: j.media_url,
  status: j.status,
  pause_reason: j.pause_reason ?? null,
  total_recipients: j.total_recipients,
  sent_count: j.sent_count,
  failed_count: j.failed_count,
  skipped_count: j.skipped_count,
  delivered_count: j.delivered_count,
  read_count: j.read_count,
  cancelled_count: j.cancelled_count,
  unknown_count: j.unknown_count,
  pending_count: j.pending_count + Math.max(0, j.total_recipients - (j.snapshot_count ?? j.total_recipients)),
  min_delay_seconds: j.min_delay_seconds,
  max_delay_seconds: j.max_delay_seconds,
  daily_limit: j.daily_limit,
  send_window: j.send_window,
  start_at: j.start_at,
  max_consecutive_failures: j.max_consecutive_failures,
  scheduled_message_id: j.scheduled_message_id ?? null,
  created_at: j.created_at,
  started_at: j.started_at,
  completed_at: j.completed_at,
});
export type JobView = ReturnType<typeof view>;

/** A new job record: the API's defaults, nothing counted, nothing planned; `fields` override. */
export const jobRecord = (
  fields: Partial<Job> & Pick<Job, "id" | "tenant_id" | "session_id" | "custom_group_id" | "total_recipients" | "quota_held">,
  now: number,
): Job => ({
  message_type: "text",
  message_content: null,
  media_url: null,
  min_delay_seconds: 30,
  max_delay_seconds: 120,
  daily_limit: null,
  send_window: null,
  start_at: null,
  max_consecutive_failures: 10,
  status: "pending",
  pause_reason: null,
  created_at: iso(now),
  started_at: null,
  completed_at: null,
  scheduled_message_id: null,
  origin: "api",
  pending_count: 0,
  sent_count: 0,
  delivered_count: 0,
  read_count: 0,
  failed_count: 0,
  skipped_count: 0,
  cancelled_count: 0,
  unknown_count: 0,
  snapshot_done: false,
  snapshot_count: 0,
  plan_epoch: 0,
  plan_cursor: null,
  plan_done: false,
  quota_month: monthKey(now),
  consecutive_failures: 0,
  ...fields,
});

export const get = async (store: Store, tenantId: string, id: string, consistent = false) => {
  const j = looksLikeId("bulk", id) ? await store.jobs.get(tenantId, id, consistent) : undefined;
  if (!j) throw notFound("bulk_send", id);
  return j;
};

export const ref = (j: Pick<Job, "tenant_id" | "id" | "quota_month">) => ({ tenant_id: j.tenant_id, id: j.id, quota_month: j.quota_month });

export const FINAL: Job["status"][] = ["completed", "cancelled", "failed"];

export const stateConflict = (j: Job, action: string) =>
  conflict("bulk_send.invalid_state", `Cannot ${action} a bulk send that is ${j.status}.`, { status: j.status });
