import type { Uses } from "../deps";
import { mediaKindOf } from "../media";
import { Deferred, type HandlerContext } from "../message/port";
import { shardQueue, type Transport, TransportError } from "../port";
import { shardOf } from "../shard";
import { preview } from "../text";
import { createClaimAhead } from "./claim-ahead";
import { checkCompletion, finalize, pauseOnFailures, pauseSessionJobs } from "./control";
import { messageEvent } from "./events";
import { ref } from "./job";
import type { SendMessage } from "./messages";
import { LEAD_MS } from "./planner";
import { HAND_BACK_S, HOLD_MS, LEASE_MS, MAX_ATTEMPTS, RECORD_BATCH, RECORD_LINGER_MS, SEND_TIMEOUT_MS, SOON_MS } from "./send-limits";
import {
  type Content,
  createClaimCounter,
  dayIn,
  LANE_CAP,
  type Lane,
  messageIdFor,
  OFFLINE_WAIT_MS,
  type Outcome,
  outbound,
  persist,
  SendTimeout,
  STUCK_MS,
  withTimeout,
} from "./send-parts";
import { createSentRecorder } from "./sent-recorder";
import { createSessionPace } from "./session-pace";

export { HAND_BACK_S, HOLD_MS, LEASE_MS, MAX_ATTEMPTS, RECORD_BATCH, RECORD_LINGER_MS, SEND_TIMEOUT_MS, SOON_MS };

/** What this module uses. */
type D = Uses<"activity" | "jobs" | "recipients" | "sessions" | "tenants", "claimant" | "clock" | "events" | "queue">;

/**
 * The sender: claim (recipient pending → sending, then job running at this epoch and number not opted
 * out, read after it; for a message due right after the session's previous one, the first step runs
 * while that one is being sent: `claim-ahead.ts`), send with our message id, record. A crash between
 * send and record leaves the recipient `sending`, which the reconciler turns into `unknown`: it is
 * never sent twice.
 */
export const createSender = (
  d: D,
  transport: Transport,
  lane: Lane,
  opts: {
    sendTimeoutMs?: number;
    /**
     * Where the session is hosted, as this process sees it (absent: every session is ours): `here` (it
     * holds the session's lease), `soon` (its shard is ours but the session's lease not yet, e.g. while
     * the previous owner's lease runs out) or `elsewhere` (another worker's shard).
     */
    hosts?: (sessionId: string) => "here" | "soon" | "elsewhere";
  } = {},
) => {
  const sendTimeoutMs = opts.sendTimeoutMs ?? SEND_TIMEOUT_MS;
  const contents = new Map<string, Content>();
  const content = async (tenantId: string, jobId: string) => {
    const hit = contents.get(jobId);
    if (hit) return hit;
    const job = await d.store.jobs.get(tenantId, jobId);
    if (!job) return undefined;
    if (contents.size > 1000) contents.clear();
    contents.set(jobId, job);
    return job;
  };

  /**
   * Messages of each job being handled in this process. Only the one that brings its job's count to
   * zero checks for completion (one read instead of one per message); whichever process handles a
   * job's last message still sees its count reach zero, so the check always happens at the end.
   */
  const inFlight = new Map<string, number>();
  const lastOfJob = (jobId: string) => {
    const n = (inFlight.get(jobId) ?? 1) - 1;
    if (n <= 0) inFlight.delete(jobId);
    else inFlight.set(jobId, n);
    return n <= 0;
  };
  const complete = async (job: Content) => {
    if (lastOfJob(job.id)) await persist(d, () => checkCompletion(d, job.tenant_id, job.id));
  };

  const record = createSentRecorder(d);

  /** Processes one `send` message; returns a delay in seconds when the message should be retried later. */
  const handle = async (msg: SendMessage & { name?: string | null }, ctx?: HandlerContext): Promise<void> => {
    // A full lane (its session is slow or blocked) takes no more: the message comes back later.
    if ((lane.queued?.(msg.session_id) ?? 0) >= LANE_CAP && (lane.stuckFor?.(msg.session_id) ?? 0) >= STUCK_MS) throw new Deferred(15);
    inFlight.set(msg.job_id, (inFlight.get(msg.job_id) ?? 0) + 1);
    let finished = false;
    try {
      await handleOne(msg, ctx);
      finished = true;
    } finally {
      // A message that failed (it comes back later) still leaves this process's count.
      if (!finished) lastOfJob(msg.job_id);
    }
  };

  /**
   * A send that did not happen. Handled inside the session's lane, so a pause caused by it (failures in
   * a row, a logout) is in place before the lane claims its next message.
   */
  const onSendError = async (job: Content, msg: SendMessage, err: unknown): Promise<"retry" | "failed" | "logout"> => {
    const r = ref(job);
    const kind = err instanceof TransportError ? err.kind : "transient";
    const reason = err instanceof Error ? err.message : String(err);
    // Every move after a send attempt waits out a short store outage rather than leave the claim behind.
    if (kind === "logout") {
      await persist(d, () => d.store.recipients.unclaim(r, msg.phone, "pending", reason));
      await pauseSessionJobs(d, job.tenant_id, msg.session_id);
      // A single message is cancelled, not paused (nobody resumes it): the host may have done so while it was being sent.
      if (job.origin === "message") await finalize(d, job.tenant_id, job.id);
      return "logout";
    }
    // Offline: the socket dropped under the send, nothing went out; it comes back without spending an attempt.
    if (kind === "offline" || (kind === "transient" && msg.attempt < MAX_ATTEMPTS)) {
      await persist(d, () => d.store.recipients.unclaim(r, msg.phone, "pending", reason));
      const delay = kind === "offline" ? OFFLINE_WAIT_MS / 1000 : 5 * 2 ** (msg.attempt - 1);
      const attempt = kind === "offline" ? msg.attempt : msg.attempt + 1;
      await d.queue.send("sends", [{ body: { ...msg, attempt, slot_at: d.clock.now() + delay * 1000 }, delaySeconds: delay }]);
      return "retry";
    }
    // A sent message resets the failures in a row: its record must land before this failure counts.
    await record.drain();
    await persist(d, () => d.store.recipients.unclaim(r, msg.phone, "failed", reason));
    await d.events?.emit(job.tenant_id, [
      messageEvent(
        "message.failed",
        { jobId: job.id, sessionId: job.session_id, phone: msg.phone, messageId: messageIdFor(job.id, msg.phone), at: d.clock.now() },
        { error: reason },
      ),
    ]);
    await pauseOnFailures(d, job);
    return "failed";
  };

  const pace = createSessionPace(d);
  const claims = createClaimCounter();

  /**
   * A send for a session another process hosts (or that no host has taken yet, e.g. during a handover)
   * is queued again after a short delay, as a new message so its receive count does not grow toward
   * the dead-letter queue; one that can no longer be sent (job not running at this epoch) is dropped.
   */
  const handBack = async (msg: SendMessage, at?: number, delay = HAND_BACK_S) => {
    const cur = await d.store.jobs.get(msg.tenant_id, msg.job_id, true);
    if (cur?.status !== "running" || cur.plan_epoch !== msg.epoch) return;
    const delaySeconds = at === undefined ? delay : Math.max(0, Math.min(900, Math.floor((at - d.clock.now() - LEAD_MS) / 1000)));
    await d.queue.send("sends", [{ body: at === undefined ? msg : { ...msg, slot_at: at }, delaySeconds }]);
  };

  const handleOne = async (msg: SendMessage & { name?: string | null }, ctx?: HandlerContext): Promise<void> => {
    const job = await content(msg.tenant_id, msg.job_id);
    if (!job) return void lastOfJob(msg.job_id);
    pace.noteJobSend(msg, d.clock.now());
    const messageId = messageIdFor(job.id, msg.phone);
    const message = outbound(job, { phone: msg.phone, name: msg.name ?? null, fields: msg.fields }, messageId);
    let outcome: Outcome = { kind: "dropped" };
    let soonSince: number | undefined;
    const here = () => (opts.hosts?.(msg.session_id) ?? "here") === "here" && (transport.ready?.(msg.session_id) ?? true);
    const early = createClaimAhead(d, claims, ref(job), msg.session_id, msg.phone, messageId);
    /** `claim` when the message may be claimed now; otherwise what its turn answers the lane. */
    const mayClaim = async (): Promise<"claim" | false | { retryAt: number }> => {
      // Only the holder of the session's lease sends on it; the message goes back for the holder. A
      // session whose shard was just taken over waits here while its lease comes free (up to SOON_MS).
      const where = opts.hosts?.(msg.session_id) ?? "here";
      if (where === "soon") {
        soonSince ??= d.clock.now();
        if (d.clock.now() - soonSince < SOON_MS) return { retryAt: d.clock.now() + 250 };
      }
      if (where !== "here") {
        outcome = { kind: "elsewhere", soon: where === "soon" };
        return false;
      }
      const now = d.clock.now();
      const allowed = await pace.allowed(job, msg, now);
      if (allowed.at > now) {
        if (allowed.reason) await pace.noteWaiting(job, allowed.reason, allowed.at);
        if (allowed.at - now <= HOLD_MS) return { retryAt: allowed.at };
        outcome = { kind: "later", at: allowed.at };
        return false;
      }
      // Reconnecting: back to the queue before the claim, so no attempt is spent.
      if (transport.ready && !transport.ready(msg.session_id)) {
        outcome = { kind: "later", at: now + OFFLINE_WAIT_MS };
        return false;
      }
      return "claim";
    };
    // The lane may take this message's claim while the session's previous message is being sent (see `createClaimAhead`).
    const prepare = () => pace.mayFollow(job, msg, d.clock.now()) && here() && early.start();
    const turn = lane(
      msg.session_id,
      msg.slot_at,
      msg.min_gap_ms,
      async (ahead) => {
        const may = await mayClaim();
        if (may !== "claim") {
          await early.giveBack();
          return may;
        }
        const claim = await early.claim(msg.epoch);
        if (claim === "opted_out") outcome = { kind: "opted_out" };
        if (claim !== "claimed") return false;
        ahead();
        try {
          await withTimeout(transport.send(msg.session_id, message), sendTimeoutMs);
          const at = d.clock.now();
          await pace.noteSent(job, msg, at);
          outcome = { kind: "sent", messageId, at };
          return true;
        } catch (error) {
          try {
            if (error instanceof SendTimeout) {
              await persist(d, () => d.store.recipients.unclaim(ref(job), msg.phone, "unknown", error.message));
              outcome = { kind: "error", result: "failed" };
              return false;
            }
            outcome = { kind: "error", result: await onSendError(job, msg, error) };
            return false;
          } finally {
            claims.add(msg.session_id, -1);
          }
        }
      },
      prepare,
    );
    // From here the message only waits for its session's turn; once that turn is held up by a stuck
    // send, it gives its consumer slot back.
    const watch = ctx && lane.stuckFor ? setInterval(() => (lane.stuckFor?.(msg.session_id) ?? 0) >= STUCK_MS && ctx.waiting(), 500) : undefined;
    try {
      await turn;
    } catch (e) {
      // The turn never came (the lane closed or drained): a claim taken ahead goes back before the message does.
      await early.giveBack();
      throw e;
    } finally {
      if (watch) clearInterval(watch);
    }

    const o = outcome as Outcome;
    if (o.kind === "elsewhere") {
      lastOfJob(job.id);
      // Another worker's shard: back to its shard queue at once for the owner (visibility 0). A message
      // found on another shard's queue (the shard count changed) is queued again, on its own shard's queue.
      if (!o.soon) {
        if (ctx?.queue === undefined || ctx.queue === shardQueue(shardOf(msg.session_id, d.queue.shards))) throw new Deferred(0);
        return handBack(msg, undefined, 0);
      }
      return handBack(msg);
    }
    // Held back past the next day's start (a cap) or a long burst wait: back to the queue until then.
    if (o.kind === "later") {
      lastOfJob(job.id);
      return handBack(msg, o.at);
    }
    if (o.kind === "opted_out") await d.store.recipients.markSkipped(ref(job), msg.phone, "opted out");
    if (o.kind === "sent") {
      const text = message.kind === "text" ? preview(message.text) : preview(message.caption, mediaKindOf(message.url));
      try {
        await record.record({ job, phone: msg.phone, name: msg.name ?? null, text, messageId: o.messageId, at: o.at, day: dayIn(job, o.at) });
      } finally {
        claims.add(msg.session_id, -1);
      }
    }
    // A retried or logged-out recipient is pending again: the job cannot be complete.
    if (o.kind === "error" && o.result !== "failed") return void lastOfJob(job.id);
    return complete(job);
  };

  return {
    handle,
    /** Whether a send on the session is claimed and not yet recorded (its lane may already be free). */
    busy: claims.busy,
    /** Settles once the record of a message this process sent is done; undefined when none is under way. */
    recording: record.recording,
  };
};
