import type { OnMessagesRecorded } from "../conversation/port";
import type { Uses } from "../deps";
import { chatIdOf } from "../e164";
import { idAt } from "../id";
import { compileLists, foldMessage } from "../keywords";
import type { GroupMessage, OnGroupMessageRecorded } from "../monitor/port";
import { isStopMessage } from "../optout";
import { iso } from "../port";
import { settingsOf } from "../tenant";
import { collectorView, loadCollector } from "./collector";
import type { Collector, KeywordHits, Review, SkipReason } from "./port";
import { analyze } from "./sentiment";

type D = Uses<"activity" | "conversations" | "monitors" | "reviews" | "sessions" | "tenants", "clock" | "ids" | "queue">;

/** An inbound message a collector may read: a 1:1 chat's, or a monitored group's. */
export interface Candidate {
  session_id: string;
  kind: "chat" | "group";
  chat_id: string;
  phone: string | null;
  name: string | null;
  wa_message_id: string;
  text: string;
  at: string;
  /** Include and exclude keywords found, per collector id, when the caller matched them already (one pass per message). */
  hits?: ReadonlyMap<string, KeywordHits>;
}

/** The collectors' keyword lists in one automaton, in the order `[c0 include, c0 exclude, c1 include, …]`. */
export const collectorLists = (collectors: readonly Collector[]) => collectors.flatMap((c) => [c.include_keywords, c.exclude_keywords]);

/** Splits one pass's answer (for `[...before, ...collectorLists(collectors)]`) into each collector's hits. */
export const hitsOf = (collectors: readonly Collector[], found: string[][], offset = 0) =>
  new Map<string, KeywordHits>(collectors.map((c, i) => [c.id, [found[offset + 2 * i] ?? [], found[offset + 2 * i + 1] ?? []]]));

const reads = (c: Collector, m: Candidate) =>
  c.is_active &&
  c.session_id === m.session_id &&
  (c.source_type === "all" || c.source_type === "selected" || (c.source_type === "chats" ? m.kind === "chat" : m.kind === "group")) &&
  (c.selected_chat_ids.length === 0 || c.selected_chat_ids.includes(m.chat_id));

/** Longest stretch of matching between two turns of the event loop. */
const YIELD_AFTER_MS = 4;

export interface ScanResult {
  scanned: number;
  reviews_created: number;
  skipped: Record<SkipReason, number>;
}

/**
 * Scores each message for each collector that reads it: not a review when it has no text, is a STOP,
 * contains an excluded keyword or none of the included ones; skipped (counted, with why) when its
 * language cannot be scored; a review when its score reaches `min_sentiment_score` and it has at
 * least `min_positive_words` positive words. A message becomes a collector's review once.
 */
export const scan = async (d: Pick<D, "store" | "clock">, tenantId: string, collectors: Collector[], messages: Candidate[]) => {
  const results = new Map<string, ScanResult>();
  // Every collector's lists in one automaton; each message folded and matched once for all of them.
  // A run reads up to RUN_MAX_MESSAGES at once: the loop yields every few milliseconds, so matching
  // never holds the process (the API answering, the host's sessions) for longer than that.
  const matcher = compileLists(collectorLists(collectors));
  const hits: (ReadonlyMap<string, KeywordHits> | undefined)[] = [];
  let slice = d.clock.now();
  for (const m of messages) {
    if (!collectors.some((c) => reads(c, m))) hits.push(undefined);
    else if (m.hits && collectors.every((c) => m.hits?.has(c.id))) hits.push(m.hits);
    else hits.push(hitsOf(collectors, matcher.match(foldMessage(m.text))));
    if (d.clock.now() - slice > YIELD_AFTER_MS) {
      await new Promise((r) => setImmediate(r));
      slice = d.clock.now();
    }
  }
  for (const c of collectors) {
    const r: ScanResult = { scanned: 0, reviews_created: 0, skipped: { unsupported_language: 0, language_not_selected: 0, no_language: 0 } };
    for (const [i, m] of messages.entries()) {
      if (!reads(c, m)) continue;
      r.scanned++;
      const text = m.text.trim();
      const [include, exclude] = hits[i]?.get(c.id) ?? [[], []];
      if (!text || isStopMessage(text) || exclude.length > 0 || (c.include_keywords.length > 0 && include.length === 0)) continue;
      const s = await analyze(text, c.languages);
      if (!s.ok) {
        r.skipped[s.reason]++;
        continue;
      }
      if (s.score < c.min_sentiment_score || s.positive_words < c.min_positive_words) continue;
      const review: Review = {
        id: idAt("rev", Date.parse(m.at), `${c.id}|${m.session_id}|${m.chat_id}|${m.wa_message_id}`),
        tenant_id: tenantId,
        collector_id: c.id,
        session_id: m.session_id,
        chat_id: m.chat_id,
        contact_phone: m.phone,
        contact_name: m.name,
        wa_message_id: m.wa_message_id,
        message_text: text,
        sentiment_score: s.score,
        detected_language: s.language,
        is_approved: false,
        is_hidden: false,
        notes: null,
        collected_at: m.at,
        created_at: iso(d.clock.now()),
        approved_at: null,
      };
      if (await d.store.reviews.put(review)) r.reviews_created++;
    }
    if (r.scanned > 0) {
      const skipped = Object.fromEntries(Object.entries(r.skipped).filter(([, n]) => n > 0));
      await d.store.reviews.countScan(tenantId, c.id, { scanned: r.scanned, reviews: r.reviews_created, skipped });
    }
    results.set(c.id, r);
  }
  return results;
};

/** The tenant's active collectors (what reads new messages). */
export const activeCollectors = async (d: Pick<D, "store">, tenantId: string) => (await d.store.reviews.listCollectors(tenantId)).filter((c) => c.is_active);

/** New messages as they arrive: every active collector of the tenant reads them (one query per batch). */
export const onMessages = async (d: Pick<D, "store" | "clock">, tenantId: string, messages: Candidate[], known?: Collector[]) => {
  if (messages.length === 0) return;
  const collectors = known ?? (await activeCollectors(d, tenantId));
  if (collectors.length > 0) await scan(d, tenantId, collectors, messages);
};

/** "Messages recorded": review collectors read new 1:1 messages as they arrive. */
export const onMessagesRecorded =
  (d: Pick<D, "store" | "clock">): OnMessagesRecorded =>
  (e) =>
    onMessages(
      d,
      e.tenant_id,
      e.messages.map((m) => ({
        session_id: m.session_id,
        kind: "chat",
        chat_id: chatIdOf(m.phone),
        phone: m.phone,
        name: m.name,
        wa_message_id: m.wa_message_id,
        text: m.text,
        at: m.received_at,
      })),
    );

/** A monitored group's stored message, as a collector reads it. */
const groupCandidate = (m: GroupMessage): Candidate => ({
  session_id: m.session_id,
  kind: "group",
  chat_id: m.wa_group_id,
  phone: m.phone,
  name: m.name,
  wa_message_id: m.wa_message_id,
  text: m.text,
  at: m.received_at,
});

/** "Group message recorded": review collectors read a monitored group's new message, with the keyword hits the monitor found. */
export const onGroupMessageRecorded =
  (d: Pick<D, "store" | "clock">): OnGroupMessageRecorded =>
  ({ tenant_id, message: m, collectors, hits }) =>
    onMessages(d, tenant_id, [{ ...groupCandidate(m), hits }], collectors);

/** At most this many stored messages are read by one `run`. */
export const RUN_MAX_MESSAGES = 10_000;

/**
 * `POST /reviews/collectors/{id}/run`: scans the stored messages of its session now — its 1:1 chats'
 * inbound messages and its monitored groups' messages, within the tenant's retention (what is stored).
 */
export const run = async (d: D, tenantId: string, id: string) => {
  const c = await loadCollector(d, tenantId, id);
  const { retention_days } = settingsOf(await d.store.tenants.get(tenantId));
  const fromIso = iso(d.clock.now() - retention_days * 86_400_000);
  const messages: Candidate[] = [];
  let truncated = false;
  const full = () => {
    truncated = messages.length >= RUN_MAX_MESSAGES;
    return truncated;
  };
  if (c.source_type !== "groups") {
    for await (const conv of d.store.conversations.activeSince(tenantId, fromIso)) {
      if (conv.session_id !== c.session_id || full()) continue;
      let cursor: string | undefined;
      do {
        const page = await d.store.conversations.messages(tenantId, conv.phone, { sessionId: c.session_id, order: "asc", fromIso }, { limit: 200, cursor });
        for (const e of page.items)
          if (e.direction === "inbound" && !full())
            messages.push({
              session_id: c.session_id,
              kind: "chat",
              chat_id: chatIdOf(conv.phone),
              phone: conv.phone,
              name: conv.name,
              wa_message_id: e.message.wa_message_id,
              text: e.message.text,
              at: e.message.received_at,
            });
        cursor = page.next_cursor ?? undefined;
      } while (cursor && !full());
    }
  }
  if (c.source_type !== "chats") {
    for (const g of await d.store.monitors.list(tenantId)) {
      if (g.session_id !== c.session_id) continue;
      let cursor: string | undefined;
      do {
        const page = await d.store.monitors.messages(tenantId, g.id, { fromIso }, { limit: 200, cursor });
        for (const m of page.items) if (!full()) messages.push(groupCandidate(m));
        cursor = page.next_cursor ?? undefined;
      } while (cursor && !full());
    }
  }
  const result = (await scan(d, tenantId, [{ ...c, is_active: true }], messages)).get(c.id) as ScanResult;
  const updated = await d.store.reviews.updateCollector(tenantId, id, { last_run_at: iso(d.clock.now()) }, iso(d.clock.now()));
  return { collector: collectorView(updated ?? c), ...result, truncated };
};
