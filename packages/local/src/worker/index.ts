import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createSqsClient, createSqsQueue, ensureQueues } from "@outreach/aws/sqs";
import { createDb, createStore, parseAuthStateKey } from "@outreach/aws/store";
import { createIds } from "@outreach/core/id";
import { systemClock } from "@outreach/core/port";
import { createGuardedFetch } from "@outreach/fetch";
import { createLogger, keepServingOnUnhandledRejection } from "@outreach/log";
import { createSystem } from "@outreach/system";
import { createSandboxTransport } from "@outreach/whatsapp/sandbox";
import { createLocalTimers } from "../timers";

/** What a worker needs to know about the runtime that started it (from `<dataDir>/runtime.json`). */
export interface RuntimeInfo {
  dynamodb_endpoint: string;
  sqs_endpoint: string;
  table: string;
  /** The stage's shard count (its sends queues). */
  shards: number;
}

/**
 * A local worker process (`OUTREACH_WORKERS=N`): the `host` and `sender` roles with sandbox sessions,
 * on the runtime's DynamoDB Local and SQS server — the shape of a Fargate worker task. It joins the
 * fleet (its share of the shards), so a test can add one, stop one (SIGTERM: clean handover) or kill
 * one (SIGKILL) while the others take its shards over.
 */
export const startWorker = async (opts: { dataDir: string; id: string; logLevel: string; allowPrivateUrls?: boolean }) => {
  const logger = createLogger({ level: opts.logLevel, name: `worker-${opts.id}` });
  keepServingOnUnhandledRejection(logger);
  const info = JSON.parse(readFileSync(join(opts.dataDir, "runtime.json"), "utf8")) as RuntimeInfo;
  const db = createDb({ table: info.table, endpoint: info.dynamodb_endpoint });
  const store = createStore(db, { authKey: parseAuthStateKey(readFileSync(join(opts.dataDir, "auth-state-key"), "utf8")) });
  const sqsClient = createSqsClient({ endpoint: info.sqs_endpoint });
  const queue = createSqsQueue({ urls: await ensureQueues(sqsClient, "outreach", info.shards), client: sqsClient, firstMessageFirst: true });
  const clock = systemClock;
  const timers = createLocalTimers({ queue, clock });
  const net = { allowLoopback: opts.allowPrivateUrls === true };
  const fetchMedia = createGuardedFetch(net);
  const system = await createSystem({
    roles: ["host", "sender"],
    adapters: { store, queue, clock, ids: createIds(), timers, net },
    logger,
    // The runtime's SQS server outlives its workers: what is queued stays queued.
    durableQueues: true,
    pollWaitSeconds: 1,
    owner: `local-worker-${opts.id}-${randomBytes(3).toString("hex")}`,
    transport: (events) => createSandboxTransport({ outbox: store.sandbox, events, clock, fetchMedia }),
  });
  await system.start({ poll: ["sends"] });
  logger.info({ pid: process.pid }, "worker started");
  return {
    async stop() {
      await system.stop();
      timers.close();
    },
  };
};
