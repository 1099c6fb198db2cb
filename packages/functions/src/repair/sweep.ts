import { createLogger } from "@outreach/log";
import { createSystemWith } from "@outreach/system/create";
import type { Adapters } from "@outreach/system/serverless";
import { sweeperDomain } from "@outreach/system/sweeper";

const createSystem = createSystemWith(undefined, sweeperDomain);

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
