import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createIds } from "../../packages/core/src/id";
import { createSender, recoverSession } from "../../packages/core/src/job";
import { type Outbound, shardQueue, systemClock, type Transport } from "../../packages/core/src/port";
import { shardOf } from "../../packages/core/src/shard";
import { recoverAtStart } from "../../packages/system/src/ownership";
import { waitFor } from "../helpers/api";
import { store, useTable } from "../helpers/baileys-fixture";
import { jobRecord, sendMessage } from "../helpers/records";

useTable();

/** A running job on `session` with `n` pending recipients, written to DynamoDB Local. */
const runningJob = async (session: string, n: number) => {
  const tenantId = `ten_${randomBytes(5).toString("hex")}`;
  const job = jobRecord({
    id: `job_${randomBytes(5).toString("hex")}`,
    tenant_id: tenantId,
    session_id: session,
    total_recipients: n,
    quota_held: n,
    quota_month: "2026-11",
  });
  await store.jobs.create(job, n, null);
  const ref = { tenant_id: tenantId, id: job.id, quota_month: job.quota_month };
  const phones = Array.from({ length: n }, (_, i) => `+5511977${randomBytes(2).readUInt16BE(0) % 1000}${String(i).padStart(3, "0")}`.slice(0, 14));
  const recipients = phones.map((phone) => ({ phone, name: null, status: "pending" as const, attempts: 0, sent_at: null, error: null, message_id: null }));
  await store.recipients.writeSnapshotChunk(ref, recipients, null, phones.at(-1) as string, true);
  return { job, ref, phones };
};

const deps = (claimant: string) => ({
  store,
  queue: { send: async () => {} } as never,
  clock: systemClock,
  ids: createIds(),
  timers: { arm: async () => {}, disarm: async () => {} },
  claimant,
});

const statusOf = async (jobId: string, phone: string) =>
  (await store.recipients.list(jobId, undefined, { limit: 100 })).items.find((r) => r.phone === phone)?.status;

describe("lease-fenced recovery (DynamoDB Local)", () => {
  it("at start leaves another task's in-flight claims alone; the next lease holder settles only other claimants' claims on its session", async () => {
    const session = `ses_${randomBytes(4).toString("hex")}`;
    const other = `ses_${randomBytes(4).toString("hex")}`;
    const a = await runningJob(session, 3);
    const b = await runningJob(other, 1);
    const lease = Date.now() + 600_000;
    // The old task claimed two recipients of the session and one of another session; the new one claimed one itself.
    expect(await store.recipients.claim(a.ref, a.phones[0] as string, 0, lease, "m0", "old~1")).toBe("claimed");
    expect(await store.recipients.claim(a.ref, a.phones[1] as string, 0, lease, "m1", "old~1")).toBe("claimed");
    expect(await store.recipients.claim(a.ref, a.phones[2] as string, 0, lease, "m2", "new~2")).toBe("claimed");
    expect(await store.recipients.claim(b.ref, b.phones[0] as string, 0, lease, "m3", "old~1")).toBe("claimed");

    // The new task starts while the old one still drains: its start-up recovery marks nothing unknown.
    const started = await recoverAtStart(deps("new~2"), { durableQueues: true });
    expect(started.unknown).toBe(0);
    // The old task records one of its sends before it lets the session go: that one stays sent.
    await store.recipients.markSent(a.ref, [{ phone: a.phones[0] as string, messageId: "m0", at: Date.now() }]);

    // The new task takes the session's lease: the old task's remaining claim on it is unknown; its own
    // claim and the claim on the other session (still the old task's) are untouched.
    expect(await recoverSession(deps("new~2"), a.job.tenant_id, session)).toBe(1);
    expect(await statusOf(a.job.id, a.phones[0] as string)).toBe("sent");
    expect(await statusOf(a.job.id, a.phones[1] as string)).toBe("unknown");
    expect(await statusOf(a.job.id, a.phones[2] as string)).toBe("sending");
    expect(await statusOf(b.job.id, b.phones[0] as string)).toBe("sending");
    expect(await store.jobs.get(a.job.tenant_id, a.job.id)).toMatchObject({ sent_count: 1, unknown_count: 1 });
  });

  it("a sender sends only on sessions its host holds: a takeover waits for the lease, another worker's shard goes back, stale ones are dropped", async () => {
    const session = `ses_${randomBytes(4).toString("hex")}`;
    const { job, phones } = await runningJob(session, 2);
    const requeued: unknown[] = [];
    const sent: Outbound[] = [];
    const transport = {
      name: "sandbox",
      async send(_s: string, m: Outbound) {
        sent.push(m);
        return { messageId: m.messageId };
      },
    } as unknown as Transport;
    const d = {
      ...deps("w~1"),
      queue: { shards: 8, send: async (_q: string, msgs: { body: unknown }[]) => void requeued.push(...msgs.map((m) => m.body)) } as never,
    };
    const { createLanes } = await import("../../packages/system/src/lane");
    let where: "here" | "soon" | "elsewhere" = "soon";
    let asked = 0;
    const sender = createSender(d, transport, createLanes(systemClock), {
      hosts: () => {
        asked++;
        return where;
      },
    });
    const msg = (phone: string, epoch: number) => sendMessage({ ...job, session_id: session }, phone, { epoch });
    // A shard just taken over: the send waits in its lane until the session's lease is this host's, then goes.
    const first = sender.handle(msg(phones[0] as string, 0));
    // It has asked where the session is, heard "soon", and asked again: still waiting, nothing sent.
    await waitFor(async () => asked >= 2, { what: "the send to ask twice whether the session is here" });
    expect(sent).toEqual([]);
    where = "here";
    await first;
    expect(sent.map((m) => m.to)).toEqual([phones[0]]);

    // Another worker's shard: back to its own shard queue at once (visibility 0), nothing sent.
    where = "elsewhere";
    const own = shardQueue(shardOf(session, 8));
    const ctx = (queue: ReturnType<typeof shardQueue>) => ({ waiting: () => {}, queue });
    await expect(sender.handle(msg(phones[1] as string, 0), ctx(own))).rejects.toMatchObject({ name: "Deferred", seconds: 0 });
    // Found on another shard's queue (the shard count changed): queued again, on its own; one of an old planning epoch is dropped.
    const other = shardQueue((shardOf(session, 8) + 1) % 8);
    await sender.handle(msg(phones[1] as string, 0), ctx(other));
    await sender.handle(msg(phones[1] as string, 7), ctx(other));
    expect(sent).toHaveLength(1);
    expect(requeued).toEqual([msg(phones[1] as string, 0)].map((m) => ({ ...m, slot_at: expect.any(Number) })));
    expect(await statusOf(job.id, phones[1] as string)).toBe("pending");
  });
});
