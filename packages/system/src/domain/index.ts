import * as Jobs from "@outreach/core/job";
import { domainHandlers } from "@outreach/core/message/handlers";
import * as Timer from "@outreach/core/timer";
import { recoverAtStart } from "../ownership";

/**
 * The domain's code that the roles run on received messages and in the background: the handlers of
 * the domain's own queue messages, the timers' repair, job recovery. `createSystemWith` takes it
 * from a loader: the worker, the local runtime and the repair sweep (which runs it at every
 * invocation) import this module statically; the events and API Lambdas import it at the first
 * message that needs it (`@outreach/system/serverless`), so their cold start does not load what it
 * reaches — planning, recurrence and report rendering, and with them luxon, croner and the report
 * templates.
 */
export const domain = { domainHandlers, repairTimers: Timer.repair, reconcile: Jobs.reconcile, recoverAtStart };

export type Domain = typeof domain;
