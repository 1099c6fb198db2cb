import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { sentConversation } from "../packages/aws/src/store/sent-records";
import { benchDynamo, round } from "./lib";
import { baselineRequests } from "./pipeline";
import { pendingRecipient, putRunningJob } from "./pipeline-floor";

/**
 * What each request a delay-0 message makes costs DynamoDB Local (issue 31, point 4): one request kind
 * at a time, `n` requests in a row after 100 of warm-up, made by the store's own functions; the
 * figure is the Java process's CPU per request and per message (a record carries 32 messages, a
 * snapshot chunk 98). The baseline's two requests are measured the same way.
 */
export const dynamoRequests = async (n = 300) => {
  const { db, store, cpuSeconds, close } = await benchDynamo("requests");
  try {
    const tenantId = "requests-tenant";
    const sessionId = "requests-session";
    const conversation = { session_id: sessionId, origin: "api" as const, retention_days: 30 };
    const job = { tenant_id: tenantId, id: "requests-job", quota_month: "2026-12" };
    await putRunningJob(db, job);
    const total = (n + 100) * 32;
    const phone = (i: number) => `+55119${String(i).padStart(7, "0")}`;
    for (let i = 0; i < total; i += 98)
      await store.recipients.writeSnapshotChunk(
        job,
        Array.from({ length: Math.min(98, total - i) }, (_, k) => pendingRecipient(phone(i + k))),
        i === 0 ? null : phone(i - 1),
        phone(Math.min(i + 98, total) - 1),
        i + 98 >= total,
      );
    const sent = (i: number) => ({ phone: phone(i), messageId: `m-${i}`, at: Date.now(), day: "2026-12-07", name: "Someone", text: "Hello Someone" });

    const out: Record<string, { cpu_ms_per_request: number; messages_per_request: number; cpu_ms_per_message: number }> = {};
    const measure = async (name: string, perRequest: number, fn: (i: number) => Promise<unknown>) => {
      for (let i = 0; i < 100; i++) await fn(n + i);
      const c0 = cpuSeconds();
      for (let i = 0; i < n; i++) await fn(i);
      const ms = ((cpuSeconds() - c0) * 1000) / n;
      out[name] = { cpu_ms_per_request: round(ms), messages_per_request: perRequest, cpu_ms_per_message: round(ms / perRequest) };
    };
    await baselineRequests.seed(db, "requests", 0, n + 100);
    await measure("baseline: conditional update", 1, (i) => baselineRequests.update(db, "requests", i));
    await measure("baseline: sandbox record put", 1, (i) => baselineRequests.put(db, "requests", i));
    const lease = Date.now() + 3_600_000;
    await measure("snapshot chunk (transaction of 98 puts and the job)", 98, async (i) =>
      store.recipients.writeSnapshotChunk(
        { ...job, id: `snap-${i}` },
        Array.from({ length: 98 }, (_, k) => pendingRecipient(phone(k))),
        null,
        phone(97),
        true,
      ),
    );
    await measure("claim: take (update)", 1, (i) => store.recipients.take(job, phone(i), lease, `m-${i}`));
    await measure("claim: confirm (consistent read of job and opt-out)", 1, (i) => store.recipients.confirm(job, phone(i), 1, `m-${i}`));
    await measure("sandbox outbox put", 1, (i) =>
      store.sandbox.record(
        {
          id: `m-${i}`,
          session_id: sessionId,
          to: phone(i),
          type: "text",
          text: "Hello Someone",
          media_url: null,
          sent_at: new Date().toISOString(),
          status: "sent",
        },
        String(i),
      ),
    );
    await measure("conversation summary (update)", 1, (i) => db.doc.send(new UpdateCommand(sentConversation(db, job, sent(i), conversation))));
    // Records of 32 messages without summaries: their message-id entries (batch puts) and the record transaction.
    for (let i = 0; i < total; i++) await store.recipients.take(job, phone(i), lease, `m-${i}`).catch(() => false);
    await measure("record of 32 (entries and transaction)", 32, (i) =>
      store.recipients.markSentMany([{ job, sent: Array.from({ length: 32 }, (_, k) => sent(i * 32 + k)), sessionId }]),
    );
    return out;
  } finally {
    await close();
  }
};
