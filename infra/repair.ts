import { events, sends } from "./queues";
import { scheduler } from "./scheduler";
import { table } from "./storage";

/** Every 5 minutes: fire overdue schedules once, re-arm lost timers, and turn expired claims into `unknown`. */
export const repair = new sst.aws.Cron("Repair", {
  schedule: "rate(5 minutes)",
  job: {
    handler: "packages/functions/src/repair/index.handler",
    runtime: "nodejs22.x",
    architecture: "arm64",
    timeout: "2 minutes",
    link: [table, events, sends, scheduler],
  },
});
