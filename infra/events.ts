import { sendTo, useTable } from "./permissions";
import { EVENTS_BATCH_WINDOW_SECONDS, EVENTS_CONSUMER_TIMEOUT_SECONDS, events, sends, shardEnvironment } from "./queues";
import { armTimers, scheduler } from "./scheduler";
import { table } from "./storage";

/**
 * The events-queue consumer (planner, snapshots, timers, session control relay), with partial batch
 * failures. Role: the store (`useTable`), `sqs:SendMessage` on events (re-plans, snapshots) and sends
 * (planned messages, session control for the worker), timers (schedules and reports), and what SST's
 * subscription adds for the event source mapping on events only (ReceiveMessage, DeleteMessage,
 * ChangeMessageVisibility, GetQueueAttributes, GetQueueUrl).
 */
events.subscribe(
  {
    handler: "packages/functions/src/events/index.handler",
    runtime: "nodejs22.x",
    architecture: "arm64",
    memory: "1024 MB",
    timeout: `${EVENTS_CONSUMER_TIMEOUT_SECONDS} seconds`,
    link: [table, events, ...sends, scheduler],
    permissions: [useTable(table), sendTo(events, ...sends), ...armTimers],
    environment: { OUTREACH_LOG_LEVEL: "info", ...shardEnvironment },
  },
  { batch: { size: 10, window: `${EVENTS_BATCH_WINDOW_SECONDS} second`, partialResponses: true } },
);
