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
});
