import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ConversationContext, MessageRef, Moved, ReceiptBatch, Recipient, RecipientStatus, SentMessage, SentRecord } from "@outreach/core/job";
import type { Store } from "@outreach/core/port";
import { CLAIM_ATTRIBUTES, createClaim } from "./claim";
import { batchGet, batchWrite, conditional, type Db, type Item, type PageRequest, queryAll, queryPage, strip, transact } from "./db";
import { jobKey } from "./jobs";
import { Keys } from "./keys";
import { createMover, type JobRef, recipientKey } from "./recipient-moves";
import { createRecordedMessages } from "./recorded-messages";
import { sendingExpired } from "./sending-claims";
import { messageEntry, sentConversation, sentDayTally } from "./sent-records";

/** Conversation summaries updated at once by one record (a record batch holds up to 32 messages). */
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
  const recorded = createRecordedMessages();

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
  const dropEntries = async (refused: { job: JobRef; m: SentMessage }[]) => {
    if (refused.length === 0) return;
    const recs = await batchGet(
      db,
      refused.map(({ job, m }) => recipientKey(job.id, m.phone)),
      { consistent: true, projection: "pk, #p, #m", names: { "#p": "phone", "#m": "message_id" } },
    );
    const carried = new Set(recs.map((r) => `${r.pk}\u0000${r.phone}\u0000${r.message_id}`));
    await batchWrite(
      db,
      refused
        .filter(({ job, m }) => !carried.has(`${recipientKey(job.id, m.phone).pk}\u0000${m.phone}\u0000${m.messageId}`))
        .map(({ m }) => ({ delete: Keys.message(m.messageId) })),
    );
  };

  /**
   * Records sent messages of one or more jobs (`sending` → `sent`) with the days' activity; see
   * `markSent`. The messages of several jobs share each transaction: each job's counters once, the
   * month's usage once per tenant and month, a session's day once. Answers each record's moved and
   * refused phones, in order.
   */
  const markSentMany = async (records: SentRecord[]): Promise<Moved[]> => {
    const all = records.flatMap((r, at) => r.sent.map((m) => ({ r, at, m })));
    const summarized = all.filter(({ r }) => r.conversation);
    for (let i = 0; i < summarized.length; i += SUMMARY_CONCURRENCY)
      await Promise.all(
        summarized
          .slice(i, i + SUMMARY_CONCURRENCY)
          .map(({ r, m }) => conditional(db.doc.send(new UpdateCommand(sentConversation(db, r.job, m, r.conversation as ConversationContext))))),
      );
    const out: Moved[] = records.map(() => ({ moved: [], refused: [] }));
    for (let i = 0; i < all.length; i += RECORD_CHUNK) {
      const chunk = all.slice(i, i + RECORD_CHUNK);
      await putEntries(chunk.map(({ r, m }) => messageEntry(r.job, m, r.conversation)));
      const batches = records.flatMap((r, at) => {
        const mine = chunk.filter((c) => c.at === at).map((c) => c.m);
        if (mine.length === 0) return [];
        const moves = mine.map((m) => ({
          phone: m.phone,
          set: { sent_at: new Date(m.at).toISOString(), message_id: m.messageId, error: null },
          remove: CLAIM_ATTRIBUTES,
          // The session's day is also the tenant's activity of the day (one item for both).
          tallies: [sentDayTally(r.job.tenant_id, r.sessionId, m)],
          sentDay: m.day,
        }));
        return [{ at, batch: { job: r.job, moves, progressAt: Math.max(...mine.map((m) => m.at)) } }];
      });
      const res = await move.many(
        "sending",
        "sent",
        batches.map((b) => b.batch),
      );
      const refused: { job: JobRef; m: SentMessage }[] = [];
      batches.forEach(({ at }, k) => {
        const r = res[k] as Moved;
        const o = out[at] as Moved;
        o.moved.push(...r.moved);
        o.refused.push(...r.refused);
        const no = new Set(r.refused);
        for (const c of chunk) {
          if (c.at !== at) continue;
          if (no.has(c.m.phone)) refused.push({ job: c.r.job, m: c.m });
          else recorded.remember(c.m.messageId, { tenant_id: c.r.job.tenant_id, job_id: c.r.job.id, phone: c.m.phone, quota_month: c.r.job.quota_month });
        }
      });
      await dropEntries(refused);
    }
    return out;
  };

  /** Moves recipients of several jobs by their receipts, one batch per job (see `move.many`). */
  const receipts = (from: RecipientStatus, to: RecipientStatus, batches: ReceiptBatch[]) =>
    move.many(
      from,
      to,
      batches.map((b) => ({ job: b.job, moves: phones(b.phones) })),
    );

  return {
    /**
     * Records sent messages (`sending` → `sent`) and the day's activity. The contacts' conversation
     * summaries are updated first, each once per message (they count messages that went out, whether
     * or not the recipient is still `sending` when the transaction runs). Each transaction's message-id
     * entries are plain puts just before it (1 write unit each, not 2 as transaction items): an entry
     * can be there a moment before its recipient is `sent` — receipts then find a recipient still
     * `sending` and move nothing, as they found nothing before — and a recipient the transaction
     * refuses loses its entry again unless it carries that message id (a retried record of a message
     * already recorded). A crash between the puts and the transaction leaves entries of recipients
     * that recovery makes `unknown`: messages that went out, which receipts cannot move (they move
     * `sent` recipients only).
     */
    markSent: async (job: JobRef, sent: SentMessage[], opts: { sessionId?: string; conversation?: ConversationContext } = {}) =>
      (await markSentMany([{ job, sent, ...opts }]))[0] as Moved,

    markSentMany,

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

    markDelivered: async (job: JobRef, list: Iterable<string>) => (await receipts("sent", "delivered", [{ job, phones: list }]))[0] as Moved,

    /** Delivered receipts of several jobs, in as few transactions as fit them. */
    markDeliveredMany: (batches: ReceiptBatch[]) => receipts("sent", "delivered", batches),

    markRejected: (job: JobRef, phone: string, error: string) => move(job, "sent", "failed", [{ phone, set: { error } }]),

    /** Read receipts move forward only, from `sent` or `delivered`; refused phones are in neither state. */
    markRead: async (job: JobRef, from: "sent" | "delivered", list: Iterable<string>) => (await receipts(from, "read", [{ job, phones: list }]))[0] as Moved,

    /** Read receipts of several jobs from one state, in as few transactions as fit them. */
    markReadMany: (from: "sent" | "delivered", batches: ReceiptBatch[]) => receipts(from, "read", batches),

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

    /** Recipients left in `sending` whose lease ended before `before`, in the given jobs or every listed one (see `sendingExpired`). */
    sendingExpired: (before: number, jobs?: { tenant_id: string; id: string }[]) => sendingExpired(db, before, jobs),

    /**
     * Where each of the message ids leads: those this process recorded from memory, the others by
     * their index entries (one BatchGet per 100); ids without an index entry are absent.
     */
    async byMessageIds(messageIds: string[]): Promise<Map<string, MessageRef>> {
      const out = new Map<string, MessageRef>();
      for (const id of messageIds) {
        const ref = recorded.get(id);
        if (ref) out.set(id, ref);
      }
      const unknown = messageIds.filter((id) => !out.has(id));
      if (unknown.length === 0) return out;
      for (const i of await batchGet(db, unknown.map(Keys.message)))
        out.set(Keys.messageIdOf(i.pk as string), { tenant_id: i.tenant_id, job_id: i.job_id, phone: i.phone, quota_month: i.quota_month } as MessageRef);
      return out;
    },
  } satisfies Store["recipients"];
};

export type RecipientStore = ReturnType<typeof createRecipientStore>;
