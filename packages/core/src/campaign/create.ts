import { DateTime } from "luxon";
import type { Deps } from "../deps";
import { conflict, DomainError, unprocessable } from "../error";
import * as Group from "../group";
import { monthKey, PLANS } from "../plan";
import { iso, type Job, type SendWindow } from "../port";
import * as Session from "../session";
import { get, view } from "./job";
import { snapshot } from "./snapshot";

export interface CreateInput {
  session_id: string;
  custom_group_id: string;
  message_type?: "text" | "media";
  message_content?: string | null;
  media_url?: string | null;
  min_delay_seconds?: number;
  max_delay_seconds?: number;
  daily_limit?: number | null;
  send_window?: SendWindow | null;
  start_at?: string | null;
  max_consecutive_failures?: number;
}

/** Groups up to this size are snapshotted inside the request; bigger ones by the events consumer. */
export const INLINE_SNAPSHOT = 1000;

export const validZone = (zone: string) => DateTime.now().setZone(zone).isValid;

/** Checks the rules a schema cannot express; throws 422 with a message that says what to change. */
export const checkContent = (input: CreateInput) => {
  const type = input.message_type ?? (input.media_url && !input.message_content ? "media" : "text");
  if (type === "media" && !input.media_url) throw unprocessable("request.missing_field", "media_url is required when message_type is media.");
  if (!input.message_content && !input.media_url) {
    throw unprocessable("request.missing_field", "message_content is required unless media_url is given.");
  }
  const min = input.min_delay_seconds ?? 30;
  const max = input.max_delay_seconds ?? 120;
  if (min > max) throw unprocessable("bulk_send.invalid_delays", `min_delay_seconds (${min}) must not exceed max_delay_seconds (${max}).`);
  const w = input.send_window;
  if (w) {
    if (!validZone(w.timezone)) throw unprocessable("send_window.invalid_timezone", `Unknown time zone "${w.timezone}"; use an IANA name like Asia/Shanghai.`);
    if (w.start === w.end) throw unprocessable("send_window.empty", "send_window.start and send_window.end must differ.");
  }
  return { type, min, max };
};

/**
 * Creates a bulk send: checks ownership, plan and quota, reserves the month's messages, snapshots the
 * group's members into recipients, and hands the job to the planner.
 */
export const create = async (d: Deps, tenantId: string, input: CreateInput, opts: { scheduledMessageId?: string; jobId?: string } = {}) => {
  if (opts.jobId) {
    const existing = await d.store.jobs.get(tenantId, opts.jobId, true);
    if (existing) return view(existing);
  }
  const tenant = await d.store.tenants.get(tenantId);
  if (!tenant) throw new DomainError("unauthorized", "auth.unknown_tenant", "The key's tenant no longer exists.");
  const plan = PLANS[tenant.plan];
  if (!plan.bulk_send) {
    throw new DomainError("forbidden", "plan.feature_unavailable", `Bulk send is not included in the ${tenant.plan} plan; upgrade to starter or above.`, {
      feature: "bulk_send",
    });
  }
  const { type, min, max } = checkContent(input);
  const now = d.clock.now();
  const startAt = input.start_at ? Date.parse(input.start_at) : null;
  const session = await Session.get(d, tenantId, input.session_id, true);
  if (session.status !== "working" && !(startAt && startAt > now)) {
    throw conflict("session.not_working", `Session ${session.id} is ${session.status}; it must be working to send.`, { status: session.status });
  }
  const group = await Group.get(d, tenantId, input.custom_group_id, true);

  // Small groups: read members and opt-outs now, so the reservation excludes opted-out numbers exactly.
  let reserve = group.member_count;
  if (group.member_count <= INLINE_SNAPSHOT) {
    const phones: string[] = [];
    for await (const m of d.store.groups.members(group.id)) phones.push(m.phone);
    const opted = await d.store.recipients.optedOut(tenantId, phones);
    reserve = phones.length - opted.size;
  }
  const month = monthKey(now);
  const job: Job = {
    id: opts.jobId ?? d.ids.next("bulk"),
    tenant_id: tenantId,
    session_id: session.id,
    custom_group_id: group.id,
    message_type: type as Job["message_type"],
    message_content: input.message_content ?? null,
    media_url: input.media_url ?? null,
    min_delay_seconds: min,
    max_delay_seconds: max,
    daily_limit: input.daily_limit ?? null,
    send_window: input.send_window ?? null,
    start_at: startAt ? iso(startAt) : null,
    max_consecutive_failures: input.max_consecutive_failures ?? 10,
    status: "pending",
    pause_reason: null,
    created_at: iso(now),
    started_at: null,
    completed_at: null,
    scheduled_message_id: opts.scheduledMessageId ?? null,
    total_recipients: group.member_count,
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
    quota_held: reserve,
    quota_month: month,
    consecutive_failures: 0,
  };
  const created = await d.store.jobs.create(job, reserve, plan.messages_per_month);
  if (created === "exists") return view(await get(d.store, tenantId, job.id, true));
  if (created === "quota") {
    const usage = await d.store.tenants.usage(tenantId, month);
    const limit = plan.messages_per_month ?? 0;
    const used = usage.total_messages + usage.reserved_messages;
    throw new DomainError(
      "forbidden",
      "plan.monthly_limit",
      `This send needs ${reserve} messages but only ${Math.max(0, limit - used)} remain in this month's plan (${limit}).`,
      { limit, used, remaining: Math.max(0, limit - used), required: reserve },
    );
  }
  // The queued snapshot message finishes the work if this process dies before the inline snapshot does.
  await d.queue.send("events", [{ body: { type: "job.snapshot", tenant_id: tenantId, job_id: job.id } }]);
  if (group.member_count <= INLINE_SNAPSHOT) await snapshot(d, tenantId, job.id, { budgetMs: 10_000 });
  return view(await get(d.store, tenantId, job.id, true));
};
