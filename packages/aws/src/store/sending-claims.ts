import type { SendingClaim } from "@outreach/core/job";
import { listJobs } from "./active-jobs";
import { type Db, onIndex, queryAll } from "./db";
import { INDEX, Keys, Lists } from "./keys";

/** Jobs whose recipients are read at once. */
const JOB_CONCURRENCY = 8;

type JobKey = { tenant_id: string; id: string };

/**
 * Claims (`sending` recipients) whose lease ended before `before`, found in the jobs' own partitions:
 * a claim is in no index (putting it in the `SENDING` list cost an index write when the claim was made
 * and another when it ended, 2 of a message's write units). Each job's recipients are read whole with
 * a filter (strongly consistent, a small projection), so recovery costs read units in proportion to
 * the jobs it looks at: callers name the jobs where a stuck claim is plausible; without them, every
 * listed job is read (start-up recovery, and the store's tests).
 *
 * Claims made by an earlier version are in the `SENDING` list; that list is read too and answered
 * whole, whatever the jobs named (one small query, empty once those claims have ended; the list may
 * name jobs that version no longer listed as active), so a deploy leaves no claim unfound.
 */
export const sendingExpired = async (db: Db, before: number, jobs?: JobKey[]): Promise<SendingClaim[]> => {
  const scope = jobs ?? (await listJobs(db));
  const out = new Map<string, SendingClaim>();
  const add = (c: SendingClaim) => out.set(`${c.tenant_id}/${c.job_id}/${c.phone}`, c);
  for (let i = 0; i < scope.length; i += JOB_CONCURRENCY)
    await Promise.all(
      scope.slice(i, i + JOB_CONCURRENCY).map(async (job) => {
        for await (const r of queryAll(db, {
          KeyConditionExpression: "pk = :pk",
          FilterExpression: "#status = :sending AND lease_until < :b",
          ProjectionExpression: "#p, claimed_by",
          ExpressionAttributeNames: { "#status": "status", "#p": "phone" },
          ExpressionAttributeValues: { ":pk": Keys.recipientPartition(job.id), ":sending": "sending", ":b": before },
          ConsistentRead: true,
        }))
          add(claim({ tenant_id: job.tenant_id, job_id: job.id, phone: r.phone as string }, r.claimed_by));
      }),
    );
  for await (const i of queryAll(db, {
    ...onIndex,
    KeyConditionExpression: "#ipk = :g AND #isk < :b",
    ExpressionAttributeNames: { "#ipk": INDEX.pk, "#isk": INDEX.sk },
    ExpressionAttributeValues: { ":g": Lists.sending, ":b": Lists.sendingAt(before) },
  })) {
    const ref = Lists.parseSending(i[INDEX.sk] as string);
    if (ref) add(claim(ref, i.claimed_by));
  }
  return [...out.values()];
};

const claim = (ref: Omit<SendingClaim, "claimed_by">, by: unknown): SendingClaim => (typeof by === "string" ? { ...ref, claimed_by: by } : ref);
