import { randomBytes } from "node:crypto";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { claimedJob as claimed } from "../../../../test/helpers/records";
import { createDb, createStore, ensureTable } from ".";
import { Keys } from "./keys";

/**
 * What a record (`markSent`) writes besides the transaction of its recipients: the conversation
 * summary, counted once per message whatever is retried, and the session's day, which is also the
 * tenant's activity of the day.
 */
const table = `sent-${randomBytes(4).toString("hex")}`;
const db = createDb({ table, endpoint: inject("dynamoEndpoint") });
const store = createStore(db);
beforeAll(() => ensureTable(db));

const conversation = (sessionId: string) => ({ session_id: sessionId, origin: "api" as const, retention_days: 90 });

const claimedJob = (t: string, phones: string[], sessionId = "ses_a") => claimed(store, t, phones, { sessionId });

const tenant = async () => {
  const t = `ten_${randomBytes(6).toString("hex")}`;
  await store.tenants.create({ id: t, name: "t", plan: "business", created_at: new Date().toISOString() });
  return t;
};

/** A store whose first record transaction fails after everything before it was written (a crash, or a timeout the caller retries). */
const failingFirstTransaction = () => {
  const racy = createDb({ table, endpoint: inject("dynamoEndpoint") });
  let armed = true;
  racy.doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (armed && (context.commandName === "TransactWriteCommand" || context.commandName === "TransactWriteItemsCommand")) {
        armed = false;
        throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
      }
      return next(args);
    },
    { step: "initialize", name: "failFirstTransaction" },
  );
  return createStore(racy);
};

describe("record of sent messages (DynamoDB Local)", () => {
  it("counts a message in its conversation once when the record is retried after its transaction failed", async () => {
    const t = await tenant();
    const p = "+5511988880001";
    const { j, ref, mid } = await claimedJob(t, [p]);
    const sent = [{ phone: p, messageId: mid(p), at: Date.now(), name: "Ana", text: "Oi Ana" }];
    const opts = { sessionId: "ses_a", conversation: conversation("ses_a") };
    await expect(failingFirstTransaction().recipients.markSent(ref, sent, opts)).rejects.toThrow(/unreachable/);
    // The summary was written before the transaction: it counts the message that went out.
    expect(await store.conversations.get(t, p, "ses_a", true)).toMatchObject({ outbound_count: 1, campaign_job_id: j.id });
    expect(await store.recipients.get(j.id, p)).toMatchObject({ status: "sending" });
    // The retry records the recipient and counts nothing twice; a third call is refused throughout.
    expect(await store.recipients.markSent(ref, sent, opts)).toEqual({ moved: [p], refused: [] });
    expect(await store.recipients.markSent(ref, sent, opts)).toEqual({ moved: [], refused: [p] });
    expect(await store.conversations.get(t, p, "ses_a", true)).toMatchObject({ outbound_count: 1, last_text: "Oi Ana" });
    expect(await store.jobs.get(t, j.id)).toMatchObject({ sent_count: 1, pending_count: 0 });
    expect(await store.recipients.byMessageIds([mid(p)])).toEqual(new Map([[mid(p), expect.objectContaining({ job_id: j.id, phone: p })]]));
  });

  it("counts every message of one contact once, also when a retry comes after later messages of other jobs", async () => {
    const t = await tenant();
    const p = "+5511988880002";
    const jobs = await Promise.all([1, 2, 3].map(() => claimedJob(t, [p])));
    const opts = { sessionId: "ses_a", conversation: conversation("ses_a") };
    const record = (k: number, text: string) =>
      store.recipients.markSent(
        (jobs[k] as (typeof jobs)[number]).ref,
        [{ phone: p, messageId: (jobs[k] as (typeof jobs)[number]).mid(p), at: Date.now(), text }],
        opts,
      );
    await record(0, "first");
    await record(1, "second");
    // A late retry of the first job's record (its response was lost): the summary keeps its id among the latest.
    await record(0, "first");
    await record(2, "third");
    await record(1, "second");
    expect(await store.conversations.get(t, p, "ses_a", true)).toMatchObject({ outbound_count: 3 });
  });

  it("keeps the session's day with the tenant's activity: the pacing count and the day's sent messages from one item", async () => {
    const t = await tenant();
    const day = "2026-11-25";
    const at = Date.parse(`${day}T12:00:00Z`);
    const a = await claimedJob(t, ["+5511988880003", "+5511988880004"], "ses_a");
    const b = await claimedJob(t, ["+5511988880005"], "ses_b");
    await store.recipients.markSent(
      a.ref,
      ["+5511988880003", "+5511988880004"].map((p, i) => ({ phone: p, messageId: a.mid(p), at: at + i })),
      { sessionId: "ses_a" },
    );
    await store.recipients.markSent(b.ref, [{ phone: "+5511988880005", messageId: b.mid("+5511988880005"), at: at + 5 }], { sessionId: "ses_b" });
    await store.activity.count(t, day, { received: 4 });
    expect(await store.sessions.sentOn(t, "ses_a", day)).toEqual({ count: 2, last_at: at + 1 });
    expect(await store.sessions.sentOn(t, "ses_b", day)).toEqual({ count: 1, last_at: at + 5 });
    expect(await store.sessions.sentOn(t, "ses_c", day)).toEqual({ count: 0, last_at: null });
    // One entry per day: its own counts and the sent messages of its sessions.
    await store.activity.count(t, "2026-11-26", { opt_outs: 1 });
    expect(await store.activity.range(t, day, "2026-11-26")).toEqual([
      { day, sent: 3, received: 4, opt_outs: 0 },
      { day: "2026-11-26", sent: 0, received: 0, opt_outs: 1 },
    ]);
    expect(await store.activity.range(t, "2026-11-24", "2026-11-24")).toEqual([]);
    expect(await store.tenants.usage(t, "2026-11")).toMatchObject({ total_messages: 3 });
  });

  it("still counts a session's day kept where an older version wrote it", async () => {
    const t = await tenant();
    const day = "2026-11-27";
    const at = Date.parse(`${day}T09:00:00Z`);
    await db.doc.send(
      new UpdateCommand({
        TableName: table,
        Key: Keys.sessionDay("ses_old", day),
        UpdateExpression: "ADD sent :n SET last_at = :at",
        ExpressionAttributeValues: { ":n": 4, ":at": at - 60_000 },
      }),
    );
    const a = await claimedJob(t, ["+5511988880006"], "ses_old");
    await store.recipients.markSent(a.ref, [{ phone: "+5511988880006", messageId: a.mid("+5511988880006"), at }], { sessionId: "ses_old" });
    expect(await store.sessions.sentOn(t, "ses_old", day)).toEqual({ count: 5, last_at: at });
    const item = await db.doc.send(new GetCommand({ TableName: table, Key: Keys.sessionActivity(t, day, "ses_old") }));
    expect(item.Item).toMatchObject({ sent: 1, last_at: at });
  });
});
