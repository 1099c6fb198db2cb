import type { Ids } from "../id";
import type { NetPolicy } from "../net";
import type { Clock, Queue, Store, Timers } from "../port";

/** What domain services are built from. Composition roots fill it; tests fill it with real local parts. */
export interface Deps {
  store: Store;
  queue: Queue;
  clock: Clock;
  ids: Ids;
  timers: Timers;
  /** Which URLs a tenant may give us to fetch; off by default (local runtime: `OUTREACH_ALLOW_PRIVATE_URLS=1`). */
  net?: NetPolicy;
}
