import { createLogger } from "@outreach/api/log";
import * as Campaign from "@outreach/core/campaign";
import type { Deps } from "@outreach/core/deps";
import * as Report from "@outreach/core/report";
import { repair, Scheduled } from "@outreach/core/schedule";

/**
 * The 5-minute repair sweep: overdue schedules and reports fire once, timers due within the next
 * 15 minutes are armed again (arming is idempotent), claims whose lease expired become `unknown`, and
 * running jobs past their watch time (messages lost to the dead-letter queue) are planned again.
 */
export const createSweep = (deps: Deps) => {
  const logger = createLogger({ name: "repair" });
  return async () => {
    const timers = await repair(
      deps,
      (kind, tenantId, id, runAt) => (kind === "schedule" ? Scheduled.fire(deps, tenantId, id, runAt) : Report.fire(deps, tenantId, id, runAt)),
      { armWithinMs: 15 * 60_000 },
    );
    const claims = await Campaign.reconcile(deps, { sendingBefore: deps.clock.now(), replan: "stalled" });
    logger.info({ ...timers, ...claims }, "repair sweep");
    return { ...timers, ...claims };
  };
};
