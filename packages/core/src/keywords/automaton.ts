/**
 * An Aho–Corasick automaton over UTF-16 code units, for keyword matching on the session host's
 * inbound path (issue 29). One pass over a text finds every pattern it contains: the work is the text's
 * length plus, at each end of a word, the patterns ending there (at most one per pattern length, so
 * bounded by the longest pattern whatever the text). No regular expression, no backtracking.
 *
 * Written here rather than taken from npm: the maintained package (`modern-ahocorasick`) matches
 * grapheme clusters and takes 0.7 s on a 64 KB text once a word-boundary rule is given, and its
 * `all` strategy enumerates every overlapping hit (4.9 M on the review's nested keywords).
 */

export interface Pattern {
  /** Folded text to find. */
  text: string;
  /** Whole words only (letters and digits of any alphabet must not touch it); otherwise a substring. */
  wholeWord: boolean;
}

const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_WORD[c] = /[A-Za-z0-9]/.test(String.fromCharCode(c)) ? 1 : 0;
const WORD = /[\p{L}\p{N}]/u;

/** Whether the code point at `i` (or the one ending at `i`, when `before`) is a letter or digit. */
const isWordAt = (t: string, i: number, before: boolean): boolean => {
  if (i < 0 || i >= t.length) return false;
  let c = t.charCodeAt(i);
  if (c < 128) return ASCII_WORD[c] === 1;
  if (before && c >= 0xdc00 && c <= 0xdfff && i > 0) c = t.codePointAt(i - 1) ?? c;
  else c = t.codePointAt(i) ?? c;
  return WORD.test(String.fromCodePoint(c));
};

export interface Automaton {
  /** Indexes of the patterns found in `text` (each once), ascending. */
  find(text: string): number[];
}

export const build = (patterns: readonly Pattern[]): Automaton => {
  const next: Map<number, number>[] = [new Map()];
  const fail: number[] = [0];
  const out: number[][] = [[]];
  patterns.forEach((p, id) => {
    let s = 0;
    for (let i = 0; i < p.text.length; i++) {
      const c = p.text.charCodeAt(i);
      let n = next[s]?.get(c);
      if (n === undefined) {
        n = next.length;
        next.push(new Map());
        fail.push(0);
        out.push([]);
        next[s]?.set(c, n);
      }
      s = n;
    }
    if (p.text.length > 0) out[s]?.push(id);
  });
  // Breadth first: each state's failure is the longest proper suffix that is also a prefix; `dict`
  // jumps to the nearest state on that chain that ends a pattern.
  const dict: number[] = new Array(next.length).fill(-1);
  const queue: number[] = [];
  for (const n of next[0]?.values() ?? []) queue.push(n);
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q] as number;
    for (const [c, n] of next[s] ?? []) {
      let f = fail[s] as number;
      while (f !== 0 && !next[f]?.has(c)) f = fail[f] as number;
      const g = next[f]?.get(c);
      fail[n] = g !== undefined && g !== n ? g : 0;
      const fn = fail[n] as number;
      dict[n] = (out[fn]?.length ?? 0) > 0 ? fn : (dict[fn] as number);
      queue.push(n);
    }
  }
  const lengths = patterns.map((p) => p.text.length);
  const whole = patterns.map((p) => p.wholeWord);

  return {
    find(text) {
      const found = new Uint8Array(patterns.length);
      const hits: number[] = [];
      let s = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        for (;;) {
          const n = next[s]?.get(c);
          if (n !== undefined) {
            s = n;
            break;
          }
          if (s === 0) break;
          s = fail[s] as number;
        }
        if (s === 0) continue;
        const endsWord = !isWordAt(text, i + 1, false);
        for (let o = (out[s]?.length ?? 0) > 0 ? s : (dict[s] as number); o > 0; o = dict[o] as number) {
          for (const id of out[o] ?? []) {
            if (found[id]) continue;
            if (whole[id] && (!endsWord || isWordAt(text, i - (lengths[id] as number), true))) continue;
            found[id] = 1;
            hits.push(id);
          }
        }
      }
      return hits.sort((a, b) => a - b);
    },
  };
};
