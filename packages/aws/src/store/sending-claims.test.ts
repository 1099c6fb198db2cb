import { randomBytes } from "node:crypto";
import { DeleteCommand, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { jobRecord } from "../../../../test/helpers/records";
import { createDb, createStore, ensureTable } from ".";
import { INDEX, Keys, Lists } from "./keys";

/**
 * A claim is in no index: it writes no index unit, and recovery finds expired claims in the
 * partitions of the jobs that may hold them (the listed ones, or those it names), and still in the
 * `SENDING` list where an earlier version put them.
 */
const table = `claims-${randomBytes(4).toString("hex")}`;
const db = createDb({ table, endpoint: inject("dynamoEndpoint") });
const store = createStore(db);
beforeAll(() => ensureTable(db));

const job = async (n: number) => {
  const t = `ten_${randomBytes(6).toString("hex")}`;
  const j = jobRecord({ id: `bulk_${randomBytes(6).toString("hex")}`, tenant_id: t, total_recipients: n, quota_held: n, quota_month: "2026-11" });
  await store.jobs.create(j, n, null);
  const ref = { tenant_id: t, id: j.id, quota_month: j.quota_month };
  const phones = Array.from({ length: n }, (_, i) => `+55119999900${String(i).padStart(2, "0")}`);
  const rs = phones.map((phone) => ({ phone, name: null, status: "pending" as const, attempts: 0, sent_at: null, error: null, message_id: null }));
  expect(await store.recipients.writeSnapshotChunk(ref, rs, null, phones.at(-1) as string, true)).toBe(true);
  return { t, j, ref, phones };
};
const raw = async (key: { pk: string; sk: string }) => (await db.doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;

describe("claims in no index (DynamoDB Local)", () => {
  it("a claim writes no index attribute; its expired lease is found in the job's partition, in the named jobs only", async () => {
    const a = await job(3);
    const b = await job(1);
    const now = Date.now();
    expect(await store.recipients.claim(a.ref, a.phones[0] as string, 0, now - 1000, "m0", "old~1")).toBe("claimed");
    expect(await store.recipients.claim(a.ref, a.phones[1] as string, 0, now + 60_000, "m1", "old~1")).toBe("claimed");
    expect(await store.recipients.claim(b.ref, b.phones[0] as string, 0, now - 1000, "m2")).toBe("claimed");
    expect(await raw(Keys.recipient(a.j.id, a.phones[0] as string))).not.toHaveProperty(INDEX.pk);

    const expired = await store.recipients.sendingExpired(now);
    expect(expired).toContainEqual({ tenant_id: a.t, job_id: a.j.id, phone: a.phones[0], claimed_by: "old~1" });
    expect(expired).toContainEqual({ tenant_id: b.t, job_id: b.j.id, phone: b.phones[0] });
    expect(expired).not.toContainEqual(expect.objectContaining({ phone: a.phones[1], job_id: a.j.id }));
    expect(await store.recipients.sendingExpired(now, [{ tenant_id: b.t, id: b.j.id }])).toEqual([{ tenant_id: b.t, job_id: b.j.id, phone: b.phones[0] }]);
  });

  it("still finds a claim an earlier version listed in the index, even once its job left the list, and ending it takes it out", async () => {
    const a = await job(1);
    const phone = a.phones[0] as string;
    const lease = Date.now() - 1000;
    expect(await store.recipients.claim(a.ref, phone, 0, lease, "m0", "old~1")).toBe("claimed");
    // As the earlier version's claim left it: in the `SENDING` list; its job's entry dropped by that version's look after a cancel.
    await db.doc.send(
      new UpdateCommand({
        TableName: table,
        Key: Keys.recipient(a.j.id, phone),
        UpdateExpression: "SET #ipk = :g, #isk = :gs",
        ExpressionAttributeNames: { "#ipk": INDEX.pk, "#isk": INDEX.sk },
        ExpressionAttributeValues: { ":g": Lists.sending, ":gs": `${Lists.sendingAt(lease)}#${a.t}#${a.j.id}#${phone}` },
      }),
    );
    await db.doc.send(new DeleteCommand({ TableName: table, Key: Keys.activeJob(a.t, a.j.id) }));

    expect(await store.recipients.sendingExpired(Date.now())).toContainEqual({ tenant_id: a.t, job_id: a.j.id, phone, claimed_by: "old~1" });
    expect(await store.recipients.unclaim(a.ref, phone, "unknown", "interrupted")).toEqual({ moved: [phone], refused: [] });
    expect(await raw(Keys.recipient(a.j.id, phone))).not.toHaveProperty(INDEX.pk);
    expect(await store.recipients.sendingExpired(Date.now())).not.toContainEqual(expect.objectContaining({ job_id: a.j.id }));
  });

  it("keeps an ended job listed (not active) while it counts a claim, and drops it once the claim ended", async () => {
    const a = await job(2);
    const [claimed, rest] = a.phones as [string, string];
    expect(await store.recipients.claim(a.ref, claimed, 0, Date.now() - 1000, "m0", "old~1")).toBe("claimed");
    await store.jobs.transition(a.t, a.j.id, ["running"], { status: "cancelled", completed_at: new Date().toISOString() }, { bumpEpoch: true });
    await store.recipients.cancelPending(a.ref, [rest]);
    expect((await store.jobs.listed()).find((j) => j.id === a.j.id)).toMatchObject({ status: "cancelled" });
    expect((await store.jobs.active()).map((j) => j.id)).not.toContain(a.j.id);
    expect(await store.recipients.sendingExpired(Date.now())).toContainEqual(expect.objectContaining({ job_id: a.j.id, phone: claimed }));

    await store.recipients.unclaim(a.ref, claimed, "unknown", "interrupted");
    expect((await store.jobs.listed()).map((j) => j.id)).not.toContain(a.j.id);
    expect(await raw(Keys.activeJob(a.t, a.j.id))).toBeUndefined();
  });
});
