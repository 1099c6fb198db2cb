import type { Deps } from "@outreach/core/deps";
import { iso } from "@outreach/core/port";
import type { Logger } from "@outreach/log";
import { type Effect, type FleetEvent, type FleetState, initialState } from "./machine";
import { createStep } from "./step";

export { TRANSITIONS, targetShards } from "./machine";

/** A shard lease lasts this long unless renewed; another worker takes it only after that. */
export const SHARD_LEASE_MS = 30_000;
/** How often a worker beats, renews its shard leases and balances. */
export const FLEET_ROUND_MS = 5_000;
/** A worker whose heartbeat is older than this is not counted (shorter than a lease, so a dead worker's shards are free by the time the others count without it). */
export const BEAT_TTL_MS = 20_000;

/** What the fleet asks of the process when a shard comes or goes. */
export interface ShardHooks {
  /** Start hosting the shard's sessions and consuming its sends queue. */
  take(shard: number): Promise<void>;
  /**
   * Stop: waiting sends go back to the shard's queue, sends under way finish and are recorded, the
   * shard's sessions are released. Called for a graceful release and for a lease that was lost.
   */
  release(shard: number): Promise<void>;
  /** Sessions hosted now (reported in the heartbeat). */
  sessions(): number;
}

/**
 * Shard ownership by lease: the driver of the fleet machine (`./machine.ts`, `./step.ts`). Every
 * round (5 s) the worker reads the fleet (one query), counts the live workers and balances: under
 * its target it takes free or expired shards; over it, it hands the surplus over gracefully
 * (`hooks.release`, then the lease). Its heartbeat and leases are written every third of their life
 * (7 s and 10 s), not every round. A lease it fails to renew, or finds another worker's, is lost at
 * once: the shard's sessions stop here. The driver performs the machine's effects and feeds their
 * outcome back; it holds the machine's state and nothing else that decides.
 */
export const createFleet = (
  d: Pick<Deps, "store" | "clock">,
  opts: {
    owner: string;
    pid: number;
    shards: number;
    hooks: ShardHooks;
    logger: Logger;
    leaseMs?: number;
    roundMs?: number;
    beatTtlMs?: number;
    random?: () => number;
    /** A round that failed (the store could not be read or written): counted by the worker's metrics. */
    onRoundError?: (err: unknown) => void;
  },
) => {
  const leaseMs = opts.leaseMs ?? SHARD_LEASE_MS;
  const beatTtlMs = opts.beatTtlMs ?? BEAT_TTL_MS;
  const roundMs = opts.roundMs ?? FLEET_ROUND_MS;
  const random = opts.random ?? Math.random;
  const step = createStep({ owner: opts.owner, shards: opts.shards, leaseMs, roundMs, beatTtlMs });
  const startedAt = iso(d.clock.now());
  const fleet = d.store.fleet;
  let state: FleetState = initialState;
  /** Drains under way (a surplus shard's drains while rounds go on). */
  const draining = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const dispatch = async (event: FleetEvent): Promise<void> => {
    const next = step(state, event, d.clock.now());
    state = next.state;
    for (const effect of next.effects) await perform(effect);
  };

  const drain = async (shard: number) => {
    try {
      await opts.hooks.release(shard);
    } catch (e) {
      opts.logger.warn({ err: e, shard }, "shard release did not finish cleanly");
    }
    await dispatch({ type: "drained", shard });
  };

  const perform = async (e: Effect): Promise<void> => {
    switch (e.kind) {
      case "beat":
        return fleet.beat({
          id: opts.owner,
          pid: opts.pid,
          shards: [...state.held.keys()].sort((a, b) => a - b),
          sessions: opts.hooks.sessions(),
          started_at: startedAt,
          expires_at: d.clock.now() + beatTtlMs,
        });
      case "renew":
        return dispatch(
          (await fleet.acquireShard(e.shard, opts.owner, e.at, leaseMs)) ? { type: "renewed", shard: e.shard, at: e.at } : { type: "refused", shard: e.shard },
        );
      case "read": {
        const { workers, leases } = await fleet.state();
        return dispatch({ type: "read", workers, leases, draws: Array.from({ length: opts.shards }, random) });
      }
      case "acquire":
        return dispatch(
          (await fleet.acquireShard(e.shard, opts.owner, e.at, leaseMs)) ? { type: "acquired", shard: e.shard } : { type: "acquire-refused", shard: e.shard },
        );
      case "take":
        try {
          return await opts.hooks.take(e.shard);
        } catch (err) {
          opts.logger.error({ err, shard: e.shard }, "shard start failed; released, to be taken again next round");
          return dispatch({ type: "take-failed", shard: e.shard });
        }
      case "drain": {
        const p = drain(e.shard).catch((err) => opts.logger.warn({ err, shard: e.shard }, "shard drain did not finish cleanly"));
        draining.add(p);
        void p.finally(() => draining.delete(p));
        return e.wait ? p : undefined;
      }
      case "release-lease":
        return fleet.releaseShard(e.shard, opts.owner).catch(() => {});
      case "settle":
        while (draining.size > 0) await Promise.all([...draining]);
        return;
      case "leave":
        return fleet.leave(opts.owner).catch(() => {});
      case "wake":
        setTimeout(tick, e.at - d.clock.now()).unref();
        return;
      case "log":
        return opts.logger[e.level](e.fields, e.msg);
      case "then":
        return dispatch(e.event);
    }
  };

  const tick = () => {
    if (running) return;
    running = dispatch({ type: "tick" })
      .catch((e) => {
        opts.logger.warn({ err: e }, "fleet round failed");
        opts.onRoundError?.(e);
        return dispatch({ type: "round-failed" });
      })
      .finally(() => {
        running = undefined;
      });
  };

  return {
    /** Joins the fleet: the first round runs now (a worker starting alone takes every shard at once). */
    async start() {
      tick();
      await running;
      // Not unref'd: a worker holding no shard (more workers than shards) stays in the fleet until stopped.
      timer = setInterval(tick, roundMs);
    },
    /** Whether this worker sends for the shard (held and not being released). */
    owns: (shard: number) => state.held.get(shard)?.phase === "active",
    shards: () => [...state.held.keys()].sort((a, b) => a - b),
    /** Leaves: no more rounds; every shard released gracefully (the hooks drain it), then the heartbeat removed. */
    async stop() {
      await dispatch({ type: "stop" });
      if (timer) clearInterval(timer);
      await running;
      await dispatch({ type: "leave" });
    },
    /** For tests: one round now. */
    round: () => {
      tick();
      return running ?? Promise.resolve();
    },
  };
};

export type Fleet = ReturnType<typeof createFleet>;
