import type { Uses } from "../deps";
import { idBound } from "../id";
import { rate } from "../job";
import type { Job } from "../job/port";
import type { SessionStatus } from "../port";
import { currentUsage } from "../tenant";
import { unansweredContacts, vipContacts } from "./conversations";
import { groupMonitoring, leadPipeline, reviewDigest } from "./insights";
import type { TemplateId } from "./port";

/** MoltFlow's ten report templates. */
export const TEMPLATES: { id: TemplateId; name: string; description: string }[] = [
  {
    id: "bulk_send_progress",
    name: "Bulk send progress",
    description: "Bulk sends created in the period, per job and in total: sent, delivered, read, failed, skipped.",
  },
  { id: "scheduled_messages_status", name: "Scheduled messages status", description: "Scheduled-message executions in the period: executed vs failed." },
  { id: "usage_plan", name: "Usage and plan", description: "Plan limits and this month's use, with a suggestion when a limit is near." },
  { id: "session_health", name: "Session health", description: "Each session's status, time connected in the period, disconnects and their reasons." },
  { id: "daily_activity", name: "Daily activity", description: "Messages sent and received, opt-outs added and sessions connected, per day." },
  {
    id: "unanswered_contacts",
    name: "Unanswered contacts",
    description: "Warm leads going cold: contacts whose last message has waited longer than a threshold (default 4 h) for an answer, oldest first.",
  },
  { id: "vip_contacts", name: "VIP contacts", description: "Most active conversations in the period, by messages both ways, with each contact's reply rate." },
  {
    id: "lead_pipeline",
    name: "Lead pipeline",
    description: "Sources, funnel, conversions: leads by source and status, and the funnel sent → replied → lead → qualified → converted with its rates.",
  },
  {
    id: "group_monitoring",
    name: "Group monitoring",
    description: "Keyword matches, leads: per monitored group, messages, keyword matches by keyword and leads created.",
  },
  {
    id: "review_digest",
    name: "Review digest",
    description: "Sentiment, approvals: new reviews, average sentiment, approved vs pending, and the best three approved quotes.",
  },
];

export interface Window {
  start: number;
  end: number;
}

type D = Uses<
  "activity" | "conversations" | "jobs" | "leads" | "monitors" | "reviews" | "scheduleRuns" | "schedules" | "sessions" | "tenants",
  "clock" | "ids"
>;

export const jobCounts = (
  j: Pick<Job, "total_recipients" | "sent_count" | "delivered_count" | "read_count" | "failed_count" | "skipped_count" | "unknown_count" | "replied_count">,
) => ({
  total: j.total_recipients,
  sent: j.sent_count,
  delivered: j.delivered_count,
  read: j.read_count,
  failed: j.failed_count,
  skipped: j.skipped_count,
  unknown: j.unknown_count,
  replied: j.replied_count ?? 0,
  delivery_rate: rate(j.delivered_count, j.sent_count),
  read_rate: rate(j.read_count, j.sent_count),
  reply_rate: rate(j.replied_count ?? 0, j.sent_count),
});

const bulkSendProgress = async (d: D, tenantId: string, w: Window) => {
  const jobs = (await d.store.jobs.createdBetween(tenantId, idBound("bulk", w.start, "low"), idBound("bulk", w.end, "high"))).filter(
    (j) => j.origin !== "report" && j.origin !== "message" && Date.parse(j.created_at) >= w.start && Date.parse(j.created_at) < w.end,
  );
  const rows = jobs.map((j) => ({ bulk_send_id: j.id, name: j.name ?? null, status: j.status, created_at: j.created_at, ...jobCounts(j) }));
  const sum = (k: "total" | "sent" | "delivered" | "read" | "failed" | "skipped" | "unknown" | "replied") => rows.reduce((n, r) => n + r[k], 0);
  const totals = {
    jobs: rows.length,
    total: sum("total"),
    sent: sum("sent"),
    delivered: sum("delivered"),
    read: sum("read"),
    failed: sum("failed"),
    skipped: sum("skipped"),
    unknown: sum("unknown"),
    replied: sum("replied"),
  };
  return {
    totals: {
      ...totals,
      delivery_rate: rate(totals.delivered, totals.sent),
      read_rate: rate(totals.read, totals.sent),
      reply_rate: rate(totals.replied, totals.sent),
    },
    jobs: rows,
  };
};

const scheduledStatus = async (d: D, tenantId: string, w: Window) => {
  const schedules: { scheduled_message_id: string; name: string; executed: number; failed: number }[] = [];
  let cursor: string | undefined;
  do {
    const page = await d.store.schedules.list(tenantId, { limit: 200, cursor });
    for (const s of page.items) {
      let executed = 0;
      let failed = 0;
      let runCursor: string | undefined;
      do {
        const runs = await d.store.scheduleRuns.list(s.id, { limit: 200, cursor: runCursor });
        for (const r of runs.items) {
          const at = Date.parse(r.run_at);
          if (at < w.start || at >= w.end) continue;
          if (r.status === "created") executed++;
          if (r.status === "failed") failed++;
        }
        runCursor = runs.next_cursor ?? undefined;
      } while (runCursor);
      if (executed || failed) schedules.push({ scheduled_message_id: s.id, name: s.name, executed, failed });
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return {
    totals: { executed: schedules.reduce((n, s) => n + s.executed, 0), failed: schedules.reduce((n, s) => n + s.failed, 0) },
    schedules,
  };
};

const usagePlan = async (d: D, tenantId: string) => {
  const u = await currentUsage(d, tenantId);
  const items = [
    { name: "messages this month", used: u.total_messages + u.reserved_messages, limit: u.limits.messages_per_month },
    { name: "custom groups", used: u.custom_groups, limit: u.limits.custom_groups },
    { name: "scheduled reports", used: u.reports, limit: u.limits.reports },
  ].map((i) => ({ ...i, percentage: i.limit ? Math.round((i.used / i.limit) * 1000) / 10 : 0 }));
  const near = items.filter((i) => i.limit && i.percentage >= 80);
  return {
    plan: u.plan,
    month: u.month,
    messages_sent: u.total_messages,
    messages_reserved: u.reserved_messages,
    limits: items,
    suggestion: near.length ? `Near the limit for ${near.map((i) => i.name).join(", ")}: consider a larger plan.` : null,
  };
};

const sessionHealth = async (d: D, tenantId: string, w: Window) => {
  const sessions = await d.store.sessions.list(tenantId);
  const out = [];
  for (const s of sessions) {
    const startState = await d.store.sessions.statusBefore(s.id, new Date(w.start).toISOString());
    const events = await d.store.sessions.statusEvents(s.id, new Date(w.start).toISOString(), new Date(w.end).toISOString());
    let state: SessionStatus | undefined = startState?.status;
    let since = w.start;
    let connectedMs = 0;
    const disconnects: { at: string; status: SessionStatus; reason: string | null }[] = [];
    for (const e of events) {
      const at = Date.parse(e.at);
      if (state === "working") connectedMs += at - since;
      if (state === "working" && e.status !== "working") disconnects.push(e);
      state = e.status;
      since = at;
    }
    if (state === "working") connectedMs += w.end - since;
    out.push({
      session_id: s.id,
      name: s.name,
      status: s.status,
      phone: s.phone,
      connected_seconds: Math.round(connectedMs / 1000),
      connected_ratio: rate(connectedMs, w.end - w.start),
      disconnects: disconnects.length,
      disconnect_reasons: disconnects.map((x) => ({ at: x.at, status: x.status, reason: x.reason })),
    });
  }
  return { sessions: out };
};

const dailyActivity = async (d: D, tenantId: string, w: Window) => {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const days = await d.store.activity.range(tenantId, day(w.start), day(w.end));
  let connected = 0;
  for (const s of await d.store.sessions.list(tenantId)) {
    const events = await d.store.sessions.statusEvents(s.id, new Date(w.start).toISOString(), new Date(w.end).toISOString());
    connected += events.filter((e) => e.status === "working").length;
  }
  return {
    totals: {
      sent: days.reduce((n, x) => n + x.sent, 0),
      received: days.reduce((n, x) => n + x.received, 0),
      opt_outs: days.reduce((n, x) => n + x.opt_outs, 0),
      sessions_connected: connected,
    },
    days,
  };
};

/** Computes a template's numbers from the store for a period (`params`: the report's template settings). */
export const compute = (
  d: D,
  template: TemplateId,
  tenantId: string,
  w: Window,
  params: { threshold_hours?: number | null } = {},
): Promise<Record<string, unknown>> => {
  switch (template) {
    case "bulk_send_progress":
      return bulkSendProgress(d, tenantId, w);
    case "scheduled_messages_status":
      return scheduledStatus(d, tenantId, w);
    case "usage_plan":
      return usagePlan(d, tenantId);
    case "session_health":
      return sessionHealth(d, tenantId, w);
    case "daily_activity":
      return dailyActivity(d, tenantId, w);
    case "unanswered_contacts":
      return unansweredContacts(d, tenantId, w, params.threshold_hours ?? null);
    case "vip_contacts":
      return vipContacts(d, tenantId, w);
    case "lead_pipeline":
      return leadPipeline(d, tenantId, w);
    case "group_monitoring":
      return groupMonitoring(d, tenantId, w);
    case "review_digest":
      return reviewDigest(d, tenantId, w);
  }
};
