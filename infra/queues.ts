/**
 * Standard queues (per-message delays need them). `events`: planner, snapshots, timers, session control;
 * its Lambda consumer may run up to 90 s, so the visibility timeout is 3 minutes. `sends`: the worker
 * holds a message until its slot (up to ~3 s) and sends it with "typing…" first; 5 minutes leaves room
 * for a lane of queued messages. After 10 receives a message goes to its dead-letter queue.
 */
export const eventsDlq = new sst.aws.Queue("EventsDlq", { visibilityTimeout: "5 minutes" });
export const events = new sst.aws.Queue("Events", { visibilityTimeout: "3 minutes", dlq: { queue: eventsDlq.arn, retry: 10 } });

export const sendsDlq = new sst.aws.Queue("SendsDlq", { visibilityTimeout: "5 minutes" });
export const sends = new sst.aws.Queue("Sends", { visibilityTimeout: "5 minutes", dlq: { queue: sendsDlq.arn, retry: 10 } });
