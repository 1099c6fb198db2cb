import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSender, type SendMessage } from "../../packages/core/src/job";
import { type Outbound, systemClock, type Transport } from "../../packages/core/src/port";
import { createLanes } from "../../packages/system/src/lane";
import { store, useTable } from "../helpers/baileys-fixture";
import { jobRecord, sendMessage } from "../helpers/records";

useTable();

/**
 * The claim taken ahead (`core/job/claim-ahead.ts`): while a session's message is being sent, the next
 * one due at once is taken (`pending` → `sending`) and confirmed only after that send. These tests hold
 * the first send open, check that the next recipient was taken, commit a pause, a cancel or an opt-out
 * (or close the lane) during that send, and check what was sent and where every recipient ends.
 */
const setup = async (n: number) => {
  const tenantId = `ten_${randomBytes(5).toString("hex")}`;
  const job = jobRecord({
    id: `bulk_${randomBytes(5).toString("hex")}`,
    tenant_id: tenantId,
    session_id: `ses_${randomBytes(4).toString("hex")}`,
    status: "running",
    total_recipients: n,
    quota_held: n,
    quota_month: "2026-12",
  });
  await store.jobs.create(job, n, null);
  const ref = { tenant_id: tenantId, id: job.id, quota_month: job.quota_month };
  const phones = Array.from({ length: n }, (_, i) => `+5511955500${String(i).padStart(3, "0")}`);
  const rows = phones.map((phone) => ({ phone, name: null, status: "pending" as const, attempts: 0, sent_at: null, error: null, message_id: null }));
  expect(await store.recipients.writeSnapshotChunk(ref, rows, null, phones.at(-1) as string, true)).toBe(true);

  // The first send waits until the test lets it go; later ones go at once.
  const sent: Outbound[] = [];
  let release: () => void = () => {};
  const firstHeld = new Promise<void>((r) => (release = r));
  let started: () => void = () => {};
  const firstStarted = new Promise<void>((r) => (started = r));
  const transport = {
    name: "sandbox",
    async send(_s: string, m: Outbound) {
      if (sent.length === 0) {
        started();
        await firstHeld;
      }
      sent.push(m);
      return { messageId: m.messageId };
    },
  } as unknown as Transport;
  const lanes = createLanes(systemClock);
  const sender = createSender({ store, queue: { send: async () => {} } as never, clock: systemClock }, transport, lanes);
  const now = Date.now();
  const msgs = phones.map((phone, i) => sendMessage(job, phone, { slot_at: now + i }));
  // The sender reads the job and the session once: a message for nobody in the job (its claim finds no
  // pending recipient) does that first, so the test's messages reach the lane in their order.
  await sender.handle(sendMessage(job, "+5511955599999", { slot_at: now }));
  return { tenantId, job, ref, phones, sent, release, firstStarted, lanes, sender, msgs };
};

/** Until the recipient is in the given state (the take ahead runs beside the held send). */
const until = async (jobId: string, phone: string, status: string) => {
  for (let i = 0; i < 200; i++) {
    if ((await store.recipients.get(jobId, phone))?.status === status) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${phone} never became ${status}`);
};

const handleAll = (sender: { handle(m: SendMessage): Promise<void> }, msgs: SendMessage[]) => Promise.allSettled(msgs.map((m) => sender.handle(m)));

describe("claims taken ahead (DynamoDB Local, scripted transport)", () => {
  it("takes the next recipient during a send; a pause committed during that send stops it and gives the take back", async () => {
    const s = await setup(3);
    const all = handleAll(s.sender, s.msgs);
    await s.firstStarted;
    await until(s.job.id, s.phones[1] as string, "sending");
    expect(await store.recipients.get(s.job.id, s.phones[2] as string)).toMatchObject({ status: "pending", attempts: 0 });
    await store.jobs.transition(s.tenantId, s.job.id, ["running"], { status: "paused", pause_reason: "user" }, { bumpEpoch: true });
    s.release();
    await all;
    // The message under way at the pause went; nothing after it.
    expect(s.sent.map((m) => m.to)).toEqual([s.phones[0]]);
    for (const p of s.phones.slice(1)) expect(await store.recipients.get(s.job.id, p)).toMatchObject({ status: "pending", attempts: 0 });
    expect(await store.jobs.get(s.tenantId, s.job.id, true)).toMatchObject({ sent_count: 1, pending_count: 2 });
    expect(s.sender.busy(s.job.session_id)).toBe(false);
  });

  it("a cancel committed during the send turns the recipient taken ahead into a cancelled one, with the cancel's counters", async () => {
    const s = await setup(3);
    const all = handleAll(s.sender, s.msgs);
    await s.firstStarted;
    await until(s.job.id, s.phones[1] as string, "sending");
    await store.jobs.transition(s.tenantId, s.job.id, ["running"], { status: "cancelled" }, { bumpEpoch: true });
    // The cancel's sweep: only what is pending (the recipient taken ahead is `sending`).
    expect((await store.recipients.cancelPending(s.ref, s.phones.slice(1))).moved).toEqual([s.phones[2]]);
    s.release();
    await all;
    expect(s.sent.map((m) => m.to)).toEqual([s.phones[0]]);
    expect(await store.recipients.get(s.job.id, s.phones[1] as string)).toMatchObject({ status: "cancelled" });
    expect(await store.jobs.get(s.tenantId, s.job.id, true)).toMatchObject({ sent_count: 1, cancelled_count: 2, pending_count: 0 });
  });

  it("an opt-out committed during the send skips the recipient taken ahead; the others go", async () => {
    const s = await setup(3);
    const all = handleAll(s.sender, s.msgs);
    await s.firstStarted;
    await until(s.job.id, s.phones[1] as string, "sending");
    await store.optouts.add(s.tenantId, { phone: s.phones[1] as string, source: "api", created_at: new Date().toISOString() });
    s.release();
    await all;
    expect(s.sent.map((m) => m.to)).toEqual([s.phones[0], s.phones[2]]);
    expect(await store.recipients.get(s.job.id, s.phones[1] as string)).toMatchObject({ status: "skipped" });
    expect(await store.jobs.get(s.tenantId, s.job.id, true)).toMatchObject({ sent_count: 2, skipped_count: 1, pending_count: 0 });
  });

  it("a lane closed during the send gives the take back: the message returns to the queue, its recipient pending, never unknown", async () => {
    const s = await setup(3);
    const all = handleAll(s.sender, s.msgs);
    await s.firstStarted;
    await until(s.job.id, s.phones[1] as string, "sending");
    s.lanes.close();
    s.release();
    const results = await all;
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected"]);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ name: "Deferred", seconds: 0 });
    expect(s.sent.map((m) => m.to)).toEqual([s.phones[0]]);
    for (const p of s.phones.slice(1)) expect(await store.recipients.get(s.job.id, p)).toMatchObject({ status: "pending", attempts: 0 });
    expect(await store.recipients.sendingExpired(Number.MAX_SAFE_INTEGER)).not.toContainEqual(expect.objectContaining({ job_id: s.job.id }));
    expect(s.sender.busy(s.job.session_id)).toBe(false);
  });

  it("takes nothing ahead for a paced message (a gap of its own): its recipient is claimed at its turn", async () => {
    const s = await setup(2);
    const paced = s.msgs.map((m) => ({ ...m, min_gap_ms: 300 }));
    const all = handleAll(s.sender, paced);
    await s.firstStarted;
    await new Promise((r) => setTimeout(r, 150));
    expect(await store.recipients.get(s.job.id, s.phones[1] as string)).toMatchObject({ status: "pending", attempts: 0 });
    s.release();
    await all;
    expect(s.sent.map((m) => m.to)).toEqual(s.phones);
    expect(await store.jobs.get(s.tenantId, s.job.id, true)).toMatchObject({ sent_count: 2, pending_count: 0 });
  });
});
