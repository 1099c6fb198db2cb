import type { QueueMessages } from "../message";

/**
 * The queues of the system, by what they carry: `events` (planner, snapshots, timers, session control)
 * and `sends`, which is one queue per shard. A producer names `sends`; the adapter puts each message on
 * its session's shard queue (`shardOf(session_id, shards)`). A consumer receives from one queue.
 */
export type QueueName = "events" | "sends";

/** A sends queue of one shard. */
export type ShardQueue = `sends-${number}`;
/** A queue a consumer receives from: the events queue or one shard's sends queue. */
export type QueueId = "events" | ShardQueue;

export const shardQueue = (shard: number): ShardQueue => `sends-${shard}`;

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
  /** How many shard queues `sends` has (K). */
  readonly shards: number;
  send<Q extends QueueName>(queue: Q, messages: OutgoingMessage<QueueMessages[Q]>[]): Promise<void>;
  receive(queue: QueueId, opts: { max: number; waitSeconds: number; visibilitySeconds?: number }): Promise<ReceivedMessage[]>;
  delete(queue: QueueId, receiptHandles: string[]): Promise<void>;
  /** Make a message visible again after `seconds` (a retry with backoff). */
  release(queue: QueueId, receiptHandle: string, seconds: number): Promise<void>;
  /** Keep messages still being handled invisible for `seconds` from now (a consumer's heartbeat). */
  extend(queue: QueueId, receiptHandles: string[], seconds: number): Promise<void>;
  /** Messages visible in the queue now (SQS's approximate count): sends already due that no consumer took. */
  backlog?(queue: QueueId): Promise<number>;
}
