/**
 * Sentiment of a message, from a maintained library (nlp.js: `@nlpjs/sentiment` with the lexicons of
 * `@nlpjs/lang-*`, language detection by `@nlpjs/language`), normalized to 0–1 (0.5 = neutral). The
 * library is loaded on first use, so processes that never score a message never load it.
 */

/** Languages with a sentiment lexicon here (the `@nlpjs/lang-*` packages installed), ISO 639-1. */
export const SENTIMENT_LANGUAGES = {
  en: "English",
  pt: "Portuguese",
  es: "Spanish",
  fr: "French",
  de: "German",
  it: "Italian",
  nl: "Dutch",
  ru: "Russian",
  tr: "Turkish",
  ar: "Arabic",
} as const;
export type SentimentLanguage = keyof typeof SENTIMENT_LANGUAGES;
const isSupported = (l: string): l is SentimentLanguage => l in SENTIMENT_LANGUAGES;

export type Sentiment =
  | {
      ok: true;
      language: SentimentLanguage;
      /** 0 (negative) … 0.5 (neutral) … 1 (positive). */
      score: number;
      /** Words the lexicon scores positive (a negation before them turns them negative). */
      positive_words: number;
      /** The library's raw sum over the message's words (its lexicon's own scale). */
      raw: number;
    }
  | { ok: false; language: string | null; reason: "unsupported_language" | "language_not_selected" | "no_language" };

type Analyzer = {
  process(input: { locale: string; text: string }): Promise<{ sentiment: { score: number; numHits: number; type?: string } }>;
  prepare(locale: string, text: string, settings: unknown, stemmed: boolean): Promise<string[] | Record<string, number>> | string[] | Record<string, number>;
};
type Guesser = { guess(text: string, allow: string[] | null, limit: number): { alpha2: string; alpha3: string; score: number }[] };
interface Engine {
  analyzer: Analyzer;
  guesser: Guesser;
  dictionary(locale: string): { type: string; words: Record<string, number>; negations: string[]; stemmed: boolean } | undefined;
  isStopword(locale: string, word: string): boolean;
  alpha3: Record<string, string>;
}

let engine: Promise<Engine> | undefined;

const load = async (): Promise<Engine> => {
  const mod = async (name: Promise<any>) => {
    const m = await name;
    return m.default ?? m;
  };
  const [core, sentiment, language, en, pt, es, fr, de, it, nl, ru, tr, ar] = await Promise.all([
    mod(import("@nlpjs/core")),
    mod(import("@nlpjs/sentiment")),
    mod(import("@nlpjs/language")),
    mod(import("@nlpjs/lang-en")),
    mod(import("@nlpjs/lang-pt")),
    mod(import("@nlpjs/lang-es")),
    mod(import("@nlpjs/lang-fr")),
    mod(import("@nlpjs/lang-de")),
    mod(import("@nlpjs/lang-it")),
    mod(import("@nlpjs/lang-nl")),
    mod(import("@nlpjs/lang-ru")),
    mod(import("@nlpjs/lang-tr")),
    mod(import("@nlpjs/lang-ar")),
  ]);
  const container = await core.containerBootstrap();
  for (const l of [en.LangEn, pt.LangPt, es.LangEs, fr.LangFr, de.LangDe, it.LangIt, nl.LangNl, ru.LangRu, tr.LangTr, ar.LangAr]) container.use(l);
  const analyzer = new sentiment.SentimentAnalyzer({ container }) as Analyzer;
  const guesser = new language.Language() as Guesser;
  return {
    analyzer,
    guesser,
    alpha3: { en: "eng", pt: "por", es: "spa", fr: "fra", de: "deu", it: "ita", nl: "nld", ru: "rus", tr: "tur", ar: "arb" },
    isStopword(locale, word) {
      const s = container.get(`stopwords-${locale}`);
      return s ? s.isStopword(word) === true : false;
    },
    dictionary(locale) {
      const d = container.get(`sentiment-${locale}`);
      if (!d) return undefined;
      const type = d.senticon ? "senticon" : d.pattern ? "pattern" : d.afinn ? "afinn" : undefined;
      if (!type) return undefined;
      return { type, words: d[type], negations: d.negations?.words ?? [], stemmed: d.stemmed === true };
    },
  };
};

/** How far a candidate language may score below the best guess and still be taken (the guesser is unsure on short texts). */
const CLOSE = 0.75;

/** The message's language: the best guess, or a close runner-up we can score; `allowed` limits it (a collector's `languages`). */
const detect = (e: Engine, text: string, allowed: readonly string[]): { language: string | null; supported: SentimentLanguage | null } => {
  const guesses = e.guesser.guess(text, null, 6).filter((g) => g.score > 0);
  const best = guesses[0];
  if (!best) return { language: null, supported: null };
  const pick = guesses.find((g) => g.score >= CLOSE && isSupported(g.alpha2) && (allowed.length === 0 || allowed.includes(g.alpha2)));
  return { language: pick?.alpha2 ?? best.alpha2, supported: pick && isSupported(pick.alpha2) ? pick.alpha2 : null };
};

const WEAK = 0.3;

/** A lexicon's scale to −1…1 per word (AFINN scores words −5…5; Senticon and Pattern −1…1). */
const unit = (type: string) => (type === "afinn" ? 5 : 1);

/**
 * Scores one message. Languages without a lexicon here (or not in `languages`, when given) are not
 * scored: the result says why, so a collector can count what it skipped.
 */
export const analyze = async (text: string, languages: readonly string[] = []): Promise<Sentiment> => {
  engine ??= load();
  const e = await engine;
  const { language, supported } = detect(e, text, languages);
  if (!supported) {
    if (!language) return { ok: false, language: null, reason: "no_language" };
    if (languages.length > 0 && isSupported(language) && !languages.includes(language)) return { ok: false, language, reason: "language_not_selected" };
    return { ok: false, language, reason: isSupported(language) ? "language_not_selected" : "unsupported_language" };
  }
  const out = await e.analyzer.process({ locale: supported, text });
  const dict = e.dictionary(supported);
  let positive = 0;
  let sum = 0;
  if (dict) {
    // Stopwords are dropped first: some lexicons score words like "to" or "in" (they carry no opinion).
    const words = (await e.analyzer.prepare(supported, text, undefined, false)) as string[];
    const kept = words.filter((w) => !e.isStopword(supported, w.toLowerCase()) || dict.negations.includes(w.toLowerCase())).join(" ");
    const prepared = dict.stemmed ? await e.analyzer.prepare(supported, kept, undefined, true) : kept.split(" ");
    const tokens = Array.isArray(prepared) ? prepared : Object.keys(prepared);
    let negated = false;
    for (const raw of tokens) {
      const t = raw.toLowerCase();
      if (dict.negations.includes(t)) {
        negated = true;
        continue;
      }
      const v = dict.words[t];
      if (v === undefined) continue;
      const s = (negated ? -v : v) / unit(dict.type);
      // Weak scores (below 0.3 of the scale: "model", "size", "month") are noise, not opinion.
      if (Math.abs(s) < WEAK) continue;
      sum += s;
      if (s > 0) positive++;
    }
  }
  // The library's sum on a common −1…1-per-word scale, squashed to 0–1: 0.5 is neutral, and each
  // clearly positive word moves it up (≈ 0.73 for one, 0.88 for two).
  const score = 1 / (1 + Math.exp(-2 * sum));
  return { ok: true, language: supported, score: Math.round(score * 1000) / 1000, positive_words: positive, raw: out.sentiment.score };
};
