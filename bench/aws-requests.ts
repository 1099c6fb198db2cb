import { fork } from "node:child_process";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { BatchGetCommand, DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mapUnavailable } from "@outreach/aws/errors";
import { createLeanSqsClient } from "@outreach/aws/lean";
import { createDb } from "@outreach/aws/store";
import { NodeHttpHandler } from "@smithy/node-http-handler";

/**
 * CPU per AWS request of the client side alone: the AWS SDK's request path (the document client as
 * the store had it, the SQS client as the queue adapter had it) against the lean clients
 * (`packages/aws/src/lean`), for the worker's kinds of request. A stand-in server in a child process
 * (its CPU is not counted) answers each operation with a fixed body of the size DynamoDB and SQS
 * give; the client sends `BENCH_REQUESTS` (2,000) requests one after the other and its process CPU
 * (`process.cpuUsage`) is divided by their number. Rounds alternate SDK and lean; medians reported.
 *
 * `BENCH_GAP_MS` (0) idles that long between requests, as a worker at pace does (a socket and its
 * timers go cold between requests, and idle-time work such as a free socket's timeout reset counts):
 * the gap's own cost (a timer and an event-loop wake-up, no request) is measured the same way and
 * reported as `idle_cpu_ms_per_gap`, included in each request's figure. With a gap the default
 * count is 500. `BENCH_SIDES=lean` measures the lean clients only (the SDK's side does not change).
 */
const SERVER = `
const { createServer } = require("node:http");
const { createHash } = require("node:crypto");
const body = "{\\"kind\\":\\"send\\",\\"tenant_id\\":\\"ten_1\\",\\"job_id\\":\\"job_1\\",\\"session_id\\":\\"ses_1\\",\\"phone\\":\\"+15550000001\\"}";
const item = (i) => ({ pk: { S: "JOB#job_1" }, sk: { S: "R#+1555000000" + i }, status: { S: "pending" }, attempts: { N: "0" }, name: { S: "Member " + i } });
const answers = {
  "DynamoDB_20120810.UpdateItem": { Attributes: { pk: { S: "JOB#job_1" }, sk: { S: "JOB" }, sent: { N: "12" }, status: { S: "running" } } },
  "DynamoDB_20120810.TransactWriteItems": {},
  "DynamoDB_20120810.BatchGetItem": { Responses: { t: Array.from({ length: 10 }, (_, i) => item(i)) }, UnprocessedKeys: {} },
  "AmazonSQS.ReceiveMessage": { Messages: [{ MessageId: "m-1", ReceiptHandle: "rh-".padEnd(180, "x"), MD5OfBody: createHash("md5").update(body).digest("hex"), Body: body, Attributes: { ApproximateReceiveCount: "1" } }] },
};
const texts = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, JSON.stringify(v)]));
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const text = texts[req.headers["x-amz-target"]] ?? "{}";
    res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "r", "content-length": Buffer.byteLength(text) });
    res.end(text);
  });
}).listen(0, "127.0.0.1", () => process.send(server.address().port));
`;

type Send = () => Promise<unknown>;

const gapMs = Number(process.env.BENCH_GAP_MS ?? 0);
const idle = () => new Promise((r) => setTimeout(r, gapMs));

const perRequest = async (send: Send, n: number) => {
  for (let i = 0; i < 200; i++) await send();
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    if (gapMs > 0) await idle();
    await send();
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / n;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export const awsRequests = async (n = Number(process.env.BENCH_REQUESTS ?? (gapMs > 0 ? 500 : 2000)), rounds = Number(process.env.BENCH_ROUNDS ?? 3)) => {
  const sdkToo = process.env.BENCH_SIDES !== "lean";
  const server = fork("-e", [SERVER], { execArgv: [], stdio: "inherit" } as never);
  const port = await new Promise<number>((ok) => server.once("message", (m) => ok(Number(m))));
  const endpoint = `http://127.0.0.1:${port}`;
  // Lambda and ECS credentials carry a session token: signed in on both sides.
  const credentials = { accessKeyId: "AKIABENCH", secretAccessKey: "bench", sessionToken: "token".repeat(60) };
  const config = { region: "us-east-1", endpoint, credentials, maxAttempts: 3 };
  const sdkDoc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...config, requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 5000 }) }),
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
  );
  const sdkSqs = new SQSClient({ ...config, requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 25_000 }), cacheMiddleware: true });
  const db = createDb({ table: "t", endpoint, config: { credentials } });
  const sqs = createLeanSqsClient(new SQSClient(config), { connectTimeoutMs: 1000, requestTimeoutMs: 25_000 });
  mapUnavailable(sqs);

  const update = () =>
    new UpdateCommand({
      TableName: "t",
      Key: { pk: "JOB#job_1", sk: "R#+15550000001" },
      UpdateExpression: "SET #status = :claimed, claimed_by = :by, claimed_at = :at ADD attempts :one",
      ConditionExpression: "#status = :pending",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":claimed": "claimed", ":by": "m-1", ":at": 1765100000000, ":one": 1, ":pending": "pending" },
      ReturnValues: "ALL_NEW",
    });
  const transact = () =>
    new TransactWriteCommand({
      TransactItems: Array.from({ length: 10 }, (_, i) => ({
        Update: {
          TableName: "t",
          Key: { pk: "JOB#job_1", sk: `R#+155500000${i}` },
          UpdateExpression: "SET #status = :sent, sent_at = :at, message_id = :id",
          ConditionExpression: "#status = :claimed",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":sent": "sent", ":at": 1765100000000 + i, ":id": `m-${i}`, ":claimed": "claimed" },
        },
      })),
    });
  const batchGet = () =>
    new BatchGetCommand({
      RequestItems: { t: { Keys: Array.from({ length: 10 }, (_, i) => ({ pk: "JOB#job_1", sk: `R#+155500000${i}` })), ConsistentRead: true } },
    });
  const receive = () =>
    new ReceiveMessageCommand({
      QueueUrl: `${endpoint}/000000000000/outreach-sends-0`,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ["ApproximateReceiveCount"],
    });
  const cases: Record<string, { sdk: Send; lean: Send }> = {
    UpdateItem: { sdk: () => sdkDoc.send(update()), lean: () => db.doc.send(update()) },
    "TransactWriteItems (10 items)": { sdk: () => sdkDoc.send(transact()), lean: () => db.doc.send(transact()) },
    "BatchGetItem (10 keys)": { sdk: () => sdkDoc.send(batchGet()), lean: () => db.doc.send(batchGet()) },
    ReceiveMessage: { sdk: () => sdkSqs.send(receive()), lean: () => sqs.send(receive()) },
  };
  const out: Record<string, { sdk_cpu_ms_per_request?: number; lean_cpu_ms_per_request: number; runs: { sdk: number[]; lean: number[] } }> = {};
  try {
    for (const [name, c] of Object.entries(cases)) {
      const runs = { sdk: [] as number[], lean: [] as number[] };
      for (let r = 0; r < rounds; r++) {
        if (sdkToo) runs.sdk.push(Number((await perRequest(c.sdk, n)).toFixed(3)));
        runs.lean.push(Number((await perRequest(c.lean, n)).toFixed(3)));
      }
      out[name] = { ...(sdkToo ? { sdk_cpu_ms_per_request: median(runs.sdk) } : {}), lean_cpu_ms_per_request: median(runs.lean), runs };
    }
  } finally {
    server.kill();
  }
  const gapCost = gapMs > 0 ? { idle_cpu_ms_per_gap: Number((await perRequest(async () => undefined, n)).toFixed(3)) } : {};
  return { requests_per_run: n, gap_ms: gapMs, ...gapCost, rounds, ...out };
};
