import type { Deps } from "@outreach/core/deps";
import * as Jobs from "@outreach/core/job";
import { domainHandlers } from "@outreach/core/message/handlers";
import * as Timer from "@outreach/core/timer";
import { recoverAtStart } from "../ownership";

type DomainHandlers = ReturnType<typeof domainHandlers>;

/** What `createSystemWith` runs of the domain: its messages' handlers, the timers' repair, job recovery. */
export interface Domain {
  domainHandlers: (d: Deps) => DomainHandlers | Promise<DomainHandlers>;
  fireTimer: typeof Timer.fire;
  repairTimers: typeof Timer.repair;
  reconcile: typeof Jobs.reconcile;
  recoverAtStart: typeof recoverAtStart;
}

/**
 * The domain's code that the roles run on received messages and in the background. `createSystemWith`
 * takes it from a loader: the worker and the local runtime import this module statically; the events
 * and API Lambdas at the first message that needs it (`@outreach/system/serverless`), and the repair
 * sweep at the first overdue run (`@outreach/system/sweeper`), so their cold starts do not load what
 * it reaches — planning, recurrence and report rendering, and with them luxon, croner and the report
 * templates.
 */
export const domain: Domain = { domainHandlers, fireTimer: Timer.fire, repairTimers: Timer.repair, reconcile: Jobs.reconcile, recoverAtStart };
