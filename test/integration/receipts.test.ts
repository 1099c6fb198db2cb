import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createReceiptRecorder, createSentRecorder } from "../../packages/core/src/job";
import { systemClock } from "../../packages/core/src/port";
import { store, useTable } from "../helpers/baileys-fixture";
import { claimedJob, jobRecord } from "../helpers/records";

useTable();

/** A job whose recipients were all sent, each with its message-id index entry. */
const sentJob = async (n: number) => {
  const tenantId = `ten_${randomBytes(5).toString("hex")}`;
  const job = jobRecord({ id: `bulk_${randomBytes(5).toString("hex")}`, tenant_id: tenantId, total_recipients: n, quota_held: n, quota_month: "2026-11" });
  await store.jobs.create(job, n, null);
  const ref = { tenant_id: tenantId, id: job.id, quota_month: job.quota_month };
  const phones = Array.from({ length: n }, (_, i) => `+55119777${String(i).padStart(5, "0")}`);
  const recipients = phones.map((phone) => ({ phone, name: null, status: "pending" as const, attempts: 0, sent_at: null, error: null, message_id: null }));
  expect(await store.recipients.writeSnapshotChunk(ref, recipients, null, phones.at(-1) as string, true)).toBe(true);
  const mid = (i: number) => `r-${job.id}-${i}`;
  for (const [i, phone] of phones.entries()) expect(await store.recipients.claim(ref, phone, 0, Date.now() + 60_000, mid(i))).toBe("claimed");
  await store.recipients.markSent(
    ref,
    phones.map((phone, i) => ({ phone, messageId: mid(i), at: Date.now() })),
  );
  return { tenantId, job, phones, mid };
};

describe("receipts (DynamoDB Local)", () => {
  it("moves recipients forward once per receipt, in any order, however many arrive at once", async () => {
    const { tenantId, job, phones, mid } = await sentJob(30);
    const receipts = createReceiptRecorder({ store, clock: systemClock });
    await Promise.all([
      // 0–19 delivered, 10–24 read (10–19 after delivery, 20–24 without a delivered receipt first)…
      ...Array.from({ length: 20 }, (_, i) => receipts.record(mid(i), "delivered")),
      ...Array.from({ length: 15 }, (_, i) => receipts.record(mid(10 + i), "read")),
      // …the same receipt twice, and a receipt for a message that is not ours.
      receipts.record(mid(0), "delivered"),
      receipts.record(mid(24), "read"),
      receipts.record("not-ours", "read"),
    ]);
    // A late delivered receipt never moves a read recipient back.
    await receipts.record(mid(22), "delivered");
    await receipts.drain();

    const j = await store.jobs.get(tenantId, job.id, true);
    // Delivered counts every recipient that reached delivered or read; read counts the read ones.
    expect(j).toMatchObject({ sent_count: 30, delivered_count: 25, read_count: 15 });
    const states = await Promise.all(phones.map(async (p) => (await store.recipients.get(job.id, p))?.status));
    expect(states.filter((s) => s === "read")).toHaveLength(15);
    expect(states.filter((s) => s === "delivered")).toHaveLength(10);
    expect(states.filter((s) => s === "sent")).toHaveLength(5);
    expect(states[22]).toBe("read");
  });

  it("a receipt that arrives while its message's record still lingers waits for it instead of being lost", async () => {
    const tenantId = `ten_${randomBytes(5).toString("hex")}`;
    const phones = ["+5511977700101", "+5511977700102"];
    const { j, mid } = await claimedJob(store, tenantId, phones);
    const sent = createSentRecorder({ store, clock: systemClock });
    const receipts = createReceiptRecorder({ store, clock: systemClock }, { recording: sent.recording });
    const at = Date.now();
    // Both messages went out; their record waits up to RECORD_LINGER_MS. The first one's recipient answers at once
    // (delivered, then read), before its record is written: the recipient is still `sending` then.
    const records = phones.map((phone) => sent.record({ job: j, phone, name: null, text: "hi", messageId: mid(phone), at, day: "2026-11-20" }));
    expect(sent.recording(mid(phones[0] as string))).toBeDefined();
    expect(await store.recipients.get(j.id, phones[0] as string)).toMatchObject({ status: "sending" });
    await Promise.all([receipts.record(mid(phones[0] as string), "delivered"), receipts.record(mid(phones[1] as string), "read"), ...records]);
    await receipts.drain();
    expect(sent.recording(mid(phones[0] as string))).toBeUndefined();
    expect(await store.recipients.get(j.id, phones[0] as string)).toMatchObject({ status: "delivered" });
    expect(await store.recipients.get(j.id, phones[1] as string)).toMatchObject({ status: "read" });
    expect(await store.jobs.get(tenantId, j.id, true)).toMatchObject({ sent_count: 2, delivered_count: 2, read_count: 1 });
  });
});
