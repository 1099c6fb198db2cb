import { createLogger } from "@outreach/log";
import { createSystemWith } from "@outreach/system/create";
import { domain } from "@outreach/system/domain";
import type { Adapters } from "@outreach/system/serverless";

// Every invocation sweeps, and a sweep runs the timers' repair and job recovery: they are imported with
// the entry (loading them lazily would only move the same load into the first event).
const createSystem = createSystemWith(undefined, async () => domain);

/**
 * The 5-minute repair sweep (the `sweeper` role): overdue schedules and reports fire once, timers due
 * within the next 15 minutes are armed again (arming is idempotent), claims whose lease expired
 * become `unknown`, and running jobs past their watch time (messages lost to the dead-letter queue)
 * are planned again.
 */
export const createSweep = async (adapters: Adapters) => {
  const logger = createLogger({ name: "repair" });
  const system = await createSystem({ roles: ["sweeper"], adapters, logger, durableQueues: true });
  return async () => {
    const result = await system.sweep({ armWithinMs: 15 * 60_000 });
    logger.info(result, "repair sweep");
    return result;
  };
};
