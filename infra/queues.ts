import { config } from "./config";
import { eventsVisibilitySeconds, SENDS_VISIBILITY_SECONDS } from "./roles";

/**
 * Standard queues (per-message delays need them). After 10 receives a message goes to its dead-letter
 * queue, which keeps it 14 days (the SQS maximum) so there is time to look at it; an alarm fires on
 * the first one (infra/alarms.ts).
 *
 * `events`: planner, snapshots, timers, session control. Its Lambda consumer may run
 * `EVENTS.timeoutSeconds` (infra/roles.ts); AWS asks for a visibility timeout of at least 6× the function timeout
 * plus the batching window, so a message is not received twice while Lambda retries a throttled
 * batch. A failed event therefore comes back after 10 minutes (the repair sweep runs every 5).
 * `sends`: one queue per shard (`Sends0 … Sends<K-1>`): a session's messages go to its shard's queue and
 * only the worker holding that shard's lease polls it. The worker holds a message until its slot (up
 * to ~3 s) and sends it with "typing…" first; 5 minutes leaves room for a lane of queued messages.
 * The shard queues share one dead-letter queue (SQS redrives each message back to the queue it came
 * from), so one alarm covers them.
 */
export const EVENTS_VISIBILITY_SECONDS = eventsVisibilitySeconds();

const FOURTEEN_DAYS = 14 * 24 * 60 * 60;
const keepFourteenDays = { queue: { messageRetentionSeconds: FOURTEEN_DAYS } };

export const eventsDlq = new sst.aws.Queue("EventsDlq", { visibilityTimeout: "5 minutes", transform: keepFourteenDays });
export const events = new sst.aws.Queue("Events", {
  visibilityTimeout: `${EVENTS_VISIBILITY_SECONDS} seconds`,
  dlq: { queue: eventsDlq.arn, retry: 10 },
});

export const sendsDlq = new sst.aws.Queue("SendsDlq", { visibilityTimeout: "5 minutes", transform: keepFourteenDays });
export const sends = Array.from(
  { length: config.shards },
  (_, i) => new sst.aws.Queue(`Sends${i}`, { visibilityTimeout: `${SENDS_VISIBILITY_SECONDS} seconds`, dlq: { queue: sendsDlq.arn, retry: 10 } }),
);
