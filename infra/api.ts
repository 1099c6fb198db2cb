import { config } from "./config";
import { sendTo, useTable } from "./permissions";
import { events, sends, shardEnvironment } from "./queues";
import { armTimers, scheduler } from "./scheduler";
import { cursorKey } from "./secrets";
import { table } from "./storage";

/**
 * The HTTP API: a Function URL in response-streaming mode (API Gateway cannot stream), so
 * `/bulk-send/{id}/progress` streams Server-Sent Events. Under `sst dev` the handler is buffered.
 * Reserved concurrency (infra/config.ts) bounds what open streams can take from the account's pool.
 *
 * Role: the store (`useTable`), `sqs:SendMessage` on events only (job snapshot/plan/finalize, session
 * sync/pair, group purge; the sends queue is written by the planner and the worker), and timers
 * (schedules and reports). The sends queues are linked only because the shared composition reads their URLs.
 *
 * The web console (`/console`) is served by this same function: the esbuild plugin builds it from
 * packages/console into the bundle, so every deploy carries the console of its own commit.
 */
export const api = new sst.aws.Function("Api", {
  handler: "packages/functions/src/api/index.handler",
  runtime: "nodejs22.x",
  architecture: "arm64",
  memory: "1024 MB",
  timeout: "5 minutes",
  url: true,
  streaming: !$dev,
  nodejs: { plugins: "packages/console/esbuild-plugin.mjs" },
  concurrency: config.apiReservedConcurrency > 0 ? { reserved: config.apiReservedConcurrency } : undefined,
  link: [table, events, ...sends, scheduler, cursorKey],
  permissions: [useTable(table), sendTo(events), ...armTimers],
  environment: { OUTREACH_TRANSPORT: "baileys", OUTREACH_RATE_LIMIT: "100", OUTREACH_LOG_LEVEL: "info", ...shardEnvironment },
});
