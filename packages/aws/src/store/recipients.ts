import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { MessageRef, Recipient, RecipientStatus } from "@outreach/core/port";
import { batchGet, type Db, type Item, type PageRequest, queryAll, queryPage, strip, transact } from "./db";
import { jobKey } from "./jobs";
import { createMover, type JobRef, recipientKey } from "./recipient-moves";

export type { JobRef, Move } from "./recipient-moves";

export const createRecipientStore = (db: Db) => {
  const move = createMover(db);
  return {
    move,

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

    list: (jobId: string, status: RecipientStatus | undefined, page: PageRequest) =>
      queryPage(db, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": `B#${jobId}` } }, page, (i) => {
        const r = publicRecipient(strip<Recipient>(i));
        return status && r.status !== status ? undefined : r;
      }),

    async *all(jobId: string): AsyncGenerator<Recipient> {
      for await (const i of queryAll(db, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": `B#${jobId}` } })) yield strip<Recipient>(i);
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
            ExpressionAttributeValues: { ":pk": `B#${jobId}`, ":s": status },
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
     * Claims a recipient for sending, in one transaction that also checks the job is running at this
     * planning epoch and the number is not opted out.
     */
    async claim(
      job: JobRef,
      phone: string,
      epoch: number,
      leaseUntil: number,
      messageId: string,
    ): Promise<"claimed" | "job_inactive" | "opted_out" | "not_pending"> {
      const res = await transact(db, [
        {
          ConditionCheck: {
            TableName: db.table,
            Key: jobKey(job.tenant_id, job.id),
            ConditionExpression: "#status = :running AND plan_epoch = :e",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":running": "running", ":e": epoch },
          },
        },
        {
          Update: {
            TableName: db.table,
            Key: recipientKey(job.id, phone),
            UpdateExpression: "SET #status = :sending, lease_until = :lease, message_id = :mid, gsi1pk = :g, gsi1sk = :gs ADD attempts :one",
            ConditionExpression: "#status = :pending",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: {
              ":sending": "sending",
              ":pending": "pending",
              ":lease": leaseUntil,
              ":mid": messageId,
              ":g": "SENDING",
              ":gs": `${String(leaseUntil).padStart(15, "0")}#${job.tenant_id}#${job.id}#${phone}`,
              ":one": 1,
            },
          },
        },
        {
          ConditionCheck: {
            TableName: db.table,
            Key: { pk: `T#${job.tenant_id}`, sk: `OPTOUT#${phone}` },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
      ]);
      if (res.ok) return "claimed";
      if (res.failed.includes(0)) return "job_inactive";
      if (res.failed.includes(1)) return "not_pending";
      return "opted_out";
    },

    /** Recipients left in `sending` whose lease ended before `before` (the process that claimed them is gone). */
    async sendingExpired(before: number): Promise<{ tenant_id: string; job_id: string; phone: string }[]> {
      const out: { tenant_id: string; job_id: string; phone: string }[] = [];
      for await (const i of queryAll(db, {
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :g AND gsi1sk < :b",
        ExpressionAttributeValues: { ":g": "SENDING", ":b": String(before).padStart(15, "0") },
      })) {
        const [, tenant_id, job_id, phone] = (i.gsi1sk as string).split("#");
        if (tenant_id && job_id && phone) out.push({ tenant_id, job_id, phone });
      }
      return out;
    },

    /** The small index item that leads a receipt or a reply back to its recipient with one read. */
    messageIndexPut: (messageId: string, ref: MessageRef, ttlS: number) => ({
      Put: { TableName: db.table, Item: { pk: `MSG#${messageId}`, sk: "MSG", ...ref, ttl: ttlS } },
    }),

    /** Where each of the message ids leads (one BatchGet per 100); ids without an index entry are absent. */
    async messageIndexGetMany(messageIds: string[]): Promise<Map<string, MessageRef>> {
      const items = await batchGet(
        db,
        messageIds.map((id) => ({ pk: `MSG#${id}`, sk: "MSG" })),
      );
      return new Map(
        items.map((i) => [(i.pk as string).slice(4), { tenant_id: i.tenant_id, job_id: i.job_id, phone: i.phone, quota_month: i.quota_month } as MessageRef]),
      );
    },

    /** Which of `phones` are opted out for the tenant (BatchGet, 100 a call). */
    async optedOut(tenantId: string, phones: string[]): Promise<Set<string>> {
      const items = await batchGet(
        db,
        phones.map((p) => ({ pk: `T#${tenantId}`, sk: `OPTOUT#${p}` })),
        { projection: "phone" },
      );
      return new Set(items.map((i) => i.phone as string));
    },
  };
};

/** A recipient as the API shows it (`sending` is shown as `pending`: it has not been confirmed yet). */
export const publicRecipient = (r: Recipient) => ({
  phone: r.phone,
  name: r.name ?? null,
  status: (r.status === "sending" ? "pending" : r.status) as Exclude<RecipientStatus, "sending">,
  attempts: r.attempts ?? 0,
  sent_at: r.sent_at ?? null,
  error: r.error ?? null,
});

export type RecipientStore = ReturnType<typeof createRecipientStore>;
