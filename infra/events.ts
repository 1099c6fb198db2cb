import { events, sends } from "./queues";
import { scheduler } from "./scheduler";
import { table } from "./storage";

/** The events-queue consumer (planner, snapshots, timers, session control relay), with partial batch failures. */
events.subscribe(
  {
    handler: "packages/functions/src/events/index.handler",
    runtime: "nodejs22.x",
    architecture: "arm64",
    memory: "1024 MB",
    timeout: "90 seconds",
    link: [table, events, sends, scheduler],
    environment: { OUTREACH_LOG_LEVEL: "info" },
  },
  { batch: { size: 10, window: "1 second", partialResponses: true } },
);
