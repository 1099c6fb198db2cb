import type { QueueId } from "../port/queue";

/**
 * What a consumer offers a handler: `waiting()` says the message now only waits for its turn (a
 * session's lane), so it need not hold one of the consumer's slots.
 */
export interface HandlerContext {
  waiting(): void;
  /** The queue the message came from (a send compares it with its session's shard queue). */
  queue?: QueueId;
}

/** Thrown by a handler that cannot take the message now: it goes back to its queue for `seconds`. */
export class Deferred extends Error {
  override readonly name = "Deferred";
  constructor(readonly seconds: number) {
    super(`deferred for ${seconds} s`);
  }
}
