import { randomBytes } from "node:crypto";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { jobRecord } from "../../../../test/helpers/records";
import { createDb, createStore, ensureTable } from ".";
import { INDEX, Keys, Lists } from "./keys";

/**
 * The `ACTIVE_JOBS` list holds entries of their own, not the job items: a job's counters change
 * without writing the index, and the reconciler still sees every active job and no other.
 */
const table = `active-${randomBytes(4).toString("hex")}`;
const db = createDb({ table, endpoint: inject("dynamoEndpoint") });
const store = createStore(db);
beforeAll(() => ensureTable(db));

const newJob = async (status: "pending" | "running" = "running") => {
  const t = `ten_${randomBytes(6).toString("hex")}`;
  const j = jobRecord({ id: `bulk_${randomBytes(6).toString("hex")}`, tenant_id: t, status, session_id: `ses_${t}` });
  expect(await store.jobs.create(j, 0, null)).toBe("ok");
  return j;
};
const listed = async (id: string) => (await store.jobs.active()).find((a) => a.id === id);
const raw = async (key: { pk: string; sk: string }) => (await db.doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;

describe("active jobs list (DynamoDB Local)", () => {
  it("lists a job from its creation until it stops being active, and again when it is made active again", async () => {
    const j = await newJob("pending");
    expect(await listed(j.id)).toEqual({ tenant_id: j.tenant_id, id: j.id, status: "pending", session_id: j.session_id, origin: j.origin });
    // The job item is not in the index: its counters' writes do not touch it.
    expect(await raw(Keys.job(j.tenant_id, j.id))).not.toHaveProperty(INDEX.pk);
    expect(await raw(Keys.activeJob(j.tenant_id, j.id))).toMatchObject({ [INDEX.pk]: Lists.activeJobs, id: j.id });

    await store.jobs.transition(j.tenant_id, j.id, ["pending"], { status: "running" });
    expect(await listed(j.id)).toMatchObject({ status: "running" });
    await store.jobs.transition(j.tenant_id, j.id, ["running"], { status: "completed", completed_at: new Date().toISOString() });
    expect(await listed(j.id)).toBeUndefined();
    // The look that found it completed dropped its entry.
    expect(await raw(Keys.activeJob(j.tenant_id, j.id))).toBeUndefined();

    // Retrying its failed recipients makes it active again.
    await store.jobs.transition(j.tenant_id, j.id, ["completed", "paused", "running", "failed"], { status: "running", completed_at: null });
    expect(await listed(j.id)).toMatchObject({ status: "running" });
  });

  it("never drops the entry of a job made active again while a look found it inactive", async () => {
    const j = await newJob();
    await store.jobs.transition(j.tenant_id, j.id, ["running"], { status: "completed", completed_at: new Date().toISOString() });
    // The look reads the job as completed; before it drops the entry, the job is made active again.
    const racy = createDb({ table, endpoint: inject("dynamoEndpoint") });
    let armed = true;
    racy.doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (armed && context.commandName?.startsWith("DeleteItem")) {
          armed = false;
          await new Promise((r) => setTimeout(r, 5));
          await store.jobs.transition(j.tenant_id, j.id, ["completed"], { status: "running", completed_at: null });
        }
        return next(args);
      },
      { step: "initialize", name: "reactivate" },
    );
    expect((await createStore(racy).jobs.active()).find((a) => a.id === j.id)).toBeUndefined();
    expect(armed).toBe(false);
    expect(await listed(j.id)).toMatchObject({ status: "running" });
  });

  it("still lists a job item that an older version put in the list, until it stops being active", async () => {
    const t = `ten_${randomBytes(6).toString("hex")}`;
    const j = jobRecord({ id: `bulk_${randomBytes(6).toString("hex")}`, tenant_id: t, status: "paused" });
    await db.doc.send(new PutCommand({ TableName: table, Item: { ...Keys.job(t, j.id), ...Lists.activeJob(j.id), ...j } }));
    expect(await listed(j.id)).toMatchObject({ status: "paused" });
    await db.doc.send(
      new UpdateCommand({ TableName: table, Key: Keys.job(t, j.id), UpdateExpression: "ADD sent_count :one", ExpressionAttributeValues: { ":one": 1 } }),
    );
    await store.jobs.transition(t, j.id, ["paused"], { status: "cancelled" });
    expect(await listed(j.id)).toBeUndefined();
    expect(await raw(Keys.job(t, j.id))).not.toHaveProperty(INDEX.pk);
  });
});
