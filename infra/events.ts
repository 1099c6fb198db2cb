import { config } from "./config";
import { NODEJS } from "./nodejs";
import { statementsOf } from "./permissions";
import { events, sends } from "./queues";
import { EVENTS } from "./roles";
import { scheduler } from "./scheduler";
import { table } from "./storage";
import { arns } from "./targets";

/**
 * The events-queue consumer (planner, snapshots, timers, session control relay), with partial batch
 * failures. Role: exactly `GRANTS.events` (infra/grants.ts); the receive/delete/visibility actions of
 * the event source mapping on events are added by SST's subscription.
 */
export const eventsSubscriber = events.subscribe(
  {
    handler: EVENTS.handler,
    runtime: "nodejs22.x",
    architecture: "arm64",
    memory: `${EVENTS.memoryMb} MB`,
    timeout: `${EVENTS.timeoutSeconds} seconds`,
    nodejs: NODEJS,
    link: [table, events, ...sends, scheduler],
    permissions: statementsOf("events", arns),
    environment: EVENTS.environment({ shards: config.shards }),
  },
  { batch: { size: EVENTS.batch.size, window: `${EVENTS.batch.windowSeconds} second`, partialResponses: EVENTS.batch.partialResponses } },
);
