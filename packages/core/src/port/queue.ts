import type { QueueMessages } from "../message";

/** The two queues of the system: `events` (planner, snapshots, timers, session control) and `sends`. */
export type QueueName = "events" | "sends";

export interface OutgoingMessage<B = unknown> {
  body: B;
  /** Whole seconds, 0–900 (SQS standard queue limit); larger values are clamped. */
  delaySeconds?: number;
}

export interface ReceivedMessage {
  id: string;
  body: unknown;
  receiptHandle: string;
  receiveCount: number;
}

/** Queue port. Delivery is at least once: every consumer must be idempotent. Bodies are typed per queue. */
export interface Queue {
  send<Q extends QueueName>(queue: Q, messages: OutgoingMessage<QueueMessages[Q]>[]): Promise<void>;
  receive(queue: QueueName, opts: { max: number; waitSeconds: number; visibilitySeconds?: number }): Promise<ReceivedMessage[]>;
  delete(queue: QueueName, receiptHandles: string[]): Promise<void>;
  /** Make a message visible again after `seconds` (a retry with backoff). */
  release(queue: QueueName, receiptHandle: string, seconds: number): Promise<void>;
}
