import { compile } from "../packages/core/src/keywords";
import type { Collector } from "../packages/core/src/review";
import { type Candidate, scan } from "../packages/core/src/review/scan";
import { collectorRecord } from "../test/helpers/records";

/**
 * Keyword matching on the session host's inbound path (issue 29): the review's worst case, 100
 * keywords of 100 characters against one 64 KB message, for a monitored group and for two review
 * collectors (include and exclude lists) reading the same message. Pure CPU: the collectors' store is
 * a stub that only counts (nothing matches, so nothing is scored or written). Each figure is the
 * longest a message holds the event loop (matching is synchronous), median of `rounds`.
 */
const kw = (i: number) => `${"a ".repeat(48)}a${String.fromCharCode(98 + (i % 24))}${i}`.slice(0, 100);
const keywords = Array.from({ length: 100 }, (_, i) => kw(i));
const texts = {
  "'a '×32768 (64 KB)": "a ".repeat(32768),
  "'a'×65536 (64 KB)": "a".repeat(65536),
  "64 KB of words": Array.from({ length: 9000 }, (_, i) => `word${i % 97}`)
    .join(" ")
    .slice(0, 65536),
};

const collector = (id: string): Collector =>
  collectorRecord({
    id,
    tenant_id: "ten_bench",
    session_id: "ses_bench",
    include_keywords: keywords,
    exclude_keywords: keywords.map((k) => `x${k}`.slice(0, 100)),
  });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export const keywordsBench = async (rounds = Number(process.env.BENCH_ROUNDS ?? 5)) => {
  const store = { reviews: { countScan: async () => {}, put: async () => true } } as never;
  const d = { store, clock: { now: () => Date.parse("2026-01-01T00:00:00Z") } } as never;
  const out: Record<string, { chars: number; monitor_ms: number; two_collectors_ms: number }> = {};
  for (const [name, text] of Object.entries(texts)) {
    const m: Candidate = {
      session_id: "ses_bench",
      kind: "group",
      chat_id: "1@g.us",
      phone: null,
      name: null,
      wa_message_id: "w",
      text,
      at: "2026-01-01T00:00:00.000Z",
    };
    const mon: number[] = [];
    const col: number[] = [];
    for (let r = 0; r < rounds; r++) {
      let t0 = performance.now();
      compile(keywords)(text);
      mon.push(performance.now() - t0);
      t0 = performance.now();
      await scan(d, "ten_bench", [collector("rcol_1"), collector("rcol_2")], [m]);
      col.push(performance.now() - t0);
    }
    out[name] = { chars: text.length, monitor_ms: Math.round(median(mon) * 100) / 100, two_collectors_ms: Math.round(median(col) * 100) / 100 };
  }
  // Nested keywords ("a" … "a"×100), each a suffix of the next: every position ends up to 100 of them.
  const nested = compile(Array.from({ length: 100 }, (_, i) => "a".repeat(i + 1)));
  const words = `${"a".repeat(100)} `.repeat(160);
  const nest: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    nested(words);
    nest.push(performance.now() - t0);
  }
  const nested_ms = Math.round(median(nest) * 100) / 100;
  return { keywords: keywords.length, keyword_chars: keywords[0]?.length, rounds, per_text: out, nested_100_keywords_16kb_ms: nested_ms };
};
