import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Conversation, ConversationEntry, InboundMessage, InboundSummaryUpdate, ReplyAttribution } from "@outreach/core/conversation";
import type { Page, PageRequest } from "@outreach/core/port";
import { activityUpdate } from "./activity";
import { batchGet, type Db, type Item, onIndex, queryAll, queryPage, type TransactItems, transact } from "./db";
import { INDEX, Keys, Lists, PREFIX } from "./keys";

const num = (v: unknown) => (typeof v === "number" ? v : 0);
const str = (v: unknown) => (typeof v === "string" ? v : null);

/** A summary item as core sees it; `listed` is its place in the tenant's conversation list. */
export const conversationOf = (i: Item): Conversation => ({
  tenant_id: i.tenant_id as string,
  session_id: i.session_id as string,
  phone: i.phone as string,
  name: str(i.name),
  last_inbound_at: str(i.last_inbound_at),
  last_outbound_at: str(i.last_outbound_at),
  last_activity_at: (str(i.last_activity_at) ?? str(i.last_inbound_at) ?? str(i.last_outbound_at) ?? "") as string,
  inbound_count: num(i.inbound_count),
  outbound_count: num(i.outbound_count),
  last_text: str(i.last_text),
  last_text_expires_at: typeof i.last_text_expires_at === "number" ? i.last_text_expires_at : null,
  opted_out: i.opted_out === true,
  listed: typeof i[INDEX.pk] === "string",
  campaign_job_id: str(i.campaign_job_id),
  campaign_sent_at: str(i.campaign_sent_at),
  campaign_quota_month: str(i.campaign_quota_month),
});

const inboundOf = (i: Item): InboundMessage => ({
  tenant_id: i.tenant_id as string,
  session_id: i.session_id as string,
  phone: i.phone as string,
  wa_message_id: i.wa_message_id as string,
  text: (i.text as string) ?? "",
  media_type: (i.media_type as InboundMessage["media_type"]) ?? null,
  received_at: i.received_at as string,
  expires_at: num(i.ttl),
});

/** Builds `SET a = :a, …` / `ADD …` with generated names, skipping undefined values. */
const expression = (set: Record<string, unknown>, add: Record<string, number>, ifAbsent: Record<string, unknown> = {}) => {
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

/**
 * The summary update a sent message makes (inside the record transaction of `markSent`): counted,
 * the last outbound time and text, the campaign a reply would be attributed to. A single message
 * (`POST /messages/send`) also lists the conversation; a bulk send alone does not, but moves a listed
 * one up (its place in the list is its latest activity).
 */
export const outboundSummaryUpdate = (
  db: Db,
  m: { tenant_id: string; session_id: string; phone: string; at: string; name: string | null; text: string | null; text_expires_at: number },
  o: { campaign: { job_id: string; quota_month: string } | null; list: boolean },
) => ({
  TableName: db.table,
  Key: Keys.conversation(m.tenant_id, m.phone, m.session_id),
  ...expression(
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
});

/**
 * Conversations (see the README's key table): inbound messages under the contact's partition `CV#…`
 * (TTL = the tenant's retention), one summary per (contact, session) under the tenant, and the
 * contact's time-ordered message list in the index, shared with the message-id index entries of sent
 * messages (so an outbound text is read from its send, not copied).
 */
export const createConversationStore = (db: Db) => {
  const entriesOf = async (tenantId: string, phone: string, items: Item[]): Promise<ConversationEntry[]> => {
    const outbound = items.filter((i) => i.direction !== "IN");
    const jobs = new Map<string, Item>();
    const recipients = new Map<string, Item>();
    if (outbound.length) {
      const jobIds = [...new Set(outbound.map((i) => i.job_id as string))];
      for (const j of await batchGet(
        db,
        jobIds.map((id) => Keys.job(tenantId, id)),
        {
          projection: "#id, #origin, #type, #content, #url",
          names: { "#id": "id", "#origin": "origin", "#type": "message_type", "#content": "message_content", "#url": "media_url" },
        },
      ))
        jobs.set(j.id as string, j);
      for (const r of await batchGet(
        db,
        jobIds.map((id) => Keys.recipient(id, phone)),
        { projection: "pk, #name, #status, #error, sent_at", names: { "#name": "name", "#status": "status", "#error": "error" } },
      ))
        recipients.set(r.pk as string, r);
    }
    return items.map((i): ConversationEntry => {
      if (i.direction === "IN") return { direction: "inbound", at: i.received_at as string, session_id: i.session_id as string, message: inboundOf(i) };
      const job = jobs.get(i.job_id as string);
      const r = recipients.get(Keys.recipientPartition(i.job_id as string));
      return {
        direction: "outbound",
        at: i.sent_at as string,
        session_id: i.session_id as string,
        message_id: Keys.messageIdOf(i.pk as string),
        job: job
          ? {
              id: job.id as string,
              origin: job.origin as string,
              message_type: (job.message_type as "text" | "media") ?? "text",
              message_content: str(job.message_content),
              media_url: str(job.media_url),
            }
          : null,
        recipient: r ? { name: str(r.name), status: r.status as string, error: str(r.error), sent_at: str(r.sent_at) } : null,
      };
    });
  };

  const ofPhone = async (tenantId: string, phone: string): Promise<Conversation[]> => {
    const out: Conversation[] = [];
    for await (const i of queryAll(db, {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
      ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":p": PREFIX.conversation(phone) },
    }))
      out.push(conversationOf(i));
    return out;
  };

  return {
    ofPhone,

    async recordInbound(m: InboundMessage, summary: InboundSummaryUpdate, reply: ReplyAttribution | null) {
      const put = {
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
      };
      const update = {
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
      };
      const received = { Update: activityUpdate(db, m.tenant_id, m.received_at.slice(0, 10), { received: 1 }) };
      const replied = (r: ReplyAttribution): TransactItems => [
        {
          Update: {
            TableName: db.table,
            Key: Keys.recipient(r.job.id, r.phone),
            UpdateExpression: "SET replied_at = :at",
            ConditionExpression: "attribute_not_exists(replied_at) AND #status IN (:sent, :delivered, :read)",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":at": r.at, ":sent": "sent", ":delivered": "delivered", ":read": "read" },
          },
        },
        {
          Update: {
            TableName: db.table,
            Key: Keys.job(r.job.tenant_id, r.job.id),
            UpdateExpression: "ADD replied_count :one",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeValues: { ":one": 1 },
          },
        },
      ];
      const base: TransactItems = [put, update, received];
      if (reply) {
        const res = await transact(db, [...base, ...replied(reply)]);
        if (res.ok) return { stored: true as const, replied: true };
        if (res.failed.includes(0)) return { stored: false as const };
        // The recipient replied before (or is not in a sent state): the message is stored, not counted twice.
      }
      const res = await transact(db, base);
      if (res.ok) return { stored: true as const, replied: false };
      if (res.failed.includes(0)) return { stored: false as const };
      throw new Error("inbound record refused by a condition other than its dedupe");
    },

    async get(tenantId: string, phone: string, sessionId: string, consistent = false): Promise<Conversation | undefined> {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.conversation(tenantId, phone, sessionId), ConsistentRead: consistent }));
      return res.Item ? conversationOf(res.Item) : undefined;
    },

    list: (tenantId: string, page: PageRequest, keep: (c: Conversation) => boolean): Promise<Page<Conversation>> =>
      queryPage(
        db,
        {
          ...onIndex,
          KeyConditionExpression: "#ipk = :p",
          ExpressionAttributeNames: { "#ipk": INDEX.pk },
          ExpressionAttributeValues: { ":p": Lists.conversations(tenantId) },
          ScanIndexForward: false,
        },
        page,
        (i) => {
          const c = conversationOf(i);
          return keep(c) ? c : undefined;
        },
      ),

    async *activeSince(tenantId: string, sinceIso: string): AsyncGenerator<Conversation> {
      // An empty string is not a valid key value: no lower bound then.
      for await (const i of queryAll(db, {
        ...onIndex,
        KeyConditionExpression: sinceIso ? "#ipk = :p AND #isk >= :since" : "#ipk = :p",
        ExpressionAttributeNames: sinceIso ? { "#ipk": INDEX.pk, "#isk": INDEX.sk } : { "#ipk": INDEX.pk },
        ExpressionAttributeValues: sinceIso ? { ":p": Lists.conversations(tenantId), ":since": sinceIso } : { ":p": Lists.conversations(tenantId) },
        ScanIndexForward: false,
      }))
        yield conversationOf(i);
    },

    async messages(
      tenantId: string,
      phone: string,
      opts: { sessionId?: string; order: "asc" | "desc"; fromIso?: string; toIso?: string },
      page: PageRequest,
    ): Promise<Page<ConversationEntry>> {
      const now = Math.floor(Date.now() / 1000);
      const raw = await queryPage(
        db,
        {
          ...onIndex,
          KeyConditionExpression: "#ipk = :p AND #isk BETWEEN :lo AND :hi",
          ExpressionAttributeNames: { "#ipk": INDEX.pk, "#isk": INDEX.sk },
          ExpressionAttributeValues: {
            ":p": Lists.contactMessages(tenantId, phone),
            ":lo": Lists.contactMessageBound(opts.fromIso || "0", "lo"),
            ":hi": Lists.contactMessageBound(opts.toIso ?? "9999", "hi"),
          },
          ScanIndexForward: opts.order === "asc",
        },
        page,
        // TTL deletion is lazy: an expired message is not shown, whatever the store still holds.
        (i) => ((opts.sessionId && i.session_id !== opts.sessionId) || (typeof i.ttl === "number" && i.ttl < now) ? undefined : i),
      );
      return { items: await entriesOf(tenantId, phone, raw.items), next_cursor: raw.next_cursor };
    },

    async setOptedOut(tenantId: string, phone: string, optedOut: boolean) {
      for (const c of await ofPhone(tenantId, phone)) {
        if (c.opted_out === optedOut) continue;
        await db.doc
          .send(
            new UpdateCommand({
              TableName: db.table,
              Key: Keys.conversation(tenantId, phone, c.session_id),
              UpdateExpression: "SET opted_out = :v",
              ConditionExpression: "attribute_exists(pk)",
              ExpressionAttributeValues: { ":v": optedOut },
            }),
          )
          .catch((e) => {
            if ((e as { name?: string }).name !== "ConditionalCheckFailedException") throw e;
          });
      }
    },
  };
};

export type ConversationStore = ReturnType<typeof createConversationStore>;
