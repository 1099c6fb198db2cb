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
  /**
   * This process's identity in recipient claims (owner id plus a per-start random part). Start-up
   * recovery only settles claims of other claimants, and only once their session's lease is ours.
   */
  claimant?: string;
}
