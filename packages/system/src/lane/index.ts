import type { Lane } from "@outreach/core/job";
import { Deferred } from "@outreach/core/message";
import type { Clock } from "@outreach/core/port";

interface Entry {
  notBefore: number;
  /** The message's own slot (ties go to the earlier slot, so two jobs held to one gap take turns). */
  slot: number;
  minGapMs: number;
  fn: (ahead: () => void) => Promise<boolean | { retryAt: number }>;
  /** Takes this message's claim ahead, while the message before it is being sent (see `Lane`). */
  prepare?: () => boolean;
  /** Its claim was taken ahead: it is the lane's next turn. */
  prepared?: boolean;
  done: (e?: unknown) => void;
}

/**
 * Per-session send lanes: one message at a time per session, earliest slot first, held until its slot
 * to the millisecond and never closer than `minGapMs` to the session's previous message.
 */
export const createLanes = (
  clock: Clock,
): Lane & { idle(): boolean; close(): void; drain(which: (sessionId: string) => boolean): void; busy(sessionId: string): boolean } => {
  let closed = false;
  const lanes = new Map<string, { queue: Entry[]; busy: boolean; busySince: number; lastSent: number; timer?: NodeJS.Timeout }>();
  const insert = (queue: Entry[], entry: Entry) => {
    const idx = queue.findIndex((q) => q.notBefore > entry.notBefore);
    if (idx === -1) queue.push(entry);
    else queue.splice(idx, 0, entry);
  };

  /**
   * The entry that may go first after a send at `lastSent` (its slot, and its own gap from that send): a
   * message of a job with a long gap never holds up another job's message that may go sooner.
   */
  const first = (queue: Entry[], lastSent: number) => {
    let pick = -1;
    let at = Number.POSITIVE_INFINITY;
    queue.forEach((e, i) => {
      const t = Math.max(e.notBefore, lastSent + e.minGapMs);
      if (t < at || (t === at && e.slot < (queue[pick] as Entry).slot)) {
        at = t;
        pick = i;
      }
    });
    return { pick, at };
  };

  /** The message being sent is about to go: the one due at once after it may take its claim now. */
  const ahead = (queue: Entry[]) => {
    if (closed || queue.some((e) => e.prepared)) return;
    const now = clock.now();
    const { pick, at } = first(queue, now);
    const next = queue[pick];
    if (!next?.prepare || at > now) return;
    next.prepared = next.prepare();
  };

  const pump = (id: string) => {
    const lane = lanes.get(id);
    if (!lane || lane.busy) return;
    // An entry whose claim was taken ahead goes first (it was due when taken); otherwise the earliest.
    const held = lane.queue.findIndex((e) => e.prepared);
    const { pick, at } = held >= 0 ? { pick: held, at: clock.now() } : first(lane.queue, lane.lastSent);
    const next = lane.queue[pick];
    if (!next) return;
    const wait = at - clock.now();
    if (lane.timer) clearTimeout(lane.timer);
    if (wait > 0) {
      lane.timer = setTimeout(() => pump(id), wait);
      return;
    }
    lane.queue.splice(pick, 1);
    lane.busy = true;
    lane.busySince = clock.now();
    const finish = (e?: unknown) => {
      lane.busy = false;
      next.done(e);
      pump(id);
    };
    const queue = lane.queue;
    next
      .fn(() => ahead(queue))
      .then((sent) => {
        if (typeof sent === "object") {
          // Held back (the session's pacing policy): the message takes its turn again at `retryAt`.
          lane.busy = false;
          if (closed) return next.done(new Deferred(0));
          insert(lane.queue, { ...next, notBefore: sent.retryAt, prepared: false });
          return pump(id);
        }
        if (sent) lane.lastSent = clock.now();
        finish();
      }, finish);
  };

  const run: Lane = (sessionId, notBefore, minGapMs, fn, prepare) =>
    new Promise<void>((resolve, reject) => {
      if (closed) return reject(new Deferred(0));
      let lane = lanes.get(sessionId);
      if (!lane) {
        lane = { queue: [], busy: false, busySince: 0, lastSent: 0 };
        lanes.set(sessionId, lane);
      }
      const entry: Entry = { notBefore, slot: notBefore, minGapMs, fn, prepare, done: (e) => (e ? reject(e) : resolve()) };
      insert(lane.queue, entry);
      pump(sessionId);
    });

  return Object.assign(run, {
    /**
     * Shutting down: messages waiting for their turn go back to their queue at once (for the session's
     * next host) and new ones are refused the same way; sends already under way finish and are recorded.
     */
    close() {
      closed = true;
      for (const lane of lanes.values()) {
        if (lane.timer) clearTimeout(lane.timer);
        for (const e of lane.queue.splice(0)) e.done(new Deferred(0));
      }
    },
    /**
     * A shard leaving this worker: messages waiting in the lanes of its sessions go back to their queue
     * at once (for the shard's next owner); sends under way finish and are recorded.
     */
    drain(which: (sessionId: string) => boolean) {
      for (const [id, lane] of lanes) {
        if (!which(id)) continue;
        if (lane.timer) clearTimeout(lane.timer);
        for (const e of lane.queue.splice(0)) e.done(new Deferred(0));
      }
    },
    busy: (sessionId: string) => lanes.get(sessionId)?.busy ?? false,
    idle: () => [...lanes.values()].every((l) => !l.busy && l.queue.length === 0),
    queued: (sessionId: string) => lanes.get(sessionId)?.queue.length ?? 0,
    stuckFor: (sessionId: string) => {
      const lane = lanes.get(sessionId);
      return lane?.busy ? clock.now() - lane.busySince : 0;
    },
  });
};
