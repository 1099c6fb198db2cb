export * from "./port";
export * from "./view";

import type { Uses } from "../deps";
import { normalizeAsync } from "../e164";
import { notFound } from "../error";
import type { Recipient } from "../job/port";
import { mediaKindOf } from "../media";
import { iso, type PageRequest } from "../port";
import { render } from "../template";
import { settingsOf } from "../tenant";
import type { Conversation, ConversationEntry } from "./port";
import { messageStatus } from "./send";
import type { ConversationMessageView, ConversationView } from "./view";

export { chatIdOf } from "../e164";
export { createInboundRecorder, INBOUND_BATCH, INBOUND_LINGER_MS, type InboundOutcome, onInbound, recordInbound, replyTarget, safeMessageId } from "./inbound";
export { recipientOf } from "./recipient";
export { directPacing, messageStatus, recipientOfAsync, type SendInput, send, sent, sentMessage, wroteRecently } from "./send";

type D = Uses<"conversations" | "tenants", "clock">;

/** The contact waits for an answer: their message is the last one, and they have not opted out. */
export const isUnanswered = (c: Pick<Conversation, "opted_out" | "last_inbound_at" | "last_outbound_at">) =>
  !c.opted_out && c.last_inbound_at !== null && (c.last_outbound_at === null || c.last_inbound_at > c.last_outbound_at);

/** Our message is the last one. */
export const isAnswered = (c: Pick<Conversation, "last_inbound_at" | "last_outbound_at">) =>
  c.last_outbound_at !== null && (c.last_inbound_at === null || c.last_outbound_at >= c.last_inbound_at);

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
  campaign_id: c.campaign_job_id ?? null,
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

/** The unanswered conversations the inbox counts, at most (the menu says "99+" beyond). */
export const UNANSWERED_COUNTED = 100;

/** The inbox at a glance: the latest activity of any conversation, and how many wait for an answer (up to 100). */
export interface InboxPulse {
  latest_activity_at: string | null;
  unanswered: number;
  /** More than `UNANSWERED_COUNTED - 1` wait: `unanswered` stopped counting. */
  unanswered_capped: boolean;
}

/** The latest activity of any conversation of the tenant (one item read). */
export const latestActivity = async (d: D, tenantId: string) =>
  (await d.store.conversations.list(tenantId, { limit: 1 }, () => true)).items[0]?.last_activity_at ?? null;

/** `GET /conversations/changes`: what the inbox needs to know it changed. */
export const pulse = async (d: D, tenantId: string, latest?: string | null): Promise<InboxPulse> => {
  const waiting = await d.store.conversations.list(tenantId, { limit: UNANSWERED_COUNTED }, isUnanswered);
  return {
    latest_activity_at: latest === undefined ? await latestActivity(d, tenantId) : latest,
    unanswered: waiting.items.length,
    unanswered_capped: waiting.items.length >= UNANSWERED_COUNTED,
  };
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
  const text = job?.message_content ? render(job.message_content, { phone, name: e.recipient?.name ?? null, fields: e.recipient?.fields }) : null;
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

const phoneOrNotFound = async (phone: string) => {
  const p = await normalizeAsync(phone);
  if (!p.ok) throw notFound("conversation", phone);
  return p.e164;
};

/**
 * `GET /conversations/{phone}/messages`: the contact's messages in time order, what they wrote and
 * what was sent to them (bulk sends, scheduled runs, report deliveries, replies), within the tenant's
 * retention. 404 when the tenant has no conversation with the number (with that session, if given).
 */
export const messages = async (d: D, tenantId: string, phoneParam: string, q: { session_id?: string; order: "asc" | "desc" }, page: PageRequest) => {
  const phone = await phoneOrNotFound(phoneParam);
  const convs = (await d.store.conversations.ofPhone(tenantId, phone)).filter((c) => !q.session_id || c.session_id === q.session_id);
  if (convs.length === 0) throw notFound("conversation", phone);
  const { retention_days } = settingsOf(await d.store.tenants.get(tenantId));
  const fromIso = iso(d.clock.now() - retention_days * 86_400_000);
  const p = await d.store.conversations.messages(tenantId, phone, { sessionId: q.session_id, order: q.order, fromIso }, page);
  return { messages: p.items.map((e) => entryView(e, phone)), next_cursor: p.next_cursor };
};
