import type { Uses } from "../deps";
import { finalize } from "./control";
import { jobEvent } from "./events";
import { ref } from "./job";
import { planMessage, snapshotMessage } from "./messages";
import type { Recipient } from "./port";

/** What this module uses. */
type D = Uses<"activity" | "groups" | "jobs" | "optouts" | "recipients" | "sessions" | "tenants", "clock" | "events" | "queue">;

const CHUNK = 98;

/**
 * Handles `job.snapshot`: copies the group's members into recipient items chunk by chunk. Each chunk
 * is one transaction guarded by the snapshot cursor, so a redelivered message never writes twice.
 * When done it settles the totals and the reservation and hands the job to the planner.
 */
export const snapshot = async (d: D, tenantId: string, jobId: string, opts: { budgetMs: number }) => {
  const started = d.clock.now();
  for (;;) {
    const job = await d.store.jobs.get(tenantId, jobId, true);
    if (!job) return;
    if (job.snapshot_done) break;
    const from = job.snapshot_cursor ?? null;
    const members = job.direct_recipients
      ? job.direct_recipients
          .filter((r) => from === null || r.phone > from)
          .sort((a, b) => a.phone.localeCompare(b.phone))
          .slice(0, CHUNK)
      : job.custom_group_id
        ? await d.store.groups.membersAfter(job.custom_group_id, from, CHUNK)
        : [];
    const opted = await d.store.optouts.which(
      tenantId,
      members.map((m) => m.phone),
    );
    const recipients: Recipient[] = members.map((m) => ({
      phone: m.phone,
      name: m.name ?? null,
      ...(m.fields ? { fields: m.fields } : {}),
      status: opted.has(m.phone) ? "skipped" : "pending",
      attempts: 0,
      sent_at: null,
      error: opted.has(m.phone) ? "opted out" : null,
      message_id: null,
    }));
    const done = members.length < CHUNK;
    const to = members.at(-1)?.phone ?? from ?? "";
    await d.store.recipients.writeSnapshotChunk(ref(job), recipients, from, to, done);
    if (done) break;
    if (d.clock.now() - started > opts.budgetMs) {
      await d.queue.send("events", [{ body: snapshotMessage(tenantId, jobId) }]);
      return;
    }
  }
  const job = await d.store.jobs.get(tenantId, jobId, true);
  if (!job || job.snapshot_settled) return;
  // Settle: the total is what was written; reservations beyond the pending recipients go back.
  const extra = job.quota_held - job.pending_count;
  const settled = await d.store.jobs.settleSnapshot(tenantId, jobId, {
    total_recipients: job.snapshot_count ?? 0,
    quota_held: job.quota_held - Math.max(0, extra),
  });
  if (!settled) return;
  if (extra > 0) await d.store.jobs.releaseQuota(tenantId, job.quota_month, extra);
  if (settled.status === "cancelled") return finalize(d, tenantId, jobId);
  if (settled.pending_count === 0) {
    const done = await d.store.jobs.transition(tenantId, jobId, ["pending", "running"], {
      status: "completed",
      completed_at: new Date(d.clock.now()).toISOString(),
      started_at: settled.started_at ?? new Date(d.clock.now()).toISOString(),
    });
    await d.events?.emit(tenantId, jobEvent(done, d.clock.now()));
    return;
  }
  await d.queue.send("events", [{ body: planMessage(settled) }]);
};
