import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Lambda } from "./lambda";

/**
 * Lambda's SQS event source mapping, as AWS documents it ("Using Lambda with Amazon SQS"): pollers
 * long-poll the queue with the function's execution role, gather up to `batchSize` messages for at
 * most `windowSeconds`, invoke the function with `{ Records }`, and with `ReportBatchItemFailures`
 * delete every message except those named in `batchItemFailures` (which come back after the queue's
 * visibility timeout); a failed invocation (error, timeout) deletes nothing.
 */
export const startEventSource = (o: {
  /** Signed as the consuming function's role. */
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  fn: Lambda;
  batch: { size: number; windowSeconds: number; partialResponses: boolean };
  /** Concurrent pollers (Lambda starts with five; two keep this machine's two cores free). */
  pollers?: number;
  log: (line: string) => void;
}) => {
  let stopped = false;
  const invocations: { records: number; failures: number; error?: string }[] = [];

  const poll = async () => {
    while (!stopped) {
      try {
        const first = await o.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: o.queueUrl, MaxNumberOfMessages: o.batch.size, WaitTimeSeconds: 2, MessageSystemAttributeNames: ["All"] }),
        );
        const messages = first.Messages ?? [];
        if (!messages.length) continue;
        // The batching window: more messages join the batch until it is full or the window ends.
        const until = Date.now() + o.batch.windowSeconds * 1000;
        while (messages.length < o.batch.size && Date.now() < until && !stopped) {
          const more = await o.sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: o.queueUrl,
              MaxNumberOfMessages: o.batch.size - messages.length,
              WaitTimeSeconds: 0,
              MessageSystemAttributeNames: ["All"],
            }),
          );
          if (more.Messages?.length) messages.push(...more.Messages);
          else await new Promise((r) => setTimeout(r, 100));
        }
        const Records = messages.map((m) => ({
          messageId: m.MessageId,
          receiptHandle: m.ReceiptHandle,
          body: m.Body,
          attributes: m.Attributes ?? {},
          messageAttributes: {},
          md5OfBody: m.MD5OfBody,
          eventSource: "aws:sqs",
          eventSourceARN: o.queueArn,
          awsRegion: "us-east-1",
        }));
        let failed: Set<string>;
        try {
          const result = (await o.fn.invoke({ Records })) as { batchItemFailures?: { itemIdentifier: string }[] } | null;
          failed = new Set(o.batch.partialResponses ? (result?.batchItemFailures ?? []).map((f) => f.itemIdentifier) : []);
          invocations.push({ records: Records.length, failures: failed.size });
        } catch (e) {
          invocations.push({ records: Records.length, failures: Records.length, error: (e as Error).message });
          o.log(`[event-source] ${o.fn.name} failed on a batch of ${Records.length}: ${(e as Error).message}`);
          continue;
        }
        const done = messages.filter((m) => !failed.has(m.MessageId ?? ""));
        for (let i = 0; i < done.length; i += 10)
          await o.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: o.queueUrl,
              Entries: done.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle ?? "" })),
            }),
          );
      } catch (e) {
        if (!stopped) {
          o.log(`[event-source] poll failed: ${(e as Error).message}`);
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    }
  };
  const loops = Array.from({ length: o.pollers ?? 2 }, () => poll());
  return {
    invocations,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
};
