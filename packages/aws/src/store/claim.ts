import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { batchGet, conditional, type Db } from "./db";
import { INDEX, Keys } from "./keys";
import { createMover, type JobRef, recipientKey } from "./recipient-moves";

/**
 * What every move out of `sending` removes: the lease, and the place in the `SENDING` list a claim
 * made by an earlier version has (a claim is no longer in the index; removing attributes an item does
 * not have writes nothing to the index, so this costs nothing and a deploy leaves no claim listed).
 */
export const CLAIM_ATTRIBUTES = ["lease_until", "claimed_by", INDEX.pk, INDEX.sk];

export type ClaimResult = "claimed" | "job_inactive" | "opted_out" | "not_pending";

/** How often the check after the claim is tried before the claim is left to recovery (`unknown`). */
const CHECK_ATTEMPTS = 8;

const retried = async <T>(fn: () => Promise<T>): Promise<T> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= CHECK_ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** attempt)));
    }
  }
};

/**
 * The claim of a recipient: one conditional update (`pending` → `sending`, with its lease), then one
 * strongly consistent read of the job and the opt-out item. The send happens only if that read finds
 * the job running at this epoch and no opt-out, so the claim takes effect at the read: a pause, a
 * cancel or an opt-out committed before it stops the send (the claim is undone), one committed after
 * it is one committed after the claim — as with a transaction of the three, and what every send after
 * a claim already is. While the read runs the recipient is `sending` with a lease, so nothing else
 * takes it, and a crash there leaves it to recovery (`unknown`), never to a second send.
 *
 * The two steps are also offered apart (`take`, then `confirm` later; `release` to give a take back
 * unused): the sender takes the next recipient of a session while the previous message is being sent
 * and confirms it once that send is done, so the read still follows the previous send and the update.
 *
 * Cost: 1 write unit and 2 read units, against 6 write units for a transaction of three items; the
 * undo (2 more writes) happens only when the claim is refused. The claim is in no index: recovery
 * finds expired claims in their jobs' partitions (`sendingExpired`), so the claim and the move that
 * ends it write nothing to the index (they cost 1 index write unit each while the claim was listed).
 */
export const createClaim = (db: Db) => {
  const move = createMover(db);

  /** Back to `pending` as if never claimed (the attempt is given back too). */
  const undo = (job: JobRef, phone: string, messageId: string) =>
    conditional(
      db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: recipientKey(job.id, phone),
          UpdateExpression: "SET #status = :pending REMOVE lease_until, claimed_by, #ipk, #isk ADD attempts :minus",
          ConditionExpression: "#status = :sending AND message_id = :mid",
          ExpressionAttributeNames: { "#status": "status", "#ipk": INDEX.pk, "#isk": INDEX.sk },
          ExpressionAttributeValues: { ":pending": "pending", ":sending": "sending", ":mid": messageId, ":minus": -1 },
        }),
      ),
    );

  /** The update: `pending` → `sending` with the lease; false when the recipient was not pending. */
  const take = (job: JobRef, phone: string, leaseUntil: number, messageId: string, claimant?: string): Promise<boolean> =>
    conditional(
      db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: recipientKey(job.id, phone),
          UpdateExpression: "SET #status = :sending, lease_until = :lease, message_id = :mid, claimed_by = :by ADD attempts :one",
          ConditionExpression: "#status = :pending",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":sending": "sending",
            ":pending": "pending",
            ":lease": leaseUntil,
            ":mid": messageId,
            ":by": claimant ?? null,
            ":one": 1,
          },
        }),
      ),
    );

  /** The read that makes a take a claim, or refuses and undoes it (see above). */
  const confirm = async (job: JobRef, phone: string, epoch: number, messageId: string): Promise<Exclude<ClaimResult, "not_pending">> => {
    const jobKey = Keys.job(job.tenant_id, job.id);
    const optOutKey = Keys.optOut(job.tenant_id, phone);
    const items = await retried(() =>
      batchGet(db, [jobKey, optOutKey], { consistent: true, projection: "pk, sk, #status, plan_epoch", names: { "#status": "status" } }),
    );
    const jobItem = items.find((i) => i.pk === jobKey.pk && i.sk === jobKey.sk);
    const optedOut = items.some((i) => i.pk === optOutKey.pk && i.sk === optOutKey.sk);
    if (jobItem?.status === "running" && jobItem.plan_epoch === epoch && !optedOut) return "claimed";
    // Refused: a cancelled job's recipient goes where the cancel's sweep would have put it; any other goes back to `pending`.
    if (jobItem?.status === "cancelled") {
      await retried(() => move(job, "sending", "cancelled", [{ phone, set: { error: null }, remove: CLAIM_ATTRIBUTES }]));
      return "job_inactive";
    }
    await retried(() => undo(job, phone, messageId));
    return jobItem?.status === "running" && jobItem.plan_epoch === epoch ? "opted_out" : "job_inactive";
  };

  return {
    claim: async (job: JobRef, phone: string, epoch: number, leaseUntil: number, messageId: string, claimant?: string): Promise<ClaimResult> =>
      (await take(job, phone, leaseUntil, messageId, claimant)) ? confirm(job, phone, epoch, messageId) : "not_pending",
    take,
    confirm,
    /** A take that will not be confirmed (its message goes back to the queue): `pending` again, its attempt given back. */
    release: (job: JobRef, phone: string, messageId: string) => retried(() => undo(job, phone, messageId)).then(() => undefined),
  };
};
