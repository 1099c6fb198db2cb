import { describe, expect, it } from "vitest";
import { collectorRecord } from "../../../../test/helpers/records";
import type { Collector } from "./port";
import { type Candidate, scan } from "./scan";

/** Issue 29: a collector run over many long messages never holds the event loop for long. */
const keywords = Array.from({ length: 100 }, (_, i) => `${"a ".repeat(48)}a${String.fromCharCode(98 + (i % 24))}${i}`);
const collector = (id: string): Collector =>
  collectorRecord({ id, tenant_id: "ten_t", session_id: "ses_s", include_keywords: keywords, exclude_keywords: keywords.map((k) => `x${k}`) });

describe("collector scans", () => {
  it("yield to the event loop while matching 400 messages of 64 KB against two collectors' 400 keywords", async () => {
    const messages: Candidate[] = Array.from({ length: 400 }, (_, i) => ({
      session_id: "ses_s",
      kind: "group",
      chat_id: "1@g.us",
      phone: null,
      name: null,
      wa_message_id: `w${i}`,
      text: `${"a ".repeat(32767)}${i}`,
      at: "2026-01-01T00:00:00.000Z",
    }));
    const counted: number[] = [];
    // A manual clock: every reading is one millisecond later, as if each message took that long to
    // match (≈ 1.7 ms here). The store is not what is measured: counts are kept in memory.
    let now = 0;
    const d = {
      store: { reviews: { countScan: async (_t: string, _c: string, n: { scanned: number }) => void counted.push(n.scanned), put: async () => true } },
      clock: { now: () => now++ },
    } as never;
    // How many messages were matched between two turns of the event loop.
    const stretches: number[] = [];
    let done = false;
    const probe = (async () => {
      let at = now;
      while (!done) {
        await new Promise((r) => setImmediate(r));
        stretches.push(now - at);
        at = now;
      }
    })();
    const results = await scan(d, "ten_t", [collector("rcol_1"), collector("rcol_2")], messages);
    done = true;
    await probe;
    expect([...results.values()].map((r) => r.scanned)).toEqual([400, 400]);
    expect(counted).toEqual([400, 400]);
    // Without yielding the loop gets one turn for the whole scan; with it, one every few milliseconds.
    expect(stretches.length).toBeGreaterThan(60);
    expect(Math.max(...stretches)).toBeLessThanOrEqual(8);
  });
});
