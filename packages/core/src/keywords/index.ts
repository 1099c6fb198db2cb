/**
 * Keyword matching of monitored groups and review collectors: case- and accent-insensitive, whole
 * words in any script (letters and digits of every alphabet are word characters), and keywords written
 * in scripts without spaces between words (Chinese, Japanese, Korean, Thai, Lao, Khmer, Myanmar) match
 * as substrings.
 *
 * Bounded (issue 29): a message is folded once and only its first `MATCH_TEXT_CHARS` characters are
 * read; every keyword list of every matcher that reads it is found in that one pass of one automaton
 * (`automaton.ts`), built once per distinct set of lists and kept in a small cache.
 */
import { type Automaton, build, type Pattern } from "./automaton";

/** Characters of a message that keywords are matched against (WhatsApp allows 65,536). */
export const MATCH_TEXT_CHARS = 16_384;
/** Keywords per list (a group's keywords, a collector's include or exclude list) and their length. */
export const MAX_KEYWORDS = 100;
export const MAX_KEYWORD_CHARS = 100;

/** Lower case, without accents (NFKD minus combining marks), whitespace runs as one space. */
export const fold = (s: string) => s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/gu, " ").trim();

/** The part of a message that is matched, folded. */
export const foldMessage = (text: string) => fold(text.slice(0, MATCH_TEXT_CHARS));

const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** Several keyword lists matched together: `match(folded)` answers, per list, the keywords (as given) found, in list order. */
export interface Matcher {
  match(folded: string): string[][];
}

const CACHE_MAX = 256;
const cache = new Map<string, Matcher>();

/** One automaton for all `lists` (at most `MAX_KEYWORDS` of each are read); cached by content. */
export const compileLists = (lists: readonly (readonly string[])[]): Matcher => {
  const key = JSON.stringify(lists);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const owners: { list: number; keyword: string }[] = [];
  const patterns: Pattern[] = [];
  lists.forEach((list, li) => {
    for (const keyword of list.slice(0, MAX_KEYWORDS)) {
      const folded = fold(keyword.slice(0, MAX_KEYWORD_CHARS));
      if (!folded) continue;
      owners.push({ list: li, keyword });
      patterns.push({ text: folded, wholeWord: !UNSPACED.test(folded) });
    }
  });
  const automaton: Automaton | undefined = patterns.length ? build(patterns) : undefined;
  const m: Matcher = {
    match(folded) {
      const out: string[][] = lists.map(() => []);
      if (!automaton || !folded) return out;
      for (const id of automaton.find(folded)) {
        const o = owners[id];
        if (o) out[o.list]?.push(o.keyword);
      }
      return out;
    },
  };
  cache.set(key, m);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string);
  return m;
};

/** A compiled keyword list: `match(text)` answers the keywords (as given) the text contains, in list order. */
export const compile = (keywords: readonly string[]) => {
  const m = compileLists([keywords]);
  return (text: string): string[] => (text ? (m.match(foldMessage(text))[0] ?? []) : []);
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
