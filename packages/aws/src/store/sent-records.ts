import type { ConversationContext, SentMessage } from "@outreach/core/job";
import { expiresAt, MIN_INDEX_DAYS } from "@outreach/core/tenant";
import { outboundSummaryUpdate } from "./conversation-writes";
import type { Db } from "./db";
import { Keys, Lists } from "./keys";
import type { JobRef, Tally } from "./recipient-moves";

/** A message id leads back to its recipient for this long (receipts and replies come within days). */
const MESSAGE_INDEX_TTL_S = 60 * 86400;

/**
 * What a session really sent on a UTC day (its pacing policy's counts, with the time of its last
 * send), one message's part of it. The item is also the tenant's `sent` activity of the day for that
 * session (`activity.range` adds the sessions' items to the day's own), so a record transaction writes
 * one item for both; without a session, the tenant's own item of the day counts the message.
 */
export const sentDayTally = (tenantId: string, sessionId: string | undefined, m: SentMessage): Tally => {
  const day = new Date(m.at).toISOString().slice(0, 10);
  return sessionId
    ? { key: Keys.sessionActivity(tenantId, day, sessionId), add: { sent: 1 }, latest: { last_at: m.at } }
    : { key: Keys.activity(tenantId, day), add: { sent: 1 } };
};

/**
 * A sent message's message-id index entry: receipts and replies find the recipient by it, and it is
 * the message's place in the contact's message list. `markSent` writes it as a plain put (1 write
 * unit) before the transaction that moves the recipient to `sent`; the conversation summary is
 * `sentConversation`, also outside the transaction.
 */
export const messageEntry = (job: JobRef, m: SentMessage, conversation: ConversationContext | undefined) => ({
  ...Keys.message(m.messageId),
  tenant_id: job.tenant_id,
  job_id: job.id,
  phone: m.phone,
  quota_month: job.quota_month,
  ttl: Math.floor(m.at / 1000) + MESSAGE_INDEX_TTL_S,
  // In the contact's message list for the tenant's retention (at least as long as receipts may come).
  ...(conversation
    ? {
        session_id: conversation.session_id,
        sent_at: new Date(m.at).toISOString(),
        ttl: expiresAt(m.at, Math.max(MIN_INDEX_DAYS, conversation.retention_days)),
        ...Lists.contactMessage(job.tenant_id, m.phone, new Date(m.at).toISOString(), "OUT", conversation.session_id, m.messageId),
      }
    : {}),
});

/** The contact's conversation summary after a sent message (a conditional update counted once per message id; see `outboundSummaryUpdate`). */
export const sentConversation = (db: Db, job: JobRef, m: SentMessage, conversation: ConversationContext) =>
  outboundSummaryUpdate(
    db,
    {
      tenant_id: job.tenant_id,
      session_id: conversation.session_id,
      phone: m.phone,
      at: new Date(m.at).toISOString(),
      name: m.name ?? null,
      text: m.text ?? null,
      text_expires_at: expiresAt(m.at, conversation.retention_days),
    },
    {
      // A reply is attributed to the campaign that reached the contact last (not to a report or a single message).
      campaign: conversation.origin === "api" || conversation.origin === "schedule" ? { job_id: job.id, quota_month: job.quota_month } : null,
      list: conversation.origin === "message",
    },
    m.messageId,
  );
