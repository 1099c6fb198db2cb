/**
 * Each deployed role's settings and environment, as data: infra/api.ts, events.ts, repair.ts and
 * worker.ts declare their resources from it, and the stage test (`npm run test:stage`) runs the built
 * bundles with exactly this environment, these timeouts and these event-source settings. Plain data
 * with no SST globals, so both can import it. Links (SST `Resource`) are listed by name; the values are
 * what the linked resources expose (infra/permissions.ts: a table's `name`, a queue's `url`, the
 * scheduler's group, role and target).
 */

/** The resources a role reads through SST's `Resource` (every role reads them all; `SendsN` stands for each shard's queue). */
export const LINKS = ["Table", "Events", "Sends", "Scheduler"] as const;

/** Longest life of a `/progress` stream (the API's `STREAM_MAX_SECONDS`): the API's timeout must outlast it. */
export const STREAM_MAX_SECONDS = 300;

export interface LambdaRole {
  /** The entry, as SST's `handler` (file without extension, then the export). */
  handler: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: (o: { shards: number }) => Record<string, string>;
}

export const API: LambdaRole & { streaming: true } = {
  handler: "packages/functions/src/api/index.handler",
  // A full stream (300 s) ends by itself, well before the function would be cut off.
  timeoutSeconds: STREAM_MAX_SECONDS + 45,
  memoryMb: 1024,
  streaming: true,
  environment: ({ shards }) => ({
    OUTREACH_TRANSPORT: "baileys",
    OUTREACH_RATE_LIMIT: "100",
    OUTREACH_LOG_LEVEL: "info",
    OUTREACH_SHARDS: String(shards),
  }),
};

/**
 * The events-queue consumer. AWS asks the queue's visibility timeout to be at least 6× the function's
 * timeout plus the batching window, so a message is not received twice while Lambda retries a
 * throttled batch (infra/queues.ts sets 600 s).
 */
export const EVENTS: LambdaRole & { batch: { size: number; windowSeconds: number; partialResponses: true } } = {
  handler: "packages/functions/src/events/index.handler",
  timeoutSeconds: 90,
  memoryMb: 1024,
  batch: { size: 10, windowSeconds: 1, partialResponses: true },
  environment: ({ shards }) => ({ OUTREACH_LOG_LEVEL: "info", OUTREACH_SHARDS: String(shards) }),
};

/**
 * The events queue's visibility timeout: AWS asks at least 6× the consumer's timeout plus its batching
 * window (so a message is not received twice while Lambda retries a throttled batch); 10 minutes.
 */
export const eventsVisibilitySeconds = () => Math.max(600, 6 * EVENTS.timeoutSeconds + EVENTS.batch.windowSeconds);

/** The shard sends queues' visibility timeout: room for a lane of queued messages (the worker extends it while a send is handled). */
export const SENDS_VISIBILITY_SECONDS = 300;

/** The repair sweep, on a schedule. */
export const REPAIR: LambdaRole & { everyMinutes: number } = {
  handler: "packages/functions/src/repair/index.handler",
  timeoutSeconds: 120,
  memoryMb: 1024,
  everyMinutes: 5,
  environment: ({ shards }) => ({ OUTREACH_SHARDS: String(shards) }),
};

/** The CloudWatch namespace of the metrics the workers publish (dimension `Stage`). */
export const METRICS_NAMESPACE = "Outreach";

/** The worker task (the image's entry), its liveness port and how long ECS waits after SIGTERM. */
/** The port of the worker's liveness endpoint (`GET /live` on 127.0.0.1 inside the task). */
const WORKER_HEALTH_PORT = 8080;

export const WORKER = {
  entry: "packages/worker/src/main.ts",
  healthPort: WORKER_HEALTH_PORT,
  /** Seconds ECS waits after SIGTERM before SIGKILL (Fargate's maximum): the lanes drain in this time. */
  stopTimeoutSeconds: 120,
  /** ECS injects the auth-state key from its SSM parameter under this name. */
  authStateKeyEnv: "OUTREACH_AUTH_STATE_KEY",
  environment: ({ shards, stage, waVersion }: { shards: number; stage: string; waVersion?: string }) => ({
    OUTREACH_LOG_LEVEL: "info",
    OUTREACH_HEALTH_PORT: String(WORKER_HEALTH_PORT),
    OUTREACH_SHARDS: String(shards),
    // Its metrics (sessions, backlog, sent, failed, logged out) as embedded-metric-format log lines.
    OUTREACH_METRICS_NAMESPACE: METRICS_NAMESPACE,
    OUTREACH_STAGE: stage,
    // The WhatsApp Web version Baileys announces, when set (after a 405 "update required").
    ...(waVersion ? { OUTREACH_WA_VERSION: waVersion } : {}),
  }),
};

/** The Lambda roles by name (as in dist/functions/<name>). */
export const LAMBDAS = { api: API, events: EVENTS, repair: REPAIR } as const;
