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
 * Shard ownership by lease. Every round (5 s) the worker reads the fleet (one query), counts the
 * live workers and balances: under its target it takes free or expired shards (in random order, so
 * workers starting together do not contend for the same one); over it, it releases the surplus
 * gracefully (`hooks.release`, then the lease), so another worker takes them. Its heartbeat and leases
 * are written every third of their life (7 s and 10 s), not every round: one write per shard per 10 s.
 * A lease it fails to renew, or finds another worker's, is lost at once: the shard's sessions stop here.
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
    renewedAt.delete(shard);
    if (why !== "lost") await d.store.fleet.releaseShard(shard, opts.owner).catch(() => {});
    opts.logger.info({ shard, why }, "shard released");
  };

  /** When each held lease was last renewed, and the heartbeat last written: each every third of its life, not every round. */
  const renewedAt = new Map<number, number>();
  let lastBeat = Number.NEGATIVE_INFINITY;
  const beatNow = async () => {
    lastBeat = d.clock.now();
    await beat();
  };

  const round = async () => {
    const now = d.clock.now();
    if (now - lastBeat >= beatTtlMs / 3) await beatNow();
    // Renew: a lease this worker can no longer renew belongs to someone else now.
    for (const [shard, state] of held) {
      if (now - (renewedAt.get(shard) ?? Number.NEGATIVE_INFINITY) < leaseMs / 3) continue;
      if (await d.store.fleet.acquireShard(shard, opts.owner, now, leaseMs)) {
        renewedAt.set(shard, now);
        continue;
      }
      opts.logger.warn({ shard }, "lost the shard lease; stopping its sessions here");
      // A shard being released is already draining.
      if (state === "active") await letGo(shard, "lost");
    }
    if (stopped) return;
    const { workers, leases } = await d.store.fleet.state();
    // A lease another worker holds now (taken after ours expired while this one stalled) is lost here too.
    for (const l of leases) {
      if (l.owner !== opts.owner && held.get(l.shard) === "active") {
        opts.logger.warn({ shard: l.shard, owner: l.owner }, "the shard's lease is another worker's now; stopping its sessions here");
        await letGo(l.shard, "lost");
      }
    }
    const live = workers.filter((w) => w.expires_at > now).length;
    const target = targetShards(opts.shards, live);
    const active = [...held].filter(([, s]) => s === "active").map(([shard]) => shard);
    let changed = false;
    if (active.length > target) {
      // Surplus: the highest-numbered shards go (a deterministic choice, so rounds agree).
      for (const shard of active.sort((a, b) => b - a).slice(0, active.length - target)) void letGo(shard, "surplus").then(beatNow, () => {});
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
        renewedAt.set(shard, d.clock.now());
        changed = true;
        opts.logger.info({ shard, live, target }, "shard taken");
        await opts.hooks.take(shard).catch(async (e) => {
          opts.logger.error({ err: e, shard }, "shard start failed; released, to be taken again next round");
          await letGo(shard, "surplus");
        });
      }
      // Still short, and another worker's lease (a dead one's) runs out before the next round: take it then.
      const short = target - [...held.values()].filter((v) => v === "active").length;
      const next = leases.filter((l) => l.owner !== opts.owner && l.expires_at > now && l.expires_at < now + roundMs).map((l) => l.expires_at);
      if (short > 0 && next.length > 0 && !stopped) setTimeout(tick, Math.min(...next) - d.clock.now() + 50).unref();
    }
    if (changed) await beatNow();
  };

  const tick = () => {
    if (running || stopped) return;
    running = round()
      .catch((e) => {
        opts.logger.warn({ err: e }, "fleet round failed");
        opts.onRoundError?.(e);
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
