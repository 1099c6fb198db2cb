export * from "./port";
export * from "./preview";
export * from "./settings";
export * from "./view";

import { createHash } from "node:crypto";
import type { Deps } from "../deps";
import { notFound } from "../error";
import type { Recipient } from "../job/port";
import { render } from "../job/template";
import { mediaKindOf } from "../media";
import * as OptOut from "../optout";
import { normalize } from "../phone";
import { type InboundEvent, iso, type PageRequest } from "../port";
import type { Conversation, ConversationEntry, InboundMessage, ReplyAttribution } from "./port";
import { preview } from "./preview";
import { messageStatus } from "./send";
import { expiresAt, settingsOf } from "./settings";
import type { ConversationMessageView, ConversationView } from "./view";

export { chatIdOf, DEFAULT_MIN_GAP_MS, directPacing, messageStatus, recipientOf, type SendInput, send, sent, sentMessage } from "./send";

type D = Pick<Deps, "store" | "clock">;

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

/** The contact waits for an answer: their message is the last one, and they have not opted out. */
export const isUnanswered = (c: Pick<Conversation, "opted_out" | "last_inbound_at" | "last_outbound_at">) =>
  !c.opted_out && c.last_inbound_at !== null && (c.last_outbound_at === null || c.last_inbound_at > c.last_outbound_at);

/** Our message is the last one. */
export const isAnswered = (c: Pick<Conversation, "last_inbound_at" | "last_outbound_at">) =>
  c.last_outbound_at !== null && (c.last_inbound_at === null || c.last_outbound_at >= c.last_inbound_at);

/** The bulk send (or scheduled run) a message from the contact at `atMs` replies to, if it is within the window. */
export const replyTarget = (c: Conversation | undefined, atMs: number, windowHours: number): ReplyAttribution | null => {
  if (!c?.campaign_job_id || !c.campaign_sent_at || !c.campaign_quota_month) return null;
  const sent = Date.parse(c.campaign_sent_at);
  if (atMs < sent || atMs - sent > windowHours * 3_600_000) return null;
  return { job: { tenant_id: c.tenant_id, id: c.campaign_job_id, quota_month: c.campaign_quota_month }, phone: c.phone, at: iso(atMs) };
};

/**
 * A contact wrote to a session (the session host calls this for every 1:1 inbound message). Stored
 * once per WhatsApp message id with the conversation's summary and the day's `received` count; a
 * message within the reply window of a bulk send to the contact is that recipient's reply (once);
 * a STOP is an opt-out, not a reply. A redelivered message changes nothing (`stored: false`).
 */
export const onInbound = async (d: D, tenantId: string, e: InboundEvent) => {
  const from = normalize(e.from);
  if (!from.ok) return { stored: false as const, replied: false, opted_out: false, reason: `sender ${from.reason}` };
  const phone = from.e164;
  const [tenant, current] = await Promise.all([d.store.tenants.get(tenantId), d.store.conversations.get(tenantId, phone, e.sessionId, true)]);
  const settings = settingsOf(tenant);
  const stop = !e.mediaType && OptOut.isStopMessage(e.text);
  const at = iso(e.at);
  const expires = expiresAt(e.at, settings.retention_days);
  const m: InboundMessage = {
    tenant_id: tenantId,
    session_id: e.sessionId,
    phone,
    wa_message_id: safeMessageId(e),
    text: e.text,
    media_type: e.mediaType ?? null,
    received_at: at,
    expires_at: expires,
  };
  // A late message (older than the conversation's latest) counts, but does not become the last text.
  const newest = !current || at >= current.last_activity_at;
  const res = await d.store.conversations.recordInbound(
    m,
    {
      name: e.name?.slice(0, 255) ?? null,
      last_inbound_at: later(current?.last_inbound_at, at),
      last_activity_at: later(current?.last_activity_at, at),
      ...(newest ? { last_text: preview(e.text, e.mediaType), last_text_expires_at: expires } : {}),
      ...(stop ? { opted_out: true } : {}),
    },
    stop ? null : replyTarget(current, e.at, settings.reply_window_hours),
  );
  // An opt-out is idempotent: a redelivered STOP whose first delivery crashed before this still lands.
  if (stop) await OptOut.add(d, tenantId, [phone], "inbound");
  return { stored: res.stored, replied: res.stored && res.replied, opted_out: stop };
};

export const view = (c: Conversation, now: number): ConversationView => ({
  phone: c.phone,
  name: c.name ?? null,
  session_id: c.session_id,
  last_inbound_at: c.last_inbound_at ?? null,
  last_outbound_at: c.last_outbound_at ?? null,
  unanswered: isUnanswered(c),
  inbound_count: c.inbound_count ?? 0,
  outbound_count: c.outbound_count ?? 0,
  // A message text: shown only within its retention.
  last_text: c.last_text !== null && (c.last_text_expires_at ?? 0) * 1000 > now ? c.last_text : null,
  opted_out: c.opted_out ?? false,
});

export type StatusFilter = "unanswered" | "answered" | "all";

const matches = (status: StatusFilter) => (c: Conversation) => (status === "unanswered" ? isUnanswered(c) : status === "answered" ? isAnswered(c) : true);

/** `GET /conversations`: latest activity first. */
export const list = async (d: D, tenantId: string, q: { session_id?: string; status: StatusFilter }, page: PageRequest) => {
  const keep = matches(q.status);
  const p = await d.store.conversations.list(tenantId, page, (c) => (!q.session_id || c.session_id === q.session_id) && keep(c));
  const now = d.clock.now();
  return { conversations: p.items.map((c) => view(c, now)), next_cursor: p.next_cursor };
};

const entryView = (e: ConversationEntry, phone: string): ConversationMessageView => {
  if (e.direction === "inbound")
    return {
      id: e.message.wa_message_id,
      direction: "inbound",
      session_id: e.session_id,
      text: e.message.text,
      media_type: e.message.media_type,
      status: null,
      job_id: null,
      message_id: null,
      timestamp: e.at,
    };
  const job = e.job;
  const text = job?.message_content ? render(job.message_content, { phone, name: e.recipient?.name ?? null }) : null;
  return {
    id: e.message_id,
    direction: "outbound",
    session_id: e.session_id,
    text,
    media_type: job?.media_url ? mediaKindOf(job.media_url) : null,
    status: e.recipient ? messageStatus(e.recipient.status as Recipient["status"]) : "sent",
    job_id: job && job.origin !== "message" ? job.id : null,
    message_id: job?.origin === "message" ? job.id : null,
    timestamp: e.at,
  };
};

const phoneOrNotFound = (phone: string) => {
  const p = normalize(phone);
  if (!p.ok) throw notFound("conversation", phone);
  return p.e164;
};

/**
 * `GET /conversations/{phone}/messages`: the contact's messages in time order, what they wrote and
 * what was sent to them (bulk sends, scheduled runs, report deliveries, replies), within the tenant's
 * retention. 404 when the tenant has no conversation with the number (with that session, if given).
 */
export const messages = async (d: D, tenantId: string, phoneParam: string, q: { session_id?: string; order: "asc" | "desc" }, page: PageRequest) => {
  const phone = phoneOrNotFound(phoneParam);
  const convs = (await d.store.conversations.ofPhone(tenantId, phone)).filter((c) => !q.session_id || c.session_id === q.session_id);
  if (convs.length === 0) throw notFound("conversation", phone);
  const { retention_days } = settingsOf(await d.store.tenants.get(tenantId));
  const fromIso = iso(d.clock.now() - retention_days * 86_400_000);
  const p = await d.store.conversations.messages(tenantId, phone, { sessionId: q.session_id, order: q.order, fromIso }, page);
  return { messages: p.items.map((e) => entryView(e, phone)), next_cursor: p.next_cursor };
};
