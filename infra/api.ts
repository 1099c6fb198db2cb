import { config } from "./config";
import { NODEJS, writeConsoleAssets } from "./nodejs";
import { statementsOf } from "./permissions";
import { events, sends } from "./queues";
import { API } from "./roles";
import { scheduler } from "./scheduler";
import { cursorKey } from "./secrets";
import { table } from "./storage";
import { arns } from "./targets";

writeConsoleAssets();

/**
 * The HTTP API: a Function URL in response-streaming mode (API Gateway cannot stream), so
 * `/bulk-send/{id}/progress` streams Server-Sent Events. Under `sst dev` the handler is buffered.
 * Its timeout (infra/roles.ts) outlasts the longest stream, so a full stream ends by itself and is
 * never cut off as a timeout. Reserved concurrency is off unless `OUTREACH_API_CONCURRENCY` is set.
 *
 * Role: exactly `GRANTS.api` (infra/grants.ts): the store, events and the shard sends queues (a single
 * message goes to its session's shard), timers. The web console (`/console`) is served by this same
 * function from the generated module written above.
 */
export const api = new sst.aws.Function("Api", {
  handler: API.handler,
  runtime: "nodejs22.x",
  architecture: "arm64",
  memory: `${API.memoryMb} MB`,
  timeout: `${API.timeoutSeconds} seconds`,
  url: true,
  streaming: !$dev,
  nodejs: NODEJS,
  concurrency: config.apiReservedConcurrency > 0 ? { reserved: config.apiReservedConcurrency } : undefined,
  link: [table, events, ...sends, scheduler, cursorKey],
  permissions: statementsOf("api", arns),
  environment: API.environment({ shards: config.shards }),
});
