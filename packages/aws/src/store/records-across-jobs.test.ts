import { randomBytes } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { DomainEvent } from "@outreach/core/event";
import { createReceiptRecorder, createSentRecorder } from "@outreach/core/job";
import { systemClock } from "@outreach/core/port";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { claimedJob, noteRequests } from "../../../../test/helpers/records";
import { createDb, createStore, ensureTable } from ".";
import { Keys } from "./keys";

/**
 * Records and receipts of several jobs share their requests: one transaction holds recipients of
 * every job with each job's counters once and each shared item (a tenant's month, a session's day)
 * once; a refused recipient is refused alone, and a move larger than a transaction is split.
 */
const table = `across-${randomBytes(4).toString("hex")}`;
const db = createDb({ table, endpoint: inject("dynamoEndpoint") });
const store = createStore(db);
beforeAll(() => ensureTable(db));

/** A tenant id (the records need no tenant item: a tenant without settings keeps the default retention). */
const tenant = async () => `ten_${randomBytes(6).toString("hex")}`;

const phonesOf = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `+55119${prefix}${String(i).padStart(4, "0")}`);

/** A store whose batch and transaction requests are noted as they are sent. */
const counting = () => {
  const counted = createDb({ table, endpoint: inject("dynamoEndpoint") });
  return { store: createStore(counted), seen: noteRequests(counted) };
};

/** A counting store with a clock and an events port that keeps what is emitted, for the sender's and receipts' recorders. */
const counted = () => {
  const c = counting();
  const emitted: { tenant: string; events: DomainEvent[] }[] = [];
  const deps = { store: c.store, clock: systemClock, events: { emit: async (tenant: string, events: DomainEvent[]) => void emitted.push({ tenant, events }) } };
  return { c, emitted, deps };
};

const entry = async (messageId: string) => (await db.doc.send(new GetCommand({ TableName: table, Key: Keys.message(messageId), ConsistentRead: true }))).Item;

describe("records and receipts across jobs (DynamoDB Local)", () => {
  it("records messages of several jobs of two tenants in one transaction; a refused recipient is refused alone and its entry dropped", async () => {
    const [ta, tb] = [await tenant(), await tenant()];
    const day = "2026-11-20";
    const at = Date.parse(`${day}T10:00:00Z`);
    const a1 = await claimedJob(store, ta, phonesOf("5100", 3), { sessionId: "ses_a" });
    const a2 = await claimedJob(store, ta, phonesOf("5101", 2), { sessionId: "ses_a" });
    const a3 = await claimedJob(store, ta, phonesOf("5102", 1), { sessionId: "ses_c" });
    // b1's second recipient was never claimed: its record is refused.
    const b1 = await claimedJob(store, tb, phonesOf("5103", 2), { sessionId: "ses_b", claimed: 1 });
    const jobs = [a1, a2, a3, b1];
    const all = [phonesOf("5100", 3), phonesOf("5101", 2), phonesOf("5102", 1), phonesOf("5103", 2)];
    const c = counting();
    const res = await c.store.recipients.markSentMany(
      jobs.map((j, k) => ({
        job: j.ref,
        sent: (all[k] as string[]).map((p, i) => ({ phone: p, messageId: j.mid(p), at: at + 10 * k + i, day })),
        sessionId: j.j.session_id,
      })),
    );
    const refusedPhone = phonesOf("5103", 2)[1] as string;
    expect(res).toEqual([
      { moved: all[0], refused: [] },
      { moved: all[1], refused: [] },
      { moved: all[2], refused: [] },
      { moved: [phonesOf("5103", 2)[0]], refused: [refusedPhone] },
    ]);
    // One put of the eight entries; one transaction: 8 recipients, 4 jobs, 2 months' usage, 3 session days;
    // refused, it runs again without the refused recipient; then the refused entry's read and delete.
    expect(c.seen).toEqual([
      { command: "batchWrite", items: 8 },
      { command: "transact", items: 17 },
      { command: "transact", items: 16 },
      { command: "batchGet", items: 0 },
      { command: "batchWrite", items: 1 },
    ]);
    expect(await entry(b1.mid(refusedPhone))).toBeUndefined();
    for (const [k, j] of jobs.entries())
      for (const p of all[k] as string[]) if (p !== refusedPhone) expect(await entry(j.mid(p))).toMatchObject({ job_id: j.ref.id, phone: p });
    // Each job's counters exact.
    const counts = await Promise.all(jobs.map(async (j) => await store.jobs.get(j.ref.tenant_id, j.ref.id, true)));
    expect(counts.map((j) => [j?.sent_count, j?.pending_count, j?.quota_held, j?.sent_days?.[day]])).toEqual([
      [3, 0, 0, 3],
      [2, 0, 0, 2],
      [1, 0, 0, 1],
      [1, 1, 1, 1],
    ]);
    // The shared items counted once per message: each tenant's month, each session's day.
    expect(await store.tenants.usage(ta, "2026-11")).toMatchObject({ total_messages: 6 });
    expect(await store.tenants.usage(tb, "2026-11")).toMatchObject({ total_messages: 1 });
    expect(await store.sessions.sentOn(ta, "ses_a", day)).toEqual({ count: 5, last_at: at + 11 });
    expect(await store.sessions.sentOn(ta, "ses_c", day)).toEqual({ count: 1, last_at: at + 20 });
    expect(await store.sessions.sentOn(tb, "ses_b", day)).toEqual({ count: 1, last_at: at + 30 });
    expect(await store.recipients.get(b1.ref.id, refusedPhone)).toMatchObject({ status: "pending" });
  });

  it("splits a move larger than a transaction (≤ 100 items, each job's counters once per transaction) and maps a refusal in the second part back to its recipient", async () => {
    const t = await tenant();
    // 45 jobs of 2 recipients: 90 recipients and 45 jobs' counters are 135 items.
    const jobs = await Promise.all(Array.from({ length: 45 }, (_, k) => claimedJob(store, t, phonesOf(`6${String(k).padStart(3, "0")}`, 2))));
    const at = Date.now();
    const sent = await store.recipients.markSentMany(
      jobs.map((j, k) => ({ job: j.ref, sent: phonesOf(`6${String(k).padStart(3, "0")}`, 2).map((p) => ({ phone: p, messageId: j.mid(p), at })) })),
    );
    expect(sent.every((r) => r.moved.length === 2 && r.refused.length === 0)).toBe(true);
    // The last job's second recipient is read already: a delivered receipt cannot move it.
    const last = jobs[44] as (typeof jobs)[number];
    const lastPhone = phonesOf("6044", 2)[1] as string;
    expect(await store.recipients.markRead(last.ref, "sent", [lastPhone])).toEqual({ moved: [lastPhone], refused: [] });
    const c = counting();
    const res = await c.store.recipients.markDeliveredMany(jobs.map((j, k) => ({ job: j.ref, phones: phonesOf(`6${String(k).padStart(3, "0")}`, 2) })));
    expect(res.slice(0, 44).every((r) => r.moved.length === 2 && r.refused.length === 0)).toBe(true);
    expect(res[44]).toEqual({ moved: [phonesOf("6044", 2)[0]], refused: [lastPhone] });
    // 66 recipients with their 33 jobs' counters (a 34th job would make 101 items), then 24 + 12, refused, then 23 + 12.
    expect(c.seen).toEqual([
      { command: "transact", items: 99 },
      { command: "transact", items: 36 },
      { command: "transact", items: 35 },
    ]);
    const counts = await Promise.all(jobs.map((j) => store.jobs.get(t, j.ref.id, true)));
    expect(counts.slice(0, 44).every((j) => j?.sent_count === 2 && j.delivered_count === 2 && j.read_count === 0)).toBe(true);
    expect(counts[44]).toMatchObject({ sent_count: 2, delivered_count: 2, read_count: 1 });
    expect(await store.tenants.usage(t, "2026-11")).toMatchObject({ total_messages: 90 });
  });

  it("the sender's record: messages of several jobs sent together share one record, and each job's events are its own", async () => {
    const [ta, tb] = [await tenant(), await tenant()];
    const a1 = await claimedJob(store, ta, phonesOf("7100", 1), { sessionId: "ses_a" });
    const a2 = await claimedJob(store, ta, phonesOf("7101", 1), { sessionId: "ses_a" });
    const b1 = await claimedJob(store, tb, phonesOf("7102", 1), { sessionId: "ses_b" });
    const { c, emitted, deps } = counted();
    const recorder = createSentRecorder(deps);
    const at = Date.now();
    await Promise.all(
      [a1, a2, b1].map((x) => {
        const phone = x.ref.id === b1.ref.id ? phonesOf("7102", 1)[0] : x.ref.id === a2.ref.id ? phonesOf("7101", 1)[0] : phonesOf("7100", 1)[0];
        return recorder.record({ job: x.j, phone: phone as string, name: null, text: "hi", messageId: x.mid(phone as string), at, day: "2026-11-20" });
      }),
    );
    // One put of three entries, one transaction: 3 recipients, 3 jobs, 2 tenants' months, 2 sessions' days.
    expect(c.seen).toEqual([
      { command: "batchWrite", items: 3 },
      { command: "transact", items: 10 },
    ]);
    for (const x of [a1, a2, b1]) expect(await store.jobs.get(x.ref.tenant_id, x.ref.id, true)).toMatchObject({ sent_count: 1, pending_count: 0 });
    expect(emitted.map((e) => [e.tenant, e.events.map((ev) => [ev.type, (ev.data as { bulk_send_id?: string }).bulk_send_id])])).toEqual([
      [ta, [["message.sent", a1.ref.id]]],
      [ta, [["message.sent", a2.ref.id]]],
      [tb, [["message.sent", b1.ref.id]]],
    ]);
  });

  it("writes a wave of receipts of several jobs with one transaction per state, each job's counts exact", async () => {
    const [ta, tb] = [await tenant(), await tenant()];
    const made = [
      { ...(await claimedJob(store, ta, phonesOf("8100", 2))), phones: phonesOf("8100", 2) },
      { ...(await claimedJob(store, ta, phonesOf("8101", 2))), phones: phonesOf("8101", 2) },
      { ...(await claimedJob(store, tb, phonesOf("8102", 2))), phones: phonesOf("8102", 2) },
    ];
    await store.recipients.markSentMany(made.map((x) => ({ job: x.ref, sent: x.phones.map((p) => ({ phone: p, messageId: x.mid(p), at: Date.now() })) })));
    const [j1, j2, j3] = made as [(typeof made)[number], (typeof made)[number], (typeof made)[number]];
    const { c, emitted, deps } = counted();
    const receipts = createReceiptRecorder(deps);
    const mid = (x: typeof j1, i: number) => x.mid(x.phones[i] as string);
    await Promise.all([
      receipts.record(mid(j1, 0), "delivered"),
      receipts.record(mid(j1, 1), "delivered"),
      receipts.record(mid(j2, 0), "delivered"),
      receipts.record(mid(j2, 1), "read"),
      receipts.record(mid(j3, 0), "read"),
      receipts.record(mid(j3, 1), "read"),
    ]);
    // The lookup; delivered: 3 recipients and 2 jobs; read from `delivered`: all refused; read from `sent`: 3 and 2.
    expect(c.seen).toEqual([
      { command: "batchGet", items: 0 },
      { command: "transact", items: 5 },
      { command: "transact", items: 5 },
      { command: "transact", items: 5 },
    ]);
    const counts = await Promise.all(made.map((x) => store.jobs.get(x.ref.tenant_id, x.ref.id, true)));
    expect(counts.map((j) => [j?.sent_count, j?.delivered_count, j?.read_count])).toEqual([
      [2, 2, 0],
      [2, 2, 1],
      [2, 2, 2],
    ]);
    const types = (x: typeof j1) =>
      emitted
        .filter((e) => e.events.some((ev) => (ev.data as { bulk_send_id?: string }).bulk_send_id === x.ref.id))
        .flatMap((e) => e.events.map((ev) => ev.type));
    expect([types(j1), types(j2), types(j3)]).toEqual([
      ["message.delivered", "message.delivered"],
      ["message.delivered", "message.read"],
      ["message.read", "message.read"],
    ]);
    expect(emitted.map((e) => e.tenant)).toEqual([ta, ta, tb]);
  });

  it("finds the messages this process recorded without a lookup, and looks up only the others", async () => {
    const t = await tenant();
    const phones = phonesOf("8200", 3);
    const { ref, mid } = await claimedJob(store, t, phones);
    const { c, deps } = counted();
    // Two messages recorded by the receipts' own process, the third by another one (another store).
    await c.store.recipients.markSent(
      ref,
      phones.slice(0, 2).map((p) => ({ phone: p, messageId: mid(p), at: Date.now() })),
    );
    await store.recipients.markSent(ref, [{ phone: phones[2] as string, messageId: mid(phones[2] as string), at: Date.now() }]);
    c.seen.length = 0;
    const refs = await c.store.recipients.byMessageIds([...phones.map(mid), "never-sent"]);
    expect([...refs.entries()].sort()).toEqual(phones.map((p) => [mid(p), { tenant_id: t, job_id: ref.id, phone: p, quota_month: ref.quota_month }]).sort());
    expect(c.seen).toEqual([{ command: "batchGet", items: 0 }]);
    c.seen.length = 0;
    const receipts = createReceiptRecorder(deps);
    await Promise.all(phones.slice(0, 2).map((p) => receipts.record(mid(p), "delivered")));
    expect(c.seen).toEqual([{ command: "transact", items: 3 }]);
    expect(await store.jobs.get(t, ref.id, true)).toMatchObject({ sent_count: 3, delivered_count: 2 });
  });
});
