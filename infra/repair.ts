import { config } from "./config";
import { NODEJS } from "./nodejs";
import { statementsOf } from "./permissions";
import { events, sends } from "./queues";
import { REPAIR } from "./roles";
import { scheduler } from "./scheduler";
import { table } from "./storage";
import { arns } from "./targets";

/**
 * Every 5 minutes: fire overdue schedules once, re-arm lost timers, and turn expired claims into
 * `unknown`. Role: exactly `GRANTS.repair` (infra/grants.ts).
 */
export const repair = new sst.aws.Cron("Repair", {
  schedule: `rate(${REPAIR.everyMinutes} minutes)`,
  function: {
    handler: REPAIR.handler,
    runtime: "nodejs22.x",
    architecture: "arm64",
    memory: `${REPAIR.memoryMb} MB`,
    timeout: `${REPAIR.timeoutSeconds} seconds`,
    nodejs: NODEJS,
    link: [table, events, ...sends, scheduler],
    permissions: statementsOf("repair", arns),
    environment: REPAIR.environment({ shards: config.shards }),
  },
});
