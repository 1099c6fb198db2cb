import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { Queue, QueueId, QueueName, ReceivedMessage } from "@outreach/core/port";
import { shardOf } from "@outreach/core/shard";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { mapUnavailable } from "../errors";
import { createLeanSqsClient, type SqsClient } from "../lean/sqs";

export interface SqsQueueOptions {
  /** Queue URLs: events, and the sends queue of each shard in shard order (from SST `Resource` on AWS, from `ensureQueues` locally). */
  urls: QueueUrls;
  client: SqsClient;
  /**
   * For the local SQS server, which answers a long poll only once it has `MaxNumberOfMessages` or the
   * wait is over: long-poll for one message, then take what else is there without waiting. SQS itself
   * answers as soon as any message is there, so this stays off on AWS (it would cost a request more).
   * A queue whose last look found messages is looked at once without waiting first.
   */
  firstMessageFirst?: boolean;
}

/**
 * An SQS client: the worker's hot requests (receive, delete, visibility, send batches) made by the
 * lean client (`../lean/sqs.ts`), the rest by the SDK's.
 */
export const createSqsClient = (opts: { endpoint?: string; region?: string } = {}): SqsClient => {
  const client = new SQSClient({
    region: opts.region ?? process.env.AWS_REGION ?? "us-east-1",
    ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } } : {}),
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 25_000 }),
    // Each command's middleware stack is resolved once per command type, not at every request (the
    // worker sends ≈ 3 SQS requests per message). Middleware is added only here, before any request.
    // (The DynamoDB document client refuses this option: its commands capture their instance.)
    cacheMiddleware: true,
  });
  const lean = createLeanSqsClient(client, { connectTimeoutMs: 1000, requestTimeoutMs: 25_000, maxAttempts: 3 });
  mapUnavailable(lean);
  return lean;
};

export interface QueueUrls {
  events: string;
  /** One per shard: `sends[i]` is shard i's queue. */
  sends: string[];
}

/** The Queue port on SQS standard queues: batches of 10, per-message delays (0–900 s), sends routed to their session's shard queue. */
export const createSqsQueue = ({ urls, client, firstMessageFirst }: SqsQueueOptions): Queue => {
  const shards = urls.sends.length;
  if (shards < 1) throw new Error("the sends queue needs at least one shard queue");
  const urlOf = (queue: QueueId) => {
    if (queue === "events") return urls.events;
    const url = urls.sends[Number(queue.slice("sends-".length))];
    if (!url) throw new Error(`no queue ${queue}: this stage has ${shards} shard queues`);
    return url;
  };
  /** Where a message goes: events, or the shard queue of the session it is about. */
  const routeOf = (queue: QueueName, body: unknown) =>
    queue === "events" ? urls.events : (urls.sends[shardOf((body as { session_id: string }).session_id, shards)] as string);
  /** Queues whose last look found messages (with `firstMessageFirst`). */
  const found = new Set<QueueId>();
  const receive = async (queue: QueueId, max: number, waitSeconds: number, visibilitySeconds: number | undefined) => {
    const res = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: urlOf(queue),
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: waitSeconds,
        VisibilityTimeout: visibilitySeconds,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
    );
    return (res.Messages ?? []).map(
      (m): ReceivedMessage => ({
        id: m.MessageId ?? "",
        body: safeParse(m.Body),
        receiptHandle: m.ReceiptHandle ?? "",
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
      }),
    );
  };
  const sendBatches = async (url: string, messages: { body: unknown; delaySeconds?: number }[]) => {
    for (let i = 0; i < messages.length; i += 10) {
      let entries = messages.slice(i, i + 10).map((m, j) => ({
        Id: String(j),
        MessageBody: JSON.stringify(m.body),
        DelaySeconds: Math.max(0, Math.min(900, Math.floor(m.delaySeconds ?? 0))),
      }));
      for (let attempt = 0; entries.length > 0; attempt++) {
        const res = await client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
        const failed = new Set((res.Failed ?? []).map((f) => f.Id));
        entries = entries.filter((e) => failed.has(e.Id));
        if (entries.length > 0) {
          if (attempt >= 5) throw new Error(`SQS refused ${entries.length} messages: ${JSON.stringify(res.Failed)}`);
          await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        }
      }
    }
  };
  return {
    shards,
    async send(queue, messages) {
      // Grouped by destination (a planner's window is one session's: one queue), in order within each.
      const byUrl = new Map<string, typeof messages>();
      for (const m of messages) {
        const url = routeOf(queue, m.body);
        const group = byUrl.get(url);
        if (group) group.push(m);
        else byUrl.set(url, [m]);
      }
      for (const [url, batch] of byUrl) await sendBatches(url, batch);
    },

    async receive(queue, { max, waitSeconds, visibilitySeconds }) {
      if (!firstMessageFirst || max <= 1 || waitSeconds === 0) return receive(queue, max, waitSeconds, visibilitySeconds);
      // The last look found messages: more are likely there (a consumer that gathers paced messages
      // waits between receives), so take them without waiting, in one request instead of two.
      if (found.has(queue)) {
        const now = await receive(queue, max, 0, visibilitySeconds);
        if (now.length > 0) return now;
        found.delete(queue);
      }
      const first = await receive(queue, 1, waitSeconds, visibilitySeconds);
      if (first.length === 0) return first;
      found.add(queue);
      return [...first, ...(await receive(queue, max - 1, 0, visibilitySeconds))];
    },

    async backlog(queue) {
      const res = await client.send(new GetQueueAttributesCommand({ QueueUrl: urlOf(queue), AttributeNames: ["ApproximateNumberOfMessages"] }));
      return Number(res.Attributes?.ApproximateNumberOfMessages ?? 0);
    },

    async delete(queue, receiptHandles) {
      for (let i = 0; i < receiptHandles.length; i += 10) {
        await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: urlOf(queue),
            Entries: receiptHandles.slice(i, i + 10).map((h, j) => ({ Id: String(j), ReceiptHandle: h })),
          }),
        );
      }
    },

    async extend(queue, receiptHandles, seconds) {
      for (let i = 0; i < receiptHandles.length; i += 10) {
        await client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: urlOf(queue),
            Entries: receiptHandles
              .slice(i, i + 10)
              .map((h, j) => ({ Id: String(j), ReceiptHandle: h, VisibilityTimeout: Math.max(0, Math.min(43200, Math.ceil(seconds))) })),
          }),
        );
      }
    },

    async release(queue, receiptHandle, seconds) {
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: urlOf(queue),
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: Math.max(0, Math.min(43200, Math.ceil(seconds))),
        }),
      );
    },
  };
};

const safeParse = (body: string | undefined): unknown => {
  try {
    return JSON.parse(body ?? "null");
  } catch {
    return null;
  }
};

/**
 * Creates the events queue and the `shards` sends queues (`<prefix>-sends-<i>`), each with its
 * dead-letter queue, when missing; returns their URLs.
 */
export const ensureQueues = async (client: SqsClient, prefix: string, shards = 1): Promise<QueueUrls> => {
  const make = async (name: string, attributes: Record<string, string>) => {
    try {
      const r = await client.send(new GetQueueUrlCommand({ QueueName: name }));
      if (r.QueueUrl) return r.QueueUrl;
    } catch {}
    const r = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (!r.QueueUrl) throw new Error(`could not create queue ${name}`);
    return r.QueueUrl;
  };
  const withDlq = async (name: string) => {
    await make(`${name}-dlq`, {});
    const dlqArn = `arn:aws:sqs:us-east-1:123456789012:${name}-dlq`;
    return make(name, { VisibilityTimeout: "120", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 10 }) });
  };
  const events = await withDlq(`${prefix}-events`);
  const sends: string[] = [];
  for (let i = 0; i < shards; i++) sends.push(await withDlq(`${prefix}-sends-${i}`));
  return { events, sends };
};
