export * from "./port";
export { analyze, SENTIMENT_LANGUAGES, type Sentiment } from "./sentiment";
export { CollectorView, ReviewView } from "./view";

import { settingsOf } from "../conversation/settings";
import type { Deps } from "../deps";
import { forbidden, notFound, unprocessable } from "../error";
import { idAt, looksLikeId } from "../id";
import { cleanKeywords, compile } from "../monitor/match";
import { isStopMessage } from "../optout/stop";
import { chatIdOf } from "../phone";
import { iso, type PageRequest } from "../port";
import { tenantPlan } from "../tenant";
import { type Collector, type CollectorPatch, type Review, SKIP_REASONS, type SkipReason, type SourceType } from "./port";
import { analyze, SENTIMENT_LANGUAGES } from "./sentiment";
import type { CollectorView, ReviewView } from "./view";

type D = Pick<Deps, "store" | "clock" | "ids" | "queue">;

export const collectorView = (c: Collector): CollectorView => {
  const skipped = Object.fromEntries(SKIP_REASONS.map((r) => [r, c.skipped?.[r] ?? 0])) as Record<SkipReason, number>;
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    session_id: c.session_id,
    source_type: c.source_type,
    min_positive_words: c.min_positive_words,
    min_sentiment_score: c.min_sentiment_score,
    include_keywords: c.include_keywords,
    exclude_keywords: c.exclude_keywords,
    languages: c.languages,
    selected_chat_ids: c.selected_chat_ids,
    is_active: c.is_active,
    review_count: c.review_count ?? 0,
    scanned_count: c.scanned_count ?? 0,
    skipped,
    skipped_count: Object.values(skipped).reduce((n, x) => n + x, 0),
    last_run_at: c.last_run_at,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
};

export const label = (score: number) => (score >= 0.6 ? "positive" : score <= 0.4 ? "negative" : "neutral");

export const reviewView = (r: Review): ReviewView => ({
  id: r.id,
  collector_id: r.collector_id,
  session_id: r.session_id,
  chat_id: r.chat_id,
  contact_name: r.contact_name,
  contact_phone: r.contact_phone,
  message_id: r.wa_message_id,
  message_text: r.message_text,
  sentiment_score: r.sentiment_score,
  sentiment_label: label(r.sentiment_score),
  detected_language: r.detected_language,
  is_approved: r.is_approved,
  is_hidden: r.is_hidden,
  notes: r.notes,
  collected_at: r.collected_at,
  approved_at: r.approved_at,
});

const checkLanguages = (languages: string[]) => {
  const unknown = languages.filter((l) => !(l in SENTIMENT_LANGUAGES));
  if (unknown.length)
    throw unprocessable(
      "review.language_unsupported",
      `No sentiment lexicon for ${unknown.join(", ")}; supported: ${Object.keys(SENTIMENT_LANGUAGES).join(", ")}.`,
      { field: "languages", supported: Object.keys(SENTIMENT_LANGUAGES) },
    );
  return [...new Set(languages)];
};

const loadCollector = async (d: Pick<D, "store">, tenantId: string, id: string) => {
  const c = looksLikeId("rcol", id) ? await d.store.reviews.getCollector(tenantId, id) : undefined;
  if (!c) throw notFound("collector", id);
  return c;
};

export interface CollectorInput {
  name: string;
  description?: string | null;
  session_id: string;
  source_type?: SourceType;
  min_positive_words?: number;
  min_sentiment_score?: number;
  include_keywords?: string[];
  exclude_keywords?: string[];
  languages?: string[];
  selected_chat_ids?: string[];
  is_active?: boolean;
}

export const createCollector = async (d: D, tenantId: string, input: CollectorInput) => {
  const { plan, tenant } = await tenantPlan(d.store, tenantId);
  if (plan.review_collectors === 0)
    throw forbidden("plan.feature_unavailable", `Review collection is not included in the ${tenant.plan} plan; upgrade to pro or above.`, {
      feature: "reviews",
    });
  if (!(await d.store.sessions.get(tenantId, input.session_id))) throw notFound("session", input.session_id);
  const existing = await d.store.reviews.listCollectors(tenantId);
  if (plan.review_collectors !== null && existing.length >= plan.review_collectors)
    throw forbidden("plan.collector_limit", `Your plan allows ${plan.review_collectors} review collectors; ${existing.length} are in use.`, {
      limit: plan.review_collectors,
      used: existing.length,
      remaining: 0,
    });
  if (input.source_type === "selected" && !input.selected_chat_ids?.length)
    throw unprocessable("review.chats_required", 'source_type "selected" needs selected_chat_ids.', { field: "selected_chat_ids" });
  const now = iso(d.clock.now());
  const c: Collector = {
    id: d.ids.next("rcol"),
    tenant_id: tenantId,
    name: input.name,
    description: input.description ?? null,
    session_id: input.session_id,
    source_type: input.source_type ?? "all",
    min_positive_words: input.min_positive_words ?? 3,
    min_sentiment_score: input.min_sentiment_score ?? 0.6,
    include_keywords: cleanKeywords(input.include_keywords ?? []),
    exclude_keywords: cleanKeywords(input.exclude_keywords ?? []),
    languages: checkLanguages(input.languages ?? []),
    selected_chat_ids: [...new Set(input.selected_chat_ids ?? [])],
    is_active: input.is_active ?? true,
    review_count: 0,
    scanned_count: 0,
    skipped: {},
    last_run_at: null,
    created_at: now,
    updated_at: now,
  };
  await d.store.reviews.createCollector(c);
  return collectorView(c);
};

export const listCollectors = async (d: Pick<D, "store">, tenantId: string, includeInactive = true) => {
  const collectors = (await d.store.reviews.listCollectors(tenantId)).filter((c) => includeInactive || c.is_active).map(collectorView);
  return { collectors, total: collectors.length };
};

export const getCollector = async (d: Pick<D, "store">, tenantId: string, id: string) => collectorView(await loadCollector(d, tenantId, id));

export const updateCollector = async (d: D, tenantId: string, id: string, patch: CollectorPatch) => {
  const c = await loadCollector(d, tenantId, id);
  const next: CollectorPatch = {
    ...patch,
    include_keywords: patch.include_keywords && cleanKeywords(patch.include_keywords),
    exclude_keywords: patch.exclude_keywords && cleanKeywords(patch.exclude_keywords),
    languages: patch.languages && checkLanguages(patch.languages),
  };
  if ((next.source_type ?? c.source_type) === "selected" && !(next.selected_chat_ids ?? c.selected_chat_ids).length)
    throw unprocessable("review.chats_required", 'source_type "selected" needs selected_chat_ids.', { field: "selected_chat_ids" });
  const updated = await d.store.reviews.updateCollector(tenantId, id, next, iso(d.clock.now()));
  if (!updated) throw notFound("collector", id);
  return collectorView(updated);
};

/** Deletes the collector; its reviews go afterwards (events queue), as MoltFlow's client says. */
export const removeCollector = async (d: D, tenantId: string, id: string) => {
  if (!looksLikeId("rcol", id) || !(await d.store.reviews.removeCollector(tenantId, id))) throw notFound("collector", id);
  await d.queue.send("events", [{ body: { type: "purge", kind: "collector", tenant_id: tenantId, id } }]);
};

/** An inbound message a collector may read: a 1:1 chat's, or a monitored group's. */
export interface Candidate {
  session_id: string;
  kind: "chat" | "group";
  chat_id: string;
  phone: string | null;
  name: string | null;
  wa_message_id: string;
  text: string;
  at: string;
}

const reads = (c: Collector, m: Candidate) =>
  c.is_active &&
  c.session_id === m.session_id &&
  (c.source_type === "all" || c.source_type === "selected" || (c.source_type === "chats" ? m.kind === "chat" : m.kind === "group")) &&
  (c.selected_chat_ids.length === 0 || c.selected_chat_ids.includes(m.chat_id));

export interface ScanResult {
  scanned: number;
  reviews_created: number;
  skipped: Record<SkipReason, number>;
}

/**
 * Scores each message for each collector that reads it: not a review when it has no text, is a STOP,
 * contains an excluded keyword or none of the included ones; skipped (counted, with why) when its
 * language cannot be scored; a review when its score reaches `min_sentiment_score` and it has at
 * least `min_positive_words` positive words. A message becomes a collector's review once.
 */
export const scan = async (d: Pick<D, "store" | "clock">, tenantId: string, collectors: Collector[], messages: Candidate[]) => {
  const results = new Map<string, ScanResult>();
  for (const c of collectors) {
    const r: ScanResult = { scanned: 0, reviews_created: 0, skipped: { unsupported_language: 0, language_not_selected: 0, no_language: 0 } };
    const include = compile(c.include_keywords);
    const exclude = compile(c.exclude_keywords);
    for (const m of messages) {
      if (!reads(c, m)) continue;
      r.scanned++;
      const text = m.text.trim();
      if (!text || isStopMessage(text) || exclude(text).length > 0 || (c.include_keywords.length > 0 && include(text).length === 0)) continue;
      const s = await analyze(text, c.languages);
      if (!s.ok) {
        r.skipped[s.reason]++;
        continue;
      }
      if (s.score < c.min_sentiment_score || s.positive_words < c.min_positive_words) continue;
      const review: Review = {
        id: idAt("rev", Date.parse(m.at), `${c.id}|${m.session_id}|${m.chat_id}|${m.wa_message_id}`),
        tenant_id: tenantId,
        collector_id: c.id,
        session_id: m.session_id,
        chat_id: m.chat_id,
        contact_phone: m.phone,
        contact_name: m.name,
        wa_message_id: m.wa_message_id,
        message_text: text,
        sentiment_score: s.score,
        detected_language: s.language,
        is_approved: false,
        is_hidden: false,
        notes: null,
        collected_at: m.at,
        created_at: iso(d.clock.now()),
        approved_at: null,
      };
      if (await d.store.reviews.put(review)) r.reviews_created++;
    }
    if (r.scanned > 0) {
      const skipped = Object.fromEntries(Object.entries(r.skipped).filter(([, n]) => n > 0));
      await d.store.reviews.countScan(tenantId, c.id, { scanned: r.scanned, reviews: r.reviews_created, skipped });
    }
    results.set(c.id, r);
  }
  return results;
};

/** New messages as they arrive: every active collector of the tenant reads them (one query per batch). */
export const onMessages = async (d: Pick<D, "store" | "clock">, tenantId: string, messages: Candidate[]) => {
  if (messages.length === 0) return;
  const collectors = (await d.store.reviews.listCollectors(tenantId)).filter((c) => c.is_active);
  if (collectors.length > 0) await scan(d, tenantId, collectors, messages);
};

/** At most this many stored messages are read by one `run`. */
export const RUN_MAX_MESSAGES = 10_000;

/**
 * `POST /reviews/collectors/{id}/run`: scans the stored messages of its session now — its 1:1 chats'
 * inbound messages and its monitored groups' messages, within the tenant's retention (what is stored).
 */
export const run = async (d: D, tenantId: string, id: string) => {
  const c = await loadCollector(d, tenantId, id);
  const { retention_days } = settingsOf(await d.store.tenants.get(tenantId));
  const fromIso = iso(d.clock.now() - retention_days * 86_400_000);
  const messages: Candidate[] = [];
  let truncated = false;
  const full = () => {
    truncated = messages.length >= RUN_MAX_MESSAGES;
    return truncated;
  };
  if (c.source_type !== "groups") {
    for await (const conv of d.store.conversations.activeSince(tenantId, fromIso)) {
      if (conv.session_id !== c.session_id || full()) continue;
      let cursor: string | undefined;
      do {
        const page = await d.store.conversations.messages(tenantId, conv.phone, { sessionId: c.session_id, order: "asc", fromIso }, { limit: 200, cursor });
        for (const e of page.items)
          if (e.direction === "inbound" && !full())
            messages.push({
              session_id: c.session_id,
              kind: "chat",
              chat_id: chatIdOf(conv.phone),
              phone: conv.phone,
              name: conv.name,
              wa_message_id: e.message.wa_message_id,
              text: e.message.text,
              at: e.message.received_at,
            });
        cursor = page.next_cursor ?? undefined;
      } while (cursor && !full());
    }
  }
  if (c.source_type !== "chats") {
    for (const g of await d.store.monitors.list(tenantId)) {
      if (g.session_id !== c.session_id) continue;
      let cursor: string | undefined;
      do {
        const page = await d.store.monitors.messages(tenantId, g.id, { fromIso }, { limit: 200, cursor });
        for (const m of page.items)
          if (!full())
            messages.push({
              session_id: m.session_id,
              kind: "group",
              chat_id: m.wa_group_id,
              phone: m.phone,
              name: m.name,
              wa_message_id: m.wa_message_id,
              text: m.text,
              at: m.received_at,
            });
        cursor = page.next_cursor ?? undefined;
      } while (cursor && !full());
    }
  }
  const result = (await scan(d, tenantId, [{ ...c, is_active: true }], messages)).get(c.id) as ScanResult;
  const updated = await d.store.reviews.updateCollector(tenantId, id, { last_run_at: iso(d.clock.now()) }, iso(d.clock.now()));
  return { collector: collectorView(updated ?? c), ...result, truncated };
};

const loadReview = async (d: Pick<D, "store">, tenantId: string, id: string) => {
  const r = looksLikeId("rev", id) ? await d.store.reviews.get(tenantId, id) : undefined;
  if (!r) throw notFound("review", id);
  return r;
};

export interface ReviewFilter {
  collector_id?: string;
  approved_only?: boolean;
  is_approved?: boolean;
  include_hidden?: boolean;
  is_hidden?: boolean;
  min_score?: number;
}
const matches = (f: ReviewFilter) => (r: Review) =>
  (!f.collector_id || r.collector_id === f.collector_id) &&
  (!f.approved_only || r.is_approved) &&
  (f.is_approved === undefined || r.is_approved === f.is_approved) &&
  (f.is_hidden !== undefined ? r.is_hidden === f.is_hidden : f.include_hidden === false ? !r.is_hidden : true) &&
  (f.min_score === undefined || r.sentiment_score >= f.min_score);

export const list = async (d: Pick<D, "store">, tenantId: string, f: ReviewFilter, page: PageRequest) => {
  const keep = matches(f);
  const p = await d.store.reviews.list(tenantId, page, keep);
  let total = 0;
  for await (const r of d.store.reviews.all(tenantId)) if (keep(r)) total++;
  return { reviews: p.items.map(reviewView), total, next_cursor: p.next_cursor };
};

export const get = async (d: Pick<D, "store">, tenantId: string, id: string) => reviewView(await loadReview(d, tenantId, id));

export const update = async (d: D, tenantId: string, id: string, patch: { is_approved?: boolean; is_hidden?: boolean; notes?: string | null }) => {
  const r = await loadReview(d, tenantId, id);
  const approvedAt = patch.is_approved === true ? (r.approved_at ?? iso(d.clock.now())) : patch.is_approved === false ? null : undefined;
  const next = await d.store.reviews.update(tenantId, id, { ...patch, ...(approvedAt === undefined ? {} : { approved_at: approvedAt }) });
  if (!next) throw notFound("review", id);
  return reviewView(next);
};

export const remove = async (d: Pick<D, "store">, tenantId: string, id: string) => {
  if (!looksLikeId("rev", id) || !(await d.store.reviews.remove(tenantId, id))) throw notFound("review", id);
};

const round = (x: number) => Math.round(x * 1000) / 1000;

/** `GET /reviews/stats`: MoltFlow's `total`, `approved`, `pending`, `hidden`, `avg_score`, plus `average_sentiment` and per day. */
export const stats = async (d: Pick<D, "store">, tenantId: string, collectorId?: string) => {
  let total = 0;
  let approved = 0;
  let hidden = 0;
  let sum = 0;
  const days = new Map<string, { day: string; total: number; approved: number; sum: number }>();
  for await (const r of d.store.reviews.all(tenantId)) {
    if (collectorId && r.collector_id !== collectorId) continue;
    total++;
    sum += r.sentiment_score;
    if (r.is_approved) approved++;
    if (r.is_hidden) hidden++;
    const day = r.collected_at.slice(0, 10);
    const x = days.get(day) ?? { day, total: 0, approved: 0, sum: 0 };
    x.total++;
    x.sum += r.sentiment_score;
    if (r.is_approved) x.approved++;
    days.set(day, x);
  }
  const average = total ? round(sum / total) : 0;
  return {
    total,
    approved,
    pending: total - approved,
    hidden,
    average_sentiment: average,
    avg_score: average,
    by_day: [...days.values()]
      .sort((a, b) => a.day.localeCompare(b.day))
      .map((x) => ({ day: x.day, total: x.total, approved: x.approved, average_sentiment: round(x.sum / x.total) })),
  };
};

/** Approved, not hidden reviews, best first (testimonials). */
export const testimonials = async (d: Pick<D, "store">, tenantId: string, collectorId?: string) => {
  const out: Review[] = [];
  for await (const r of d.store.reviews.all(tenantId)) if (r.is_approved && !r.is_hidden && (!collectorId || r.collector_id === collectorId)) out.push(r);
  out.sort((a, b) => b.sentiment_score - a.sentiment_score || b.collected_at.localeCompare(a.collected_at));
  return out.map(reviewView);
};

const esc = (s: unknown) => String(s ?? "").replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** A self-contained page (no scripts, no external resources) of testimonials; every text is escaped. */
export const testimonialsHtml = (reviews: ReviewView[]) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Testimonials</title>
<style>body{font:16px/1.5 system-ui,-apple-system,sans-serif;margin:0 auto;padding:16px;max-width:760px;color:#222}blockquote{margin:0 0 14px;padding:12px 16px;border-left:4px solid #54a24b;background:#f6f8f6}cite{display:block;margin-top:6px;color:#555;font-style:normal;font-size:.9em}</style></head>
<body><h1>What our customers say</h1>${reviews
    .map(
      (r) =>
        `<blockquote lang="${esc(r.detected_language)}"><p>${esc(r.message_text)}</p><cite>— ${esc(r.contact_name ?? "a customer")}, ${esc(r.collected_at.slice(0, 10))}</cite></blockquote>`,
    )
    .join("\n")}</body></html>`;
