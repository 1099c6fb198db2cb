import type { ShardLease, WorkerBeat } from "@outreach/core/shard";

/**
 * The fleet protocol as data: what one worker does with the shards it holds, as a pure
 * `step(state, event, now) → { state, effects }`. Nothing here reads a clock, the store or a timer:
 * the driver (`./index.ts`) performs the effects and feeds their outcome back as events.
 */

/** A held shard's phase; a shard this worker does not hold is `free`. Every phase but `active` is a drain under way. */
export type Phase = "free" | "active" | "handing-over" | "losing" | "failing" | "leaving";
/** What can happen to one shard. */
export type ShardOn = "acquired" | "renewed" | "refused" | "elsewhere" | "surplus" | "take-failed" | "stop" | "drained";
/** What a transition asks of the process: start the shard, drain it (now or meanwhile), let its lease go, announce it. */
export type ShardEffect = "take" | "drain" | "drain-meanwhile" | "release-lease" | "beat";

export interface Transition {
  from: Phase;
  on: ShardOn;
  to: Phase;
  effects: ShardEffect[];
}

const DRAINING: Phase[] = ["handing-over", "losing", "failing", "leaving"];

/**
 * Every shard transition. An event with no row leaves the shard as it is (a second `drained`, a
 * renewal answered after the shard was let go).
 */
export const TRANSITIONS: readonly Transition[] = [
  // take: a free shard (never held, released, or a dead owner's expired lease) whose lease this worker got.
  { from: "free", on: "acquired", to: "active", effects: ["take"] },
  // renew: every third of the lease's life; a draining shard keeps its lease until the drain ends.
  ...(["active", ...DRAINING] as Phase[]).map((p): Transition => ({ from: p, on: "renewed", to: p, effects: [] })),
  // lose: the renewal was refused, or the fleet shows another owner: stop here at once, the lease is not ours to release.
  { from: "active", on: "refused", to: "losing", effects: ["drain"] },
  { from: "active", on: "elsewhere", to: "losing", effects: ["drain"] },
  { from: "losing", on: "drained", to: "free", effects: [] },
  // hand over (rebalance): the surplus drains while the round goes on; then its lease goes and the fleet hears of it.
  { from: "active", on: "surplus", to: "handing-over", effects: ["drain-meanwhile"] },
  { from: "handing-over", on: "drained", to: "free", effects: ["release-lease", "beat"] },
  // a shard that would not start is let go, to be taken again in a later round.
  { from: "active", on: "take-failed", to: "failing", effects: ["drain"] },
  { from: "failing", on: "drained", to: "free", effects: ["release-lease"] },
  // leave: every active shard drains at once; a shard already draining finishes its own drain.
  { from: "active", on: "stop", to: "leaving", effects: ["drain-meanwhile"] },
  { from: "leaving", on: "drained", to: "free", effects: ["release-lease"] },
];

/** A shard this worker holds, and when its lease was last written. */
export interface Held {
  phase: Exclude<Phase, "free">;
  renewedAt: number;
}

export interface FleetState {
  held: ReadonlyMap<number, Held>;
  /** When the heartbeat was last written. */
  lastBeat: number;
  stopped: boolean;
  /** The round under way: when it started, what the fleet read said, whether it changed what this worker holds. */
  round?: { at: number; live: number; target: number; leases: ShardLease[]; changed: boolean };
}

export type FleetEvent =
  /** A round starts (the interval, a wake-up, or `start`). */
  | { type: "tick" }
  /** Renew the next due lease of `queue` (a round's first part, one store write at a time). */
  | { type: "renew"; queue: number[] }
  | { type: "renewed"; shard: number; at: number }
  | { type: "refused"; shard: number }
  /** The fleet as read from the store; `draws` are random numbers in [0, 1), one per shard, to order free shards. */
  | { type: "read"; workers: WorkerBeat[]; leases: ShardLease[]; draws: number[] }
  | { type: "balance"; draws: number[] }
  /** Try to take the next shard of `queue` (the round's last part). */
  | { type: "claim"; queue: number[] }
  | { type: "acquired"; shard: number }
  | { type: "acquire-refused"; shard: number }
  | { type: "take-failed"; shard: number }
  | { type: "drained"; shard: number }
  | { type: "round-end" }
  /** The round threw (the store could not be read or written): the next one starts afresh. */
  | { type: "round-failed" }
  /** No more rounds (a round under way stops taking shards). */
  | { type: "stop" }
  /** After the last round: every shard drains and is released, then the heartbeat goes. */
  | { type: "leave" };

export type Effect =
  | { kind: "beat" }
  | { kind: "renew"; shard: number; at: number }
  | { kind: "read" }
  | { kind: "acquire"; shard: number; at: number }
  | { kind: "take"; shard: number }
  | { kind: "drain"; shard: number; wait: boolean }
  | { kind: "release-lease"; shard: number }
  /** Wait for every drain under way. */
  | { kind: "settle" }
  | { kind: "leave" }
  /** A round at `at` (a dead owner's lease runs out before the next round). */
  | { kind: "wake"; at: number }
  | { kind: "log"; level: "info" | "warn"; msg: string; fields: Record<string, unknown> }
  /** Step this event now, before the next effect. */
  | { kind: "then"; event: FleetEvent };

export interface FleetConfig {
  owner: string;
  shards: number;
  leaseMs: number;
  roundMs: number;
  beatTtlMs: number;
}

/** Shards each live worker aims at: `ceil(K / live workers)`; with every worker there, ownership is balanced ±1. */
export const targetShards = (shards: number, liveWorkers: number) => Math.ceil(shards / Math.max(1, liveWorkers));

export const initialState: FleetState = { held: new Map(), lastBeat: Number.NEGATIVE_INFINITY, stopped: false };

export const phaseOf = (s: FleetState, shard: number): Phase => s.held.get(shard)?.phase ?? "free";
export const activeShards = (s: FleetState) => [...s.held].filter(([, h]) => h.phase === "active").map(([shard]) => shard);

/** Why a drained shard was let go, as the logs have always said it. */
const WHY: Partial<Record<Phase, string>> = { "handing-over": "surplus", losing: "lost", failing: "start failed", leaving: "stop" };

const shardEffect = (shard: number, e: ShardEffect): Effect => {
  switch (e) {
    case "take":
      return { kind: "take", shard };
    case "drain":
      return { kind: "drain", shard, wait: true };
    case "drain-meanwhile":
      return { kind: "drain", shard, wait: false };
    case "release-lease":
      return { kind: "release-lease", shard };
    case "beat":
      return { kind: "beat" };
  }
};

/** One shard's transition by the table; `renewedAt` is set when the lease was written. */
export const shift = (s: FleetState, shard: number, on: ShardOn, now: number, renewedAt?: number): { state: FleetState; effects: Effect[] } => {
  const from = phaseOf(s, shard);
  const row = TRANSITIONS.find((t) => t.from === from && t.on === on);
  if (!row) return { state: s, effects: [] };
  const held = new Map(s.held);
  if (row.to === "free") held.delete(shard);
  else held.set(shard, { phase: row.to, renewedAt: renewedAt ?? s.held.get(shard)?.renewedAt ?? now });
  const state = { ...s, held, ...(row.effects.includes("beat") ? { lastBeat: now } : {}) };
  const effects = row.effects.map((e) => shardEffect(shard, e));
  if (row.to === "free") effects.push({ kind: "log", level: "info", msg: "shard released", fields: { shard, why: WHY[from] } });
  return { state, effects };
};

/** Several shard transitions in a row. */
export const shiftAll = (s: FleetState, shards: number[], on: ShardOn, now: number, before?: (shard: number) => Effect[]) => {
  let state = s;
  const effects: Effect[] = [];
  for (const shard of shards) {
    const r = shift(state, shard, on, now);
    state = r.state;
    effects.push(...(before?.(shard) ?? []), ...r.effects);
  }
  return { state, effects };
};

/** A module must not export `then` (its namespace would be a thenable): hence `next`. */
export const next = (event: FleetEvent): Effect => ({ kind: "then", event });
