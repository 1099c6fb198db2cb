import { createHash } from "node:crypto";
import type { Deps } from "../deps";
import { dayKey } from "../optout";
import { iso, type Job, type Outbound, type Transport, TransportError } from "../port";
import { checkCompletion, pauseSessionJobs } from "./control";
import { ref } from "./job";
import type { SendMessage } from "./planner";
import { render } from "./template";

/** A claim older than this is taken to be a crash between send and record (the recipient becomes `unknown`). */
export const LEASE_MS = 10 * 60_000;
export const MAX_ATTEMPTS = 3;

/** Our message id for (job, recipient): a retry of the same message is recognizable by WhatsApp and by us. */
export const messageIdFor = (jobId: string, phone: string) =>
  `3EB0${createHash("sha256").update(`${jobId}:${phone}`).digest("hex").slice(0, 18).toUpperCase()}`;

/**
 * Runs `fn` in the session's lane: one at a time per session, not before `notBefore`, and at least
 * `minGapMs` after the previous message the lane sent. `fn` returns whether it sent a message.
 */
export type Lane = (sessionId: string, notBefore: number, minGapMs: number, fn: () => Promise<boolean>) => Promise<void>;

type Content = Pick<Job, "id" | "tenant_id" | "quota_month" | "message_type" | "message_content" | "media_url" | "max_consecutive_failures">;

export const outbound = (job: Content, r: { phone: string; name: string | null }, messageId: string): Outbound => {
  const text = job.message_content ? render(job.message_content, r) : undefined;
  return job.media_url
    ? { kind: "media", to: r.phone, url: job.media_url, caption: text, messageId }
    : { kind: "text", to: r.phone, text: text ?? "", messageId };
};

type Outcome = { kind: "dropped" } | { kind: "opted_out" } | { kind: "sent"; messageId: string; at: number } | { kind: "error"; error: unknown };

/** Retries a store write for up to ~a minute: used after a send, when giving up would turn `sent` into `unknown`. */
const persist = async <T>(d: Pick<Deps, "clock">, fn: () => Promise<T>): Promise<T> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      // Only an unreachable store is worth waiting for; a refused request will be refused again.
      if (attempt >= 12 || (e as { name?: string }).name === "ValidationException") throw e;
      await d.clock.sleep(Math.min(10_000, 250 * 2 ** attempt));
    }
  }
};

/**
 * The sender: claim (job running at this epoch, recipient pending, number not opted out — one
 * transaction), send with our message id, record. A crash between send and record leaves the
 * recipient `sending`, which the reconciler turns into `unknown`: it is never sent twice.
 */
export const createSender = (d: Deps, transport: Transport, lane: Lane) => {
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

  const afterFailure = async (job: Content) => {
    const cur = await d.store.jobs.get(job.tenant_id, job.id, true);
    if (cur && cur.status === "running" && cur.consecutive_failures >= cur.max_consecutive_failures) {
      await d.store.jobs.transition(job.tenant_id, job.id, ["running"], { status: "paused", pause_reason: "failures" }, { bumpEpoch: true });
      return;
    }
    await checkCompletion(d, job.tenant_id, job.id);
  };

  /** Processes one `send` message; returns a delay in seconds when the message should be retried later. */
  const handle = async (msg: SendMessage & { name?: string | null }): Promise<void> => {
    const job = await content(msg.tenant_id, msg.job_id);
    if (!job) return;
    const messageId = messageIdFor(job.id, msg.phone);
    let outcome: Outcome = { kind: "dropped" };
    await lane(msg.session_id, msg.slot_at, msg.min_gap_ms, async () => {
      const claim = await d.store.recipients.claim(ref(job), msg.phone, msg.epoch, d.clock.now() + LEASE_MS, messageId);
      if (claim === "opted_out") outcome = { kind: "opted_out" };
      if (claim !== "claimed") return false;
      try {
        await transport.send(msg.session_id, outbound(job, { phone: msg.phone, name: msg.name ?? null }, messageId));
        outcome = { kind: "sent", messageId, at: d.clock.now() };
        return true;
      } catch (error) {
        outcome = { kind: "error", error };
        return false;
      }
    });

    const r = ref(job);
    const o = outcome as Outcome;
    if (o.kind === "dropped") return;
    if (o.kind === "opted_out") {
      await d.store.recipients.move(r, ["pending"], "skipped", [{ phone: msg.phone, set: { error: "opted out" } }]);
      await checkCompletion(d, job.tenant_id, job.id);
      return;
    }
    if (o.kind === "sent") {
      await persist(d, () =>
        d.store.recipients.move(
          r,
          ["sending"],
          "sent",
          [{ phone: msg.phone, set: { sent_at: iso(o.at), message_id: o.messageId, error: null }, remove: ["lease_until", "gsi1pk", "gsi1sk"] }],
          [
            d.store.recipients.messageIndexPut(
              o.messageId,
              { tenant_id: job.tenant_id, job_id: job.id, phone: msg.phone, quota_month: job.quota_month },
              Math.floor(o.at / 1000) + 60 * 86400,
            ),
            d.store.optouts.activityUpdate(job.tenant_id, dayKey(o.at), { sent: 1 }),
          ],
        ),
      );
      await persist(d, () => checkCompletion(d, job.tenant_id, job.id));
      return;
    }
    const err = o.error;
    const kind = err instanceof TransportError ? err.kind : "transient";
    const reason = err instanceof Error ? err.message : String(err);
    const back = { phone: msg.phone, set: { error: reason }, remove: ["lease_until", "gsi1pk", "gsi1sk"] };
    if (kind === "logout") {
      await d.store.recipients.move(r, ["sending"], "pending", [back]);
      await pauseSessionJobs(d, job.tenant_id, msg.session_id);
      return;
    }
    if (kind === "transient" && msg.attempt < MAX_ATTEMPTS) {
      await d.store.recipients.move(r, ["sending"], "pending", [back]);
      const delay = 5 * 2 ** (msg.attempt - 1);
      await d.queue.send("sends", [{ body: { ...msg, attempt: msg.attempt + 1, slot_at: d.clock.now() + delay * 1000 }, delaySeconds: delay }]);
      return;
    }
    await d.store.recipients.move(r, ["sending"], "failed", [{ ...back, set: { error: reason } }]);
    await afterFailure(job);
  };

  return { handle };
};
