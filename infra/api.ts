import { events, sends } from "./queues";
import { scheduler } from "./scheduler";
import { table } from "./storage";

/**
 * The HTTP API: a Function URL in response-streaming mode (API Gateway cannot stream), so
 * `/bulk-send/{id}/progress` streams Server-Sent Events. Under `sst dev` the handler is buffered.
 */
export const api = new sst.aws.Function("Api", {
  handler: "packages/functions/src/api/index.handler",
  runtime: "nodejs22.x",
  architecture: "arm64",
  memory: "1024 MB",
  timeout: "5 minutes",
  url: true,
  streaming: !$dev,
  link: [table, events, sends, scheduler],
  environment: { OUTREACH_TRANSPORT: "baileys", OUTREACH_RATE_LIMIT: "100", OUTREACH_LOG_LEVEL: "info" },
});
