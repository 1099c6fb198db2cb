import { type Clock, type Queue, type Timers, type TimerTarget, timerMessage } from "@outreach/core/port";

/**
 * In-process timers for the local runtime: each fires by putting `timer.fire` on the events queue,
 * exactly as an EventBridge Scheduler schedule would. Rebuilt from the store at start (repair sweep).
 */
export const createLocalTimers = (deps: { queue: Queue; clock: Clock }): Timers & { close(): void; armed(): number } => {
  const timers = new Map<string, NodeJS.Timeout>();
  const key = (t: Pick<TimerTarget, "kind" | "id">) => `${t.kind}:${t.id}`;
  const MAX = 2 ** 31 - 1;
  const schedule = (t: TimerTarget) => {
    const wait = Date.parse(t.runAt) - deps.clock.now();
    const handle = setTimeout(
      () => {
        if (Date.parse(t.runAt) - deps.clock.now() > 50) return schedule(t);
        timers.delete(key(t));
        void deps.queue.send("events", [{ body: timerMessage(t) }]).catch(() => schedule({ ...t }));
      },
      Math.max(0, Math.min(MAX, wait)),
    );
    handle.unref();
    timers.set(key(t), handle);
  };
  return {
    async arm(t) {
      const old = timers.get(key(t));
      if (old) clearTimeout(old);
      schedule(t);
    },
    async disarm(t) {
      const old = timers.get(key(t));
      if (old) clearTimeout(old);
      timers.delete(key(t));
    },
    close() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
    armed: () => timers.size,
  };
};
