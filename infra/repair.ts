import { sendTo, useTable } from "./permissions";
import { events, sends, shardEnvironment } from "./queues";
import { armTimers, scheduler } from "./scheduler";
import { table } from "./storage";

/**
 * Every 5 minutes: fire overdue schedules once, re-arm lost timers, and turn expired claims into
 * `unknown`. Role: the store (`useTable`), `sqs:SendMessage` on events only (fired schedules create
 * jobs, stalled jobs are re-planned through events), and timers (re-arming).
 */
export const repair = new sst.aws.Cron("Repair", {
  schedule: "rate(5 minutes)",
  function: {
    handler: "packages/functions/src/repair/index.handler",
    runtime: "nodejs22.x",
    architecture: "arm64",
    timeout: "2 minutes",
    link: [table, events, ...sends, scheduler],
    permissions: [useTable(table), sendTo(events), ...armTimers],
    environment: shardEnvironment,
  },
});
