/**
 * The write items of conversations, for the store's transactions: an inbound message, its conversation
 * summary (inbound or sent), a reply on its recipient and job; and inbound records cut to the size a
 * transaction may carry.
 */
import type { InboundMessage, InboundRecord, ReplyAttribution } from "@outreach/core/conversation";
import type { Db, Item } from "./db";
import { INDEX, Keys, Lists } from "./keys";

/** Builds `SET a = :a, …` / `ADD …` with generated names, skipping undefined values. */
export const expression = (set: Record<string, unknown>, add: Record<string, number>, ifAbsent: Record<string, unknown> = {}) => {
  const names: Record<string, string> = {};
  const values: Item = {};
  const sets: string[] = [];
  let i = 0;
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined) continue;
    names[`#n${i}`] = k;
    values[`:v${i}`] = v;
    sets.push(`#n${i} = :v${i}`);
    i++;
  }
  for (const [k, v] of Object.entries(ifAbsent)) {
    if (v === undefined || v === null) continue;
    names[`#n${i}`] = k;
    values[`:v${i}`] = v;
    sets.push(`#n${i} = if_not_exists(#n${i}, :v${i})`);
    i++;
  }
  const adds: string[] = [];
  for (const [k, v] of Object.entries(add)) {
    names[`#n${i}`] = k;
    values[`:v${i}`] = v;
    adds.push(`#n${i} :v${i}`);
    i++;
  }
  return {
    UpdateExpression: [sets.length ? `SET ${sets.join(", ")}` : "", adds.length ? `ADD ${adds.join(", ")}` : ""].filter(Boolean).join(" "),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
};

/** How many of a conversation's latest outbound message ids its summary keeps, to count each message once. */
export const RECENT_OUTBOUND = 3;
const recentOutbound = (i: number) => `recent_out_${i}`;

/** Adds the guard of an outbound summary update: applied once per message id (a retry finds it among the latest). */
const once = <T extends ReturnType<typeof expression>>(update: T, messageId: string): T => {
  const names: Record<string, string> = { ...update.ExpressionAttributeNames };
  const values = { ...update.ExpressionAttributeValues, ":mid": messageId, ":none": "" };
  const shifts: string[] = [];
  const guards: string[] = [];
  for (let i = 0; i < RECENT_OUTBOUND; i++) {
    names[`#ro${i}`] = recentOutbound(i);
    guards.push(`(attribute_not_exists(#ro${i}) OR #ro${i} <> :mid)`);
    shifts.push(i === 0 ? "#ro0 = :mid" : `#ro${i} = if_not_exists(#ro${i - 1}, :none)`);
  }
  // The summary's update always sets fields (`SET …` first, then `ADD …`): the shifts join its SET clause.
  const [set, add] = update.UpdateExpression.split(" ADD ");
  return {
    ...update,
    UpdateExpression: `${set}, ${shifts.join(", ")}${add === undefined ? "" : ` ADD ${add}`}`,
    ConditionExpression: guards.join(" AND "),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
};

/**
 * The summary update a sent message makes: counted, the last outbound time and text, the campaign a
 * reply would be attributed to. A single message (`POST /messages/send`) also lists the conversation;
 * a bulk send alone does not, but moves a listed one up (its place in the list is its latest activity).
 *
 * It is a plain conditional update, not an item of the record transaction (1 write unit instead of 2):
 * `markSent` makes it before the transaction, once the message went out. It counts each message
 * once: the summary keeps its latest RECENT_OUTBOUND message ids, and an update whose id is among
 * them is refused — a retry of one that was applied (a timeout, a crash before the transaction) counts
 * nothing twice. A crash after it and before the transaction leaves the recipient `sending` (recovery
 * makes it `unknown`): the summary then counts a message that went out, which is what it counts.
 */
export const outboundSummaryUpdate = (
  db: Db,
  m: { tenant_id: string; session_id: string; phone: string; at: string; name: string | null; text: string | null; text_expires_at: number },
  o: { campaign: { job_id: string; quota_month: string } | null; list: boolean },
  messageId: string,
) => ({
  TableName: db.table,
  Key: Keys.conversation(m.tenant_id, m.phone, m.session_id),
  ...once(
    expression(
      {
        tenant_id: m.tenant_id,
        phone: m.phone,
        session_id: m.session_id,
        last_outbound_at: m.at,
        last_activity_at: m.at,
        name: m.name ?? undefined,
        last_text: m.text ?? undefined,
        last_text_expires_at: m.text === null ? undefined : m.text_expires_at,
        campaign_job_id: o.campaign?.job_id,
        campaign_sent_at: o.campaign ? m.at : undefined,
        campaign_quota_month: o.campaign?.quota_month,
        // Only the list's key when listed: an item without the partition key is not in the index.
        ...(o.list
          ? Lists.conversation(m.tenant_id, m.at, m.phone, m.session_id)
          : { [INDEX.sk]: Lists.conversation(m.tenant_id, m.at, m.phone, m.session_id)[INDEX.sk] }),
      },
      { outbound_count: 1 },
    ),
    messageId,
  ),
});

/** An inbound message, only if its key (session, contact, WhatsApp message id) is new: the dedupe. */
export const inboundPut = (db: Db, m: InboundMessage) => ({
  Put: {
    TableName: db.table,
    Item: {
      ...Keys.inbound(m.tenant_id, m.phone, m.session_id, m.wa_message_id),
      ...Lists.contactMessage(m.tenant_id, m.phone, m.received_at, "IN", m.session_id, m.wa_message_id),
      direction: "IN",
      tenant_id: m.tenant_id,
      session_id: m.session_id,
      phone: m.phone,
      wa_message_id: m.wa_message_id,
      text: m.text,
      media_type: m.media_type,
      received_at: m.received_at,
      ttl: m.expires_at,
    },
    ConditionExpression: "attribute_not_exists(pk)",
  },
});

/** The summary fields an inbound message sets: listed, counted, its time and (when newest) its text. */
export const inboundSummaryUpdate = (db: Db, { message: m, summary }: InboundRecord) => ({
  Update: {
    TableName: db.table,
    Key: Keys.conversation(m.tenant_id, m.phone, m.session_id),
    ...expression(
      {
        tenant_id: m.tenant_id,
        phone: m.phone,
        session_id: m.session_id,
        last_inbound_at: summary.last_inbound_at,
        last_activity_at: summary.last_activity_at,
        last_text: summary.last_text,
        last_text_expires_at: summary.last_text_expires_at,
        opted_out: summary.opted_out,
        ...Lists.conversation(m.tenant_id, summary.last_activity_at, m.phone, m.session_id),
      },
      { inbound_count: 1 },
      { name: summary.name },
    ),
  },
});

/** A bulk-send recipient's first reply (only from a sent state, only once). */
export const repliedRecipient = (db: Db, r: ReplyAttribution) => ({
  Update: {
    TableName: db.table,
    Key: Keys.recipient(r.job.id, r.phone),
    UpdateExpression: "SET replied_at = :at",
    ConditionExpression: "attribute_not_exists(replied_at) AND #status IN (:sent, :delivered, :read)",
    ExpressionAttributeNames: { "#status": "status" },
    ExpressionAttributeValues: { ":at": r.at, ":sent": "sent", ":delivered": "delivered", ":read": "read" },
  },
});

export const jobReplied = (db: Db, job: ReplyAttribution["job"], n: number) => ({
  Update: {
    TableName: db.table,
    Key: Keys.job(job.tenant_id, job.id),
    UpdateExpression: "ADD replied_count :n",
    ConditionExpression: "attribute_exists(pk)",
    ExpressionAttributeValues: { ":n": n },
  },
});

/** A transaction carries at most 4 MB: inbound messages go in groups well under it (and under 24 each, the caller's batch). */
export const TRANSACTION_BYTES = 3_000_000;
export const bySize = (records: InboundRecord[]) => {
  const groups: InboundRecord[][] = [];
  let group: InboundRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    // The text counts twice: the message holds it, and the index projects it (a rough, safe upper bound).
    const size = 2 * Buffer.byteLength(r.message.text, "utf8") + 2048;
    if (group.length > 0 && bytes + size > TRANSACTION_BYTES) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(r);
    bytes += size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
};
