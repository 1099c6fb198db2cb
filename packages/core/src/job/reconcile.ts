import type { Uses } from "../deps";
import { checkCompletion } from "./control";
import { planMessage, snapshotMessage } from "./messages";
import type { Job, SendingClaim } from "./port";

/** What this module uses. */
type D = Uses<"activity" | "jobs" | "recipients" | "sessions" | "tenants", "claimant" | "clock" | "queue">;

/** How long after its expected next activity a running job counts as stalled (its queued messages lost). */
export const WATCH_GRACE_MS = 60_000;

/** A running job with pending recipients, past its `watch_at`, and no send ended within the grace. */
export const isStalled = (job: Job, now: number) =>
  job.status === "running" && job.pending_count > 0 && (job.watch_at ?? Number.POSITIVE_INFINITY) <= now && (job.progress_at ?? 0) <= now - WATCH_GRACE_MS;

/**
 * Recovery after a crash or lost queue messages:
 * - recipients left `sending` whose claim expired before `sendingBefore` become `unknown` (never resent);
 * - active jobs are re-planned under a new epoch (queued sends of the old epoch are dropped), and
 *   unfinished snapshots are resumed; with `replan: "stalled"` only running jobs past their `watch_at`.
 */
export const reconcile = async (d: D, opts: { sendingBefore: number; replan: boolean | "stalled" }) => {
  const stuck = await settleInterrupted(d, await d.store.recipients.sendingExpired(opts.sendingBefore));
  if (!opts.replan) return { unknown: stuck, replanned: 0 };
  let replanned = 0;
  for (const a of await d.store.jobs.active()) {
    const job = await d.store.jobs.get(a.tenant_id, a.id, true);
    if (!job) continue;
    if (!job.snapshot_settled) {
      await d.queue.send("events", [{ body: snapshotMessage(job.tenant_id, job.id) }]);
      continue;
    }
    if (job.status === "cancelled") continue;
    if (job.status !== "running" && job.status !== "pending") continue;
    // "stalled": only jobs that should have shown activity by now (their queued messages were lost).
    // A job still working through a backlog (a send ended within the grace) is slow, not lost.
    if (opts.replan === "stalled" && !isStalled(job, d.clock.now())) continue;
    const next = await d.store.jobs.transition(job.tenant_id, job.id, [job.status], { plan_cursor: null, plan_done: false }, { bumpEpoch: true });
    if (!next) continue;
    await d.queue.send("events", [{ body: planMessage(next) }]);
    replanned++;
  }
  return { unknown: stuck, replanned };
};

/**
 * Claims that will never be recorded become `unknown` (never resent: the message may have left), and
 * their jobs are checked for completion. Returns how many were settled.
 */
const settleInterrupted = async (d: D, stuck: SendingClaim[], keep: (job: Job) => boolean = () => true) => {
  const touched = new Set<string>();
  let n = 0;
  for (const s of stuck) {
    const job = await d.store.jobs.get(s.tenant_id, s.job_id, true);
    if (!job || !keep(job)) continue;
    const res = await d.store.recipients.unclaim(
      { tenant_id: job.tenant_id, id: job.id, quota_month: job.quota_month },
      s.phone,
      "unknown",
      "interrupted between sending and recording; not retried to avoid a duplicate",
    );
    n += res.moved.length;
    touched.add(`${s.tenant_id}/${s.job_id}`);
  }
  for (const key of touched) {
    const [tenantId, jobId] = key.split("/") as [string, string];
    await checkCompletion(d, tenantId, jobId);
  }
  return n;
};

/**
 * Lease-fenced recovery of one session, run by a host when it takes the session's lease: claims on the
 * session made by another claimant (an earlier start of this process, or a task that handed the session
 * over) can no longer be recorded by it, since a claimant records only while its host holds the lease.
 * Claims of this process, and of sessions whose lease is someone else's, are left alone.
 */
export const recoverSession = async (d: D, tenantId: string, sessionId: string) =>
  settleInterrupted(
    d,
    (await d.store.recipients.sendingExpired(Number.MAX_SAFE_INTEGER)).filter((s) => s.tenant_id === tenantId && s.claimed_by !== d.claimant),
    (job) => job.session_id === sessionId,
  );
