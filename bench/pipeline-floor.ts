import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { type Db, transact } from "../packages/aws/src/store/db";
import { Keys } from "../packages/aws/src/store/keys";
import type { JobRef } from "../packages/aws/src/store/recipient-moves";
import { sentConversation } from "../packages/aws/src/store/sent-records";
import { createCoalescer } from "../packages/core/src/coalesce";
import { RECORD_BATCH, RECORD_LINGER_MS } from "../packages/core/src/job/send-limits";
import { benchDynamo, median, round } from "./lib";
import { bareBaseline } from "./pipeline";

/** A running job's item as the API writes it (about the real item's 1.1 KB: the template and the options). */
export const putRunningJob = (db: Db, job: JobRef) =>
  db.doc.send(
    new PutCommand({
      TableName: db.table,
      Item: {
        ...Keys.job(job.tenant_id, job.id),
        id: job.id,
        tenant_id: job.tenant_id,
        status: "running",
        plan_epoch: 1,
        sent_days: {},
        template: "x".repeat(800),
      },
    }),
  );

/** A snapshot's recipient, pending. */
export const pendingRecipient = (phone: string) => ({
  phone,
  name: "Someone",
  status: "pending" as const,
  attempts: 0,
  sent_at: null,
  error: null,
  message_id: null,
});

/**
 * What the floor makes: everything; without the conversation summaries; only the snapshot and the
 * lane's requests (no records); or the summaries as items of one transaction a record instead of one
 * `UpdateItem` each — the alternative that costs 1 write unit more a message (an upper bound of its
 * gain: that record's message-id entries are written without their contact-list attributes).
 */
export type FloorParts = "all" | "no-summaries" | "lane" | "summaries-in-tx";

/**
 * The floor of the bulk-send pipeline on this machine (issue 31, point 4): the DynamoDB requests a
 * delay-0 job makes per message, made by the store's own functions with nothing else around them —
 * no API, no SQS, no planner, no lane scheduling, no events — against the bare baseline of
 * `npm run bench -- pipeline`, alternating on one DynamoDB Local started as the runtime starts it.
 *
 * Per job: the job item, the snapshot in chunks of 98 (`writeSnapshotChunk`, as `POST /bulk-send`
 * writes it inline), then one message at a time as a session's lane sends: the claim's consistent
 * read (`confirm`), the sandbox's outbox put with the next recipient's update (`take`) beside it,
 * and the record (`markSentMany` with the conversation summaries, the message-id entries and the
 * record transaction) coalesced as the sender coalesces it (RECORD_BATCH, RECORD_LINGER_MS). The job
 * ends when its last record is written. Whatever rate this reaches, the full pipeline cannot pass it
 * here: it makes these requests and more.
 */
export const pipelineFloor = async (n: number, rounds = 3, parts: FloorParts = "all") => {
  const summaries = parts === "all";
  const { db, store, cpuSeconds, close } = await benchDynamo("floor", process.env.BENCH_JVM === "defaults" ? [] : undefined);
  try {
    const tenantId = "floor-tenant";
    const sessionId = "floor-session";

    const floor = async (count: number, tag: string) => {
      const job = { tenant_id: tenantId, id: `job-${tag}`, quota_month: "2026-12" };
      const t0 = performance.now();
      await putRunningJob(db, job);
      const phones = Array.from({ length: count }, (_, i) => `+55119${tag.length}${String(i).padStart(6, "0")}`);
      let from: string | null = null;
      for (let i = 0; i < count; i += 98) {
        const chunk = phones.slice(i, i + 98);
        const to = chunk[chunk.length - 1] as string;
        await store.recipients.writeSnapshotChunk(job, chunk.map(pendingRecipient), from, to, i + 98 >= count);
        from = to;
      }
      const conversation = { session_id: sessionId, origin: "api" as const, retention_days: 30 };
      const record = createCoalescer<{ phone: string; messageId: string; at: number }>({
        max: RECORD_BATCH,
        lingerMs: RECORD_LINGER_MS,
        flush: async (_key, items) => {
          const sent = items.map((m) => ({ ...m, day: "2026-12-07", name: "Someone", text: "Hello Someone" }));
          await store.recipients.markSentMany([{ job, sent, sessionId, conversation: summaries ? conversation : undefined }]);
          if (parts === "summaries-in-tx")
            await transact(
              db,
              sent.map((m) => ({ Update: sentConversation(db, job, m, conversation) })),
            );
        },
      });
      const recorded: Promise<void>[] = [];
      const lease = Date.now() + 60_000;
      let taken = store.recipients.take(job, phones[0] as string, lease, `${tag}-0`);
      for (let i = 0; i < count; i++) {
        const phone = phones[i] as string;
        if (!(await taken)) throw new Error(`not pending: ${phone}`);
        if ((await store.recipients.confirm(job, phone, 1, `${tag}-${i}`)) !== "claimed") throw new Error(`refused: ${phone}`);
        const next = phones[i + 1];
        taken = next ? store.recipients.take(job, next, lease, `${tag}-${i + 1}`) : Promise.resolve(true);
        const at = Date.now();
        await store.sandbox.record(
          {
            id: `${tag}-${i}`,
            session_id: sessionId,
            to: phone,
            type: "text",
            text: "Hello Someone",
            media_url: null,
            sent_at: new Date(at).toISOString(),
            status: "sent",
          },
          String(i),
        );
        if (parts !== "lane") recorded.push(record(job.id, { phone, messageId: `${tag}-${i}`, at }));
      }
      await Promise.all(recorded);
      return (performance.now() - t0) / 1000;
    };

    // Warm the JIT on both sides, then alternate; medians as in the pipeline bench.
    await floor(Math.min(1000, n), "warm");
    await bareBaseline(db, Math.min(1000, n), "warm");
    const floors: number[] = [];
    const bases: number[] = [];
    let floorCpu = 0;
    let baseCpu = 0;
    for (let r = 0; r < rounds; r++) {
      const c0 = cpuSeconds();
      bases.push(await bareBaseline(db, n, `r${r}`));
      const c1 = cpuSeconds();
      floors.push(await floor(n, `r${r}`));
      baseCpu += c1 - c0;
      floorCpu += cpuSeconds() - c1;
    }
    const seconds = median(floors);
    const baseSeconds = median(bases);
    return {
      recipients: n,
      rounds,
      parts,
      messages_per_second: round(n / seconds),
      baseline_messages_per_second: round(n / baseSeconds),
      ratio: round(baseSeconds / seconds),
      runs_messages_per_second: floors.map((x) => round(n / x)),
      baseline_runs_messages_per_second: bases.map((x) => round(n / x)),
      dynamodb_local_cpu_ms_per_message: round((floorCpu * 1000) / (n * rounds)),
      baseline_dynamodb_local_cpu_ms_per_message: round((baseCpu * 1000) / (n * rounds)),
    };
  } finally {
    await close();
  }
};
