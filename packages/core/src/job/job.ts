import type { Uses } from "../deps";
import { conflict, notFound } from "../error";
import { looksLikeId } from "../id";
import { monthKey } from "../plan";
import { iso, type PageRequest } from "../port";
import type { Job, JobStatus, Recipient, RecipientStatus } from "./port";
import type { BulkSendView, ProgressView, RecipientView } from "./view";

/** What this module uses. */
type D = Uses<"jobs" | "recipients">;

/** A job as the API shows it: MoltFlow's fields plus ours, without the internal planning state. */
export const view = (j: Job): BulkSendView => ({
  id: j.id,
  name: j.name ?? null,
  session_id: j.session_id,
  custom_group_id: j.custom_group_id,
  message_type: j.message_type,
  message_content: j.message_content,
  media_url: j.media_url,
  status: j.status,
  pause_reason: j.pause_reason ?? null,
  pause_detail: j.pause_detail ?? null,
  restricted_until: j.restricted_until ?? null,
  total_recipients: j.total_recipients,
  sent_count: j.sent_count,
  failed_count: j.failed_count,
  skipped_count: j.skipped_count,
  delivered_count: j.delivered_count,
  read_count: j.read_count,
  cancelled_count: j.cancelled_count,
  unknown_count: j.unknown_count,
  pending_count: j.pending_count + Math.max(0, j.total_recipients - (j.snapshot_count ?? j.total_recipients)),
  replied_count: j.replied_count ?? 0,
  reply_rate: rate(j.replied_count ?? 0, j.sent_count),
  opted_out_count: j.opted_out_count ?? 0,
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
  effective_min_gap_seconds: j.pace?.min_gap_seconds ?? j.min_delay_seconds,
  estimated_finish_at: estimatedFinish(j),
  waiting_reason: j.waiting_reason ?? null,
  next_send_at: j.next_send_at ? iso(j.next_send_at) : null,
});
export type JobView = ReturnType<typeof view>;

/** `part / whole` rounded to 4 decimals; 0 when nothing was sent. */
export const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10000) / 10000 : 0);

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
  sent_days: {},
  plan_cursor: null,
  plan_done: false,
  quota_month: monthKey(now),
  consecutive_failures: 0,
  ...fields,
});

export const get = async (store: D["store"], tenantId: string, id: string, consistent = false) => {
  const j = looksLikeId("bulk", id) ? await store.jobs.get(tenantId, id, consistent) : undefined;
  if (!j) throw notFound("bulk_send", id);
  return j;
};

export const ref = (j: Pick<Job, "tenant_id" | "id" | "quota_month">) => ({ tenant_id: j.tenant_id, id: j.id, quota_month: j.quota_month });

export const FINAL: Job["status"][] = ["completed", "cancelled", "failed"];

export const stateConflict = (j: Job, action: string) =>
  conflict("bulk_send.invalid_state", `Cannot ${action} a bulk send that is ${j.status}.`, { status: j.status });

/** A recipient as the API shows it (`sending` is shown as `pending`: it has not been confirmed yet). */
export const publicRecipient = (r: Recipient): RecipientView => ({
  phone: r.phone,
  name: r.name ?? null,
  status: (r.status === "sending" ? "pending" : r.status) as Exclude<RecipientStatus, "sending">,
  attempts: r.attempts ?? 0,
  sent_at: r.sent_at ?? null,
  error: r.error ?? null,
  replied_at: r.replied_at ?? null,
});

/** MoltFlow's progress event plus our counts. */
/**
 * When the job should finish: its pending recipients at its effective pace (the session's policy
 * included) from its last send, or from when it waits until, or from its start.
 */
const estimatedFinish = (j: Job): string | null => {
  if (j.status !== "running" && j.status !== "pending") return null;
  const perMessage = j.pace?.per_message_ms ?? ((j.min_delay_seconds + j.max_delay_seconds) / 2) * 1000;
  const start = Math.max(j.next_send_at ?? 0, j.progress_at ?? 0, Date.parse(j.started_at ?? j.start_at ?? j.created_at) || 0);
  const pending = j.pending_count + Math.max(0, j.total_recipients - (j.snapshot_count ?? j.total_recipients));
  return iso(start + Math.max(0, pending - 1) * perMessage);
};

export const progress = (j: Job): ProgressView => {
  const v = view(j);
  return {
    sent: v.sent_count,
    total: v.total_recipients,
    failed: v.failed_count,
    status: v.status,
    skipped: v.skipped_count,
    delivered: v.delivered_count,
    read: v.read_count,
    pending: v.pending_count,
    cancelled: v.cancelled_count,
    unknown: v.unknown_count,
    waiting_reason: v.waiting_reason,
    next_send_at: v.next_send_at,
    estimated_finish_at: v.estimated_finish_at,
    replied: v.replied_count,
    reply_rate: v.reply_rate,
  };
};

export const isFinal = (j: Pick<Job, "status">) => FINAL.includes(j.status);

/** The tenant's bulk sends, newest first; report deliveries and single messages are not bulk sends and are not listed. */
export const list = async (d: D, tenantId: string, status: JobStatus | undefined, page: PageRequest) => {
  const p = await d.store.jobs.list(tenantId, status, page, { excludeOrigins: ["report", "message"] });
  return { jobs: p.items.map(view), next_cursor: p.next_cursor };
};

/** A page of a job's recipients as the API shows them; `pending` includes those being sent. */
export const recipients = async (d: D, tenantId: string, id: string, status: Exclude<RecipientStatus, "sending"> | undefined, page: PageRequest) => {
  const job = await get(d.store, tenantId, id);
  const statuses: RecipientStatus[] | undefined = status === "pending" ? ["pending", "sending"] : status ? [status] : undefined;
  const p = await d.store.recipients.list(job.id, statuses, page);
  return { job, recipients: p.items.map(publicRecipient), next_cursor: p.next_cursor };
};

/** A job with its counts and the first page of its recipients. */
export const detail = async (d: D, tenantId: string, id: string, page: PageRequest) => {
  const { job, recipients: r, next_cursor } = await recipients(d, tenantId, id, undefined, page);
  return { ...view(job), recipients: r, next_cursor };
};
