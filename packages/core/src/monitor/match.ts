/**
 * Keyword matching of monitored groups: case- and accent-insensitive, whole words in any script
 * (letters and digits of every alphabet are word characters), and keywords written in scripts without
 * spaces between words (Chinese, Japanese, Korean, Thai, Lao, Khmer, Myanmar) match as substrings.
 */

/** Lower case, without accents (NFKD minus combining marks), whitespace runs as one space. */
export const fold = (s: string) => s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/gu, " ").trim();

const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A compiled keyword list: `match(text)` answers the keywords (as given) the text contains, in list order. */
export const compile = (keywords: readonly string[]) => {
  const tests = keywords
    .map((k) => ({ keyword: k, folded: fold(k) }))
    .filter((k) => k.folded.length > 0)
    .map(({ keyword, folded }) => {
      if (UNSPACED.test(folded)) return { keyword, test: (t: string) => t.includes(folded) };
      const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(folded).replace(/ /g, "\\s+")}(?![\\p{L}\\p{N}])`, "u");
      return { keyword, test: (t: string) => re.test(t) };
    });
  return (text: string): string[] => {
    if (tests.length === 0 || !text) return [];
    const t = fold(text);
    return tests.filter((x) => x.test(t)).map((x) => x.keyword);
  };
};

/** Keywords as stored: trimmed, non-empty, deduplicated by their folded form (first spelling kept). */
export const cleanKeywords = (keywords: readonly string[]) => {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const k of keywords) {
    const trimmed = k.trim();
    const f = fold(trimmed);
    if (!f || seen.has(f)) continue;
    seen.add(f);
    out.push(trimmed);
  }
  return out;
};
