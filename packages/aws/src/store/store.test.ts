import { randomBytes } from "node:crypto";
import type { Job } from "@outreach/core/job";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { jobRecord } from "../../../../test/helpers/records";
import { createDb, createStore, ensureTable } from ".";

/** Store tests run against DynamoDB Local (started once for the run), each file on its own table. */
const db = createDb({ table: `store-${randomBytes(4).toString("hex")}`, endpoint: inject("dynamoEndpoint") });
const store = createStore(db);
beforeAll(() => ensureTable(db));

const tenant = async (plan: "business" | "starter" = "business") => {
  const id = `ten_${randomBytes(6).toString("hex")}`;
  await store.tenants.create({ id, name: "t", plan, created_at: new Date().toISOString() });
  return id;
};

const job = (tenantId: string, over: Partial<Job> = {}): Job =>
  jobRecord({ id: `bulk_${randomBytes(6).toString("hex")}`, tenant_id: tenantId, total_recipients: 3, quota_held: 3, quota_month: "2026-11", ...over });

const recipient = (phone: string) => ({ phone, name: null, status: "pending" as const, attempts: 0, sent_at: null, error: null, message_id: null });

describe("DynamoDB store (DynamoDB Local)", () => {
  it("limits requests per key per window", async () => {
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await store.tenants.hitRateLimit("key_a", 1000, 1, 3));
    expect(results).toEqual([true, true, true, false]);
    expect(await store.tenants.hitRateLimit("key_a", 1001, 1, 3)).toBe(true);
  });

  it("lets exactly one of two racing requests claim an idempotency key, and replays the stored response", async () => {
    const t = await tenant();
    const [a, b] = await Promise.all([store.idempotency.claim(t, "k", "h1", Date.now()), store.idempotency.claim(t, "k", "h1", Date.now())]);
    expect([a, b].filter((x) => x === null)).toHaveLength(1);
    expect([a, b].find((x) => x !== null)).toMatchObject({ state: "in_progress", request_hash: "h1" });
    await store.idempotency.complete(t, "k", 201, '{"id":"x"}');
    expect(await store.idempotency.claim(t, "k", "h1", Date.now())).toMatchObject({ state: "done", status: 201, body: '{"id":"x"}' });
    expect(await store.idempotency.claim(t, "k", "other", Date.now())).toMatchObject({ request_hash: "h1" });
  });

  it("counts groups against the plan limit in the same transaction", async () => {
    const t = await tenant();
    const g = (id: string) => ({ id, name: id, description: null, member_count: 0, created_at: "x", updated_at: "x" });
    expect(await store.groups.create(t, g("grp_a"), 1)).toBe("ok");
    expect(await store.groups.create(t, g("grp_b"), 1)).toBe("limit");
    expect(await store.groups.get(t, "grp_b")).toBeUndefined();
    expect(await store.groups.delete(t, "grp_a")).toBe(true);
    expect(await store.groups.create(t, g("grp_b"), 1)).toBe("ok");
  });

  it("adds members once, keeping member_count exact, and rejects duplicates inside a chunk", async () => {
    const t = await tenant();
    await store.groups.create(t, { id: "grp_m", name: "m", description: null, member_count: 0, created_at: "x", updated_at: "x" }, null);
    const members = Array.from({ length: 120 }, (_, i) => ({ phone: `+551199999${String(i).padStart(4, "0")}`, name: null }));
    expect(await store.groups.addMembers(t, "grp_m", members.slice(0, 50), "now")).toMatchObject({ found: true, applied: 50, rejected: 0 });
    expect(await store.groups.addMembers(t, "grp_m", members, "now")).toMatchObject({ applied: 70, rejected: 50 });
    expect((await store.groups.get(t, "grp_m"))?.member_count).toBe(120);
    expect(await store.groups.countMembers("grp_m")).toBe(120);
    expect(await store.groups.removeMembers(t, "grp_m", [members[0]?.phone as string, "+19999999999"], "now")).toMatchObject({ applied: 1, rejected: 1 });
    expect((await store.groups.get(t, "grp_m"))?.member_count).toBe(119);
    expect((await store.groups.addMembers(t, "grp_missing", members.slice(0, 1), "now")).found).toBe(false);
  });

  it("reserves the month's quota with one conditional write and refuses what does not fit", async () => {
    const t = await tenant();
    expect(await store.jobs.create(job(t, { quota_held: 400 }), 400, 500)).toBe("ok");
    expect(await store.jobs.create(job(t), 101, 500)).toBe("quota");
    expect(await store.jobs.create(job(t), 100, 500)).toBe("ok");
    expect(await store.tenants.usage(t, "2026-11")).toMatchObject({ reserved_messages: 500, total_messages: 0 });
  });

  it("records many recipients in several transactions, each recipient with its own items and each transaction counted once", async () => {
    const t = await tenant();
    const phones = Array.from({ length: 120 }, (_, i) => `+55119888${String(i).padStart(5, "0")}`);
    const j = job(t, { total_recipients: 120, quota_held: 120 });
    await store.jobs.create(j, 120, null);
    const ref = { tenant_id: t, id: j.id, quota_month: j.quota_month };
    for (let i = 0; i < 120; i += 40) {
      const chunk = phones.slice(i, i + 40);
      expect(await store.recipients.writeSnapshotChunk(ref, chunk.map(recipient), phones[i - 1] ?? null, chunk.at(-1) as string, i + 40 >= 120)).toBe(true);
    }
    // 119 are being sent; one is no longer pending (skipped): its record is refused and its own items are not written.
    await store.recipients.markSkipped(ref, phones[77] as string, "test");
    for (const [i, phone] of phones.entries())
      if (i !== 77) expect(await store.recipients.claim(ref, phone, 0, Date.now() + 60_000, `m-${j.id}-${i}`)).toBe("claimed");

    let transactions = 0;
    const count = (next: (a: unknown) => Promise<unknown>) => async (args: { input?: { TransactItems?: unknown[] } }) => {
      if (args.input?.TransactItems) transactions++;
      return next(args);
    };
    db.doc.middlewareStack.add(count as never, { step: "initialize", name: "countTransactions" });
    const at = Date.parse("2026-11-25T12:00:00Z");
    const res = await store.recipients.markSent(
      ref,
      phones.map((phone, i) => ({ phone, messageId: `m-${j.id}-${i}`, at })),
    );
    db.doc.middlewareStack.remove("countTransactions");
    expect(res.moved).toHaveLength(119);
    expect(res.refused).toEqual([phones[77]]);
    // Two items per recipient: 240 items cannot go in fewer than three transactions of at most 100.
    expect(transactions).toBeGreaterThanOrEqual(3);
    // The last send recorded is the job's progress mark (the stall watchdog reads it).
    expect(await store.jobs.get(t, j.id)).toMatchObject({ sent_count: 119, skipped_count: 1, pending_count: 0, quota_held: 0, progress_at: at });
    expect(await store.activity.range(t, "2026-11-25", "2026-11-25")).toEqual([{ day: "2026-11-25", sent: 119, received: 0, opt_outs: 0 }]);
    const index = await store.recipients.byMessageIds([`m-${j.id}-0`, `m-${j.id}-77`]);
    expect(index.get(`m-${j.id}-0`)).toMatchObject({ job_id: j.id, phone: phones[0] });
    expect(index.get(`m-${j.id}-77`)).toBeUndefined();
    expect(await store.tenants.usage(t, "2026-11")).toMatchObject({ total_messages: 119 });
  });

  it("claims a recipient only while the job runs at its epoch, the number is not opted out and it is pending", async () => {
    const t = await tenant();
    const j = job(t);
    await store.jobs.create(j, 3, null);
    const ref = { tenant_id: t, id: j.id, quota_month: j.quota_month };
    expect(
      await store.recipients.writeSnapshotChunk(ref, ["+5511999990001", "+5511999990002", "+5511999990003"].map(recipient), null, "+5511999990003", true),
    ).toBe(true);
    // A redelivered snapshot chunk writes nothing twice.
    expect(await store.recipients.writeSnapshotChunk(ref, ["+5511999990001"].map(recipient), null, "+5511999990001", true)).toBe(false);
    expect((await store.jobs.get(t, j.id))?.pending_count).toBe(3);

    await store.optouts.add(t, { phone: "+5511999990002", source: "api", created_at: "x" });
    expect(await store.recipients.claim(ref, "+5511999990002", 0, Date.now() + 1000, "m2")).toBe("opted_out");
    expect(await store.recipients.claim(ref, "+5511999990001", 1, Date.now() + 1000, "m1")).toBe("job_inactive");
    expect(await store.recipients.claim(ref, "+5511999990001", 0, Date.now() + 1000, "m1")).toBe("claimed");
    expect(await store.recipients.claim(ref, "+5511999990001", 0, Date.now() + 1000, "m1")).toBe("not_pending");
    expect(await store.recipients.sendingExpired(Date.now() + 5000)).toContainEqual({ tenant_id: t, job_id: j.id, phone: "+5511999990001" });

    await store.recipients.markSent(ref, [{ phone: "+5511999990001", messageId: "m1", at: Date.now() }]);
    await store.recipients.markSkipped(ref, "+5511999990002", "opted out");
    const again = await store.recipients.markSkipped(ref, "+5511999990002", "opted out");
    expect(again).toEqual({ moved: [], refused: ["+5511999990002"] });
    expect(await store.recipients.sendingExpired(Date.now() + 5000)).not.toContainEqual(expect.objectContaining({ job_id: j.id }));
    const after = await store.jobs.get(t, j.id);
    expect(after).toMatchObject({ pending_count: 1, sent_count: 1, skipped_count: 1, quota_held: 1 });
    expect(await store.tenants.usage(t, "2026-11")).toMatchObject({ total_messages: 1, reserved_messages: 1 });

    const paused = await store.jobs.transition(t, j.id, ["running"], { status: "paused", pause_reason: "user" }, { bumpEpoch: true });
    expect(paused).toMatchObject({ status: "paused", plan_epoch: 1 });
    expect(await store.recipients.claim(ref, "+5511999990003", 0, Date.now() + 1000, "m3")).toBe("job_inactive");
    expect(await store.jobs.transition(t, j.id, ["running"], { status: "completed" })).toBeUndefined();
  });
});
