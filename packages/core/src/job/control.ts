import type { Uses } from "../deps";
import { conflict, DomainError } from "../error";
import { iso } from "../port";
import { tenantPlan } from "../tenant";
import { jobEvent } from "./events";
import { get, ref, stateConflict, view } from "./job";
import { planMessage } from "./messages";
import type { Job } from "./port";

type D = Uses<"activity" | "jobs" | "recipients" | "sessions" | "tenants", "clock" | "events" | "queue">;

const plan = (d: Pick<D, "queue">, job: Job) => d.queue.send("events", [{ body: planMessage(job) }]);

/** Stops sending: the epoch moves on, so every queued send of the old epoch is dropped at claim time. */
export const pause = async (d: D, tenantId: string, id: string) => {
  await get(d.store, tenantId, id);
  const next = await d.store.jobs.transition(tenantId, id, ["pending", "running"], { status: "paused", pause_reason: "user" }, { bumpEpoch: true });
  if (!next) throw stateConflict(await get(d.store, tenantId, id, true), "pause");
  await d.events?.emit(tenantId, jobEvent(next, d.clock.now()));
  return view(next);
};

export const resume = async (d: D, tenantId: string, id: string) => {
  const job = await get(d.store, tenantId, id, true);
  if (job.status !== "paused") throw stateConflict(job, "resume");
  // Sending into WhatsApp's restriction lengthens it: not before the end WhatsApp gave.
  if (job.pause_reason === "restricted" && job.restricted_until && Date.parse(job.restricted_until) > d.clock.now()) {
    throw conflict("bulk_send.restricted", `WhatsApp restricted this number until ${job.restricted_until}; resume after that.`, {
      restricted_until: job.restricted_until,
    });
  }
  const session = await d.store.sessions.get(tenantId, job.session_id, true);
  if (session?.status !== "working") {
    throw conflict("session.not_working", `Session ${job.session_id} is ${session?.status ?? "deleted"}; it must be working to resume.`);
  }
  const next = await d.store.jobs.transition(
    tenantId,
    id,
    ["paused"],
    {
      status: job.started_at ? "running" : "pending",
      pause_reason: null,
      pause_detail: null,
      restricted_until: null,
      plan_cursor: null,
      plan_done: false,
      consecutive_failures: 0,
    },
    { bumpEpoch: true },
  );
  if (!next) throw stateConflict(await get(d.store, tenantId, id, true), "resume");
  if (next.snapshot_settled) await plan(d, next);
  return view(next);
};

/** Stops for good; pending recipients become cancelled and their reservations are released. */
export const cancel = async (d: D, tenantId: string, id: string) => {
  const next = await d.store.jobs.transition(
    tenantId,
    id,
    ["pending", "running", "paused"],
    { status: "cancelled", completed_at: iso(d.clock.now()) },
    { bumpEpoch: true },
  );
  if (!next) throw stateConflict(await get(d.store, tenantId, id, true), "cancel");
  await finalize(d, tenantId, id);
  // Recipients being sent right now may come back to pending after this pass: sweep once more later.
  await d.queue.send("events", [{ body: { type: "job.finalize", tenant_id: tenantId, job_id: id }, delaySeconds: 60 }]);
  return view(await get(d.store, tenantId, id, true));
};

/** Turns every pending recipient of a cancelled job into `cancelled` (idempotent). */
export const finalize = async (d: Pick<D, "store">, tenantId: string, id: string) => {
  const job = await d.store.jobs.get(tenantId, id, true);
  if (job?.status !== "cancelled") return;
  for (;;) {
    const batch = await d.store.recipients.withStatusAfter(id, "pending", null, 500);
    if (batch.length === 0) break;
    const { moved } = await d.store.recipients.cancelPending(
      ref(job),
      batch.map((r) => r.phone),
    );
    if (moved.length === 0) break;
  }
};

/** Puts failed recipients back to pending and runs the job again; `sent` ones are never touched. */
export const retryFailed = async (d: D, tenantId: string, id: string) => {
  const job = await get(d.store, tenantId, id, true);
  if (job.status === "cancelled" || job.status === "pending") throw stateConflict(job, "retry the failed recipients of");
  if (job.failed_count === 0) throw conflict("bulk_send.nothing_to_retry", "This bulk send has no failed recipients.");
  const limit = (await tenantPlan(d.store, tenantId)).plan.messages_per_month;
  const n = job.failed_count;
  if (!(await d.store.jobs.reserveQuota(tenantId, job.quota_month, n, limit))) {
    const usage = await d.store.tenants.quota(tenantId, job.quota_month);
    const remaining = Math.max(0, (limit ?? 0) - usage.total_messages - usage.reserved_messages);
    throw new DomainError("forbidden", "plan.monthly_limit", `Retrying needs ${n} messages but only ${remaining} remain this month.`, {
      limit,
      remaining,
      required: n,
    });
  }
  let moved = 0;
  for (;;) {
    const batch = await d.store.recipients.withStatusAfter(id, "failed", null, 500);
    if (batch.length === 0) break;
    // The quota was reserved above in one step, so the per-recipient move does not reserve again.
    const res = await d.store.recipients.requeueFailed(
      ref(job),
      batch.map((r) => r.phone),
    );
    moved += res.moved.length;
    if (res.moved.length === 0) break;
  }
  if (moved < n) await d.store.jobs.releaseQuota(tenantId, job.quota_month, n - moved);
  const next = await d.store.jobs.transition(
    tenantId,
    id,
    ["completed", "paused", "running", "failed"],
    {
      status: "running",
      pause_reason: null,
      pause_detail: null,
      restricted_until: null,
      completed_at: null,
      plan_cursor: null,
      plan_done: false,
      consecutive_failures: 0,
    },
    { bumpEpoch: true },
  );
  if (!next) throw stateConflict(await get(d.store, tenantId, id, true), "retry");
  await plan(d, next);
  return view(next);
};

/** Completes a running job once nothing is pending. Safe to call any number of times. */
export const checkCompletion = async (d: Pick<D, "store" | "clock" | "events">, tenantId: string, id: string) => {
  const job = await d.store.jobs.get(tenantId, id, true);
  if (job?.status !== "running" || job.pending_count > 0 || !job.snapshot_settled) return job;
  const done = await d.store.jobs.completeIfDrained(tenantId, id, iso(d.clock.now()));
  await d.events?.emit(tenantId, jobEvent(done, d.clock.now()));
  return done ?? job;
};

/**
 * A session logged out or disappeared: its running jobs pause with `pause_reason: "session"`. WhatsApp
 * restricted the account: they pause with `pause_reason: "restricted"`, what happened and until when.
 * A single message (`POST /messages/send`) that has not gone out is cancelled instead: nobody resumes it.
 */
export const pauseSessionJobs = async (
  d: D,
  tenantId: string,
  sessionId: string,
  why: { reason: "session" } | { reason: "restricted"; detail: string; until: number | null } = { reason: "session" },
) => {
  const patch =
    why.reason === "restricted"
      ? {
          status: "paused" as const,
          pause_reason: "restricted" as const,
          pause_detail: why.detail,
          restricted_until: why.until === null ? null : iso(why.until),
        }
      : { status: "paused" as const, pause_reason: "session" as const };
  for (const j of await d.store.jobs.active()) {
    if (j.tenant_id !== tenantId || j.session_id !== sessionId || (j.status !== "running" && j.status !== "pending")) continue;
    if (j.origin === "message") {
      const done = await d.store.jobs.transition(
        tenantId,
        j.id,
        ["running", "pending"],
        { status: "cancelled", completed_at: iso(d.clock.now()) },
        { bumpEpoch: true },
      );
      if (!done) continue;
      await finalize(d, tenantId, j.id);
      // A send in flight may put its recipient back to pending after this pass (as in `cancel`): sweep once more later.
      await d.queue.send("events", [{ body: { type: "job.finalize", tenant_id: tenantId, job_id: j.id }, delaySeconds: 60 }]);
      continue;
    }
    const paused = await d.store.jobs.transition(tenantId, j.id, ["running", "pending"], patch, { bumpEpoch: true });
    await d.events?.emit(tenantId, jobEvent(paused, d.clock.now()));
  }
};

/** Pauses the job after `max_consecutive_failures` failures in a row; returns whether it did. */
export const pauseOnFailures = async (d: D, job: Pick<Job, "tenant_id" | "id">) => {
  const cur = await d.store.jobs.get(job.tenant_id, job.id, true);
  if (cur?.status !== "running" || cur.consecutive_failures < cur.max_consecutive_failures) return false;
  const paused = await d.store.jobs.transition(job.tenant_id, job.id, ["running"], { status: "paused", pause_reason: "failures" }, { bumpEpoch: true });
  await d.events?.emit(job.tenant_id, jobEvent(paused, d.clock.now()));
  return true;
};
