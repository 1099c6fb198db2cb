import { mapUnavailable } from "@outreach/aws/errors";
import { createEventBridgeTimers } from "@outreach/aws/scheduler";
import { createSqsClient, createSqsQueue } from "@outreach/aws/sqs";
import { createDb, createStore, parseAuthStateKey, parseCursorKey } from "@outreach/aws/store";
import { createIds } from "@outreach/core/id";
import { systemClock } from "@outreach/core/port";
import { createGuardedPost } from "@outreach/fetch";
import type { Adapters } from "../index";

/** What a deployed process needs to know about its resources (from SST `Resource` in the entry points). */
export interface AwsResources {
  table: string;
  eventsUrl: string;
  /** The sends queue of each shard, in shard order (K = its length). */
  sendsUrls: string[];
  scheduler: { groupName: string; roleArn: string; queueArn: string };
  /** 64 hex characters; encrypts WhatsApp auth state (worker only, where it is required). */
  authStateKey?: string;
  /** 64 hex characters; seals list cursors (the API; absent elsewhere: a key of the process). */
  cursorKey?: string;
  /** The worker: refuse to store or read WhatsApp credentials without the key. */
  requireAuthKey?: boolean;
}

/**
 * The shard queues from SST's linked resources: `Sends0 … Sends<K-1>`, K from `OUTREACH_SHARDS` (set
 * by infra beside the links). A missing link is a deploy mistake: said plainly at start.
 */
export const sendsUrlsOf = (resource: Record<string, unknown>, shards: number): string[] =>
  Array.from({ length: shards }, (_, i) => {
    const url = (resource[`Sends${i}`] as { url?: string } | undefined)?.url;
    if (!url) throw new Error(`the sends queue of shard ${i} (Sends${i}) is not linked; OUTREACH_SHARDS=${shards} must match infra's shard count`);
    return url;
  });

/** The adapters on AWS: the DynamoDB store, the SQS queues and EventBridge Scheduler timers. */
export const composeAws = (r: AwsResources): Adapters => {
  const store = createStore(createDb({ table: r.table, cursorKey: r.cursorKey ? parseCursorKey(r.cursorKey) : undefined }), {
    authKey: r.authStateKey ? parseAuthStateKey(r.authStateKey) : undefined,
    requireAuthKey: r.requireAuthKey,
  });
  const queue = createSqsQueue({ client: createSqsClient(), urls: { events: r.eventsUrl, sends: r.sendsUrls } });
  const timers = createEventBridgeTimers({
    client: (sdk) => {
      const scheduler = new sdk.SchedulerClient({});
      mapUnavailable(scheduler);
      return scheduler;
    },
    ...r.scheduler,
  });
  // Webhook deliveries go through the guard with its defaults: no private or loopback URL, ever, on AWS.
  return { store, queue, timers, clock: systemClock, ids: createIds(), post: createGuardedPost() };
};
