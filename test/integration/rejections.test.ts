import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../packages/core/src/event";
import { createIds } from "../../packages/core/src/id";
import { createSender, pauseSessionJobs, recordRejection, resume, type SendMessage, sentContent, view } from "../../packages/core/src/job";
import { type Outbound, systemClock, type Transport, TransportError } from "../../packages/core/src/port";
import { createLanes } from "../../packages/system/src/lane";
import { store, useTable } from "../helpers/baileys-fixture";
import { jobRecord, sendMessage, sessionRecord } from "../helpers/records";

/** What WhatsApp's refusals and restrictions do to jobs and recipients, on DynamoDB Local. */
useTable();

const newJob = async (n: number, over: { message_content?: string } = {}) => {
  const tenantId = `ten_${randomBytes(5).toString("hex")}`;
  const sessionId = `ses_${randomBytes(5).toString("hex")}`;
  const job = jobRecord({
    id: createIds().next("bulk"),
    tenant_id: tenantId,
    session_id: sessionId,
    total_recipients: n,
    quota_held: n,
    quota_month: "2026-12",
    ...over,
  });
  await store.jobs.create(job, n, null);
  const ref = { tenant_id: tenantId, id: job.id, quota_month: job.quota_month };
  const phones = Array.from({ length: n }, (_, i) => `+55119555${String(i).padStart(5, "0")}`);
  const recipients = phones.map((phone, i) => ({
    phone,
    name: i === 0 ? "Ana" : null,
    status: "pending" as const,
    attempts: 0,
    sent_at: null,
    error: null,
    message_id: null,
  }));
  expect(await store.recipients.writeSnapshotChunk(ref, recipients, null, phones.at(-1) as string, true)).toBe(true);
  return { tenantId, sessionId, job, ref, phones, mid: (i: number) => `3EB0${job.id}${i}` };
};

const deps = (events: DomainEvent[] = []) => ({
  store,
  queue: { send: async () => {} } as never,
  clock: systemClock,
  ids: createIds(),
  timers: { arm: async () => {}, disarm: async () => {} },
  events: { emit: async (_t: string, e: DomainEvent[]) => void events.push(...e) } as never,
});

describe("refusals after the send (DynamoDB Local)", () => {
  it("a refused message turns its recipient failed with the reason, moves the job's counts and announces message.failed", async () => {
    const { tenantId, job, ref, phones, mid } = await newJob(3);
    for (const [i, p] of phones.entries()) expect(await store.recipients.claim(ref, p, 0, Date.now() + 60_000, mid(i))).toBe("claimed");
    await store.recipients.markSent(
      ref,
      phones.map((phone, i) => ({ phone, messageId: mid(i), at: Date.now() })),
    );
    const events: DomainEvent[] = [];
    const reason = "WhatsApp refused the message (463): this account is restricted from starting new chats.";
    expect(await recordRejection(deps(events) as never, { messageId: mid(1), code: "463", reason, at: Date.now() })).toBe(true);
    expect(await store.recipients.get(job.id, phones[1] as string)).toMatchObject({ status: "failed", error: reason });
    expect(await store.jobs.get(tenantId, job.id, true)).toMatchObject({ sent_count: 2, failed_count: 1, consecutive_failures: 1 });
    expect(events).toEqual([
      expect.objectContaining({ type: "message.failed", data: expect.objectContaining({ to: phones[1], message_id: mid(1), error: reason }) }),
    ]);
    // Twice (Baileys may say it again): recorded once.
    expect(await recordRejection(deps(events) as never, { messageId: mid(1), code: "463", reason, at: Date.now() })).toBe(false);
    expect((await store.jobs.get(tenantId, job.id, true))?.failed_count).toBe(1);
  });

  it("a refusal that arrives before the send is recorded waits for the record", async () => {
    const { job, ref, phones, mid } = await newJob(1);
    expect(await store.recipients.claim(ref, phones[0] as string, 0, Date.now() + 60_000, mid(0))).toBe("claimed");
    // The refusal's clock: its first wait tells us it looked and found no record, and lasts until we say.
    let looked!: () => void;
    const waiting = new Promise<void>((r) => {
      looked = r;
    });
    let wake!: () => void;
    const woken = new Promise<void>((r) => {
      wake = r;
    });
    const clock = {
      ...systemClock,
      sleep: async () => {
        looked();
        await woken;
      },
    };
    const refusal = recordRejection({ ...deps(), clock } as never, { messageId: mid(0), code: "479", reason: "rejected (479)", at: Date.now() });
    await waiting;
    await store.recipients.markSent(ref, [{ phone: phones[0] as string, messageId: mid(0), at: Date.now() }]);
    wake();
    expect(await refusal).toBe(true);
    expect(await store.recipients.get(job.id, phones[0] as string)).toMatchObject({ status: "failed", error: "rejected (479)" });
  });

  it("a restriction pauses the session's running jobs with the reason and its end; a retry receipt's content is rebuilt from the store", async () => {
    const { tenantId, sessionId, job, ref, phones, mid } = await newJob(1, { message_content: "Oi {{name}}" });
    const until = Date.now() + 3_600_000;
    await pauseSessionJobs(deps() as never, tenantId, sessionId, { reason: "restricted", detail: "WhatsApp restricted this account (463).", until });
    const paused = await store.jobs.get(tenantId, job.id, true);
    expect(paused).toMatchObject({
      status: "paused",
      pause_reason: "restricted",
      pause_detail: "WhatsApp restricted this account (463).",
      restricted_until: new Date(until).toISOString(),
    });
    expect(view(paused as never)).toMatchObject({
      pause_reason: "restricted",
      pause_detail: expect.stringMatching(/463/),
      restricted_until: new Date(until).toISOString(),
    });

    // Not resumable before the restriction's end (a 409 with the end), resumable once it is over.
    await store.sessions.create(sessionRecord({ id: sessionId, tenant_id: tenantId, status: "working" }), null);
    await expect(resume(deps() as never, tenantId, job.id)).rejects.toMatchObject({
      code: "bulk_send.restricted",
      details: { restricted_until: new Date(until).toISOString() },
    });
    const later = { ...deps(), clock: { ...systemClock, now: () => until + 1000 } };
    expect(await resume(later as never, tenantId, job.id)).toMatchObject({ pause_reason: null, pause_detail: null, restricted_until: null });

    expect(await store.recipients.claim(ref, phones[0] as string, paused?.plan_epoch ?? 0, Date.now() + 60_000, mid(0))).not.toBe("claimed");
    // sentContent needs a sent message: write one for a job that is not paused.
    const other = await newJob(1, { message_content: "Oi {{name}}" });
    expect(await store.recipients.claim(other.ref, other.phones[0] as string, 0, Date.now() + 60_000, other.mid(0))).toBe("claimed");
    await store.recipients.markSent(other.ref, [{ phone: other.phones[0] as string, messageId: other.mid(0), at: Date.now() }]);
    expect(await sentContent(deps() as never, other.mid(0))).toEqual({ kind: "text", to: other.phones[0], text: "Oi Ana", messageId: other.mid(0) });
    expect(await sentContent(deps() as never, "3EB0NOTOURS")).toBeUndefined();
  });
});

describe("sends while the session reconnects (DynamoDB Local)", () => {
  it("go back to the queue without a claim or an attempt while not ready, and without spending an attempt when the socket drops mid-send", async () => {
    const { tenantId, sessionId, job, phones } = await newJob(2);
    let ready = false;
    const sent: Outbound[] = [];
    const transport = {
      name: "baileys",
      ready: () => ready,
      async send(_s: string, m: Outbound) {
        if (m.to === phones[1]) throw new TransportError("offline", "the session is not connected to WhatsApp (reconnecting)");
        sent.push(m);
        return { messageId: m.messageId };
      },
    } as unknown as Transport;
    const queued: { body: SendMessage; delaySeconds?: number }[] = [];
    const d = { ...deps(), queue: { send: async (_q: string, msgs: { body: SendMessage; delaySeconds?: number }[]) => void queued.push(...msgs) } as never };
    const sender = createSender(d as never, transport, createLanes(systemClock));
    const msg = (phone: string) => sendMessage({ tenant_id: tenantId, id: job.id, session_id: sessionId }, phone, { attempt: 3 });
    await sender.handle(msg(phones[0] as string));
    expect(sent).toEqual([]);
    expect(queued).toEqual([{ body: expect.objectContaining({ phone: phones[0], attempt: 3 }), delaySeconds: expect.any(Number) }]);
    expect(queued[0]?.delaySeconds).toBeGreaterThanOrEqual(10);
    expect(await store.recipients.get(job.id, phones[0] as string)).toMatchObject({ status: "pending", attempts: 0 });

    ready = true;
    // The last attempt (3 of 3): an offline error does not fail it; it comes back as attempt 3 again.
    await sender.handle(msg(phones[1] as string));
    expect(queued[1]).toEqual({ body: expect.objectContaining({ phone: phones[1], attempt: 3 }), delaySeconds: 15 });
    expect(await store.recipients.get(job.id, phones[1] as string)).toMatchObject({ status: "pending" });
    expect((await store.jobs.get(tenantId, job.id, true))?.failed_count).toBe(0);
  });
});
