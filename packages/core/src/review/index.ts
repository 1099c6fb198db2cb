import type { Store } from "../port";

export { type CollectorInput, collectorView, createCollector, getCollector, listCollectors, removeCollector, updateCollector } from "./collector";
export * from "./port";
export {
  activeCollectors,
  type Candidate,
  collectorLists,
  hitsOf,
  onGroupMessageRecorded,
  onMessages,
  onMessagesRecorded,
  RUN_MAX_MESSAGES,
  run,
  type ScanResult,
  scan,
} from "./scan";
export { analyze, SENTIMENT_LANGUAGES, type Sentiment } from "./sentiment";
export { CollectorView, ReviewView } from "./view";

import type { Uses } from "../deps";
import { notFound } from "../error";
import { esc } from "../html";
import { looksLikeId } from "../id";
import { iso, type PageRequest } from "../port";
import type { Review } from "./port";
import type { ReviewView } from "./view";

type D = Uses<"reviews", "clock" | "ids" | "queue">;

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

/** A deleted review collector's reviews, chunk by chunk: how many items went (0 when nothing is left). */
export const purgeLeftovers = async (d: { store: Pick<Store, "reviews"> }, tenantId: string, id: string, max: number): Promise<number> =>
  d.store.reviews.purge(tenantId, id, max);
