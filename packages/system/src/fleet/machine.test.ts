import type { Clock } from "@outreach/core/port";
import type { ShardLease, WorkerBeat } from "@outreach/core/shard";
import { describe, expect, it } from "vitest";
import { type Effect, type FleetEvent, type FleetState, initialState, phaseOf, TRANSITIONS } from "./machine";
import { createStep } from "./step";

const K = 8;
const LEASE = 30_000;
const ROUND = 5_000;
const BEAT = 20_000;
const step = createStep({ owner: "a", shards: K, leaseMs: LEASE, roundMs: ROUND, beatTtlMs: BEAT });

/** A clock the test moves by hand (the core `Clock` port). */
const manualClock = (start: number) => {
  let t = start;
  const clock: Clock & { advance(ms: number): void } = {
    now: () => t,
    sleep: async () => {},
    advance: (ms) => {
      t += ms;
    },
  };
  return clock;
};

/**
 * The machine against a scripted fleet: `leases` and `workers` are the store, answered synchronously.
 * Effects run depth-first as the driver runs them; drains in the background wait in `pending` until
 * the test finishes them. `trace` lists every effect but `then`.
 */
const world = (opts: { workers?: string[]; leases?: ShardLease[]; draws?: number[]; takeFails?: number[]; refuse?: number[] } = {}) => {
  const clock = manualClock(1_000_000);
  let state: FleetState = initialState;
  const trace: Effect[] = [];
  const pending: number[] = [];
  const leases = new Map((opts.leases ?? []).map((l) => [l.shard, l]));
  const workers = () =>
    ["a", ...(opts.workers ?? [])].map((id): WorkerBeat => ({ id, pid: 1, shards: [], sessions: 0, started_at: "", expires_at: clock.now() + BEAT }));
  const acquire = (shard: number, at: number) => {
    const l = leases.get(shard);
    if (opts.refuse?.includes(shard) || (l && l.owner !== "a" && l.expires_at >= at)) return false;
    leases.set(shard, { shard, owner: "a", expires_at: at + LEASE });
    return true;
  };
  const send = (event: FleetEvent) => {
    const r = step(state, event, clock.now());
    state = r.state;
    for (const e of r.effects) perform(e);
  };
  const perform = (e: Effect) => {
    if (e.kind !== "then") trace.push(e);
    if (e.kind === "then") send(e.event);
    else if (e.kind === "renew") send(acquire(e.shard, e.at) ? { type: "renewed", shard: e.shard, at: e.at } : { type: "refused", shard: e.shard });
    else if (e.kind === "acquire") send(acquire(e.shard, e.at) ? { type: "acquired", shard: e.shard } : { type: "acquire-refused", shard: e.shard });
    else if (e.kind === "read") send({ type: "read", workers: workers(), leases: [...leases.values()], draws: opts.draws ?? Array(K).fill(0.999) });
    else if (e.kind === "take" && opts.takeFails?.includes(e.shard)) send({ type: "take-failed", shard: e.shard });
    else if (e.kind === "drain" && e.wait) send({ type: "drained", shard: e.shard });
    else if (e.kind === "drain") pending.push(e.shard);
    else if (e.kind === "release-lease") leases.delete(e.shard);
  };
  const kinds = (kind: Effect["kind"]) => trace.filter((e) => e.kind === kind).map((e) => ("shard" in e ? e.shard : e.kind));
  return {
    clock,
    trace,
    leases,
    kinds,
    state: () => state,
    send,
    /** One round, with a fresh trace. */
    round: () => {
      trace.length = 0;
      send({ type: "tick" });
    },
    /** The background drains finish. */
    drainPending: () => {
      for (const shard of pending.splice(0)) send({ type: "drained", shard });
    },
    active: () => [...state.held].filter(([, h]) => h.phase === "active").map(([s]) => s),
    opts,
  };
};

const all = Array.from({ length: K }, (_, i) => i);

describe("fleet machine: the table", () => {
  it("has one row per (phase, event) and every row reachable from free", () => {
    const keys = TRANSITIONS.map((t) => `${t.from}/${t.on}`);
    expect(new Set(keys).size).toBe(keys.length);
    const reached = new Set(["free"]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const t of TRANSITIONS)
        if (reached.has(t.from) && !reached.has(t.to)) {
          reached.add(t.to);
          grew = true;
        }
    }
    expect([...reached].sort()).toEqual(["active", "failing", "free", "handing-over", "leaving", "losing"]);
  });

  it("an event with no row changes nothing (a second drain, a take answered for a shard already let go)", () => {
    const s = step(initialState, { type: "drained", shard: 3 }, 0);
    expect(s).toEqual({ state: initialState, effects: [] });
  });
});

describe("fleet machine: a worker's rounds on a manual clock", () => {
  it("take: a worker alone beats, reads, takes every shard (acquire, then start, one at a time) and beats again", () => {
    const w = world();
    w.round();
    expect(w.trace.map((e) => e.kind).filter((k) => k !== "log")).toEqual(["beat", "read", ...all.flatMap(() => ["acquire", "take"]), "beat"]);
    expect(w.active().sort()).toEqual(all);
    expect(w.state().round).toBeUndefined();
    // The draws order the free shards (Fisher–Yates): all 0.999 keeps them in order.
    expect(w.kinds("acquire")).toEqual(all);
  });

  it("renew: each lease is written every third of its life, the heartbeat every third of its own; nothing else changes", () => {
    const w = world();
    w.round();
    w.clock.advance(ROUND);
    w.round();
    // 5 s later: no lease is due (10 s), nor the heartbeat (6.7 s).
    expect(w.trace.map((e) => e.kind)).toEqual(["read"]);
    w.clock.advance(ROUND);
    w.round();
    expect(w.trace.map((e) => e.kind)).toEqual(["beat", ...all.map(() => "renew"), "read"]);
    for (const shard of all) expect(w.state().held.get(shard)).toEqual({ phase: "active", renewedAt: w.clock.now() });
    expect(w.leases.get(0)?.expires_at).toBe(w.clock.now() + LEASE);
  });

  it("lose: a refused renewal stops the shard here at once (drained within the round), and its lease is not released", () => {
    const w = world();
    w.round();
    w.opts.refuse = [2];
    const before = w.leases.get(2);
    w.clock.advance(LEASE / 3);
    w.round();
    expect(w.trace).toContainEqual({ kind: "log", level: "warn", msg: "lost the shard lease; stopping its sessions here", fields: { shard: 2 } });
    expect(w.trace.filter((e) => e.kind === "drain")).toEqual([{ kind: "drain", shard: 2, wait: true }]);
    expect(w.kinds("release-lease")).toEqual([]);
    expect(w.leases.get(2)).toEqual(before);
    expect(phaseOf(w.state(), 2)).toBe("free");
  });

  it("lose: a lease the fleet shows as another worker's (taken while this one stalled) stops the shard", () => {
    const w = world();
    w.round();
    w.leases.set(5, { shard: 5, owner: "b", expires_at: w.clock.now() + LEASE });
    w.clock.advance(ROUND);
    w.round();
    expect(w.trace.filter((e) => e.kind === "drain")).toEqual([{ kind: "drain", shard: 5, wait: true }]);
    expect(w.active()).not.toContain(5);
    expect(w.leases.get(5)?.owner).toBe("b");
  });

  it("hand over (rebalance): over its share, the highest shards drain meanwhile, still leased; then each lease goes and the fleet hears", () => {
    const w = world();
    w.round();
    w.opts.workers = ["b", "c"];
    w.clock.advance(ROUND);
    w.round();
    // ceil(8 / 3) = 3: shards 3–7 go, in the background; the round ends with a beat.
    expect(w.trace.filter((e) => e.kind === "drain")).toEqual([7, 6, 5, 4, 3].map((shard) => ({ kind: "drain", shard, wait: false })));
    expect(w.trace.at(-1)).toEqual({ kind: "beat" });
    for (const shard of [3, 4, 5, 6, 7]) expect(phaseOf(w.state(), shard)).toBe("handing-over");
    expect(w.leases.get(7)?.owner).toBe("a");
    // A round during the drain renews the draining leases too, and takes nothing.
    w.clock.advance(LEASE / 3);
    w.round();
    expect(w.kinds("renew")).toEqual(all);
    expect(w.kinds("acquire")).toEqual([]);
    w.trace.length = 0;
    w.drainPending();
    expect(w.kinds("release-lease")).toEqual([7, 6, 5, 4, 3]);
    expect(w.trace.filter((e) => e.kind === "beat")).toHaveLength(5);
    expect(w.state().held.size).toBe(3);
    expect(w.leases.has(7)).toBe(false);
  });

  it("dead owner: short while another's lease runs out before the next round, it wakes up then and takes the shard", () => {
    const w = world({ workers: [], leases: [{ shard: 4, owner: "b", expires_at: 1_000_000 + 2_000 }] });
    w.round();
    expect(w.active()).toHaveLength(K - 1);
    expect(w.trace).toContainEqual({ kind: "wake", at: w.clock.now() + 2_000 + 50 });
    w.clock.advance(2_050);
    w.round();
    expect(w.kinds("acquire")).toEqual([4]);
    expect(w.active()).toContain(4);
    expect(w.leases.get(4)?.owner).toBe("a");
  });

  it("a lease of a live worker is left alone: no wake-up while it has longer to run than a round", () => {
    const w = world({ workers: ["b"], leases: [4, 5, 6, 7].map((shard) => ({ shard, owner: "b", expires_at: 1_000_000 + LEASE })) });
    w.round();
    expect(w.active().sort()).toEqual([0, 1, 2, 3]);
    expect(w.kinds("wake")).toEqual([]);
  });

  it("a shard that will not start is let go within the round (lease released), to be taken again later", () => {
    const w = world({ takeFails: [1] });
    w.round();
    expect(w.trace.filter((e) => e.kind === "drain")).toEqual([{ kind: "drain", shard: 1, wait: true }]);
    expect(w.kinds("release-lease")).toEqual([1]);
    expect(w.active()).not.toContain(1);
    w.opts.takeFails = [];
    w.clock.advance(ROUND);
    w.round();
    expect(w.kinds("acquire")).toEqual([1]);
  });

  it("leave: no more rounds; active shards drain together, a shard already handed over finishes its own drain, then the heartbeat goes", () => {
    const w = world();
    w.round();
    w.opts.workers = ["b"];
    w.clock.advance(ROUND);
    w.round();
    expect(phaseOf(w.state(), 7)).toBe("handing-over");
    w.send({ type: "stop" });
    w.round();
    expect(w.trace).toEqual([]);
    w.send({ type: "leave" });
    expect(w.trace.filter((e) => e.kind === "drain").map((e) => ("shard" in e ? e.shard : -1))).toEqual([0, 1, 2, 3]);
    expect(w.trace.slice(-2)).toEqual([{ kind: "settle" }, { kind: "leave" }]);
    expect(phaseOf(w.state(), 7)).toBe("handing-over");
    w.drainPending();
    expect(w.state().held.size).toBe(0);
    expect(w.leases.size).toBe(0);
  });

  it("a round that failed (the store could not be read) leaves no round under way: the next one starts", () => {
    const s = step(initialState, { type: "tick" }, 0).state;
    expect(step(s, { type: "tick" }, 1).effects).toEqual([]);
    const failed = step(s, { type: "round-failed" }, 1).state;
    expect(step(failed, { type: "tick" }, 2).effects.map((e) => e.kind)).toEqual(["then"]);
  });

  it("a worker that stops during a round takes no more shards", () => {
    // The tick, then the fleet read; the first acquisition is under way when stop arrives.
    let s = step(initialState, { type: "tick" }, 0).state;
    s = step(s, { type: "read", workers: [], leases: [], draws: Array(K).fill(0.999) }, 0).state;
    const claim = step(s, { type: "balance", draws: Array(K).fill(0.999) }, 0).effects[0];
    expect(claim).toEqual({ kind: "then", event: { type: "claim", queue: all } });
    s = step(s, { type: "stop" }, 0).state;
    expect(step(s, { type: "claim", queue: all }, 0).effects).toEqual([{ kind: "then", event: { type: "round-end" } }]);
  });
});
