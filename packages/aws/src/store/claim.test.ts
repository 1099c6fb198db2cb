import { randomBytes } from "node:crypto";
import type { Job } from "@outreach/core/job";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { jobRecord } from "../../../../test/helpers/records";
import { createDb, createStore, ensureTable } from ".";

/**
 * The claim is a conditional update and then a consistent check of the job and the opt-out item:
 * these tests put a pause, a cancel or an opt-out between the two and check that the claim is refused
 * and undone exactly as a transaction of the three would have refused it.
 */
const table = `claim-${randomBytes(4).toString("hex")}`;
const db = createDb({ table, endpoint: inject("dynamoEndpoint") });
const store = createStore(db);
beforeAll(() => ensureTable(db));

/** A store whose claims run `between` after their update and before their check. */
const interleaved = (between: () => Promise<unknown>) => {
  const racy = createDb({ table, endpoint: inject("dynamoEndpoint") });
  let armed = true;
  racy.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (
        armed &&
        (context.commandName === "UpdateCommand" || context.commandName === "UpdateItemCommand") &&
        String((args.input as { UpdateExpression?: string }).UpdateExpression).includes("claimed_by = :by")
      ) {
        armed = false;
        await between();
      }
      return out;
    },
    { step: "initialize", name: "claimInterleave" },
  );
  return createStore(racy);
};

const setup = async () => {
  const t = `ten_${randomBytes(6).toString("hex")}`;
  await store.tenants.create({ id: t, name: "t", plan: "business", created_at: new Date().toISOString() });
  const j: Job = jobRecord({ id: `bulk_${randomBytes(6).toString("hex")}`, tenant_id: t, total_recipients: 2, quota_held: 2, quota_month: "2026-11" });
  await store.jobs.create(j, 2, null);
  const ref = { tenant_id: t, id: j.id, quota_month: j.quota_month };
  const phones = ["+5511999990001", "+5511999990002"];
  const rs = phones.map((phone) => ({ phone, name: null, status: "pending" as const, attempts: 0, sent_at: null, error: null, message_id: null }));
  expect(await store.recipients.writeSnapshotChunk(ref, rs, null, phones[1] as string, true)).toBe(true);
  return { t, j, ref, phones: phones as [string, string] };
};

describe("claim (DynamoDB Local)", () => {
  it("refuses and undoes a claim when the job is paused between its update and its check", async () => {
    const { t, j, ref, phones } = await setup();
    const racy = interleaved(() => store.jobs.transition(t, j.id, ["running"], { status: "paused", pause_reason: "user" }, { bumpEpoch: true }));
    expect(await racy.recipients.claim(ref, phones[0], 0, Date.now() + 60_000, "m1")).toBe("job_inactive");
    expect(await store.recipients.get(j.id, phones[0])).toMatchObject({ status: "pending", attempts: 0 });
    expect(await store.recipients.sendingExpired(Number.MAX_SAFE_INTEGER)).not.toContainEqual(expect.objectContaining({ job_id: j.id }));
    expect(await store.jobs.get(t, j.id)).toMatchObject({ pending_count: 2, quota_held: 2 });
  });

  it("refuses a claim when the number opts out between its update and its check, and leaves it for the skip", async () => {
    const { t, j, ref, phones } = await setup();
    const racy = interleaved(() => store.optouts.add(t, { phone: phones[0], source: "api", created_at: "x" }));
    expect(await racy.recipients.claim(ref, phones[0], 0, Date.now() + 60_000, "m1")).toBe("opted_out");
    expect(await store.recipients.markSkipped(ref, phones[0], "opted out")).toEqual({ moved: [phones[0]], refused: [] });
    expect(await store.jobs.get(t, j.id)).toMatchObject({ pending_count: 1, skipped_count: 1 });
  });

  it("turns a claim refused by a cancel into a cancelled recipient with the counters a cancel gives", async () => {
    const { t, j, ref, phones } = await setup();
    const racy = interleaved(() => store.jobs.transition(t, j.id, ["running"], { status: "cancelled" }, { bumpEpoch: true }));
    expect(await racy.recipients.claim(ref, phones[0], 0, Date.now() + 60_000, "m1")).toBe("job_inactive");
    expect(await store.recipients.get(j.id, phones[0])).toMatchObject({ status: "cancelled" });
    expect(await store.jobs.get(t, j.id)).toMatchObject({ pending_count: 1, cancelled_count: 1, quota_held: 1 });
  });

  it("lets exactly one of two racing claims of a recipient through", async () => {
    const { j, ref, phones } = await setup();
    const results = await Promise.all([1, 2].map(() => store.recipients.claim(ref, phones[1], 0, Date.now() + 60_000, "m2")));
    expect(results.sort()).toEqual(["claimed", "not_pending"]);
    expect(await store.recipients.get(j.id, phones[1])).toMatchObject({ status: "sending", attempts: 1 });
  });
});
