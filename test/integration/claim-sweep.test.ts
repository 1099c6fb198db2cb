import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createDb, createStore, ensureTable } from "../../packages/aws/src/store";
import { createIds } from "../../packages/core/src/id";
import { LEASE_MS, reconcile } from "../../packages/core/src/job";
import { iso } from "../../packages/core/src/port";
import { jobRecord } from "../helpers/records";

// A table of this file's own: its dead claims stay `sending` on purpose, and a start-up recovery of
// another file sharing this worker's modules (`isolate: false`) reads every listed job of its table.
const db = createDb({ table: `sweep-${randomBytes(4).toString("hex")}`, endpoint: inject("dynamoEndpoint") });
const store = createStore(db);
beforeAll(() => ensureTable(db));

/**
 * The periodic sweep (`reconcile` with `replan: "stalled"`) finds claims left `sending` by a process
 * that will never record them, now that a claim is in no index: in jobs that stalled with nothing else
 * to send and in ended jobs, and only there (it reads each such job's recipients whole).
 */
const T0 = Date.UTC(2026, 10, 20, 12);

const runningJob = async (n: number) => {
  const tenantId = `ten_${randomBytes(5).toString("hex")}`;
  const job = jobRecord({ id: `job_${randomBytes(5).toString("hex")}`, tenant_id: tenantId, total_recipients: n, quota_held: n, quota_month: "2026-11" });
  await store.jobs.create(job, n, null);
  const ref = { tenant_id: tenantId, id: job.id, quota_month: job.quota_month };
  const phones = Array.from({ length: n }, (_, i) => `+55119${randomBytes(3).readUIntBE(0, 3) % 100000}`.padEnd(12, "0") + String(i).padStart(2, "0"));
  const recipients = phones.map((phone) => ({ phone, name: null, status: "pending" as const, attempts: 0, sent_at: null, error: null, message_id: null }));
  expect(await store.recipients.writeSnapshotChunk(ref, recipients, null, phones.at(-1) as string, true)).toBe(true);
  expect(await store.jobs.settleSnapshot(tenantId, job.id, { total_recipients: n, quota_held: n })).toBeDefined();
  return { job, ref, phones };
};

/** The sweep's dependencies at a fixed time, on a store that counts the queries of each job's recipients. */
const sweepAt = (now: number) => {
  const partitions: string[] = [];
  const counted = { ...db, doc: Object.create(db.doc) as typeof db.doc };
  counted.doc.send = ((cmd: {
    constructor: { name: string };
    input: { KeyConditionExpression?: string; ExpressionAttributeValues?: Record<string, unknown> };
  }) => {
    const pk = cmd.input.ExpressionAttributeValues?.[":pk"];
    if (cmd.constructor.name === "QueryCommand" && typeof pk === "string" && pk.startsWith("JOB#")) partitions.push(pk.slice(4));
    return db.doc.send(cmd as never);
  }) as typeof db.doc.send;
  const deps = {
    store: createStore(counted),
    queue: { send: async () => {} } as never,
    clock: { now: () => now },
    ids: createIds(),
    timers: { arm: async () => {}, disarm: async () => {} },
    claimant: "sweeper~1",
  };
  return { read: partitions, run: () => reconcile(deps as never, { sendingBefore: now, replan: "stalled" }) };
};

describe("the periodic sweep and claims in no index (DynamoDB Local)", () => {
  it("settles a dead claimant's claim as unknown once its lease ended, in a job whose other recipients are all sent, and the job completes", async () => {
    const { job, ref, phones } = await runningJob(3);
    const [a, b, stuck] = phones as [string, string, string];
    for (const p of [a, b]) expect(await store.recipients.claim(ref, p, 0, T0 + LEASE_MS, `m${p}`, "live~1")).toBe("claimed");
    expect(await store.recipients.claim(ref, stuck, 0, T0 + LEASE_MS, "mstuck", "dead~0")).toBe("claimed");
    await store.recipients.markSent(ref, [
      { phone: a, messageId: `m${a}`, at: T0 + 1000 },
      { phone: b, messageId: `m${b}`, at: T0 + 2000 },
    ]);
    // The planner found nothing more to plan: past `watch_at`, with no send since, the job is stalled.
    expect(await store.jobs.advanceCursor(job.tenant_id, job.id, 0, null, { to: null, done: true, watchAt: T0 + 60_000 })).toBe(true);

    // Stalled, but the claim's lease has not ended: the sweep looks and leaves it (it may still be recorded).
    const early = sweepAt(T0 + 3 * 60_000);
    expect((await early.run()).unknown).toBe(0);
    expect(early.read).toContain(job.id);
    expect(await store.recipients.get(job.id, stuck)).toMatchObject({ status: "sending" });

    const late = sweepAt(T0 + LEASE_MS + 60_000);
    expect(await late.run()).toEqual({ unknown: 1, replanned: 0 });
    expect(await store.recipients.get(job.id, stuck)).toMatchObject({ status: "unknown" });
    expect(await store.jobs.get(job.tenant_id, job.id, true)).toMatchObject({ status: "completed", sent_count: 2, unknown_count: 1, pending_count: 0 });
  });

  it("settles a claim a cancel left behind once the cancel is a lease old; the job then leaves the list", async () => {
    const { job, ref, phones } = await runningJob(2);
    const [stuck, rest] = phones as [string, string];
    expect(await store.recipients.claim(ref, stuck, 0, T0 + LEASE_MS, "mstuck", "dead~0")).toBe("claimed");
    expect(
      await store.jobs.transition(job.tenant_id, job.id, ["running"], { status: "cancelled", completed_at: iso(T0 + 30_000) }, { bumpEpoch: true }),
    ).toBeDefined();
    await store.recipients.cancelPending(ref, [rest]);
    // Ended, but its claim is still counted: listed (recovery looks there), not active.
    expect((await store.jobs.listed()).map((j) => j.id)).toContain(job.id);
    expect((await store.jobs.active()).map((j) => j.id)).not.toContain(job.id);

    const early = sweepAt(T0 + 5 * 60_000);
    expect((await early.run()).unknown).toBe(0);
    expect(early.read).not.toContain(job.id);

    const late = sweepAt(T0 + 30_000 + LEASE_MS + 60_000);
    expect((await late.run()).unknown).toBe(1);
    expect(await store.recipients.get(job.id, stuck)).toMatchObject({ status: "unknown" });
    expect(await store.jobs.get(job.tenant_id, job.id, true)).toMatchObject({ status: "cancelled", cancelled_count: 1, unknown_count: 1, pending_count: 0 });
    expect((await store.jobs.listed()).map((j) => j.id)).not.toContain(job.id);
  });

  it("does not read the recipients of a job that is still sending (a stuck claim there waits until it stalls)", async () => {
    const { job, ref, phones } = await runningJob(3);
    expect(await store.recipients.claim(ref, phones[0] as string, 0, T0 + LEASE_MS, "m0", "dead~0")).toBe("claimed");
    expect(await store.recipients.claim(ref, phones[1] as string, 0, T0 + LEASE_MS, "m1", "live~1")).toBe("claimed");
    await store.recipients.markSent(ref, [{ phone: phones[1] as string, messageId: "m1", at: T0 + LEASE_MS + 30_000 }]);
    expect(await store.jobs.advanceCursor(job.tenant_id, job.id, 0, null, { to: phones[1] as string, done: false, watchAt: T0 + LEASE_MS + 120_000 })).toBe(
      true,
    );

    const sweep = sweepAt(T0 + LEASE_MS + 60_000);
    expect((await sweep.run()).unknown).toBe(0);
    expect(sweep.read).not.toContain(job.id);
    expect(await store.recipients.get(job.id, phones[0] as string)).toMatchObject({ status: "sending" });
  });
});
