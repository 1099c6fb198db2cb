import { BatchGetCommand, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { MessageRef, Recipient, RecipientStatus } from "@outreach/core/port";
import { type Db, type Item, type PageRequest, queryAll, queryPage, strip, type TransactItems, transact } from "./db";
import { jobKey, usageKey } from "./jobs";

export interface JobRef {
  tenant_id: string;
  id: string;
  quota_month: string;
}

const recipientKey = (jobId: string, phone: string) => ({ pk: `B#${jobId}`, sk: `R#${phone}` });

/** Job counter and quota effects of a recipient moving from one state to another. */
const effects = (from: RecipientStatus, to: RecipientStatus) => {
  const job: Record<string, number> = {};
  let usage: "none" | "consume" | "release" | "reserve" = "none";
  let held = 0;
  let failures: "reset" | "inc" | null = null;
  const open = (s: RecipientStatus) => s === "pending" || s === "sending";
  if (open(from) && !open(to)) {
    job.pending_count = -1;
    held = -1;
    usage = to === "sent" || to === "unknown" ? "consume" : "release";
  }
  if (!open(from) && open(to)) {
    job.pending_count = 1;
    held = 1;
    usage = "reserve";
  }
  const counter: Partial<Record<RecipientStatus, string>> = {
    sent: "sent_count",
    failed: "failed_count",
    skipped: "skipped_count",
    cancelled: "cancelled_count",
    unknown: "unknown_count",
  };
  const fromC = counter[from];
  const toC = counter[to];
  if (fromC && from !== "sent") job[fromC] = (job[fromC] ?? 0) - 1;
  if (toC) job[toC] = (job[toC] ?? 0) + 1;
  if (to === "delivered") job.delivered_count = 1;
  if (to === "read") {
    job.read_count = 1;
    if (from === "sent") job.delivered_count = 1;
  }
  if (to === "sent") failures = "reset";
  if (to === "failed") failures = "inc";
  return { job, usage, held, failures };
};

export interface Move {
  phone: string;
  set?: Item;
  remove?: string[];
}

/**
 * Recipients of a job (`B#<job>` · `R#<e164>`). Every state change is one transaction with the job's
 * counters and the month's quota, so the counts always equal the recipients by state.
 */
export const createRecipientStore = (db: Db) => {
  /**
   * Moves recipients `from` → `to` in chunks. Recipients not in `from` are left alone and reported.
   * `reserved` tells that quota for a `reserve` move was already taken by the caller.
   */
  const move = async (job: JobRef, from: RecipientStatus[], to: RecipientStatus, moves: Move[], extra: TransactItems = []) => {
    const moved: string[] = [];
    const refused: string[] = [];
    // The job update's effects depend on `from`; with several possible `from` states the caller moves one at a time.
    const fx = effects(from[0] as RecipientStatus, to);
    const chunkSize = 97 - extra.length;
    for (let i = 0; i < moves.length; i += chunkSize) {
      let chunk = moves.slice(i, i + chunkSize);
      while (chunk.length > 0) {
        const n = chunk.length;
        const jobAdds = Object.entries(fx.job).map(([k, v], idx) => ({ k, v: v * n, idx }));
        const jobValues: Item = {};
        const jobNames: Record<string, string> = {};
        const adds: string[] = [];
        for (const a of jobAdds) {
          jobNames[`#c${a.idx}`] = a.k;
          jobValues[`:c${a.idx}`] = a.v;
          adds.push(`#c${a.idx} :c${a.idx}`);
        }
        if (fx.held) {
          adds.push("quota_held :held");
          jobValues[":held"] = fx.held * n;
        }
        if (fx.failures === "inc") {
          adds.push("consecutive_failures :fail");
          jobValues[":fail"] = n;
        }
        let jobExpr = adds.length ? `ADD ${adds.join(", ")}` : "";
        if (fx.failures === "reset") {
          jobExpr += " SET consecutive_failures = :zero";
          jobValues[":zero"] = 0;
        }
        const items: TransactItems = [];
        if (jobExpr) {
          items.push({
            Update: {
              TableName: db.table,
              Key: jobKey(job.tenant_id, job.id),
              UpdateExpression: jobExpr.trim(),
              ExpressionAttributeNames: Object.keys(jobNames).length ? jobNames : undefined,
              ExpressionAttributeValues: jobValues,
            },
          });
        }
        if (fx.usage !== "none" && fx.usage !== "reserve") {
          items.push({
            Update: {
              TableName: db.table,
              Key: usageKey(job.tenant_id, job.quota_month),
              UpdateExpression: fx.usage === "consume" ? "ADD total_messages :n, reserved_messages :m" : "ADD reserved_messages :m, committed :m",
              ExpressionAttributeValues: fx.usage === "consume" ? { ":n": n, ":m": -n } : { ":m": -n },
            },
          });
        }
        const head = items.length;
        for (const m of chunk) {
          const values: Item = { ":to": to };
          from.forEach((s, idx) => {
            values[`:f${idx}`] = s;
          });
          const sets = ["#status = :to"];
          const names: Record<string, string> = { "#status": "status" };
          Object.entries(m.set ?? {}).forEach(([k, v], idx) => {
            sets.push(`#s${idx} = :s${idx}`);
            names[`#s${idx}`] = k;
            values[`:s${idx}`] = v;
          });
          const removes = (m.remove ?? []).map((k, idx) => {
            names[`#r${idx}`] = k;
            return `#r${idx}`;
          });
          items.push({
            Update: {
              TableName: db.table,
              Key: recipientKey(job.id, m.phone),
              UpdateExpression: `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`,
              ConditionExpression: `#status IN (${from.map((_, idx) => `:f${idx}`).join(", ")})`,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            },
          });
        }
        items.push(...extra);
        const res = await transact(db, items);
        if (res.ok) {
          moved.push(...chunk.map((m) => m.phone));
          break;
        }
        const bad = new Set(res.failed.filter((x) => x >= head && x < head + chunk.length).map((x) => x - head));
        if (bad.size === 0) throw new Error(`recipient move ${from.join("|")}→${to} refused by a non-recipient condition`);
        refused.push(...chunk.filter((_, idx) => bad.has(idx)).map((m) => m.phone));
        chunk = chunk.filter((_, idx) => !bad.has(idx));
      }
    }
    return { moved, refused };
  };

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

    async messageIndexGet(messageId: string): Promise<MessageRef | undefined> {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: { pk: `MSG#${messageId}`, sk: "MSG" } }));
      const i = res.Item;
      return i ? { tenant_id: i.tenant_id, job_id: i.job_id, phone: i.phone, quota_month: i.quota_month } : undefined;
    },

    /** Which of `phones` are opted out for the tenant (BatchGet, 100 a call). */
    async optedOut(tenantId: string, phones: string[]): Promise<Set<string>> {
      const out = new Set<string>();
      for (let i = 0; i < phones.length; i += 100) {
        let keys: Item[] = phones.slice(i, i + 100).map((p) => ({ pk: `T#${tenantId}`, sk: `OPTOUT#${p}` }));
        while (keys.length > 0) {
          const res = await db.doc.send(new BatchGetCommand({ RequestItems: { [db.table]: { Keys: keys, ProjectionExpression: "phone" } } }));
          for (const item of res.Responses?.[db.table] ?? []) out.add(item.phone as string);
          keys = (res.UnprocessedKeys?.[db.table]?.Keys as Item[] | undefined) ?? [];
        }
      }
      return out;
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
