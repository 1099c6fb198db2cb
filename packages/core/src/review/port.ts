import type { Page, PageRequest } from "../port/page";

export const SOURCE_TYPES = ["all", "chats", "groups", "selected"] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** Why a message was not scored. */
export const SKIP_REASONS = ["unsupported_language", "language_not_selected", "no_language"] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** A review collector: watches one session's inbound messages for review-like ones (MoltFlow's fields). */
export interface Collector {
  id: string;
  tenant_id: string;
  name: string;
  description: string | null;
  session_id: string;
  source_type: SourceType;
  min_positive_words: number;
  min_sentiment_score: number;
  include_keywords: string[];
  exclude_keywords: string[];
  /** ISO 639-1 codes; empty: every language with a lexicon. */
  languages: string[];
  /** Chat ids (`…@c.us`, `…@g.us`) a `selected` collector reads; other types read these only when given. */
  selected_chat_ids: string[];
  is_active: boolean;
  review_count: number;
  /** Messages scored or skipped so far (each message once per collector). */
  scanned_count: number;
  /** Messages not scored, by reason. */
  skipped: Partial<Record<SkipReason, number>>;
  last_run_at: string | null;
  created_at: string;
  updated_at: string;
}

export type CollectorPatch = Partial<
  Pick<
    Collector,
    | "name"
    | "description"
    | "source_type"
    | "min_positive_words"
    | "min_sentiment_score"
    | "include_keywords"
    | "exclude_keywords"
    | "languages"
    | "selected_chat_ids"
    | "is_active"
  >
>;

export interface Review {
  id: string;
  tenant_id: string;
  collector_id: string;
  session_id: string;
  chat_id: string;
  contact_phone: string | null;
  contact_name: string | null;
  /** WhatsApp's id of the message: a message becomes a review of a collector once. */
  wa_message_id: string;
  message_text: string;
  sentiment_score: number;
  detected_language: string;
  is_approved: boolean;
  is_hidden: boolean;
  notes: string | null;
  /** When the contact wrote it. */
  collected_at: string;
  created_at: string;
  approved_at: string | null;
}

export type ReviewPatch = Partial<Pick<Review, "is_approved" | "is_hidden" | "notes" | "approved_at">>;

export interface ReviewRepo {
  /** Creates the collector unless the tenant has `limit` already (counted atomically; `null`: no cap). */
  createCollector(c: Collector, limit: number | null): Promise<"ok" | "limit">;
  getCollector(tenantId: string, id: string): Promise<Collector | undefined>;
  listCollectors(tenantId: string): Promise<Collector[]>;
  updateCollector(tenantId: string, id: string, patch: CollectorPatch & { last_run_at?: string }, at: string): Promise<Collector | undefined>;
  removeCollector(tenantId: string, id: string): Promise<boolean>;
  /** Adds to the collector's counters (one write for a batch of messages). */
  countScan(tenantId: string, id: string, n: { scanned: number; reviews: number; skipped: Partial<Record<SkipReason, number>> }): Promise<void>;
  /** Stores the review unless this collector has one of this message already (false then). */
  put(r: Review): Promise<boolean>;
  get(tenantId: string, id: string): Promise<Review | undefined>;
  /** Newest first; `keep` filters. */
  list(tenantId: string, page: PageRequest, keep: (r: Review) => boolean): Promise<Page<Review>>;
  all(tenantId: string): AsyncGenerator<Review>;
  update(tenantId: string, id: string, patch: ReviewPatch): Promise<Review | undefined>;
  remove(tenantId: string, id: string): Promise<Review | undefined>;
  /** Deletes up to `max` reviews of a deleted collector; 0 when none are left. */
  purge(tenantId: string, collectorId: string, max: number): Promise<number>;
}

/** A collector's include and exclude keywords found in a message. */
export type KeywordHits = readonly [include: string[], exclude: string[]];
