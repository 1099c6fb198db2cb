import { randomBytes } from "node:crypto";
import { createSqsClient, createSqsQueue, ensureQueues } from "@outreach/aws/sqs";
import { createLogger } from "@outreach/log";
import { describe, expect, inject, it } from "vitest";
import { startConsumer } from ".";

const logger = createLogger({ level: "silent" });

describe.concurrent("queue consumer (local SQS server)", () => {
  it("keeps a message invisible while its handler runs past the visibility time, and deletes it once", async () => {
    const client = createSqsClient({ endpoint: inject("sqsEndpoint") });
    const queue = createSqsQueue({ client, urls: await ensureQueues(client, `c${randomBytes(4).toString("hex")}`), firstMessageFirst: true });
    await queue.send("events", [{ body: { slow: 1 } as never }]);
    const seen: number[] = [];
    let finished!: () => void;
    const handled = new Promise<void>((r) => {
      finished = r;
    });
    const consumer = startConsumer({
      queue,
      name: "events",
      concurrency: 4,
      waitSeconds: 1,
      visibilitySeconds: 3,
      logger,
      handle: async () => {
        seen.push(Date.now());
        // Well past the visibility: without the heartbeat the message would be received again meanwhile.
        await new Promise((r) => setTimeout(r, 6500));
        finished();
      },
    });
    // Once the handler is done, stopping waits for its delete.
    await handled;
    await consumer.stop();
    expect(seen).toHaveLength(1);
    expect(await queue.receive("events", { max: 10, waitSeconds: 0 })).toEqual([]);
  }, 30_000);

  it("a consumer that goes away without finishing gives the message back after the visibility time", async () => {
    const client = createSqsClient({ endpoint: inject("sqsEndpoint") });
    const queue = createSqsQueue({ client, urls: await ensureQueues(client, `d${randomBytes(4).toString("hex")}`), firstMessageFirst: true });
    await queue.send("events", [{ body: { lost: 1 } as never }]);
    // Received as a dying worker would: nothing extends or deletes it.
    const [first] = await queue.receive("events", { max: 1, waitSeconds: 1, visibilitySeconds: 2 });
    expect(first?.body).toEqual({ lost: 1 });
    const t0 = Date.now();
    let again: unknown[] = [];
    while (again.length === 0 && Date.now() - t0 < 8000) again = (await queue.receive("events", { max: 1, waitSeconds: 1 })).map((m) => m.body);
    expect(again).toEqual([{ lost: 1 }]);
    expect(Date.now() - t0).toBeLessThan(5000);
  }, 30_000);

  it("with gatherMs and deleteWithinMs, receives and deletes messages that arrive one by one several to a request, each handled once", async () => {
    const client = createSqsClient({ endpoint: inject("sqsEndpoint") });
    const sqs = createSqsQueue({ client, urls: await ensureQueues(client, `g${randomBytes(4).toString("hex")}`), firstMessageFirst: true });
    const calls = { receive: 0, delete: 0, deleted: 0 };
    const queue: typeof sqs = {
      ...sqs,
      receive: (q, o) => {
        calls.receive++;
        return sqs.receive(q, o);
      },
      delete: (q, h) => {
        calls.delete++;
        calls.deleted += h.length;
        return sqs.delete(q, h);
      },
    };
    const seen: number[] = [];
    const consumer = startConsumer({
      queue,
      name: "events",
      concurrency: 40,
      waitSeconds: 1,
      visibilitySeconds: 30,
      gatherMs: 1000,
      deleteWithinMs: 1000,
      logger,
      handle: async (body) => void seen.push((body as { n: number }).n),
    });
    // Eight messages, one every 150 ms: without gathering, eight receives (or more) and eight deletes.
    for (let n = 0; n < 8; n++) {
      await sqs.send("events", [{ body: { n } as never }]);
      await new Promise((r) => setTimeout(r, 150));
    }
    while (seen.length < 8) await new Promise((r) => setTimeout(r, 100));
    await consumer.stop();
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(calls.deleted).toBe(8);
    expect(calls.delete).toBeLessThan(8);
    expect(calls.receive).toBeLessThan(8);
    expect(await sqs.receive("events", { max: 10, waitSeconds: 0 })).toEqual([]);
  }, 30_000);

  it("with gatherMs, reads a busy queue at once (no wait after a full batch) and stops without waiting out a gathering", async () => {
    const client = createSqsClient({ endpoint: inject("sqsEndpoint") });
    const queue = createSqsQueue({ client, urls: await ensureQueues(client, `h${randomBytes(4).toString("hex")}`), firstMessageFirst: true });
    await queue.send(
      "events",
      Array.from({ length: 25 }, (_, n) => ({ body: { n } as never })),
    );
    const seen = new Set<number>();
    const consumer = startConsumer({
      queue,
      name: "events",
      concurrency: 40,
      waitSeconds: 1,
      // Far longer than the test may take: only full batches (10, 10) let the last five in within it.
      gatherMs: 600_000,
      logger,
      handle: async (body) => void seen.add((body as { n: number }).n),
    });
    while (seen.size < 25) await new Promise((r) => setTimeout(r, 100));
    // The last receive found five of ten: the consumer now gathers, and stopping ends that at once.
    await consumer.stop();
    expect(seen.size).toBe(25);
    expect(await queue.receive("events", { max: 10, waitSeconds: 0 })).toEqual([]);
  }, 30_000);
});
