import { DateTime } from "luxon";
import type { Uses } from "../deps";
import { effectivePace, reserveSlots } from "../pacing";
import { iso } from "../port";
import * as Session from "../session";
import type { SlotState } from "../session/port";
import { pauseSessionJobs } from "./control";
import { planMessage, type SendMessage } from "./messages";
import { WATCH_GRACE_MS } from "./reconcile";

/** How far ahead sends are put on the queue (SQS delays reach 15 minutes). */
export const HORIZON_MS = 14 * 60_000;
/** Recipients planned per pass; a continuation plans the next ones. */
export const PLAN_BATCH = 100;
/** Sends are queued this much before their slot; the sender holds them until the slot, to the millisecond. */
export const LEAD_MS = 2_000;
/** (Defined beside `isStalled`, which the repair sweep loads without the planner.) */
export { WATCH_GRACE_MS };

/** What this module uses. */
type D = Uses<"activity" | "jobs" | "recipients" | "sessions" | "tenants", "clock" | "queue">;

/**
 * Handles `job.plan`: reserves the next slots of the job on its session's timeline (shared by every
 * job of the session) and queues one delayed `send` per recipient, then a continuation.
 */
export const planJob = async (d: D, msg: { tenant_id: string; job_id: string; epoch: number }, random: () => number = Math.random) => {
  const now = d.clock.now();
  let job = await d.store.jobs.get(msg.tenant_id, msg.job_id, true);
  if (!job || job.plan_epoch !== msg.epoch || !job.snapshot_settled) return;
  if (job.status === "pending") {
    const startAt = job.start_at ? Date.parse(job.start_at) : 0;
    if (startAt > now + 1000) {
      await d.queue.send("events", [{ body: { type: "job.plan", ...msg }, delaySeconds: Math.min(900, Math.floor((startAt - now) / 1000)) }]);
      return;
    }
    job = await d.store.jobs.transition(msg.tenant_id, msg.job_id, ["pending"], { status: "running", started_at: iso(now) }, { epoch: msg.epoch });
    if (!job) return;
  }
  if (job.status !== "running" || job.plan_done) return;

  const session = await d.store.sessions.get(job.tenant_id, job.session_id, true);
  if (session?.status !== "working") {
    await pauseSessionJobs(d, job.tenant_id, job.session_id);
    return;
  }
  const from = job.plan_cursor ?? null;
  const recipients = await d.store.recipients.withStatusAfter(job.id, "pending", from, PLAN_BATCH);
  if (recipients.length === 0) {
    await d.store.jobs.advanceCursor(job.tenant_id, job.id, job.plan_epoch, from, { to: from, done: true, watchAt: d.clock.now() + WATCH_GRACE_MS });
    return;
  }

  // The job's own timeline within this planning epoch. A new epoch (start, resume, re-plan) starts from
  // now: nothing reserved for messages that were not sent holds anyone up. The session's lane spaces
  // the job's messages from the session's last real send, under the session's policy (sender.ts).
  const zone = job.send_window?.timezone ?? "UTC";
  const today = DateTime.fromMillis(now, { zone }).toISODate() ?? "";
  const state: SlotState =
    from !== null && job.plan_slots ? job.plan_slots : { last_slot_at: null, slot_day: today, slot_day_count: job.sent_days?.[today] ?? 0 };
  const r = reserveSlots(state, {
    now: d.clock.now(),
    count: recipients.length,
    minMs: job.min_delay_seconds * 1000,
    maxMs: job.max_delay_seconds * 1000,
    dailyLimit: job.daily_limit,
    window: job.send_window,
    horizonMs: HORIZON_MS,
    random,
  });
  const slots = r.slots;
  const nextAt = r.nextAt;
  const pace = effectivePace(job, Session.policyOf(session));
  // Nothing fits the horizon: the job waits for its window or its next day, and says so.
  const waiting = slots.length === 0 && r.nextReason ? { reason: r.nextReason, at: nextAt } : null;

  const t = d.clock.now();
  const planned = recipients.slice(0, slots.length);
  await d.queue.send(
    "sends",
    planned.map((r, i) => {
      const slot = slots[i] as number;
      const body: SendMessage = {
        type: "send",
        tenant_id: job.tenant_id,
        job_id: job.id,
        session_id: job.session_id,
        phone: r.phone,
        slot_at: slot,
        epoch: job.plan_epoch,
        attempt: 1,
        min_gap_ms: job.min_delay_seconds * 1000,
        name: r.name ?? null,
        ...(r.fields ? { fields: r.fields } : {}),
      };
      return { body, delaySeconds: Math.max(0, Math.floor((slot - t - LEAD_MS) / 1000)) };
    }),
  );
  const last = planned.at(-1)?.phone ?? from;
  // Continue shortly before the queued sends run out (or when the next slot comes within reach).
  const lastSlot = slots.at(-1) ?? t;
  const continueAt = planned.length < recipients.length ? (nextAt ?? t) - HORIZON_MS / 2 : lastSlot - 30_000;
  // If nothing happens by then, the queued messages were lost: the reconciler plans the job again.
  const watchAt = Math.max(continueAt, lastSlot) + WATCH_GRACE_MS;
  if (!(await d.store.jobs.advanceCursor(job.tenant_id, job.id, job.plan_epoch, from, { to: last, done: false, watchAt, slots: r.state, pace, waiting })))
    return;

  await d.queue.send("events", [
    {
      body: planMessage(job),
      delaySeconds: Math.max(0, Math.min(900, Math.floor((continueAt - t) / 1000))),
    },
  ]);
};
