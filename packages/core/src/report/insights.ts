import type { Uses } from "../deps";
import { idBound } from "../id";
import { rate } from "../job";
import { LEAD_STATUSES, type LeadSource, type LeadStatus } from "../lead/port";
import { iso } from "../port";

type D = Uses<"jobs" | "leads" | "monitors" | "reviews", "clock">;

interface Window {
  start: number;
  end: number;
}

const within = (at: string, w: Window) => {
  const t = Date.parse(at);
  return t >= w.start && t < w.end;
};
const zeroStatuses = () => Object.fromEntries(LEAD_STATUSES.map((s) => [s, 0])) as Record<LeadStatus, number>;
const reached = (history: { status: LeadStatus }[], stages: LeadStatus[]) => history.some((h) => stages.includes(h.status));

/**
 * `lead_pipeline` ("sources, funnel, conversions"): the leads created in the period by source and by
 * their status now, and the funnel sent → replied → lead → qualified → converted, where sent and
 * replied are the bulk sends created in the period (as `bulk_send_progress` counts them), lead is
 * every lead created in the period (both sources), and qualified / converted are those leads that
 * reached that status at some point (a lead qualified and later lost still passed the stage). Each
 * stage's `rate` is of the stage before it.
 */
export const leadPipeline = async (d: D, tenantId: string, w: Window) => {
  const jobs = (await d.store.jobs.createdBetween(tenantId, idBound("bulk", w.start, "low"), idBound("bulk", w.end, "high"))).filter(
    (j) => j.origin !== "report" && j.origin !== "message" && within(j.created_at, w),
  );
  const sent = jobs.reduce((n, j) => n + j.sent_count, 0);
  const replied = jobs.reduce((n, j) => n + (j.replied_count ?? 0), 0);
  const sources = new Map<LeadSource, Record<LeadStatus, number> & { total: number }>();
  const statuses = zeroStatuses();
  let leads = 0;
  let qualified = 0;
  let converted = 0;
  for await (const l of d.store.leads.all(tenantId)) {
    if (!within(l.created_at, w)) continue;
    leads++;
    statuses[l.status]++;
    const s = sources.get(l.source) ?? { ...zeroStatuses(), total: 0 };
    s.total++;
    s[l.status]++;
    sources.set(l.source, s);
    if (reached(l.status_history, ["qualified", "converted"])) qualified++;
    if (reached(l.status_history, ["converted"])) converted++;
  }
  const stages: [string, number][] = [
    ["sent", sent],
    ["replied", replied],
    ["lead", leads],
    ["qualified", qualified],
    ["converted", converted],
  ];
  return {
    totals: { leads, ...statuses, conversion_rate: rate(converted, leads) },
    by_source: (["bulk_send", "group"] as LeadSource[]).map((source) => ({ source, ...(sources.get(source) ?? { ...zeroStatuses(), total: 0 }) })),
    funnel: stages.map(([stage, count], i) => ({ stage, count, rate: i === 0 ? 1 : rate(count, stages[i - 1]?.[1] ?? 0) })),
  };
};

/**
 * `group_monitoring` ("keyword matches, leads"): per monitored group, the messages stored in the
 * period (within the retention: older ones are gone), those that matched a keyword, matches per
 * keyword, and the leads it created in the period.
 */
export const groupMonitoring = async (d: D, tenantId: string, w: Window) => {
  const leadsByGroup = new Map<string, number>();
  for await (const l of d.store.leads.all(tenantId))
    if (l.source === "group" && l.source_group_id && within(l.created_at, w))
      leadsByGroup.set(l.source_group_id, (leadsByGroup.get(l.source_group_id) ?? 0) + 1);
  const groups: {
    group_id: string;
    name: string;
    wa_group_id: string;
    session_id: string;
    is_active: boolean;
    messages: number;
    matches: number;
    match_rate: number;
    leads: number;
    keywords: Record<string, number>;
  }[] = [];
  for (const g of await d.store.monitors.list(tenantId)) {
    let messages = 0;
    let matches = 0;
    const keywords: Record<string, number> = {};
    let cursor: string | undefined;
    do {
      const page = await d.store.monitors.messages(tenantId, g.id, { fromIso: iso(w.start), toIso: iso(w.end) }, { limit: 200, cursor });
      for (const m of page.items) {
        if (!within(m.received_at, w)) continue;
        messages++;
        if (m.matched_keywords.length > 0) matches++;
        for (const k of m.matched_keywords) keywords[k] = (keywords[k] ?? 0) + 1;
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    groups.push({
      group_id: g.id,
      name: g.name,
      wa_group_id: g.wa_group_id,
      session_id: g.session_id,
      is_active: g.is_active,
      messages,
      matches,
      match_rate: rate(matches, messages),
      leads: leadsByGroup.get(g.id) ?? 0,
      keywords,
    });
  }
  groups.sort((a, b) => b.matches - a.matches || b.messages - a.messages || a.name.localeCompare(b.name));
  const sum = (k: "messages" | "matches" | "leads") => groups.reduce((n, g) => n + g[k], 0);
  return { totals: { groups: groups.length, messages: sum("messages"), matches: sum("matches"), leads: sum("leads") }, groups };
};

/** How many approved quotes `review_digest` shows. */
export const DIGEST_QUOTES = 3;

/**
 * `review_digest` ("sentiment, approvals"): reviews found in the period (per collector and in total),
 * their average sentiment, approved vs pending, and the three best approved (not hidden) quotes of
 * the period. Reviews are kept until deleted, so the quotes are copied into the execution.
 */
export const reviewDigest = async (d: D, tenantId: string, w: Window) => {
  const names = new Map((await d.store.reviews.listCollectors(tenantId)).map((c) => [c.id, c.name]));
  const collectors = new Map<string, { collector_id: string; name: string; new_reviews: number; approved: number; pending: number; sum: number }>();
  const quotes: { review_id: string; text: string; contact_name: string | null; sentiment_score: number; collected_at: string }[] = [];
  let total = 0;
  let approved = 0;
  let hidden = 0;
  let sum = 0;
  for await (const r of d.store.reviews.all(tenantId)) {
    if (!within(r.created_at, w)) continue;
    total++;
    sum += r.sentiment_score;
    if (r.is_approved) approved++;
    if (r.is_hidden) hidden++;
    const c = collectors.get(r.collector_id) ?? {
      collector_id: r.collector_id,
      name: names.get(r.collector_id) ?? "(deleted collector)",
      new_reviews: 0,
      approved: 0,
      pending: 0,
      sum: 0,
    };
    c.new_reviews++;
    c.sum += r.sentiment_score;
    if (r.is_approved) c.approved++;
    else c.pending++;
    collectors.set(r.collector_id, c);
    if (r.is_approved && !r.is_hidden)
      quotes.push({ review_id: r.id, text: r.message_text, contact_name: r.contact_name, sentiment_score: r.sentiment_score, collected_at: r.collected_at });
  }
  quotes.sort((a, b) => b.sentiment_score - a.sentiment_score || b.collected_at.localeCompare(a.collected_at));
  const avg = (s: number, n: number) => (n ? Math.round((s / n) * 1000) / 1000 : 0);
  return {
    totals: { new_reviews: total, approved, pending: total - approved, hidden, average_sentiment: avg(sum, total) },
    collectors: [...collectors.values()].map(({ sum: s, ...c }) => ({ ...c, average_sentiment: avg(s, c.new_reviews) })),
    best_quotes: quotes.slice(0, DIGEST_QUOTES),
  };
};
