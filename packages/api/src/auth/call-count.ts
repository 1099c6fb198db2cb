import type { Store } from "@outreach/core/port";
import { perStore } from "./per-store";

/**
 * A request's `api_calls` count, written with group commit: while one count of a tenant's day is
 * being written, the requests that arrive for the same tenant and day share the next write (one
 * `ADD n`), and each waits for the write that carries it. The count stays exact and nothing is left
 * unwritten when a request answers (on Lambda nothing may run after the response); what changes is
 * the number of writes: at most one in flight and one waiting per tenant and day in a process,
 * instead of one per request, which on a busy instance queued each request behind the others' writes
 * (BENCHMARKS.md, "API overhead").
 */
type Batch = { n: number; done: Promise<void>; settle: (p: Promise<void>) => void };
type Slot = { writing?: Promise<void>; waiting?: Batch };

const slotsOf = perStore<Slot>();

export const countApiCall = (store: Store, tenantId: string, day: string, n = 1): Promise<void> => {
  const table = slotsOf(store);
  const id = `${tenantId}\u0000${day}`;
  const s: Slot = table.get(id) ?? {};
  table.set(id, s);
  const write = (count: number): Promise<void> => {
    const p = store.tenants.countApiCall(tenantId, day, count).finally(() => {
      const next = s.waiting;
      s.waiting = undefined;
      if (next) {
        s.writing = write(next.n);
        next.settle(s.writing);
      } else {
        s.writing = undefined;
        table.delete(id);
      }
    });
    return p;
  };
  if (!s.writing) {
    s.writing = write(n);
    return s.writing;
  }
  if (!s.waiting) {
    let settle: Batch["settle"] = () => {};
    const done = new Promise<void>((resolve, reject) => {
      settle = (p) => p.then(resolve, reject);
    });
    s.waiting = { n: 0, done, settle };
  }
  s.waiting.n += n;
  return s.waiting.done;
};
