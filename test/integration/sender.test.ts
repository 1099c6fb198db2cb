import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createIds } from "../../packages/core/src/id";
import { createSender, RECORD_LINGER_MS } from "../../packages/core/src/job";
import { type Outbound, systemClock, type Transport, TransportError } from "../../packages/core/src/port";
import { createLanes } from "../../packages/system/src/lane";
import { store, useTable } from "../helpers/baileys-fixture";
import { jobRecord, sendMessage } from "../helpers/records";

useTable();

describe("sender (DynamoDB Local, scripted transport)", () => {
  it("counts failures in a row in send order although sent messages are recorded a moment later", async () => {
    const tenantId = `ten_${randomBytes(5).toString("hex")}`;
    const job = jobRecord({
      id: `bulk_${randomBytes(5).toString("hex")}`,
      tenant_id: tenantId,
      session_id: "ses_script",
      status: "running",
      total_recipients: 5,
      quota_held: 5,
      quota_month: "2026-11",
      max_consecutive_failures: 3,
    });
    await store.jobs.create(job, 5, null);
    const ref = { tenant_id: tenantId, id: job.id, quota_month: job.quota_month };
    const phones = Array.from({ length: 5 }, (_, i) => `+5511966600${String(i).padStart(3, "0")}`);
    const recipients = phones.map((phone) => ({ phone, name: null, status: "pending" as const, attempts: 0, sent_at: null, error: null, message_id: null }));
    expect(await store.recipients.writeSnapshotChunk(ref, recipients, null, phones.at(-1) as string, true)).toBe(true);

    // The first send succeeds; every later one fails permanently, each after a pause shorter than the
    // record's linger, so the first message's record would land between the failures if nothing waited for it.
    const sent: Outbound[] = [];
    const transport = {
      name: "sandbox",
      async send(_session: string, m: Outbound) {
        if (sent.length === 0) {
          sent.push(m);
          return { messageId: m.messageId };
        }
        await new Promise((r) => setTimeout(r, RECORD_LINGER_MS / 2.5));
        throw new TransportError("permanent", "number does not exist");
      },
    } as unknown as Transport;
    const deps = {
      store,
      queue: { send: async () => {} } as never,
      clock: systemClock,
      ids: createIds(),
      timers: { arm: async () => {}, disarm: async () => {} },
    };
    const sender = createSender(deps, transport, createLanes(systemClock));
    const now = Date.now();
    const msg = (phone: string, i: number) => sendMessage(job, phone, { slot_at: now + i });
    await Promise.all(phones.map((p, i) => sender.handle(msg(p, i))));

    // Sent, then three failures in a row: paused before the fifth recipient is tried.
    expect(sent).toHaveLength(1);
    expect(await store.jobs.get(tenantId, job.id, true)).toMatchObject({
      status: "paused",
      pause_reason: "failures",
      sent_count: 1,
      failed_count: 3,
      pending_count: 1,
      consecutive_failures: 3,
    });
  });
});
