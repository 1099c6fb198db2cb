import { analyze } from "../packages/core/src/review/sentiment";
import { REVIEW_MESSAGES } from "../test/fixtures/review-messages";

/**
 * The review collector's rule (default settings: score ≥ 0.6 and ≥ 3 positive words) over issue 21's
 * 30-message set, with nlp.js: how many of each label become reviews, and the time to score a message.
 */
export const sentiment = async () => {
  const t0 = performance.now();
  await analyze("warm up the library");
  const loadMs = performance.now() - t0;
  const by: Record<string, { messages: number; reviews: number; skipped: number }> = {};
  const rows = [];
  const t1 = performance.now();
  for (const m of REVIEW_MESSAGES) {
    const s = await analyze(m.text);
    const review = s.ok && s.score >= 0.6 && s.positive_words >= 3;
    const k = `${m.label}/${m.language}`;
    const b = by[k] ?? { messages: 0, reviews: 0, skipped: 0 };
    by[k] = b;
    b.messages++;
    if (review) b.reviews++;
    if (!s.ok) b.skipped++;
    rows.push({
      label: m.label,
      language: m.language,
      detected: s.language,
      score: s.ok ? s.score : null,
      positive_words: s.ok ? s.positive_words : null,
      review,
    });
  }
  const perMessageMs = (performance.now() - t1) / REVIEW_MESSAGES.length;
  const positives = rows.filter((r) => r.label === "positive");
  const others = rows.filter((r) => r.label !== "positive");
  return {
    load_ms: Math.round(loadMs),
    per_message_ms: Math.round(perMessageMs * 100) / 100,
    recall: positives.filter((r) => r.review).length / positives.length,
    false_positives: others.filter((r) => r.review).length,
    precision: rows.filter((r) => r.review && r.label === "positive").length / Math.max(1, rows.filter((r) => r.review).length),
    by,
    rows,
  };
};
