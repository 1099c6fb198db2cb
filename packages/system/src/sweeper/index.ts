import { reconcile } from "@outreach/core/job/reconcile";
import { repairWith } from "@outreach/core/timer/repair";
import type { LoadDomain } from "../create";
import type { Domain } from "../domain";

const full = () => import("../domain").then((m) => m.domain);

/**
 * The domain as the repair Lambda loads it: the sweep's own loops — overdue timers, expired claims,
 * stalled jobs — with the entry, and the rest (firing a run, replanning, the handlers) at first use.
 * Every invocation sweeps, and one that finds nothing to fire, the usual case (EventBridge fires the
 * timers), loads no more than the entry.
 */
export const sweeperDomain: LoadDomain = async (): Promise<Domain> => ({
  domainHandlers: async (d) => (await full()).domainHandlers(d),
  fireTimer: async (d, t) => (await full()).fireTimer(d, t),
  repairTimers: repairWith<Parameters<Domain["fireTimer"]>[0]>(async (d, t) => (await full()).fireTimer(d, t)),
  reconcile,
  recoverAtStart: async (d, opts) => (await full()).recoverAtStart(d, opts),
});
