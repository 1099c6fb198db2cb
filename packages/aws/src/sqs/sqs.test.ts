import { randomBytes } from "node:crypto";
import { type Queue, type QueueId, shardQueue } from "@outreach/core/port";
import { shardOf } from "@outreach/core/shard";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createSqsClient, createSqsQueue, ensureQueues } from ".";

/** Queue tests run against the local SQS server started once for the run. */
let queue: Queue;
let eager: Queue;
beforeAll(async () => {
  const client = createSqsClient({ endpoint: inject("sqsEndpoint") });
  queue = createSqsQueue({ client, urls: await ensureQueues(client, `t${randomBytes(4).toString("hex")}`, 4) });
  eager = createSqsQueue({ client, urls: await ensureQueues(client, `e${randomBytes(4).toString("hex")}`), firstMessageFirst: true });
});

const drain = async (name: QueueId, want: number, timeoutMs = 5000) => {
  const got: unknown[] = [];
  const deadline = Date.now() + timeoutMs;
  while (got.length < want && Date.now() < deadline) {
    const msgs = await queue.receive(name, { max: 10, waitSeconds: 1 });
    got.push(...msgs.map((m) => m.body));
    await queue.delete(
      name,
      msgs.map((m) => m.receiptHandle),
    );
  }
  return got;
};

/** The adapter carries any JSON body; these tests use bodies that are not messages of the system. */
const raw = (body: object) => ({ body: body as never });

describe("SQS queue adapter (local SQS server)", () => {
  it("sends more than 10 messages in batches and receives them all", async () => {
    await queue.send(
      "events",
      Array.from({ length: 25 }, (_, i) => raw({ i })),
    );
    const got = await drain("events", 25);
    expect(got.map((b) => (b as { i: number }).i).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it("delays a message by whole seconds", async () => {
    const t0 = Date.now();
    await queue.send("sends", [{ ...raw({ session_id: "s-late" }), delaySeconds: 2 }]);
    const q = shardQueue(shardOf("s-late", 4));
    expect(await queue.receive(q, { max: 1, waitSeconds: 0 })).toEqual([]);
    const got = await drain(q, 1, 6000);
    expect(got).toEqual([{ session_id: "s-late" }]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
  });

  it("puts each sends message on its session's shard queue, and nothing on the others", async () => {
    expect(queue.shards).toBe(4);
    const sessions = Array.from({ length: 24 }, (_, i) => `session-${i}`);
    await queue.send(
      "sends",
      sessions.map((id) => raw({ session_id: id })),
    );
    const byShard = new Map<number, string[]>();
    for (const id of sessions) byShard.set(shardOf(id, 4), [...(byShard.get(shardOf(id, 4)) ?? []), id]);
    // 24 sessions over 4 shards: every shard gets some (the hash spreads them).
    expect(byShard.size).toBe(4);
    for (const [shard, ids] of byShard) {
      const got = await drain(shardQueue(shard), ids.length);
      expect((got as { session_id: string }[]).map((b) => b.session_id).sort()).toEqual([...ids].sort());
      expect(await queue.receive(shardQueue(shard), { max: 10, waitSeconds: 0 })).toEqual([]);
    }
    await expect(queue.receive("sends-4", { max: 1, waitSeconds: 0 })).rejects.toThrow(/4 shard queues/);
  });

  it("makes a released message visible again after its backoff, counting receives", async () => {
    await queue.send("events", [raw({ retry: 1 })]);
    const [first] = await queue.receive("events", { max: 1, waitSeconds: 1, visibilitySeconds: 30 });
    expect(first?.receiveCount).toBe(1);
    await queue.release("events", first?.receiptHandle as string, 1);
    const again = await drain("events", 1, 5000);
    expect(again).toEqual([{ retry: 1 }]);
  });

  it("with firstMessageFirst, answers a long poll as soon as a message is there, with what else is there", async () => {
    // The local server would hold a poll for 10 messages until the wait is over when fewer are queued.
    await eager.send("events", [raw({ n: 1 }), raw({ n: 2 }), raw({ n: 3 })]);
    const t0 = Date.now();
    const got = await eager.receive("events", { max: 10, waitSeconds: 10 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(got.map((m) => m.body)).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }, { n: 3 }]));
    expect(got).toHaveLength(3);
    // With nothing queued it still waits, and returns the message that comes during the wait.
    setTimeout(() => void eager.send("events", [raw({ n: 4 })]), 500);
    expect((await eager.receive("events", { max: 10, waitSeconds: 3 })).map((m) => m.body)).toEqual([{ n: 4 }]);
  });
});
