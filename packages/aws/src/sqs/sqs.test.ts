import { randomBytes } from "node:crypto";
import type { Queue } from "@outreach/core/port";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createSqsClient, createSqsQueue, ensureQueues } from ".";

/** Queue tests run against the local SQS server started once for the run. */
let queue: Queue;
beforeAll(async () => {
  const client = createSqsClient({ endpoint: inject("sqsEndpoint") });
  queue = createSqsQueue({ client, urls: await ensureQueues(client, `t${randomBytes(4).toString("hex")}`) });
});

const drain = async (name: "events" | "sends", want: number, timeoutMs = 5000) => {
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

describe("SQS queue adapter (local SQS server)", () => {
  it("sends more than 10 messages in batches and receives them all", async () => {
    await queue.send(
      "events",
      Array.from({ length: 25 }, (_, i) => ({ body: { i } })),
    );
    const got = await drain("events", 25);
    expect(got.map((b) => (b as { i: number }).i).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it("delays a message by whole seconds", async () => {
    const t0 = Date.now();
    await queue.send("sends", [{ body: { late: true }, delaySeconds: 2 }]);
    expect(await queue.receive("sends", { max: 1, waitSeconds: 0 })).toEqual([]);
    const got = await drain("sends", 1, 6000);
    expect(got).toEqual([{ late: true }]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
  });

  it("makes a released message visible again after its backoff, counting receives", async () => {
    await queue.send("events", [{ body: { retry: 1 } }]);
    const [first] = await queue.receive("events", { max: 1, waitSeconds: 1, visibilitySeconds: 30 });
    expect(first?.receiveCount).toBe(1);
    await queue.release("events", first?.receiptHandle as string, 1);
    const again = await drain("events", 1, 5000);
    expect(again).toEqual([{ retry: 1 }]);
  });
});
