import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Conversation, ConversationEntry, InboundMessage, InboundRecord, InboundResult, ReplyAttribution } from "@outreach/core/conversation";
import type { Page, PageRequest, Store } from "@outreach/core/port";
import { activityUpdate } from "./activity";
import { bySize, inboundPut, inboundSummaryUpdate, jobReplied, repliedRecipient } from "./conversation-writes";
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
        {
          projection: "pk, #name, #fields, #status, #error, sent_at",
          names: { "#name": "name", "#fields": "fields", "#status": "status", "#error": "error" },
        },
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
        recipient: r
          ? {
              name: str(r.name),
              ...(r.fields ? { fields: r.fields as Record<string, string> } : {}),
              status: r.status as string,
              error: str(r.error),
              sent_at: str(r.sent_at),
            }
          : null,
      };
    });
  };

  /**
   * One transaction for the batch: each message (conditional on its key: the dedupe) with its summary
   * update and, for a reply, its recipient's `replied_at`; once per transaction the days' `received`
   * counts and each job's `replied_count`. A refused condition drops what it concerns and the rest is
   * written again: a stored message (not written twice), a recipient that replied before (the
   * message is stored, not counted as a reply again), a job that is gone.
   */
  const writeBatch = async (records: InboundRecord[]): Promise<InboundResult[]> => {
    const results: InboundResult[] = records.map(() => ({ stored: false }));
    let live = records.map((r, i) => ({ i, r, reply: r.reply }));
    while (live.length > 0) {
      const items: TransactItems = [];
      /** What each transaction item stands for, to act on a refused condition. */
      const owners: ({ kind: "message" | "reply"; k: number } | { kind: "job"; job: string } | { kind: "shared" })[] = [];
      const days = new Map<string, number>();
      const jobs = new Map<string, { ref: ReplyAttribution["job"]; n: number }>();
      for (const [k, { r, reply }] of live.entries()) {
        items.push(inboundPut(db, r.message), inboundSummaryUpdate(db, r));
        owners.push({ kind: "message", k }, { kind: "shared" });
        const day = r.message.received_at.slice(0, 10);
        days.set(day, (days.get(day) ?? 0) + 1);
        if (reply) {
          items.push(repliedRecipient(db, reply));
          owners.push({ kind: "reply", k });
          const j = jobs.get(reply.job.id) ?? { ref: reply.job, n: 0 };
          j.n++;
          jobs.set(reply.job.id, j);
        }
      }
      const tenantId = (live[0] as { r: InboundRecord }).r.message.tenant_id;
      for (const [day, n] of days) {
        items.push({ Update: activityUpdate(db, tenantId, day, { received: n }) });
        owners.push({ kind: "shared" });
      }
      for (const [id, j] of jobs) {
        items.push(jobReplied(db, j.ref, j.n));
        owners.push({ kind: "job", job: id });
      }
      const res = await transact(db, items);
      if (res.ok) {
        for (const x of live) results[x.i] = { stored: true, replied: x.reply !== null };
        return results;
      }
      const dropped = new Set<number>();
      let changed = false;
      for (const f of res.failed) {
        const o = owners[f];
        if (o?.kind === "message") dropped.add(o.k);
        else if (o?.kind === "reply") (live[o.k] as { reply: ReplyAttribution | null }).reply = null;
        else if (o?.kind === "job")
          for (const x of live)
            if (x.reply?.job.id === o.job) x.reply = null;
            else continue;
        changed = true;
      }
      if (!changed) throw new Error("inbound record refused by a condition other than its dedupe");
      live = live.filter((_, k) => !dropped.has(k));
    }
    return results;
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

    /**
     * Each group of records (under DynamoDB's 4 MB per transaction: a message may hold 64K characters)
     * in one transaction: see `writeBatch`.
     */
    async recordInbound(records: InboundRecord[]): Promise<InboundResult[]> {
      const out: InboundResult[] = [];
      for (const group of bySize(records)) out.push(...(await writeBatch(group)));
      return out;
    },

    async getMany(tenantId: string, keys: { phone: string; session_id: string }[]): Promise<Conversation[]> {
      if (keys.length === 0) return [];
      return (
        await batchGet(
          db,
          keys.map((k) => Keys.conversation(tenantId, k.phone, k.session_id)),
          { consistent: true },
        )
      ).map(conversationOf);
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
  } satisfies Store["conversations"];
};

export type ConversationStore = ReturnType<typeof createConversationStore>;
