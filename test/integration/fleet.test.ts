import { randomBytes } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { createDb, createStore, ensureTable } from "../../packages/aws/src/store";
import { createLogger } from "../../packages/log/src";
import { createFleet, targetShards } from "../../packages/system/src/fleet";

const SHARDS = 8;
const LEASE = 30_000;
const BEAT = 20_000;

/**
 * Shard ownership on DynamoDB Local, with a clock the test moves: workers join, balance, leave
 * gracefully, die, and lose a lease. Each test has its own table (the fleet is one partition).
 */
const setup = async () => {
  const db = createDb({ table: `fleet-${randomBytes(4).toString("hex")}`, endpoint: inject("dynamoEndpoint") });
  await ensureTable(db);
  const store = createStore(db);
  let t = Date.now();
  const clock = { now: () => t, sleep: async () => {} };
  const log: string[] = [];
  const worker = (id: string) => {
    const hooks = {
      take: async (shard: number) => void log.push(`${id} take ${shard}`),
      release: async (shard: number) => {
        // The lease is still this worker's while its shard drains.
        const lease = (await store.fleet.state()).leases.find((l) => l.shard === shard);
        log.push(`${id} release ${shard} (lease held: ${lease?.owner === id})`);
      },
      sessions: () => 0,
    };
    return createFleet({ store, clock } as never, {
      owner: id,
      pid: 1,
      shards: SHARDS,
      hooks,
      logger: createLogger({ level: "silent" }),
      leaseMs: LEASE,
      beatTtlMs: BEAT,
    });
  };
  const owners = async () => {
    const { leases } = await store.fleet.state();
    const by = new Map<string, number[]>();
    for (const l of leases.filter((l) => l.expires_at > t)) by.set(l.owner, [...(by.get(l.owner) ?? []), l.shard]);
    return by;
  };
  /** Rounds of every given worker until nothing changes (a release runs in the background: let it land). */
  const settle = async (workers: ReturnType<typeof worker>[]) => {
    for (let i = 0; i < 4; i++) {
      for (const w of workers) await w.round();
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { store, worker, owners, settle, log, advance: (ms: number) => (t += ms) };
};

describe("shard ownership (fleet leases in DynamoDB Local)", () => {
  it("aims at ceil(K / live workers)", () => {
    expect([1, 2, 3, 4, 8, 9].map((n) => targetShards(8, n))).toEqual([8, 4, 3, 2, 1, 1]);
  });

  it("a worker alone takes every shard; joiners get shards handed over until ownership is balanced ±1, each shard owned once", async () => {
    const f = await setup();
    const a = f.worker("a");
    await a.start();
    expect((await f.owners()).get("a")?.length).toBe(SHARDS);
    expect(a.shards()).toHaveLength(SHARDS);

    const b = f.worker("b");
    const c = f.worker("c");
    await f.settle([b, c, a]);
    await f.settle([a, b, c]);
    const by = await f.owners();
    expect([...by.values()].map((s) => s.length).sort()).toEqual([2, 3, 3]);
    expect([...by.values()].flat().sort((x, y) => x - y)).toEqual(Array.from({ length: SHARDS }, (_, i) => i));
    // What a worker thinks it holds is what the leases say.
    for (const [id, w] of [
      ["a", a],
      ["b", b],
      ["c", c],
    ] as const)
      expect(w.shards(), id).toEqual([...(by.get(id) ?? [])].sort((x, y) => x - y));
    // The first worker let its surplus go gracefully: drained while it still held each lease, then released.
    const released = f.log.filter((l) => l.startsWith("a release"));
    expect(released.length).toBe(SHARDS - (by.get("a")?.length ?? 0));
    for (const l of released) expect(l).toContain("(lease held: true)");
    for (const w of [a, b, c]) await w.stop();
  });

  it("a worker that stops hands its shards to the others at once; one that dies loses them only when its leases expire", async () => {
    const f = await setup();
    const [a, b, c] = ["a", "b", "c"].map(f.worker) as [ReturnType<typeof f.worker>, ReturnType<typeof f.worker>, ReturnType<typeof f.worker>];
    await a.start();
    await f.settle([b, c, a]);
    await f.settle([a, b, c]);

    // c stops (SIGTERM): its shards are released and its heartbeat removed; a and b take them in their next rounds.
    await c.stop();
    expect((await f.owners()).has("c")).toBe(false);
    await f.settle([a, b]);
    let by = await f.owners();
    expect([...by.values()].map((s) => s.length)).toEqual([4, 4]);

    // b dies (no more rounds). Before its leases expire nobody takes its shards.
    f.advance(LEASE - 5000);
    await f.settle([a]);
    expect((await f.owners()).get("b")).toHaveLength(4);
    // Its heartbeat and then its leases run out: a takes everything.
    f.advance(10_000);
    await f.settle([a]);
    by = await f.owners();
    expect(by.get("a")).toHaveLength(SHARDS);
    expect(by.has("b")).toBe(false);
    await a.stop();
  });

  it("a worker whose lease was taken while it stalled stops that shard at its next round", async () => {
    const f = await setup();
    const a = f.worker("a");
    await a.start();
    // a stalls past its leases and its heartbeat; b joins and takes every shard.
    f.advance(LEASE + 1000);
    const b = f.worker("b");
    await b.start();
    expect((await f.owners()).get("b")).toHaveLength(SHARDS);
    // a's next round finds every renewal refused: each shard is stopped here (hooks.release), not held twice.
    await a.round();
    expect(a.shards()).toEqual([]);
    expect(f.log.filter((l) => l.startsWith("a release"))).toHaveLength(SHARDS);
    await a.stop();
    await b.stop();
  });
});
