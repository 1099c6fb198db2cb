import { createHash } from "node:crypto";
import { createCoalescer } from "../coalesce";
import type { Uses } from "../deps";
import { chatIdOf, loadNormalize } from "../e164";
import type { DomainEvent } from "../event";
import * as OptOut from "../optout";
import { type InboundEvent, iso } from "../port";
import { type ConversationSettings, expiresAt, settingsOf } from "../tenant";
import { preview } from "../text";
import type { Conversation, InboundRecord, MessagesRecorded, OnMessagesRecorded, RecordedMessage, ReplyAttribution } from "./port";

/** The subscribers to "messages recorded" are part of what the recorder needs: a composition cannot forget them. */
type D = Uses<"conversations" | "tenants", "clock" | "events"> & { onRecorded: readonly OnMessagesRecorded[] };

/** What became of one inbound message. */
export type InboundOutcome = {
  stored: boolean;
  replied: boolean;
  opted_out: boolean;
  reason?: string;
  /** A STOP from a sender that is not a phone number, kept as an opt-out of this raw id (log it). */
  raw_opt_out?: string;
};

/** How long an inbound message waits for others of its tenant before they are written together. */
export const INBOUND_LINGER_MS = 50;
/** Messages written in one transaction (up to three items each, plus the days' and jobs' counters). */
export const INBOUND_BATCH = 24;

/**
 * WhatsApp's message ids are short and alphanumeric; anything else (or none) becomes a digest, so a
 * key never holds a separator or an unbounded string, and the same odd id still maps to one key.
 */
export const safeMessageId = (e: Pick<InboundEvent, "messageId" | "from" | "at" | "text">) =>
  /^[\w.:-]{1,128}$/.test(e.messageId)
    ? e.messageId
    : `h${createHash("sha256")
        .update(e.messageId || `${e.from}|${e.at}|${e.text}`)
        .digest("hex")
        .slice(0, 40)}`;

const later = (a: string | null | undefined, b: string) => (a && a > b ? a : b);

/** The bulk send (or scheduled run) a message from the contact at `atMs` replies to, if it is within the window. */
export const replyTarget = (c: Conversation | undefined, atMs: number, windowHours: number): ReplyAttribution | null => {
  if (!c?.campaign_job_id || !c.campaign_sent_at || !c.campaign_quota_month) return null;
  const sent = Date.parse(c.campaign_sent_at);
  if (atMs < sent || atMs - sent > windowHours * 3_600_000) return null;
  return { job: { tenant_id: c.tenant_id, id: c.campaign_job_id, quota_month: c.campaign_quota_month }, phone: c.phone, at: iso(atMs) };
};

/** A conversation as it stands after `r` was stored (for the next message of the same conversation in a batch). */
const after = (c: Conversation | undefined, r: InboundRecord, replied: boolean): Conversation => ({
  tenant_id: r.message.tenant_id,
  session_id: r.message.session_id,
  phone: r.message.phone,
  name: c?.name ?? r.summary.name,
  last_inbound_at: r.summary.last_inbound_at,
  last_outbound_at: c?.last_outbound_at ?? null,
  last_activity_at: r.summary.last_activity_at,
  inbound_count: (c?.inbound_count ?? 0) + 1,
  outbound_count: c?.outbound_count ?? 0,
  last_text: r.summary.last_text ?? c?.last_text ?? null,
  last_text_expires_at: r.summary.last_text_expires_at ?? c?.last_text_expires_at ?? null,
  opted_out: r.summary.opted_out ?? c?.opted_out ?? false,
  listed: true,
  // Replied once: a later message of the same contact is not that recipient's reply again.
  campaign_job_id: replied ? null : (c?.campaign_job_id ?? null),
  campaign_sent_at: replied ? null : (c?.campaign_sent_at ?? null),
  campaign_quota_month: replied ? null : (c?.campaign_quota_month ?? null),
});

/**
 * Records inbound messages of one tenant: each stored once per WhatsApp message id with its
 * conversation's summary and the day's `received` count; a message within the reply window of the
 * bulk send that last reached the contact is that recipient's reply (once); a STOP is an opt-out,
 * not a reply. Messages of different conversations share transactions; messages of one conversation
 * go in their time order, one per transaction (a transaction touches an item once).
 */
export const recordInbound = async (d: D, tenantId: string, events: InboundEvent[], settings: ConversationSettings): Promise<InboundOutcome[]> => {
  const out: InboundOutcome[] = events.map(() => ({ stored: false, replied: false, opted_out: false }));
  const normalize = await loadNormalize();
  const rawStops = new Set<string>();
  const queues = new Map<string, { i: number; e: InboundEvent; phone: string }[]>();
  const seen = new Set<string>();
  for (const [i, e] of events.entries()) {
    const from = normalize(e.from);
    if (!from.ok) {
      const stop = !e.mediaType && OptOut.isStopMessage(e.text);
      out[i] = { stored: false, replied: false, opted_out: stop, reason: `sender ${from.reason}` };
      if (stop) {
        out[i] = { ...out[i], raw_opt_out: OptOut.rawIdOf(e.from) };
        rawStops.add(e.from);
      }
      continue;
    }
    const conv = `${from.e164}#${e.sessionId}`;
    const key = `${conv}#${safeMessageId(e)}`;
    // The same message twice in one batch: the second is the redelivery.
    if (seen.has(key)) continue;
    seen.add(key);
    queues.set(conv, [...(queues.get(conv) ?? []), { i, e, phone: from.e164 }]);
  }
  for (const q of queues.values()) q.sort((a, b) => a.e.at - b.e.at);
  const current = new Map<string, Conversation>();
  for (const c of await d.store.conversations.getMany(
    tenantId,
    [...queues.values()].map((q) => ({ phone: (q[0] as { phone: string }).phone, session_id: (q[0] as { e: InboundEvent }).e.sessionId })),
  ))
    current.set(`${c.phone}#${c.session_id}`, c);

  const stops = new Map<string, MessagesRecorded["stops"][number]>();
  const received: DomainEvent[] = [];
  const recorded: MessagesRecorded = { tenant_id: tenantId, messages: [], replies: [], stops: [], raw_stops: [...rawStops] };
  while (queues.size > 0) {
    const round: { i: number; conv: string; record: InboundRecord; stop?: MessagesRecorded["stops"][number] }[] = [];
    for (const [conv, q] of queues) {
      const { i, e, phone } = q.shift() as { i: number; e: InboundEvent; phone: string };
      if (q.length === 0) queues.delete(conv);
      const c = current.get(conv);
      const stop = !e.mediaType && OptOut.isStopMessage(e.text);
      const at = iso(e.at);
      const expires = expiresAt(e.at, settings.retention_days);
      // A late message (older than the conversation's latest) counts, but does not become the last text.
      const newest = !c || at >= c.last_activity_at;
      round.push({
        i,
        conv,
        record: {
          message: {
            tenant_id: tenantId,
            session_id: e.sessionId,
            phone,
            wa_message_id: safeMessageId(e),
            text: e.text,
            media_type: e.mediaType ?? null,
            received_at: at,
            expires_at: expires,
          },
          summary: {
            name: e.name?.slice(0, 255) ?? null,
            last_inbound_at: later(c?.last_inbound_at, at),
            last_activity_at: later(c?.last_activity_at, at),
            ...(newest ? { last_text: preview(e.text, e.mediaType), last_text_expires_at: expires } : {}),
            ...(stop ? { opted_out: true as const } : {}),
          },
          reply: stop ? null : replyTarget(c, e.at, settings.reply_window_hours),
        },
        // A STOP answers the campaign a reply would be attributed to.
        ...(stop
          ? { stop: { phone, name: c?.name ?? e.name?.slice(0, 255) ?? null, campaign: replyTarget(c, e.at, settings.reply_window_hours)?.job ?? null } }
          : {}),
      });
    }
    for (let from = 0; from < round.length; from += INBOUND_BATCH) {
      const chunk = round.slice(from, from + INBOUND_BATCH);
      const results = await d.store.conversations.recordInbound(chunk.map((r) => r.record));
      for (const [k, r] of chunk.entries()) {
        const res = results[k] ?? { stored: false };
        const stop = r.record.summary.opted_out === true;
        out[r.i] = { stored: res.stored, replied: res.stored && res.replied, opted_out: stop };
        if (r.stop && !stops.has(r.stop.phone)) stops.set(r.stop.phone, r.stop);
        if (res.stored) {
          current.set(r.conv, after(current.get(r.conv), r.record, res.replied));
          received.push(receivedEvent(r.record, res.replied));
          const m = r.record.message;
          const message: RecordedMessage = {
            session_id: m.session_id,
            phone: m.phone,
            name: current.get(r.conv)?.name ?? r.record.summary.name,
            wa_message_id: m.wa_message_id,
            text: m.text,
            received_at: m.received_at,
          };
          if (res.replied && r.record.reply) recorded.replies.push({ ...message, name: r.record.summary.name, job_id: r.record.reply.job.id });
          if (!stop) recorded.messages.push(message);
        }
      }
    }
  }
  await d.events?.emit(tenantId, received);
  recorded.stops = [...stops.values()];
  // Leads from replies, review collectors, opt-outs: each noun's subscriber, in the order registered.
  for (const on of d.onRecorded) await on(recorded);
  return out;
};

/** `message.received`: MoltFlow's `session_id`, `chat_id`, `message`, `direction`, plus *(ours)* the rest. */
const receivedEvent = (r: InboundRecord, replied: boolean): DomainEvent => {
  const m = r.message;
  return {
    type: "message.received",
    key: `${m.session_id}|${m.phone}|${m.wa_message_id}`,
    at: m.received_at,
    data: {
      session_id: m.session_id,
      chat_id: chatIdOf(m.phone),
      message: m.text,
      direction: "inbound",
      message_id: m.wa_message_id,
      from: m.phone,
      name: r.summary.name,
      media_type: m.media_type,
      received_at: m.received_at,
      reply_to_bulk_send_id: replied && r.reply ? r.reply.job.id : null,
    },
  };
};

/**
 * The session host's inbound path: messages of one tenant arriving within INBOUND_LINGER_MS are
 * written together (one transaction for up to INBOUND_BATCH conversations instead of one each, and
 * the day's counter and a campaign's `replied_count` once per transaction, not once per message).
 * `record` settles when its message is written, with what became of it.
 */
export const createInboundRecorder = (d: D) => {
  const settings = new Map<string, { value: ConversationSettings; until: number }>();
  const settingsFor = async (tenantId: string) => {
    const hit = settings.get(tenantId);
    if (hit && hit.until > d.clock.now()) return hit.value;
    const value = settingsOf(await d.store.tenants.get(tenantId));
    if (settings.size > 1000) settings.clear();
    settings.set(tenantId, { value, until: d.clock.now() + 60_000 });
    return value;
  };
  const tenants = new Set<string>();
  const add = createCoalescer<{ e: InboundEvent; outcome?: InboundOutcome }>({
    max: INBOUND_BATCH,
    lingerMs: INBOUND_LINGER_MS,
    flush: async (tenantId, items) => {
      const outcomes = await recordInbound(
        d,
        tenantId,
        items.map((x) => x.e),
        await settingsFor(tenantId),
      );
      for (const [k, x] of items.entries()) x.outcome = outcomes[k];
    },
  });
  return {
    async record(tenantId: string, e: InboundEvent): Promise<InboundOutcome> {
      tenants.add(tenantId);
      const item: { e: InboundEvent; outcome?: InboundOutcome } = { e };
      await add(tenantId, item);
      return item.outcome ?? { stored: false, replied: false, opted_out: false };
    },
    /** Writes what waits now (on shutdown). */
    async drain() {
      for (const t of [...tenants]) await add.drain(t);
      tenants.clear();
    },
  };
};

/** One message, written at once (no batching): tests and callers outside the session host. */
export const onInbound = async (d: D, tenantId: string, e: InboundEvent): Promise<InboundOutcome> =>
  (await recordInbound(d, tenantId, [e], settingsOf(await d.store.tenants.get(tenantId))))[0] as InboundOutcome;
