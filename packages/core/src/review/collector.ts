import type { Uses } from "../deps";
import { forbidden, notFound, unprocessable } from "../error";
import { looksLikeId } from "../id";
import { cleanKeywords } from "../keywords";
import { iso } from "../port";
import { tenantPlan } from "../tenant";
import { type Collector, type CollectorPatch, SKIP_REASONS, type SkipReason, type SourceType } from "./port";
import { SENTIMENT_LANGUAGES } from "./sentiment";
import type { CollectorView } from "./view";

type D = Uses<"activity" | "reviews" | "sessions" | "tenants", "clock" | "ids" | "queue">;

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

export const checkLanguages = (languages: string[]) => {
  const unknown = languages.filter((l) => !(l in SENTIMENT_LANGUAGES));
  if (unknown.length)
    throw unprocessable(
      "review.language_unsupported",
      `No sentiment lexicon for ${unknown.join(", ")}; supported: ${Object.keys(SENTIMENT_LANGUAGES).join(", ")}.`,
      { field: "languages", supported: Object.keys(SENTIMENT_LANGUAGES) },
    );
  return [...new Set(languages)];
};

export const loadCollector = async (d: Pick<D, "store">, tenantId: string, id: string) => {
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
  if ((await d.store.reviews.createCollector(c, plan.review_collectors)) === "limit")
    throw forbidden("plan.collector_limit", `Your plan allows ${plan.review_collectors} review collectors; all are in use.`, {
      limit: plan.review_collectors,
      used: plan.review_collectors,
      remaining: 0,
    });
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
