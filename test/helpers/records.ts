import { randomBytes } from "node:crypto";
import type { Db, DynamoStore } from "../../packages/aws/src/store";
import type { Job, SendMessage } from "../../packages/core/src/job";
import { jobRecord as newJobRecord } from "../../packages/core/src/job";
import type { Collector } from "../../packages/core/src/review";
import type { Session } from "../../packages/core/src/session";
import { sessionRecord as newSessionRecord } from "../../packages/core/src/session";

/** A bulk-send job record as the store keeps it, running and paced at 0 s, for tests that write one directly. */
export const jobRecord = (over: Partial<Job> & Pick<Job, "id" | "tenant_id">): Job =>
  newJobRecord(
    {
      session_id: "ses_1",
      custom_group_id: "grp_1",
      message_content: "hi",
      min_delay_seconds: 0,
      max_delay_seconds: 0,
      status: "running",
      total_recipients: 0,
      quota_held: 0,
      ...over,
    },
    Date.now(),
  );

/** A session record as the store keeps it, for tests that write one directly. */
export const sessionRecord = (over: Partial<Session> & Pick<Session, "id" | "tenant_id">): Session =>
  newSessionRecord({ name: "test", transport: "baileys", ...over }, new Date().toISOString());

/** A review collector as the store keeps it, active on every source, with the given keyword lists. */
export const collectorRecord = (over: Partial<Collector> & Pick<Collector, "id" | "tenant_id" | "session_id">): Collector => ({
  name: over.id,
  description: null,
  source_type: "all",
  min_positive_words: 3,
  min_sentiment_score: 0.6,
  include_keywords: [],
  exclude_keywords: [],
  languages: [],
  selected_chat_ids: [],
  is_active: true,
  review_count: 0,
  scanned_count: 0,
  skipped: {},
  last_run_at: null,
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-01T00:00:00.000Z",
  ...over,
});

/** A job's `send` queue message for one recipient, as the planner queues it (first attempt, epoch 0, no gap). */
export const sendMessage = (job: Pick<Job, "tenant_id" | "id" | "session_id">, phone: string, over: Partial<SendMessage> = {}): SendMessage => ({
  type: "send",
  tenant_id: job.tenant_id,
  job_id: job.id,
  session_id: job.session_id,
  phone,
  slot_at: Date.now(),
  epoch: 0,
  attempt: 1,
  min_gap_ms: 0,
  name: null,
  ...over,
});

/**
 * A running job written through the store with its snapshot, whose first `claimed` recipients are
 * claimed (`sending`, message id `mid(phone)`), as the sender leaves them before recording; the rest
 * stay `pending`.
 */
export const claimedJob = async (store: DynamoStore, tenantId: string, phones: string[], opts: { sessionId?: string; claimed?: number } = {}) => {
  const j = jobRecord({
    id: `bulk_${randomBytes(6).toString("hex")}`,
    tenant_id: tenantId,
    session_id: opts.sessionId ?? "ses_a",
    total_recipients: phones.length,
    quota_held: phones.length,
    quota_month: "2026-11",
  });
  await store.jobs.create(j, phones.length, null);
  const ref = { tenant_id: tenantId, id: j.id, quota_month: j.quota_month };
  const rs = phones.map((phone) => ({ phone, name: null, status: "pending" as const, attempts: 0, sent_at: null, error: null, message_id: null }));
  if (!(await store.recipients.writeSnapshotChunk(ref, rs, null, phones.at(-1) as string, true))) throw new Error("the snapshot was not written");
  const mid = (p: string) => `m-${j.id}-${p}`;
  for (const p of phones.slice(0, opts.claimed ?? phones.length))
    if ((await store.recipients.claim(ref, p, 0, Date.now() + 60_000, mid(p))) !== "claimed") throw new Error(`${p} was not claimed`);
  return { j, ref, mid };
};

/**
 * Notes the batch and transaction requests made through `db` as they are sent: `transact` with its
 * items, `batchWrite` with its puts and deletes, `batchGet` (items 0).
 */
export const noteRequests = (db: Db) => {
  const seen: { command: string; items: number }[] = [];
  db.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = (args as { input?: { TransactItems?: unknown[]; RequestItems?: Record<string, unknown[]> } }).input ?? {};
      const name = context.commandName ?? "";
      const requests = Object.values(input.RequestItems ?? {})[0] ?? [];
      if (name.startsWith("TransactWrite")) seen.push({ command: "transact", items: input.TransactItems?.length ?? 0 });
      else if (name.startsWith("BatchWrite")) seen.push({ command: "batchWrite", items: requests.length });
      else if (name.startsWith("BatchGet")) seen.push({ command: "batchGet", items: 0 });
      return next(args);
    },
    { step: "initialize", name: "noteRequests" },
  );
  return seen;
};
