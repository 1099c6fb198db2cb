import type { Events } from "../event";
import type { Ids } from "../id";
import type { GuardedPost, NetPolicy } from "../net";
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
  /** Where changes are reported for the tenant's webhooks; absent where nothing listens (unit tests). */
  events?: Events;
  /** POSTs to tenants' own URLs (webhook deliveries) through the outbound-fetch guard. */
  post?: GuardedPost;
  /**
   * Where a domain service reports what it must not swallow but cannot fail the request for (a change
   * stored, its follow-up refused): the composition's logger. Absent in unit tests.
   */
  log?: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Seconds before each webhook retry (default `RETRY_DELAYS_S`; the local runtime's `OUTREACH_WEBHOOK_RETRY_SECONDS`). */
  webhookRetryDelaysS?: readonly number[];
}

/**
 * What a service uses: the store's repositories it touches and the other parts of `Deps` it needs, e.g.
 * `Uses<"jobs" | "recipients", "clock">`. A composition root passes its whole `Deps`; a test or another
 * noun passes only what is named, and `tsc` fails where a service reaches for more than it declared.
 */
export type Uses<R extends keyof Store, K extends Exclude<keyof Deps, "store"> = never> = { store: Pick<Store, R> } & Pick<Deps, K>;
