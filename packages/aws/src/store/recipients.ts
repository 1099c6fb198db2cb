import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ConversationContext, MessageRef, Recipient, RecipientStatus, SendingClaim, SentMessage } from "@outreach/core/job";
import type { Store } from "@outreach/core/port";
import { activityUpdate } from "./activity";
import { CLAIM_ATTRIBUTES, createClaim } from "./claim";
import { batchGet, batchWrite, conditional, type Db, type Item, onIndex, type PageRequest, queryAll, queryPage, strip, transact } from "./db";
import { jobKey } from "./jobs";
import { INDEX, Keys, Lists } from "./keys";
import { createMover, type JobRef, recipientKey } from "./recipient-moves";
import { messageEntry, sentConversation, sessionDayUpdate } from "./sent-records";

/** Conversation summaries updated at once by one `markSent` (a record batch holds up to 32 messages). */
const SUMMARY_CONCURRENCY = 8;

/**
 * Recipients one record transaction moves at most: the sender's record batch (`RECORD_BATCH`), so a
 * larger record is moved as that many batches would be, and a transaction that fails leaves at most
 * this many message-id entries written before it.
 */
const RECORD_CHUNK = 32;

export type { JobRef, Move } from "./recipient-moves";

/**
 * Recipients of bulk sends (see the key table in the README). Every state change is an intent (`markSent`,
 * `unclaim`, `markSkipped`, …) that moves recipients from one known state with the job's counters and the
 * month's usage in the same transaction.
 */
export const createRecipientStore = (db: Db) => {
  const move = createMover(db);
  const phones = (list: Iterable<string>) => [...list].map((phone) => ({ phone }));
  /** Message-id entries, 25 a request, the requests at once (a record transaction moves at most 32 recipients). */
  const putEntries = (entries: Item[]) =>
    Promise.all(
      Array.from({ length: Math.ceil(entries.length / 25) }, (_, k) =>
        batchWrite(
          db,
          entries.slice(k * 25, k * 25 + 25).map((put) => ({ put })),
        ),
      ),
    );
  /** The entries of refused recipients, except where the recipient carries that message id (it was recorded before). */
  const dropEntries = async (job: JobRef, refused: SentMessage[]) => {
    if (refused.length === 0) return;
    const recs = await batchGet(
      db,
      refused.map((m) => recipientKey(job.id, m.phone)),
      { consistent: true, projection: "#p, #m", names: { "#p": "phone", "#m": "message_id" } },
    );
    const carried = new Set(recs.map((r) => `${r.phone}\u0000${r.message_id}`));
    await batchWrite(
      db,
      refused.filter((m) => !carried.has(`${m.phone}\u0000${m.messageId}`)).map((m) => ({ delete: Keys.message(m.messageId) })),
    );
  };
  return {
    /**
     * Records sent messages (`sending` → `sent`) and the day's activity; messages of one UTC day share
     * the counters of each transaction. The contacts' conversation summaries are updated first, each
     * once per message (they count messages that went out, whether or not the recipient is still
     * `sending` when the transaction runs). Each transaction's message-id entries are plain puts just
     * before it (1 write unit each, not 2 as transaction items): an entry can be there a moment before
     * its recipient is `sent` — receipts then find a recipient still `sending` and move nothing, as
     * they found nothing before — and a recipient the transaction refuses loses its entry again unless
     * it carries that message id (a retried record of a message already recorded). A crash between the
     * puts and the transaction leaves entries of recipients that recovery makes `unknown`: messages
     * that went out, which receipts cannot move (they move `sent` recipients only).
     */
    async markSent(job: JobRef, sent: SentMessage[], opts: { sessionId?: string; conversation?: ConversationContext } = {}) {
      const conversation = opts.conversation;
      if (conversation)
        for (let i = 0; i < sent.length; i += SUMMARY_CONCURRENCY)
          await Promise.all(
            sent.slice(i, i + SUMMARY_CONCURRENCY).map((m) => conditional(db.doc.send(new UpdateCommand(sentConversation(db, job, m, conversation))))),
          );
      const days = new Map<string, SentMessage[]>();
      for (const m of sent) {
        const day = new Date(m.at).toISOString().slice(0, 10);
        days.set(day, [...(days.get(day) ?? []), m]);
      }
      const moved: string[] = [];
      const refused: string[] = [];
      for (const [day, group] of days) {
        const lastAt = Math.max(...group.map((m) => m.at));
        for (let i = 0; i < group.length; i += RECORD_CHUNK) {
          const chunk = group.slice(i, i + RECORD_CHUNK);
          await putEntries(chunk.map((m) => messageEntry(job, m, conversation)));
          const res = await move(
            job,
            "sending",
            "sent",
            chunk.map((m) => ({
              phone: m.phone,
              set: { sent_at: new Date(m.at).toISOString(), message_id: m.messageId, error: null },
              remove: CLAIM_ATTRIBUTES,
            })),
            // The session's day is also the tenant's activity of the day (one item for both).
            (n) => [
              opts.sessionId
                ? { Update: sessionDayUpdate(db, job.tenant_id, opts.sessionId, day, n, lastAt) }
                : { Update: activityUpdate(db, job.tenant_id, day, { sent: n }) },
            ],
            {
              progressAt: lastAt,
              sentDays: (phones) => {
                const counts: Record<string, number> = {};
                const inChunk = new Set(phones);
                for (const m of chunk) if (m.day && inChunk.has(m.phone)) counts[m.day] = (counts[m.day] ?? 0) + 1;
                return counts;
              },
            },
          );
          moved.push(...res.moved);
          refused.push(...res.refused);
          const no = new Set(res.refused);
          await dropEntries(
            job,
            chunk.filter((m) => no.has(m.phone)),
          );
        }
      }
      return { moved, refused };
    },

    /** Ends a claim that did not send: back to `pending` (retry, logout), or `failed` / `unknown`, with the reason. */
    unclaim: (job: JobRef, phone: string, to: "pending" | "failed" | "unknown", error: string) =>
      move(job, "sending", to, [{ phone, set: { error }, remove: CLAIM_ATTRIBUTES }]),

    /** A pending recipient that will not be sent (e.g. opted out since the snapshot). */
    markSkipped: (job: JobRef, phone: string, reason: string) => move(job, "pending", "skipped", [{ phone, set: { error: reason } }]),

    /** Pending recipients of a cancelled job. */
    cancelPending: (job: JobRef, list: string[]) => move(job, "pending", "cancelled", phones(list)),

    /** Failed recipients go back to pending with a fresh attempt count (the caller reserved their quota). */
    requeueFailed: (job: JobRef, list: string[]) =>
      move(
        job,
        "failed",
        "pending",
        list.map((phone) => ({ phone, set: { error: null, attempts: 0 } })),
      ),

    markDelivered: (job: JobRef, list: Iterable<string>) => move(job, "sent", "delivered", phones(list)),

    markRejected: (job: JobRef, phone: string, error: string) => move(job, "sent", "failed", [{ phone, set: { error } }]),

    /** Read receipts move forward only, from `sent` or `delivered`; refused phones are in neither state. */
    markRead: (job: JobRef, from: "sent" | "delivered", list: Iterable<string>) => move(job, from, "read", phones(list)),

    /**
     * Writes one chunk of a job's snapshot (≤ 98 recipients) together with the job's counters, only
     * if the snapshot cursor is still `from`: a redelivered snapshot message writes nothing twice.
     */
    async writeSnapshotChunk(job: JobRef, recipients: Recipient[], from: string | null, to: string, done: boolean): Promise<boolean> {
      const pending = recipients.filter((r) => r.status === "pending").length;
      const skipped = recipients.length - pending;
      const res = await transact(db, [
        {
          Update: {
            TableName: db.table,
            Key: jobKey(job.tenant_id, job.id),
            UpdateExpression: "ADD pending_count :p, skipped_count :s, snapshot_count :t SET snapshot_cursor = :to, snapshot_done = :done",
            ConditionExpression: from === null ? "attribute_not_exists(snapshot_cursor)" : "snapshot_cursor = :from",
            ExpressionAttributeValues: {
              ":p": pending,
              ":s": skipped,
              ":t": recipients.length,
              ":to": to,
              ":done": done,
              ...(from === null ? {} : { ":from": from }),
            },
          },
        },
        ...recipients.map((r) => ({ Put: { TableName: db.table, Item: { ...recipientKey(job.id, r.phone), ...r } } })),
      ]);
      return res.ok;
    },

    async get(jobId: string, phone: string): Promise<Recipient | undefined> {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: recipientKey(jobId, phone), ConsistentRead: true }));
      return res.Item ? strip<Recipient>(res.Item) : undefined;
    },

    /** A page of a job's recipients, only those in `statuses` when given. */
    list: (jobId: string, statuses: RecipientStatus[] | undefined, page: PageRequest) =>
      queryPage(db, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": Keys.recipientPartition(jobId) } }, page, (i) => {
        const r = strip<Recipient>(i);
        return statuses && !statuses.includes(r.status) ? undefined : r;
      }),

    async *all(jobId: string): AsyncGenerator<Recipient> {
      for await (const i of queryAll(db, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": Keys.recipientPartition(jobId) } }))
        yield strip<Recipient>(i);
    },

    /** Up to `max` recipients with `status`, after `cursor` (a phone) in key order. */
    async withStatusAfter(jobId: string, status: RecipientStatus, cursor: string | null, max: number): Promise<Recipient[]> {
      const out: Recipient[] = [];
      let start: Item | undefined = cursor ? recipientKey(jobId, cursor) : undefined;
      do {
        const res = await db.doc.send(
          new QueryCommand({
            TableName: db.table,
            KeyConditionExpression: "pk = :pk",
            FilterExpression: "#status = :s",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":pk": Keys.recipientPartition(jobId), ":s": status },
            ExclusiveStartKey: start,
            ConsistentRead: true,
            Limit: Math.max(max, 100),
          }),
        );
        for (const i of res.Items ?? []) {
          out.push(strip<Recipient>(i));
          if (out.length >= max) return out;
        }
        start = res.LastEvaluatedKey;
      } while (start);
      return out;
    },

    /**
     * Claims a recipient for sending (see `createClaim`: a conditional update, then a consistent check of
     * the job and the opt-out list), whole (`claim`) or in its two steps (`take`, `confirm`, `release`).
     */
    ...createClaim(db),

    /** Recipients left in `sending` whose lease ended before `before` (the process that claimed them is gone). */
    async sendingExpired(before: number): Promise<SendingClaim[]> {
      const out: SendingClaim[] = [];
      for await (const i of queryAll(db, {
        ...onIndex,
        KeyConditionExpression: "#ipk = :g AND #isk < :b",
        ExpressionAttributeNames: { "#ipk": INDEX.pk, "#isk": INDEX.sk },
        ExpressionAttributeValues: { ":g": Lists.sending, ":b": Lists.sendingAt(before) },
      })) {
        const ref = Lists.parseSending(i[INDEX.sk] as string);
        if (ref) out.push(typeof i.claimed_by === "string" ? { ...ref, claimed_by: i.claimed_by } : ref);
      }
      return out;
    },

    /** Where each of the message ids leads (one BatchGet per 100); ids without an index entry are absent. */
    async byMessageIds(messageIds: string[]): Promise<Map<string, MessageRef>> {
      const items = await batchGet(db, messageIds.map(Keys.message));
      return new Map(
        items.map((i) => [
          Keys.messageIdOf(i.pk as string),
          { tenant_id: i.tenant_id, job_id: i.job_id, phone: i.phone, quota_month: i.quota_month } as MessageRef,
        ]),
      );
    },
  } satisfies Store["recipients"];
};

export type RecipientStore = ReturnType<typeof createRecipientStore>;
