import type { Uses } from "../deps";
import { nextAllowed, noteSend, type PacingPolicy, SANDBOX_DEFAULT, type SessionSends, utcDay, type WaitingReason } from "../pacing";
import * as Session from "../session";
import type { SendMessage } from "./messages";
import type { Job } from "./port";

/** What this module uses. */
type D = Uses<"jobs" | "sessions", "clock">;

/** How often a session's policy is read again (a PATCH takes effect within this). */
export const POLICY_TTL_MS = 10_000;

/**
 * What the sender knows of each session it sends on, for the session's pacing policy: the policy and
 * what the session really sent; the jobs that sent on it lately, with their minimum gaps; and which
 * jobs were told they wait, and why. One per sender (process); every figure counts real sends only.
 */
export const createSessionPace = (d: D) => {
  /**
   * What each session this process sends on really sent, and its policy. Read from the store the first
   * time (a restart or a takeover keeps the gap, the day's count, and — not knowing the exact times —
   * assumes a full burst at the last send); kept current by each send here.
   */
  const sessions = new Map<string, { policy: PacingPolicy; pairedAt: number | null; sends: SessionSends; readAt: number }>();
  const sessionState = async (tenantId: string, sessionId: string) => {
    const now = d.clock.now();
    const cur = sessions.get(sessionId);
    if (cur && now - cur.readAt < POLICY_TTL_MS) return cur;
    const rec = await d.store.sessions.get(tenantId, sessionId);
    const policy = rec ? Session.policyOf(rec) : SANDBOX_DEFAULT;
    const pairedAt = rec?.paired_at ?? null;
    if (cur) return Object.assign(cur, { policy, pairedAt, readAt: now });
    const day = utcDay(now);
    const sent = await d.store.sessions.sentOn(tenantId, sessionId, day);
    const recent = sent.last_at === null ? [] : Array.from({ length: policy.burst?.max ?? 1 }, () => sent.last_at as number);
    const state = { policy, pairedAt, sends: { lastAt: sent.last_at, recent, day, dayCount: sent.count }, readAt: now };
    sessions.set(sessionId, state);
    return state;
  };

  /**
   * Jobs with messages on each session lately (waiting for their turn or sent), with their minimum gap:
   * two jobs running on one session keep every gap at least the stricter job's minimum. A job that is
   * no longer running (cancelled, paused) constrains nobody: the next message is paced from the last
   * real send by its own job's rule.
   */
  const recentJobs = new Map<string, Map<string, { minGapMs: number; lastAt: number }>>();
  const running = new Map<string, { ok: boolean; at: number }>();
  const stillRunning = async (tenantId: string, jobId: string) => {
    const hit = running.get(jobId);
    if (hit && d.clock.now() - hit.at < 2000) return hit.ok;
    const ok = (await d.store.jobs.get(tenantId, jobId, true))?.status === "running";
    running.set(jobId, { ok, at: d.clock.now() });
    if (running.size > 10_000) running.clear();
    return ok;
  };
  /** The gap this message must keep from the session's last send: its own, or a stricter running job's. */
  const requiredGap = async (tenantId: string, msg: SendMessage) => {
    let gap = msg.min_gap_ms;
    const jobs = recentJobs.get(msg.session_id);
    for (const [jobId, j] of jobs ?? []) {
      if (jobId === msg.job_id || j.minGapMs <= gap) continue;
      if (d.clock.now() - j.lastAt > Math.max(10 * j.minGapMs, 600_000) || !(await stillRunning(tenantId, jobId))) jobs?.delete(jobId);
      else gap = j.minGapMs;
    }
    return gap;
  };
  const noteJobSend = (msg: SendMessage, at: number) => {
    const jobs = recentJobs.get(msg.session_id) ?? new Map<string, { minGapMs: number; lastAt: number }>();
    recentJobs.set(msg.session_id, jobs);
    jobs.set(msg.job_id, { minGapMs: msg.min_gap_ms, lastAt: at });
  };

  /** Which jobs were told why they wait (once per reason and minute, not once per message). */
  const waitingNoted = new Map<string, string>();

  return {
    noteJobSend,
    /**
     * When this message may go on its session, and why it waits if not now: the session's policy (its
     * floor, burst window and day caps) and the gap of the strictest job sending on it. A reply
     * (`POST /messages/send` to a contact who wrote within 24 h) is exempt from the burst limit and
     * from running campaigns' gaps; the session's floor and day caps still hold.
     */
    async allowed(job: Pick<Job, "tenant_id" | "reply">, msg: SendMessage, now: number): Promise<{ at: number; reason: WaitingReason | null }> {
      const session = await sessionState(job.tenant_id, msg.session_id);
      const policy = job.reply ? { ...session.policy, burst: null } : session.policy;
      const allowed = nextAllowed(policy, session.sends, now, session.pairedAt);
      const gap = session.sends.lastAt === null || job.reply ? 0 : await requiredGap(job.tenant_id, msg);
      if (session.sends.lastAt !== null && session.sends.lastAt + gap > allowed.at) return { at: session.sends.lastAt + gap, reason: allowed.reason };
      return allowed;
    },
    /**
     * Whether this message may go at once after a send made now, decided from what this process already
     * knows (no read; when in doubt, no): the session's policy with that send counted, no gap of its
     * own and no running job on the session with one.
     */
    mayFollow(job: Pick<Job, "reply">, msg: SendMessage, now: number): boolean {
      const session = sessions.get(msg.session_id);
      if (!session || now - session.readAt >= POLICY_TTL_MS || msg.min_gap_ms > 0) return false;
      if (!job.reply) for (const [jobId, j] of recentJobs.get(msg.session_id) ?? []) if (jobId !== msg.job_id && j.minGapMs > 0) return false;
      const policy = job.reply ? { ...session.policy, burst: null } : session.policy;
      const sends = { ...session.sends, recent: [...session.sends.recent] };
      noteSend(sends, now, policy.burst?.max ?? 1);
      return nextAllowed(policy, sends, now, session.pairedAt).at <= now;
    },
    /** Says on the job why it waits (once per reason and minute). */
    async noteWaiting(job: Pick<Job, "tenant_id" | "id">, reason: WaitingReason, at: number) {
      const key = `${reason}@${Math.floor(at / 60_000)}`;
      if (waitingNoted.get(job.id) === key) return;
      waitingNoted.set(job.id, key);
      if (waitingNoted.size > 10_000) waitingNoted.clear();
      await d.store.jobs.setWaiting(job.tenant_id, job.id, reason, at).catch(() => {});
    },
    /**
     * A message was sent at `at`: it counts for the session's policy and its job's gap, and a job that
     * waited no longer waits (called in the lane, so it cannot pass a later wait of the job).
     */
    async noteSent(job: Pick<Job, "tenant_id" | "id">, msg: SendMessage, at: number) {
      const session = sessions.get(msg.session_id);
      if (session) noteSend(session.sends, at, session.policy.burst?.max ?? 1);
      noteJobSend(msg, at);
      if (waitingNoted.delete(job.id)) await d.store.jobs.setWaiting(job.tenant_id, job.id, null, null).catch(() => {});
    },
  };
};
