/**
 * Groups writes that arrive close together under the same key into one flush: an item waits at most
 * `lingerMs` for company, a group never exceeds `max` items, and one flush per key runs at a time
 * (items arriving meanwhile form the next group). Each `add` settles when its own group's flush does.
 */
export const createCoalescer = <T>(opts: { max: number; lingerMs: number; flush: (key: string, items: T[]) => Promise<void> }) => {
  interface Waiting {
    item: T;
    resolve: () => void;
    reject: (e: unknown) => void;
  }
  interface Entry {
    waiting: Waiting[];
    flushing: boolean;
    timer?: NodeJS.Timeout;
    /** Callers of `drain`: resolved once nothing waits and no flush runs; until then nothing lingers. */
    drained: (() => void)[];
  }
  const keys = new Map<string, Entry>();

  const run = (key: string, k: Entry) => {
    if (k.flushing) return; // the running flush picks up what waits when it ends
    if (k.waiting.length === 0) {
      keys.delete(key);
      for (const done of k.drained.splice(0)) done();
      return;
    }
    if (k.timer) clearTimeout(k.timer);
    k.timer = undefined;
    const group = k.waiting.splice(0, opts.max);
    k.flushing = true;
    opts
      .flush(
        key,
        group.map((w) => w.item),
      )
      .then(
        () => {
          for (const w of group) w.resolve();
        },
        (e) => {
          for (const w of group) w.reject(e);
        },
      )
      .finally(() => {
        k.flushing = false;
        // Items that came in during the flush have waited already: they go now, unless their own timer is still running.
        if (k.waiting.length >= opts.max || (k.waiting.length > 0 && (!k.timer || k.drained.length > 0))) run(key, k);
        else if (k.waiting.length === 0) run(key, k);
      });
  };

  const add = (key: string, item: T) =>
    new Promise<void>((resolve, reject) => {
      let k = keys.get(key);
      if (!k) {
        k = { waiting: [], flushing: false, drained: [] };
        keys.set(key, k);
      }
      const entry = k;
      entry.waiting.push({ item, resolve, reject });
      if (entry.waiting.length >= opts.max) run(key, entry);
      else
        entry.timer ??= setTimeout(() => {
          entry.timer = undefined;
          run(key, entry);
        }, opts.lingerMs);
    });

  /** Flushes what waits under `key` now; resolves once it is written (or failed) and no flush runs. */
  const drain = (key: string) =>
    new Promise<void>((resolve) => {
      const k = keys.get(key);
      if (!k) return resolve();
      k.drained.push(resolve);
      run(key, k);
    });

  return Object.assign(add, { drain });
};
