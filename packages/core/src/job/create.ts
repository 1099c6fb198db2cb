import { DateTime } from "luxon";
import type { Uses } from "../deps";
import { conflict, DomainError, unprocessable } from "../error";
import * as Group from "../group";
import { type NetPolicy, refuseForbiddenUrl } from "../net";
import { effectivePace } from "../pacing";
import { iso } from "../port";
import * as Session from "../session";
import { requireFeature, tenantPlan } from "../tenant";
import { get, jobRecord, view } from "./job";
import { snapshotMessage } from "./messages";
import type { Job, SendWindow } from "./port";
import { snapshot } from "./snapshot";

/** What this module uses. */
type D = Uses<"activity" | "contacts" | "groups" | "jobs" | "optouts" | "recipients" | "sessions" | "tenants" | "waGroups", "clock" | "ids" | "net" | "queue">;

export interface CreateInput {
  /** The campaign's name (ours), shown in lists, pages, report charts and webhooks. */
  name?: string | null;
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

/** MoltFlow's fixed "random 30 s–2 min" between two messages of a session. */
export const DEFAULT_MIN_DELAY_SECONDS = 30;
export const DEFAULT_MAX_DELAY_SECONDS = 120;

/** Groups up to this size are snapshotted inside the request; bigger ones by the events consumer. */
export const INLINE_SNAPSHOT = 1000;

export const validZone = (zone: string) => DateTime.now().setZone(zone).isValid;

/** Checks the rules a schema cannot express; throws 422 with a message that says what to change. */
export const checkContent = (input: CreateInput, net: NetPolicy = {}) => {
  const type = input.message_type ?? (input.media_url && !input.message_content ? "media" : "text");
  if (type === "media" && !input.media_url) throw unprocessable("request.missing_field", "media_url is required when message_type is media.");
  if (input.media_url) checkMediaUrl(input.media_url, net);
  if (!input.message_content && !input.media_url) {
    throw unprocessable("request.missing_field", "message_content is required unless media_url is given.");
  }
  const min = input.min_delay_seconds ?? DEFAULT_MIN_DELAY_SECONDS;
  const max = input.max_delay_seconds ?? DEFAULT_MAX_DELAY_SECONDS;
  if (min > max) throw unprocessable("bulk_send.invalid_delays", `min_delay_seconds (${min}) must not exceed max_delay_seconds (${max}).`);
  const w = input.send_window;
  if (w) {
    if (!validZone(w.timezone)) throw unprocessable("send_window.invalid_timezone", `Unknown time zone "${w.timezone}"; use an IANA name like Asia/Shanghai.`);
    if (w.start === w.end) throw unprocessable("send_window.empty", "send_window.start and send_window.end must differ.");
  }
  return { type, min, max };
};

/**
 * The outbound-fetch rules that need no DNS (scheme, `localhost`, IP literals in forbidden ranges):
 * refused at creation with 422 naming the rule. A name resolving to a forbidden address is refused
 * when the media is fetched (a permanent failure on the recipient).
 */
export const checkMediaUrl = (url: string, net: NetPolicy = {}) => refuseForbiddenUrl("media_url", url, net);

/** Plan, quota and session checks shared by bulk sends and direct sends (scheduled reports). */
const admit = async (d: D, tenantId: string, sessionId: string, startAt: number | null, needBulk: boolean) => {
  const { tenant, plan } = await tenantPlan(d.store, tenantId);
  if (needBulk) requireFeature(tenant.plan, "bulk_send", "Bulk send is");
  const session = await Session.get(d, tenantId, sessionId, true);
  if (session.status !== "working" && !(startAt && startAt > d.clock.now())) {
    throw conflict("session.not_working", `Session ${session.id} is ${session.status}; it must be working to send.`, { status: session.status });
  }
  return { plan, session };
};

const newJob = (d: D, tenantId: string, fields: Partial<Job> & Pick<Job, "session_id" | "custom_group_id" | "total_recipients" | "quota_held">): Job =>
  jobRecord({ id: d.ids.next("bulk"), tenant_id: tenantId, ...fields }, d.clock.now());

/** How long the queued snapshot message waits behind an inline snapshot (whose budget is 10 s). */
const SNAPSHOT_BACKSTOP_S = 15;

/** Stores the job with its reservation, then snapshots its recipients (inline when small, else by the events consumer). */
const insert = async (d: D, job: Job, reserve: number, limit: number | null, inline: boolean) => {
  const created = await d.store.jobs.create(job, reserve, limit);
  if (created === "exists") return view(await get(d.store, job.tenant_id, job.id, true));
  if (created === "quota") {
    const usage = await d.store.tenants.quota(job.tenant_id, job.quota_month);
    const used = usage.total_messages + usage.reserved_messages;
    const max = limit ?? 0;
    throw new DomainError(
      "forbidden",
      "plan.monthly_limit",
      `This send needs ${reserve} messages but only ${Math.max(0, max - used)} remain in this month's plan (${max}).`,
      { limit: max, used, remaining: Math.max(0, max - used), required: reserve },
    );
  }
  // The queued snapshot message finishes the work if this process dies before the inline snapshot does.
  // Beside an inline snapshot it comes later: run at once, it would write every chunk a second time
  // (refused by the recipients' conditions, but each refused put costs a write unit).
  await d.queue.send("events", [{ body: snapshotMessage(job.tenant_id, job.id), delaySeconds: inline ? SNAPSHOT_BACKSTOP_S : 0 }]);
  if (inline) await snapshot(d, job.tenant_id, job.id, { budgetMs: 10_000 });
  return view(await get(d.store, job.tenant_id, job.id, true));
};

/**
 * Creates a bulk send: checks ownership, plan and quota, reserves the month's messages, snapshots the
 * group's members into recipients, and hands the job to the planner.
 */
export const create = async (
  d: D,
  tenantId: string,
  input: CreateInput,
  opts: { scheduledMessageId?: string; jobId?: string /** An agent's cap (`mcp.recipient_limit` above it). */; maxRecipients?: number } = {},
) => {
  if (opts.jobId) {
    const existing = await d.store.jobs.get(tenantId, opts.jobId, true);
    if (existing) return view(existing);
  }
  const startAt = input.start_at ? Date.parse(input.start_at) : null;
  const { type, min, max } = checkContent(input, d.net);
  const { plan, session } = await admit(d, tenantId, input.session_id, startAt, true);
  const group = await Group.get(d, tenantId, input.custom_group_id, true);
  // Small groups: read members and opt-outs now, so the reservation excludes opted-out numbers exactly.
  let reserve = group.member_count;
  if (group.member_count <= INLINE_SNAPSHOT) {
    const phones: string[] = [];
    for await (const m of d.store.groups.members(group.id)) phones.push(m.phone);
    const opted = await d.store.optouts.which(tenantId, phones);
    reserve = phones.length - opted.size;
    // Nobody to send to: nothing is created (a job that completes at once only confuses the client's next call).
    if (reserve === 0) {
      throw unprocessable(
        "bulk_send.no_recipients",
        `The group has no members that can be sent to: ${phones.length} member${phones.length === 1 ? "" : "s"}, ${opted.size} opted out, 0 invalid.`,
        { members: phones.length, opted_out: opted.size, invalid: 0 },
      );
    }
  }
  if (opts.maxRecipients !== undefined && reserve > opts.maxRecipients)
    throw new DomainError(
      "forbidden",
      "mcp.recipient_limit",
      `This run would reach ${reserve} recipients; the agent that scheduled it may send to at most ${opts.maxRecipients} (agent_max_recipients), so the run is skipped.`,
      { recipients: reserve, agent_max_recipients: opts.maxRecipients },
    );
  const job = newJob(d, tenantId, {
    ...(opts.jobId ? { id: opts.jobId } : {}),
    session_id: session.id,
    custom_group_id: group.id,
    name: input.name?.trim() || null,
    message_type: type as Job["message_type"],
    message_content: input.message_content ?? null,
    media_url: input.media_url ?? null,
    min_delay_seconds: min,
    max_delay_seconds: max,
    pace: effectivePace({ min_delay_seconds: min, max_delay_seconds: max }, Session.policyOf(session)),
    daily_limit: input.daily_limit ?? null,
    send_window: input.send_window ?? null,
    start_at: startAt ? iso(startAt) : null,
    max_consecutive_failures: input.max_consecutive_failures ?? 10,
    scheduled_message_id: opts.scheduledMessageId ?? null,
    origin: opts.scheduledMessageId ? "schedule" : "api",
    total_recipients: group.member_count,
    quota_held: reserve,
  });
  return insert(d, job, reserve, plan.messages_per_month, group.member_count <= INLINE_SNAPSHOT);
};

/**
 * A message to a few given numbers through the normal send path (quota, opt-outs, pacing, never
 * twice): how a report reaches WhatsApp. Not listed among the tenant's bulk sends.
 */
export const createDirect = async (d: D, tenantId: string, input: { session_id: string; to: string[]; text: string; jobId: string }) => {
  const existing = await d.store.jobs.get(tenantId, input.jobId, true);
  if (existing) return view(existing);
  const { plan, session } = await admit(d, tenantId, input.session_id, null, false);
  const to = [...new Set(input.to)];
  const opted = await d.store.optouts.which(tenantId, to);
  const reserve = to.length - opted.size;
  const job = newJob(d, tenantId, {
    id: input.jobId,
    session_id: session.id,
    custom_group_id: null,
    message_content: input.text,
    min_delay_seconds: 0,
    max_delay_seconds: 0,
    origin: "report",
    direct_recipients: to.map((phone) => ({ phone, name: null })),
    total_recipients: to.length,
    quota_held: reserve,
  });
  return insert(d, job, reserve, plan.messages_per_month, true);
};
