import type { Deps } from "@outreach/core/deps";
import { iso } from "@outreach/core/port";
import type { Logger } from "@outreach/log";

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

/** Shards each live worker aims at: `ceil(K / live workers)`; with every worker there, ownership is balanced ±1. */
export const targetShards = (shards: number, liveWorkers: number) => Math.ceil(shards / Math.max(1, liveWorkers));

/**
 * Shard ownership by lease. Every round (5 s) the worker writes its heartbeat, renews the leases of
 * the shards it holds, counts the live workers and balances: under its target it takes free or expired
 * shards (in random order, so workers starting together do not contend for the same one); over it, it
 * releases the surplus gracefully (`hooks.release`, then the lease), so another worker takes them.
 * A lease it fails to renew is lost at once: the shard's sessions stop here.
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
  },
) => {
  const leaseMs = opts.leaseMs ?? SHARD_LEASE_MS;
  const beatTtlMs = opts.beatTtlMs ?? BEAT_TTL_MS;
  const roundMs = opts.roundMs ?? FLEET_ROUND_MS;
  const random = opts.random ?? Math.random;
  const startedAt = iso(d.clock.now());
  /** Shards this worker holds: `active` ones it sends for; `releasing` ones it drains (leases still renewed). */
  const held = new Map<number, "active" | "releasing">();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const beat = () =>
    d.store.fleet.beat({
      id: opts.owner,
      pid: opts.pid,
      shards: [...held.keys()].sort((a, b) => a - b),
      sessions: opts.hooks.sessions(),
      started_at: startedAt,
      expires_at: d.clock.now() + beatTtlMs,
    });

  const letGo = async (shard: number, why: "surplus" | "lost" | "stop") => {
    held.set(shard, "releasing");
    try {
      await opts.hooks.release(shard);
    } catch (e) {
      opts.logger.warn({ err: e, shard }, "shard release did not finish cleanly");
    }
    held.delete(shard);
    if (why !== "lost") await d.store.fleet.releaseShard(shard, opts.owner).catch(() => {});
    opts.logger.info({ shard, why }, "shard released");
  };

  const round = async () => {
    const now = d.clock.now();
    await beat();
    // Renew: a lease this worker can no longer renew belongs to someone else now.
    for (const [shard, state] of held) {
      if (await d.store.fleet.acquireShard(shard, opts.owner, now, leaseMs)) continue;
      opts.logger.warn({ shard }, "lost the shard lease; stopping its sessions here");
      // A shard being released is already draining.
      if (state === "active") await letGo(shard, "lost");
    }
    if (stopped) return;
    const { workers, leases } = await d.store.fleet.state();
    const live = workers.filter((w) => w.expires_at > now).length;
    const target = targetShards(opts.shards, live);
    const active = [...held].filter(([, s]) => s === "active").map(([shard]) => shard);
    let changed = false;
    if (active.length > target) {
      // Surplus: the highest-numbered shards go (a deterministic choice, so rounds agree).
      for (const shard of active.sort((a, b) => b - a).slice(0, active.length - target)) void letGo(shard, "surplus").then(beat, () => {});
      changed = true;
    } else if (active.length < target) {
      const taken = new Map(leases.map((l) => [l.shard, l]));
      const free = Array.from({ length: opts.shards }, (_, i) => i).filter((i) => {
        const l = taken.get(i);
        return !held.has(i) && (!l || l.expires_at < now || l.owner === opts.owner);
      });
      for (let i = free.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [free[i], free[j]] = [free[j] as number, free[i] as number];
      }
      for (const shard of free.slice(0, target - active.length)) {
        if (stopped || !(await d.store.fleet.acquireShard(shard, opts.owner, d.clock.now(), leaseMs))) continue;
        held.set(shard, "active");
        changed = true;
        opts.logger.info({ shard, live, target }, "shard taken");
        await opts.hooks.take(shard).catch((e) => opts.logger.error({ err: e, shard }, "shard start failed; it is retried next round"));
      }
    }
    if (changed) await beat();
  };

  const tick = () => {
    if (running || stopped) return;
    running = round()
      .catch((e) => opts.logger.warn({ err: e }, "fleet round failed"))
      .finally(() => {
        running = undefined;
      });
  };

  return {
    /** Joins the fleet: the first round runs now (a worker starting alone takes every shard at once). */
    async start() {
      tick();
      await running;
      timer = setInterval(tick, roundMs);
      timer.unref();
    },
    /** Whether this worker sends for the shard (held and not being released). */
    owns: (shard: number) => held.get(shard) === "active",
    shards: () => [...held.keys()].sort((a, b) => a - b),
    /** Leaves: no more rounds; every shard released gracefully (the hooks drain it), then the heartbeat removed. */
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
      await Promise.all([...held.keys()].map((shard) => letGo(shard, "stop")));
      await d.store.fleet.leave(opts.owner).catch(() => {});
    },
    /** For tests: one round now. */
    round: () => {
      tick();
      return running ?? Promise.resolve();
    },
  };
};

export type Fleet = ReturnType<typeof createFleet>;
