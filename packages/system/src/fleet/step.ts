import { activeShards, type Effect, type FleetConfig, type FleetEvent, type FleetState, next, phaseOf, shift, shiftAll, targetShards } from "./machine";

export interface Step {
  state: FleetState;
  effects: Effect[];
}

/**
 * One round, in the order its store calls happen: beat (every third of the heartbeat's life), renew
 * the leases that are due (one at a time, every third of a lease's life), read the fleet, stop the
 * shards another worker holds now, then balance on `ceil(K / live workers)`: over it, the
 * highest-numbered shards are handed over; under it, free or expired shards are taken in random order
 * (one acquisition, then its start, then the next). Still short while a dead owner's lease runs out
 * before the next round: wake up then. A round that changed what this worker holds ends with a beat.
 */
export const createStep =
  (c: FleetConfig) =>
  (s: FleetState, e: FleetEvent, now: number): Step => {
    const round = s.round;
    switch (e.type) {
      case "tick": {
        if (s.stopped || round) return { state: s, effects: [] };
        const beat = now - s.lastBeat >= c.beatTtlMs / 3;
        return {
          state: { ...s, lastBeat: beat ? now : s.lastBeat, round: { at: now, live: 0, target: 0, leases: [], changed: false } },
          effects: [...(beat ? [{ kind: "beat" } as const] : []), next({ type: "renew", queue: [...s.held.keys()] })],
        };
      }
      case "renew": {
        if (!round) return { state: s, effects: [] };
        const due = e.queue.findIndex((shard) => {
          const h = s.held.get(shard);
          return h !== undefined && round.at - h.renewedAt >= c.leaseMs / 3;
        });
        if (due >= 0) {
          const shard = e.queue[due] as number;
          return { state: s, effects: [{ kind: "renew", shard, at: round.at }, next({ type: "renew", queue: e.queue.slice(due + 1) })] };
        }
        // A worker that is stopping reads no more: its leases stay renewed until each drain ends.
        return { state: s, effects: [s.stopped ? next({ type: "round-end" }) : { kind: "read" }] };
      }
      case "renewed":
        return shift(s, e.shard, "renewed", now, e.at);
      case "refused": {
        const r = shift(s, e.shard, "refused", now);
        return {
          state: r.state,
          effects: [{ kind: "log", level: "warn", msg: "lost the shard lease; stopping its sessions here", fields: { shard: e.shard } }, ...r.effects],
        };
      }
      case "read": {
        if (!round) return { state: s, effects: [] };
        const live = e.workers.filter((w) => w.expires_at > round.at).length;
        const withRound = { ...s, round: { ...round, live, target: targetShards(c.shards, live), leases: e.leases } };
        // A lease another worker holds now (taken after ours expired while this one stalled) is lost here too.
        const elsewhere = e.leases.filter((l) => l.owner !== c.owner && phaseOf(s, l.shard) === "active");
        const owners = new Map(elsewhere.map((l) => [l.shard, l.owner]));
        const r = shiftAll(withRound, [...owners.keys()], "elsewhere", now, (shard) => [
          {
            kind: "log",
            level: "warn",
            msg: "the shard's lease is another worker's now; stopping its sessions here",
            fields: { shard, owner: owners.get(shard) },
          },
        ]);
        return { state: r.state, effects: [...r.effects, next({ type: "balance", draws: e.draws })] };
      }
      case "balance": {
        if (!round) return { state: s, effects: [] };
        const active = activeShards(s);
        if (active.length > round.target) {
          // Surplus: the highest-numbered shards go (a deterministic choice, so rounds agree).
          const surplus = active.sort((a, b) => b - a).slice(0, active.length - round.target);
          const r = shiftAll({ ...s, round: { ...round, changed: true } }, surplus, "surplus", now);
          return { state: r.state, effects: [...r.effects, next({ type: "round-end" })] };
        }
        if (active.length === round.target) return { state: s, effects: [next({ type: "round-end" })] };
        const taken = new Map(round.leases.map((l) => [l.shard, l]));
        const free = Array.from({ length: c.shards }, (_, i) => i).filter((i) => {
          const l = taken.get(i);
          return !s.held.has(i) && (!l || l.expires_at < round.at || l.owner === c.owner);
        });
        // Random order, so workers starting together do not contend for the same shard.
        for (let i = free.length - 1; i > 0; i--) {
          const j = Math.floor((e.draws[i] ?? 0) * (i + 1));
          [free[i], free[j]] = [free[j] as number, free[i] as number];
        }
        return { state: s, effects: [next({ type: "claim", queue: free.slice(0, round.target - active.length) })] };
      }
      case "claim": {
        if (!round) return { state: s, effects: [] };
        const [shard, ...rest] = e.queue;
        if (shard !== undefined && !s.stopped) return { state: s, effects: [{ kind: "acquire", shard, at: now }, next({ type: "claim", queue: rest })] };
        // Still short, and another worker's lease (a dead one's) runs out before the next round: take it then.
        const short = round.target - activeShards(s).length;
        const expiring = round.leases
          .filter((l) => l.owner !== c.owner && l.expires_at > round.at && l.expires_at < round.at + c.roundMs)
          .map((l) => l.expires_at);
        const wake = short > 0 && expiring.length > 0 && !s.stopped;
        return { state: s, effects: [...(wake ? [{ kind: "wake", at: Math.min(...expiring) + 50 } as const] : []), next({ type: "round-end" })] };
      }
      case "acquired": {
        const r = shift(s, e.shard, "acquired", now, now);
        const state = round ? { ...r.state, round: { ...round, changed: true } } : r.state;
        const fields = { shard: e.shard, live: round?.live, target: round?.target };
        return { state, effects: [{ kind: "log", level: "info", msg: "shard taken", fields }, ...r.effects] };
      }
      case "acquire-refused":
        return { state: s, effects: [] };
      case "take-failed":
      case "drained":
        return shift(s, e.shard, e.type, now);
      case "round-end": {
        if (!round) return { state: s, effects: [] };
        const beat = round.changed;
        return { state: { ...s, round: undefined, lastBeat: beat ? now : s.lastBeat }, effects: beat ? [{ kind: "beat" }] : [] };
      }
      case "round-failed":
        return { state: { ...s, round: undefined }, effects: [] };
      case "stop":
        return { state: { ...s, stopped: true }, effects: [] };
      case "leave": {
        const r = shiftAll({ ...s, stopped: true }, activeShards(s), "stop", now);
        return { state: r.state, effects: [...r.effects, { kind: "settle" }, { kind: "leave" }] };
      }
    }
  };
