import type { Deps } from "../deps";
import { checkCompletion } from "./control";
import { planMessage, snapshotMessage } from "./messages";
import { WATCH_GRACE_MS } from "./planner";
import type { Job } from "./port";

/** A running job with pending recipients, past its `watch_at`, and no send ended within the grace. */
export const isStalled = (job: Job, now: number) =>
  job.status === "running" && job.pending_count > 0 && (job.watch_at ?? Number.POSITIVE_INFINITY) <= now && (job.progress_at ?? 0) <= now - WATCH_GRACE_MS;

/**
 * Recovery after a crash or lost queue messages:
 * - recipients left `sending` whose claim expired before `sendingBefore` become `unknown` (never resent);
 * - active jobs are re-planned under a new epoch (queued sends of the old epoch are dropped), and
 *   unfinished snapshots are resumed; with `replan: "stalled"` only running jobs past their `watch_at`.
 */
export const reconcile = async (d: Deps, opts: { sendingBefore: number; replan: boolean | "stalled" }) => {
  const stuck = await d.store.recipients.sendingExpired(opts.sendingBefore);
  const touched = new Set<string>();
  for (const s of stuck) {
    const job = await d.store.jobs.get(s.tenant_id, s.job_id, true);
    if (!job) continue;
    await d.store.recipients.unclaim(
      { tenant_id: job.tenant_id, id: job.id, quota_month: job.quota_month },
      s.phone,
      "unknown",
      "interrupted between sending and recording; not retried to avoid a duplicate",
    );
    touched.add(`${s.tenant_id}/${s.job_id}`);
  }
  for (const key of touched) {
    const [tenantId, jobId] = key.split("/") as [string, string];
    await checkCompletion(d, tenantId, jobId);
  }
  if (!opts.replan) return { unknown: stuck.length, replanned: 0 };
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
  return { unknown: stuck.length, replanned };
};
