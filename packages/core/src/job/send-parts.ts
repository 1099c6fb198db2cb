import { createHash } from "node:crypto";
import { DateTime } from "luxon";
import type { Uses } from "../deps";
import { isDomainError } from "../error";
import { utcDay } from "../pacing";
import type { Outbound } from "../port";
import { render } from "../template";
import { settingsOf } from "../tenant";
import type { Job } from "./port";

/** What this module uses. */
type D = Uses<"tenants", "clock">;

/**
 * The pieces of one send the sender puts together: our message id, what goes out, the day it counts
 * on, the hard timeout around the transport, the store retries after a send, and the session lane
 * it waits in.
 */

/** Our message id for (job, recipient): a retry of the same message is recognizable by WhatsApp and by us. */
export const messageIdFor = (jobId: string, phone: string) =>
  `3EB0${createHash("sha256").update(`${jobId}:${phone}`).digest("hex").slice(0, 18).toUpperCase()}`;

/** How one send message ended in its lane (the sender acts on it once the lane is free). */
export type Outcome =
  | { kind: "dropped" }
  | { kind: "elsewhere"; soon: boolean }
  | { kind: "later"; at: number }
  | { kind: "opted_out" }
  | { kind: "sent"; messageId: string; at: number }
  | { kind: "error"; result: "retry" | "failed" | "logout" };

/** How soon a send for a session that is reconnecting to WhatsApp is tried again (no attempt spent). */
export const OFFLINE_WAIT_MS = 15_000;

export class SendTimeout extends Error {
  override readonly name = "SendTimeout";
}

export const withTimeout = <T>(p: Promise<T>, ms: number) => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SendTimeout(`the send did not finish within ${Math.round(ms / 1000)} s; not retried to avoid a duplicate`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
};

export type Content = Pick<
  Job,
  | "id"
  | "tenant_id"
  | "session_id"
  | "origin"
  | "reply"
  | "quota_month"
  | "message_type"
  | "message_content"
  | "media_url"
  | "max_consecutive_failures"
  | "send_window"
>;

/** The day a send counts on for the job's `daily_limit`: in its send window's zone, else UTC. */
export const dayIn = (job: Pick<Job, "send_window">, at: number) =>
  job.send_window ? (DateTime.fromMillis(at, { zone: job.send_window.timezone }).toISODate() ?? utcDay(at)) : utcDay(at);

export const outbound = (job: Content, r: { phone: string; name: string | null; fields?: Record<string, string> }, messageId: string): Outbound => {
  const text = job.message_content ? render(job.message_content, r) : undefined;
  return job.media_url
    ? { kind: "media", to: r.phone, url: job.media_url, caption: text, messageId }
    : { kind: "text", to: r.phone, text: text ?? "", messageId };
};

/** Retries a store write for up to ~a minute: used after a send, when giving up would turn `sent` into `unknown`. */
export const persist = async <T>(d: D, fn: () => Promise<T>): Promise<T> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      // Only an unreachable store is worth waiting for; a refused request will be refused again.
      if (attempt >= 12 || !(isDomainError(e) && e.kind === "unavailable")) throw e;
      await d.clock.sleep(Math.min(10_000, 250 * 2 ** attempt));
    }
  }
};

/**
 * Runs `fn` in the session's lane: one at a time per session, not before `notBefore`, and at least
 * `minGapMs` after the previous message the lane sent.
 * `fn` returns whether it sent a message, or `{ retryAt }` to take its turn again at that time.
 * `fn` calls `ahead` when its message is about to be sent: the lane then calls `prepare` of the message
 * that would follow a send made now, if that one is due at once; when `prepare` says it took something
 * ahead (its recipient's claim), that message is the lane's next turn. A message whose turn never
 * comes (the lane closes or drains) ends with `Deferred`, and whatever it took ahead is its own to give back.
 */
export type Lane = ((
  sessionId: string,
  notBefore: number,
  minGapMs: number,
  fn: (ahead: () => void) => Promise<boolean | { retryAt: number }>,
  prepare?: () => boolean,
) => Promise<void>) & {
  /** Messages waiting in a session's lane (not the one being sent). */
  queued?(sessionId: string): number;
  /** How long the lane's current send has been running (0 when none is). */
  stuckFor?(sessionId: string): number;
};

/**
 * A lane whose current send has run this long is stuck (a slow media URL, a hung socket): its waiting
 * messages give their consumer slots back so that other sessions' messages are taken. A lane that
 * moves keeps them: that is the backpressure that keeps a fast job's messages in the queue, not in memory.
 */
export const STUCK_MS = 3000;

/** Messages a stuck lane may hold in memory; more go back to the queue for a while. */
export const LANE_CAP = 256;

/** The tenant's retention decides how long sent messages stay in conversations (read once a minute per tenant). */
export const createRetentionCache = (d: D) => {
  const retentions = new Map<string, { days: number; until: number }>();
  return async (tenantId: string) => {
    const hit = retentions.get(tenantId);
    if (hit && hit.until > d.clock.now()) return hit.days;
    const days = settingsOf(await d.store.tenants.get(tenantId)).retention_days;
    if (retentions.size > 1000) retentions.clear();
    retentions.set(tenantId, { days, until: d.clock.now() + 60_000 });
    return days;
  };
};

/**
 * Claims per session from the claim until their record is written: a session handed over before its
 * record lands would let the next holder settle the claim as `unknown`.
 */
export const createClaimCounter = () => {
  const claimed = new Map<string, number>();
  return {
    add(sessionId: string, n: 1 | -1) {
      const v = (claimed.get(sessionId) ?? 0) + n;
      if (v > 0) claimed.set(sessionId, v);
      else claimed.delete(sessionId);
    },
    busy: (sessionId: string) => (claimed.get(sessionId) ?? 0) > 0,
  };
};
