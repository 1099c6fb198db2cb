import type { Deps } from "@outreach/core/deps";
import * as Jobs from "@outreach/core/job";

/**
 * Who may settle whose claims, in one place. Every sender records its claims with its claimant id
 * (owner plus a per-start random part), and sends only on sessions whose lease its host holds:
 * - at start, claims whose own lease (10 minutes) ran out become `unknown`: nobody can still be
 *   sending them; claims still within their lease are left to the session's next lease holder;
 * - when a host takes a session's lease (`Jobs.recoverSession`), the claims on it by any other
 *   claimant become `unknown`: their sender lost the session and cannot record them any more.
 * So a new task that starts while the old one drains never touches the old task's in-flight sends,
 * and a restarted process (same owner, new claimant) settles what its previous start left behind.
 */
export const recoverAtStart = (d: Deps, opts: { durableQueues: boolean }) => Jobs.reconcile(d, { sendingBefore: d.clock.now(), replan: !opts.durableQueues });

export { claimantId } from "./claimant";
