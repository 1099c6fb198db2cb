import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { createEventBridgeTimers } from "@outreach/aws/scheduler";
import { createSqsClient, createSqsQueue } from "@outreach/aws/sqs";
import { createDb, createStore } from "@outreach/aws/store";
import type { Deps } from "@outreach/core/deps";
import { createIds } from "@outreach/core/id";
import { systemClock } from "@outreach/core/port";

/** What a deployed process needs to know about its resources (from SST `Resource` in the entry points). */
export interface AwsResources {
  table: string;
  eventsUrl: string;
  sendsUrl: string;
  scheduler: { groupName: string; roleArn: string; queueArn: string };
  /** 64 hex characters; encrypts WhatsApp auth state (worker only). */
  authStateKey?: string;
}

/** Builds the domain's dependencies on AWS: the DynamoDB store, the SQS queues and EventBridge timers. */
export const composeAws = (r: AwsResources): Deps & { store: ReturnType<typeof createStore> } => {
  const store = createStore(createDb({ table: r.table }), { authKey: r.authStateKey ? Buffer.from(r.authStateKey, "hex") : undefined });
  const queue = createSqsQueue({ client: createSqsClient(), urls: { events: r.eventsUrl, sends: r.sendsUrl } });
  const timers = createEventBridgeTimers({ client: new SchedulerClient({}), ...r.scheduler });
  return { store, queue, timers, clock: systemClock, ids: createIds() };
};
