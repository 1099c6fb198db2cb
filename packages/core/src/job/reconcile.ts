import type { Uses } from "../deps";
import { checkCompletion } from "./control";
import { FINAL } from "./job";
import { planMessage, snapshotMessage } from "./messages";
import type { Job, SendingClaim } from "./port";
import { LEASE_MS } from "./send-limits";

/** What this module uses. */
type D = Uses<"activity" | "jobs" | "recipients" | "sessions" | "tenants", "claimant" | "clock" | "queue">;

/** How long after its expected next activity a running job counts as stalled (its queued messages lost). */
export const WATCH_GRACE_MS = 60_000;

/** A running job with pending recipients, past its `watch_at`, and no send ended within the grace. */
export const isStalled = (job: Job, now: number) =>
  job.status === "running" && job.pending_count > 0 && (job.watch_at ?? Number.POSITIVE_INFINITY) <= now && (job.progress_at ?? 0) <= now - WATCH_GRACE_MS;

/**
 * Recovery after a crash or lost queue messages:
 * - recipients left `sending` whose claim expired before `sendingBefore` become `unknown` (never resent):
 *   at start-up (`replan` true or false) in every job that may hold a claim; in the periodic sweep
 *   (`replan: "stalled"`) only where a stuck claim is plausible (see `isSuspect`);
 * - active jobs are re-planned under a new epoch (queued sends of the old epoch are dropped), and
 *   unfinished snapshots are resumed; with `replan: "stalled"` only running jobs past their `watch_at`.
 */
export const reconcile = async (d: D, opts: { sendingBefore: number; replan: boolean | "stalled" }) => {
  if (opts.replan !== "stalled") {
    // Start-up: the list is read once, for the claim search (every listed job) and the re-plan (the active ones).
    const listed = await d.store.jobs.listed();
    const { settled } = await settleInterrupted(d, await d.store.recipients.sendingExpired(opts.sendingBefore, listed));
    if (!opts.replan) return { unknown: settled, replanned: 0 };
    let replanned = 0;
    for (const a of listed) {
      if (FINAL.includes(a.status)) continue;
      const job = await d.store.jobs.get(a.tenant_id, a.id, true);
      if (job && (await replan(d, job, true))) replanned++;
    }
    return { unknown: settled, replanned };
  }
  // The periodic sweep reads each listed job once, for the claim search and the re-plan; a job whose
  // claims it settled is read again (it may have completed).
  const now = d.clock.now();
  const jobs: Job[] = [];
  for (const a of await d.store.jobs.listed()) {
    const job = await d.store.jobs.get(a.tenant_id, a.id, true);
    if (job) jobs.push(job);
  }
  const expired = await d.store.recipients.sendingExpired(
    opts.sendingBefore,
    jobs.filter((j) => isSuspect(j, now)),
  );
  const { settled, touched } = await settleInterrupted(d, expired);
  let replanned = 0;
  for (const listed of jobs) {
    if (FINAL.includes(listed.status)) continue;
    const job = touched.has(`${listed.tenant_id}/${listed.id}`) ? await d.store.jobs.get(listed.tenant_id, listed.id, true) : listed;
    if (job && (await replan(d, job, "stalled"))) replanned++;
  }
  return { unknown: settled, replanned };
};

/** Resumes an unfinished snapshot, or plans a running or pending job again (with "stalled", only a stalled one); true when re-planned. */
const replan = async (d: D, job: Job, mode: true | "stalled") => {
  if (!job.snapshot_settled) {
    await d.queue.send("events", [{ body: snapshotMessage(job.tenant_id, job.id) }]);
    return false;
  }
  if (job.status !== "running" && job.status !== "pending") return false;
  // "stalled": only jobs that should have shown activity by now (their queued messages were lost).
  // A job still working through a backlog (a send ended within the grace) is slow, not lost.
  if (mode === "stalled" && !isStalled(job, d.clock.now())) return false;
  const next = await d.store.jobs.transition(job.tenant_id, job.id, [job.status], { plan_cursor: null, plan_done: false }, { bumpEpoch: true });
  if (!next) return false;
  await d.queue.send("events", [{ body: planMessage(next) }]);
  return true;
};

/**
 * Whether the periodic sweep looks for expired claims in a job. Finding a claim reads its job's
 * recipients whole (a claim is in no index), so the sweep reads only jobs that count a pending
 * recipient and either
 * - run but are stalled (`isStalled`: no send ended within the grace and past their `watch_at`; the
 *   sweep plans them again, which reads their partition too): a job whose only pending recipients are
 *   stuck claims is one of these until they are settled, so it still completes; or
 * - ended at least a lease ago (a cancel leaves the sends under way to be recorded; no claim is made
 *   after it, so every claim it left has expired by then): a count still above 0 is a claim that will
 *   not be recorded, and one look settles them all.
 * A running job that still sends keeps a stuck claim until it runs out of other recipients and stalls;
 * a paused one until it runs again, its session changes hands (`recoverSession`) or a process starts.
 * A claim whose process crashed is found sooner: when another host takes its session, or at start-up.
 */
const isSuspect = (job: Job, now: number) =>
  job.pending_count > 0 && (isStalled(job, now) || (FINAL.includes(job.status) && (Date.parse(job.completed_at ?? "") || 0) <= now - LEASE_MS));

/**
 * Claims that will never be recorded become `unknown` (never resent: the message may have left), and
 * their jobs are checked for completion. Answers how many were settled, and in which jobs.
 */
const settleInterrupted = async (d: D, stuck: SendingClaim[], keep: (job: Job) => boolean = () => true) => {
  const touched = new Set<string>();
  let settled = 0;
  for (const s of stuck) {
    const job = await d.store.jobs.get(s.tenant_id, s.job_id, true);
    if (!job || !keep(job)) continue;
    const res = await d.store.recipients.unclaim(
      { tenant_id: job.tenant_id, id: job.id, quota_month: job.quota_month },
      s.phone,
      "unknown",
      "interrupted between sending and recording; not retried to avoid a duplicate",
    );
    settled += res.moved.length;
    touched.add(`${s.tenant_id}/${s.job_id}`);
  }
  for (const key of touched) {
    const [tenantId, jobId] = key.split("/") as [string, string];
    await checkCompletion(d, tenantId, jobId);
  }
  return { settled, touched };
};

/**
 * Lease-fenced recovery of one session, run by a host when it takes the session's lease: claims on the
 * session made by another claimant (an earlier start of this process, or a task that handed the session
 * over) can no longer be recorded by it, since a claimant records only while its host holds the lease.
 * Claims of this process, and of sessions whose lease is someone else's, are left alone.
 */
export const recoverSession = async (d: D, tenantId: string, sessionId: string) => {
  // Only the jobs on this session can hold its claims (each of their recipients is read).
  const jobs = (await d.store.jobs.listed()).filter((j) => j.tenant_id === tenantId && j.session_id === sessionId);
  const { settled } = await settleInterrupted(
    d,
    (await d.store.recipients.sendingExpired(Number.MAX_SAFE_INTEGER, jobs)).filter((s) => s.tenant_id === tenantId && s.claimed_by !== d.claimant),
    (job) => job.session_id === sessionId,
  );
  return settled;
};
