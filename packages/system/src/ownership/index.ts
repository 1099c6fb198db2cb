import type { Deps } from "@outreach/core/deps";
import * as Jobs from "@outreach/core/job";

/**
 * The single-owner assumptions of today's deployment, in one place (the fleet will replace them with
 * shard leases):
 * - exactly one process runs the `sender` role (one Fargate task; the local runtime), so at its start
 *   every recipient left `sending` was claimed by a sender that is gone: it becomes `unknown`, never
 *   resent;
 * - the session leases (`host`) still guard each socket, so a second host never takes a live session.
 * `infra/worker.ts` keeps the one task (min = max = 1, old task stopped before the new one starts).
 */
export const SINGLE_SENDER = true;

export const recoverAtStart = (d: Deps, opts: { durableQueues: boolean }) =>
  Jobs.reconcile(d, { sendingBefore: SINGLE_SENDER ? Number.MAX_SAFE_INTEGER : d.clock.now(), replan: !opts.durableQueues });
