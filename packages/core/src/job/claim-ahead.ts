import type { Uses } from "../deps";
import type { JobRef } from "./port";
import { LEASE_MS } from "./send-limits";
import { persist } from "./send-parts";

/** What this module uses. */
type D = Uses<"recipients" | "tenants", "claimant" | "clock">;

export type ClaimResult = "claimed" | "job_inactive" | "opted_out" | "not_pending";

/** The claims a session holds from their take until their record (or their undo): see `createClaimCounter`. */
interface Claims {
  add(sessionId: string, n: 1 | -1): void;
}

/**
 * One message's claim, whole or in two steps. The lane may ask for the first step (`start`: the take,
 * `pending` → `sending`) while the session's previous message is being sent; the message's own turn
 * then only confirms it (`claim`: the consistent read of the job and the opt-out list, after that send,
 * as a whole claim would read). So a session's turn waits for one request before its send instead of
 * two, and every guarantee of the claim stands: nothing is sent before its confirmation, a pause, cancel
 * or opt-out committed before the confirmation stops the send, and the lane still confirms a message
 * only once the previous one was sent, so at most one message goes out after a pause returns.
 *
 * A take the turn does not use (the message goes back to the queue: the lane closed or drained, the
 * session is elsewhere, its pacing says later) is given back (`giveBack`: `pending` again, its attempt
 * returned). A crash between the take and the confirmation leaves the recipient `sending`, which
 * recovery turns into `unknown`: never a second send, at most one more such recipient per session
 * than without the take ahead. From its take, the claim counts in `claims`, so a session is not
 * handed over while a take is held.
 */
export const createClaimAhead = (d: D, claims: Claims, job: JobRef, sessionId: string, phone: string, messageId: string) => {
  let held: Promise<{ took: boolean } | { error: unknown }> | undefined;
  const take = async () => d.store.recipients.take(job, phone, d.clock.now() + LEASE_MS, messageId, d.claimant);
  return {
    /** Takes the recipient now (the lane's `prepare`); true when the take started. */
    start(): boolean {
      if (held) return false;
      claims.add(sessionId, 1);
      held = take().then(
        (took) => {
          if (!took) claims.add(sessionId, -1);
          return { took };
        },
        // As for a whole claim that failed: not counted; the message is retried, and a take that did land is left to recovery.
        (error: unknown) => {
          claims.add(sessionId, -1);
          return { error };
        },
      );
      return true;
    },
    /** The claim, as `recipients.claim` answers: the take made ahead confirmed, or a whole claim. Counted in `claims` when `claimed`. */
    async claim(epoch: number): Promise<ClaimResult> {
      const ahead = held;
      held = undefined;
      if (!ahead) {
        const r = await d.store.recipients.claim(job, phone, epoch, d.clock.now() + LEASE_MS, messageId, d.claimant);
        if (r === "claimed") claims.add(sessionId, 1);
        return r;
      }
      const t = await ahead;
      if ("error" in t) throw t.error;
      if (!t.took) return "not_pending";
      let r: ClaimResult | undefined;
      try {
        r = await d.store.recipients.confirm(job, phone, epoch, messageId);
        return r;
      } finally {
        if (r !== "claimed") claims.add(sessionId, -1);
      }
    },
    /** Gives back a take that will not be confirmed (none held: nothing to do). */
    async giveBack(): Promise<void> {
      const ahead = held;
      held = undefined;
      const t = ahead && (await ahead);
      if (!t || !("took" in t) || !t.took) return;
      try {
        await persist(d, () => d.store.recipients.release(job, phone, messageId));
      } finally {
        claims.add(sessionId, -1);
      }
    },
  };
};
