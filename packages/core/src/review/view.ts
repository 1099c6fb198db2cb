import * as z from "zod";
import { SKIP_REASONS, SOURCE_TYPES } from "./port";

/** A collector as the API shows it: MoltFlow's fields plus *(ours)* what it scanned and skipped. */
export const CollectorView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  session_id: z.string(),
  source_type: z.enum(SOURCE_TYPES),
  min_positive_words: z.number().int(),
  min_sentiment_score: z.number(),
  include_keywords: z.array(z.string()),
  exclude_keywords: z.array(z.string()),
  languages: z.array(z.string()),
  selected_chat_ids: z.array(z.string()),
  is_active: z.boolean(),
  review_count: z.number().int(),
  scanned_count: z.number().int(),
  /** Messages not scored, by reason: `unsupported_language` (no lexicon here), `language_not_selected`, `no_language`. */
  skipped: z.object(Object.fromEntries(SKIP_REASONS.map((r) => [r, z.number().int()])) as Record<(typeof SKIP_REASONS)[number], z.ZodNumber>),
  skipped_count: z.number().int(),
  last_run_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type CollectorView = z.infer<typeof CollectorView>;

export const ReviewView = z.object({
  id: z.string(),
  collector_id: z.string(),
  session_id: z.string(),
  chat_id: z.string(),
  contact_name: z.string().nullable(),
  contact_phone: z.string().nullable(),
  message_id: z.string(),
  message_text: z.string(),
  /** 0 (negative) … 0.5 (neutral) … 1 (positive). */
  sentiment_score: z.number(),
  sentiment_label: z.enum(["positive", "neutral", "negative"]),
  detected_language: z.string(),
  is_approved: z.boolean(),
  is_hidden: z.boolean(),
  notes: z.string().nullable(),
  collected_at: z.string(),
  approved_at: z.string().nullable(),
});
export type ReviewView = z.infer<typeof ReviewView>;
