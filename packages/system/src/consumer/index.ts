import { Deferred, type HandlerContext } from "@outreach/core/message";
import type { Queue, QueueId, ReceivedMessage } from "@outreach/core/port";
import type { Logger } from "@outreach/log";

/**
 * How many `send` messages a sends consumer holds at once. Most wait in their session's lane until their
 * slot (queued ~2 s early), so many paced sessions hold many: 50 sessions hold ~70.
 */
export const SENDS_CONCURRENCY = 256;

export interface Consumer {
  stop(): Promise<void>;
}

/**
 * How long a sends consumer keeps a received message invisible, renewed while it is handled: a worker
 * that dies gives its messages back within this time, not the queue's own (minutes).
 */
export const SENDS_VISIBILITY_S = 30;

/**
 * How long a sends consumer waits for company between receives, and before deletes (`gatherMs`,
 * `deleteWithinMs` below). Paced sends arrive LEAD_MS (2 s) before they are due: a second of
 * gathering leaves them one (at 40 paced sessions a worker made 0.82 receives per message with
 * 500 ms, 0.42 with 1 s: BENCHMARKS.md, "Fleet"); a delete may wait longer, being on nobody's path.
 */
export const SENDS_GATHER_MS = 1000;
export const SENDS_DELETE_WITHIN_MS = 2000;

/**
 * Long-polls a queue and runs `handle` for each message with bounded concurrency. A message is
 * deleted only after its handler succeeded; a failure leaves it to come back (at least once). With
 * `visibilitySeconds`, messages are received invisible for that long and kept invisible while their
 * handler runs (renewed once a third of it has passed), so a consumer that dies gives them back that soon.
 */
export const startConsumer = (opts: {
  queue: Queue;
  name: QueueId;
  handle: (body: unknown, ctx: HandlerContext) => Promise<void>;
  concurrency: number;
  pollers?: number;
  waitSeconds: number;
  visibilitySeconds?: number;
  /**
   * How long a receive waits for company (default: none). A receive that found fewer messages than it
   * asked for is followed by the next one only after up to this long (all of it after a single
   * message, none after a full batch: a busy queue is read at once), so messages that arrive one by
   * one — paced sends — are received several to a request. A message may then wait this long in the
   * queue: keep it well below how early messages arrive before they are due.
   */
  gatherMs?: number;
  /**
   * How long a handled message may wait for its delete, so that deletes go ten to a request (default
   * 50 ms). Keep it well below a third of `visibilitySeconds`: a handled message is no longer kept
   * invisible. A crash loses the deletes still waiting: those messages come back, and their work must
   * refuse to run twice (the sender's claim does).
   */
  deleteWithinMs?: number;
  logger: Logger;
}): Consumer => {
  let stopping = false;
  let inFlight = 0;
  const waiters: (() => void)[] = [];
  const pending = new Set<Promise<void>>();
  const toDelete: string[] = [];
  let flushing: Promise<void> | undefined;
  /** Messages being handled, by receipt handle: when their invisibility ends (with `visibilitySeconds`). */
  const held = new Map<string, number>();
  const visibility = opts.visibilitySeconds;
  const heartbeat = visibility
    ? setInterval(
        () => {
          const now = Date.now();
          // Renewed once a third of it has passed: two checks' worth of margin for a busy event loop.
          const due = [...held].filter(([, until]) => until - now < (visibility * 1000 * 2) / 3).map(([h]) => h);
          if (due.length === 0) return;
          for (const h of due) held.set(h, now + visibility * 1000);
          void opts.queue.extend(opts.name, due, visibility).catch((e) => opts.logger.warn({ err: e, queue: opts.name }, "visibility not extended"));
        },
        Math.max(1000, (visibility * 1000) / 6),
      )
    : undefined;
  heartbeat?.unref();

  const flush = async () => {
    while (toDelete.length > 0) {
      const batch = toDelete.splice(0, 10);
      await opts.queue.delete(opts.name, batch).catch((e) => opts.logger.warn({ err: e, queue: opts.name }, "delete failed; messages will be redelivered"));
    }
  };
  // Deletes go out in batches of 10: at once when a batch is full, else after a wait for company (`deleteWithinMs`).
  let flushTimer: NodeJS.Timeout | undefined;
  const gatherMs = opts.gatherMs ?? 0;
  const scheduleFlush = () => {
    if (toDelete.length >= 10 && !flushing) {
      if (flushTimer) clearTimeout(flushTimer);
      flushTimer = undefined;
      flushing = flush().finally(() => {
        flushing = undefined;
        if (toDelete.length) scheduleFlush();
      });
    } else if (!flushTimer) {
      flushTimer = setTimeout(() => {
        flushTimer = undefined;
        if (!flushing) {
          flushing = flush().finally(() => {
            flushing = undefined;
          });
        }
      }, opts.deleteWithinMs ?? 50);
    }
  };

  /**
   * Reserves room for up to 10 messages; resolves with how many this poller may receive. A poller waits
   * until a quarter of the concurrency (at most 10) is free, so a busy consumer receives in batches
   * instead of one message per request.
   */
  let reserved = 0;
  const batch = Math.max(1, Math.min(10, Math.floor(opts.concurrency / 4)));
  const room = async (): Promise<number> => {
    for (;;) {
      const free = opts.concurrency - inFlight - reserved;
      if (free >= batch || stopping) {
        const n = Math.max(0, Math.min(10, free));
        reserved += n;
        return n;
      }
      await new Promise<void>((r) => waiters.push(r));
    }
  };

  /** Pauses between receives, cut short by `stop`. */
  const pauses = new Set<() => void>();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        pauses.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      pauses.add(done);
    });

  const poll = async () => {
    while (!stopping) {
      const n = await room();
      if (stopping || n === 0) {
        reserved -= n;
        if (stopping) break;
        continue;
      }
      let msgs: ReceivedMessage[] = [];
      // A message's invisibility starts when the queue hands it out: no later than this.
      const asked = Date.now();
      try {
        msgs = await opts.queue.receive(opts.name, { max: n, waitSeconds: opts.waitSeconds, visibilitySeconds: opts.visibilitySeconds });
      } catch (e) {
        if (!stopping) opts.logger.warn({ err: e, queue: opts.name }, "receive failed; retrying");
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      } finally {
        reserved -= n;
        waiters.shift()?.();
      }
      for (const m of msgs) {
        inFlight++;
        if (visibility) held.set(m.receiptHandle, asked + visibility * 1000);
        // A message that only waits for its session's turn gives its slot back: waiting messages of
        // one blocked session must not stop the consumer from taking other sessions' messages.
        let counted = true;
        const uncount = () => {
          if (!counted) return;
          counted = false;
          inFlight--;
          waiters.shift()?.();
        };
        const p = opts
          .handle(m.body, { waiting: uncount, queue: opts.name })
          .then(
            () => {
              held.delete(m.receiptHandle);
              toDelete.push(m.receiptHandle);
              scheduleFlush();
            },
            (e) => {
              held.delete(m.receiptHandle);
              if (e instanceof Deferred) return opts.queue.release(opts.name, m.receiptHandle, e.seconds).catch(() => {});
              opts.logger.error({ err: e, queue: opts.name, message_id: m.id, receive_count: m.receiveCount }, "message failed; it will be retried");
              const backoff = Math.min(300, 2 ** Math.min(m.receiveCount, 8));
              return opts.queue.release(opts.name, m.receiptHandle, backoff).catch(() => {});
            },
          )
          .finally(() => {
            uncount();
            held.delete(m.receiptHandle);
            pending.delete(p);
          });
        pending.add(p);
      }
      // Fewer than asked for: the queue is (nearly) empty, so the next receive waits for company.
      if (gatherMs > 0 && msgs.length > 0 && msgs.length < n && !stopping) await pause(gatherMs * (1 - msgs.length / n));
    }
  };

  const pollers = Array.from({ length: opts.pollers ?? 1 }, () => poll());
  return {
    async stop() {
      stopping = true;
      for (const w of waiters.splice(0)) w();
      for (const p of [...pauses]) p();
      await Promise.allSettled([...pollers, ...pending]);
      if (heartbeat) clearInterval(heartbeat);
      if (flushTimer) clearTimeout(flushTimer);
      await flushing;
      await flush();
    },
  };
};
