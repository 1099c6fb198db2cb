/** The two queues of the system: `events` (planner, snapshots, timers, session control) and `sends`. */
export type QueueName = "events" | "sends";

export interface OutgoingMessage {
  body: unknown;
  /** Whole seconds, 0–900 (SQS standard queue limit); larger values are clamped. */
  delaySeconds?: number;
}

export interface ReceivedMessage {
  id: string;
  body: unknown;
  receiptHandle: string;
  receiveCount: number;
}

/** Queue port. Delivery is at least once: every consumer must be idempotent. */
export interface Queue {
  send(queue: QueueName, messages: OutgoingMessage[]): Promise<void>;
  receive(queue: QueueName, opts: { max: number; waitSeconds: number; visibilitySeconds?: number }): Promise<ReceivedMessage[]>;
  delete(queue: QueueName, receiptHandles: string[]): Promise<void>;
  /** Make a message visible again after `seconds` (a retry with backoff). */
  release(queue: QueueName, receiptHandle: string, seconds: number): Promise<void>;
}
