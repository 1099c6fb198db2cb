import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { createLeanClient, type LeanClient } from "./client";
import { createTransport, type SdkConfig } from "./transport";

/** The SQS client the queue adapter uses: `send(new XCommand(input))`, and `middlewareStack.add` / `remove`. */
export type SqsClient = LeanClient<SQSClient>;

/**
 * An SQS client whose hot requests — the ones the worker makes for every message — do not go through
 * the AWS SDK's request path, for the reason `./dynamodb.ts` gives (≈ 0.3–0.5 ms of CPU per request
 * saved; `npm run bench -- aws-requests`). SQS's JSON protocol (`x-amz-target: AmazonSQS.<Op>`,
 * `application/x-amz-json-1.0`, as the SDK sends it, with its `x-amzn-query-mode` header) takes the
 * command's input as it is and answers with the SDK's output shape. Queue creation and attributes
 * stay on the SDK. The SDK's check of the received bodies' MD5 is not made: the bodies come over
 * TLS, which already detects a change on the way.
 */
export const createLeanSqsClient = (client: SQSClient, opts: { connectTimeoutMs: number; requestTimeoutMs: number; maxAttempts?: number }): SqsClient => {
  const transport = createTransport({
    config: client.config as unknown as SdkConfig,
    service: "sqs",
    targetPrefix: "AmazonSQS",
    endpointEnv: "AWS_ENDPOINT_URL_SQS",
    extraHeaders: { "x-amzn-query-mode": "true" },
    maxAttempts: opts.maxAttempts,
    connectTimeoutMs: opts.connectTimeoutMs,
    requestTimeoutMs: opts.requestTimeoutMs,
  });
  return createLeanClient({
    sdk: client,
    clientName: "SQSClient",
    transport,
    operations: new Map<unknown, { name: string }>([
      [ReceiveMessageCommand, { name: "ReceiveMessage" }],
      [DeleteMessageBatchCommand, { name: "DeleteMessageBatch" }],
      [ChangeMessageVisibilityCommand, { name: "ChangeMessageVisibility" }],
      [ChangeMessageVisibilityBatchCommand, { name: "ChangeMessageVisibilityBatch" }],
      [SendMessageBatchCommand, { name: "SendMessageBatch" }],
    ]),
  });
};
