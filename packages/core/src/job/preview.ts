import type { Uses } from "../deps";
import type { Member } from "../group";
import * as Group from "../group";
import { effectivePace, type PacingPolicy, reserveSlots } from "../pacing";
import { monthKey } from "../plan";
import { iso } from "../port";
import * as Session from "../session";
import type { Session as SessionRecord } from "../session/port";
import * as Template from "../template";
import { tenantPlan } from "../tenant";
import { type CreateInput, checkContent, DEFAULT_MAX_DELAY_SECONDS, DEFAULT_MIN_DELAY_SECONDS, INLINE_SNAPSHOT } from "./create";
import type { SendWindow } from "./port";
import type { BulkSendPreview } from "./view";

/** What this module uses. */
type D = Uses<"activity" | "contacts" | "groups" | "optouts" | "sessions" | "tenants" | "waGroups", "clock" | "net">;

/** The pacing a job will be sent with: its own delays, limit and window under its session's policy. */
export interface EffectivePacing {
  min_delay_seconds: number;
  max_delay_seconds: number;
  daily_limit: number | null;
  send_window: SendWindow | null;
  /** The gap the job really gets: the stricter of its minimum delay and the session's floor. */
  effective_min_gap_seconds: number;
  /** The session's ceiling over every job on it (burst limit, floor, daily cap, warm-up). */
  session_policy: PacingPolicy;
  /** Average time per message at this pace (the job's average delay, the floor or the burst rate, whichever is slowest). */
  per_message_seconds: number;
}

/**
 * The pacing a new bulk send will actually get: the job's own delays, daily limit and window (the
 * API's defaults when absent) under the session's pacing policy, through the same `effectivePace` the
 * planner uses. The one place the preview learns about pacing.
 */
export const effectivePacing = (input: CreateInput, session: SessionRecord): EffectivePacing => {
  const job = {
    min_delay_seconds: input.min_delay_seconds ?? DEFAULT_MIN_DELAY_SECONDS,
    max_delay_seconds: input.max_delay_seconds ?? DEFAULT_MAX_DELAY_SECONDS,
  };
  const policy = Session.policyOf(session);
  const pace = effectivePace(job, policy);
  return {
    ...job,
    daily_limit: input.daily_limit ?? null,
    send_window: input.send_window ?? null,
    effective_min_gap_seconds: pace.min_gap_seconds,
    session_policy: policy,
    per_message_seconds: pace.per_message_ms / 1000,
  };
};

/** Which recipients the preview's sample shows (ours): a search over name, number and fields, and a position in it. */
export interface PreviewOptions {
  sample_query?: string | null;
  sample_offset?: number;
}

/** Slots simulated one by one for the finish estimate; beyond, the average rate is extrapolated. */
const SIMULATED = 10_000;
const SAMPLE = 3;

/**
 * The estimated instant of the last send: one message per average gap at the effective pace, inside
 * the job's send window and daily limit, and the session's daily cap. (Warm-up days and other jobs
 * sharing the session can make it later; the job's `estimated_finish_at` follows the real sends.)
 */
const estimateFinish = (pacing: EffectivePacing, count: number, start: number) => {
  if (count === 0) return null;
  const n = Math.min(count, SIMULATED);
  const perMs = Math.round(pacing.per_message_seconds * 1000);
  const caps = [pacing.daily_limit, pacing.session_policy.daily_cap].filter((x): x is number => x !== null);
  const r = reserveSlots(
    { last_slot_at: null, slot_day: null, slot_day_count: 0 },
    {
      now: start,
      count: n,
      minMs: perMs,
      maxMs: perMs,
      dailyLimit: caps.length ? Math.min(...caps) : null,
      window: pacing.send_window,
      horizonMs: Number.MAX_SAFE_INTEGER / 2,
    },
  );
  const first = r.slots[0] ?? start;
  const last = r.slots.at(-1) ?? start;
  if (count <= n) return last;
  return last + ((last - first) / Math.max(1, n - 1)) * (count - n);
};

/**
 * What `POST /bulk-send` would do with `input`, without doing it: who would get a message (after
 * opt-outs), the first rendered messages, the quota it would reserve and what would remain, the
 * pacing and when the last message would go out. Problems that would refuse the send (plan, quota,
 * session, nobody to send to) are listed in `blocked_by` instead of thrown; malformed input and
 * unknown ids throw exactly as creating would.
 */
export const preview = async (d: D, tenantId: string, input: CreateInput & PreviewOptions): Promise<BulkSendPreview> => {
  const { type } = checkContent(input, d.net);
  const { tenant, plan } = await tenantPlan(d.store, tenantId);
  const session = await Session.get(d, tenantId, input.session_id, true);
  const group = await Group.get(d, tenantId, input.custom_group_id, true);
  const now = d.clock.now();
  const startAt = input.start_at ? Date.parse(input.start_at) : null;

  // Same rule as creating: small groups are counted exactly (opt-outs excluded), big ones by member count.
  const exact = group.member_count <= INLINE_SNAPSHOT;
  let members = group.member_count;
  let optedOut = 0;
  // Exactly counted groups are looked through whole (search, fallbacks); big ones by their first PREVIEW_SCAN members.
  const all: Member[] = [];
  if (exact) for await (const m of d.store.groups.members(group.id)) all.push(m);
  else all.push(...(await firstMembers(d, group.id, PREVIEW_SCAN)));
  const opted = exact
    ? await d.store.optouts.which(
        tenantId,
        all.map((m) => m.phone),
      )
    : await optedAmong(d, tenantId, all);
  if (exact) {
    members = all.length;
    optedOut = opted.size;
  }
  const reachable = all.filter((m) => !opted.has(m.phone));
  const found = input.sample_query ? reachable.filter((m) => Template.matches(m, input.sample_query ?? "")) : reachable;
  const offset = Math.min(input.sample_offset ?? 0, Math.max(0, found.length - 1));
  const sample = found.slice(offset, offset + SAMPLE).map((m) => rendered(input, type, m));
  const content = input.message_content;
  const fallbacks = content ? reachable.filter((m) => Template.renderDetail(content, m).missing > 0).length : 0;
  const fields = [...new Set(reachable.flatMap((m) => Object.keys(m.fields ?? {})))].sort();
  const recipients = members - optedOut;

  const usage = await d.store.tenants.quota(tenantId, monthKey(now));
  const used = usage.total_messages + usage.reserved_messages;
  const limit = plan.messages_per_month;
  const remaining = limit === null ? null : Math.max(0, limit - used);

  const pacing = effectivePacing(input, session);
  const start = Math.max(now, startAt ?? now);
  const finish = estimateFinish(pacing, recipients, start);

  const blocked: BulkSendPreview["blocked_by"] = [];
  if (!plan.bulk_send) blocked.push({ code: "plan.feature_unavailable", message: `Bulk send is not included in the ${tenant.plan} plan.` });
  if (session.status !== "working" && !(startAt && startAt > now))
    blocked.push({ code: "session.not_working", message: `Session ${session.id} is ${session.status}; it must be working to send.` });
  if (recipients === 0) blocked.push({ code: "bulk_send.no_recipients", message: "The group has no members that can be sent to." });
  if (remaining !== null && recipients > remaining)
    blocked.push({
      code: "plan.monthly_limit",
      message: `This send needs ${recipients} messages but only ${remaining} remain in this month's plan (${limit}).`,
    });

  return {
    session_id: session.id,
    session_status: session.status,
    custom_group_id: group.id,
    message_type: type as "text" | "media",
    members,
    opted_out: optedOut,
    recipients,
    counted_exactly: exact,
    sample,
    quota: { would_use: recipients, limit, used, remaining, remaining_after: remaining === null ? null : remaining - recipients },
    pacing,
    starts_at: iso(start),
    estimated_finish_at: finish === null ? null : iso(finish),
    can_send: blocked.length === 0,
    blocked_by: blocked,
    sample_offset: offset,
    sample_matches: found.length,
    fallback_count: fallbacks,
    looked_through: all.length,
    fields,
  };
};

/** Members a preview of a group too big to count exactly looks through for its search, sample and fallback count. */
export const PREVIEW_SCAN = 10_000;

/** The first `max` members of a group, in its order (pages of 1,000). */
const firstMembers = async (d: D, groupId: string, max: number) => {
  const out: Member[] = [];
  let after: string | null = null;
  while (out.length < max) {
    const page = await d.store.groups.membersAfter(groupId, after, Math.min(1000, max - out.length));
    if (page.length === 0) break;
    out.push(...page);
    after = (page.at(-1) as Member).phone;
  }
  return out;
};

/**
 * Which of many members are opted out: the tenant's opt-outs read as a list (usually far fewer than
 * the members, and a query, not 100 look-ups of 100), or by number when the tenant has more than 10,000.
 */
const optedAmong = async (d: D, tenantId: string, members: Member[]) => {
  const opted = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const p = await d.store.optouts.list(tenantId, { limit: 1000, cursor });
    for (const o of p.items) opted.add(o.phone);
    if (!p.next_cursor) return new Set(members.filter((m) => opted.has(m.phone)).map((m) => m.phone));
    cursor = p.next_cursor;
  }
  return d.store.optouts.which(
    tenantId,
    members.map((m) => m.phone),
  );
};

const rendered = (input: CreateInput, type: string, m: Member) => {
  const r = input.message_content ? Template.renderDetail(input.message_content, m) : null;
  return {
    phone: m.phone,
    name: m.name ?? null,
    text: r ? r.text : null,
    media_url: type === "media" || input.media_url ? (input.media_url ?? null) : null,
    ...(m.fields ? { fields: m.fields } : {}),
    fallbacks: r ? r.missing : 0,
  };
};
