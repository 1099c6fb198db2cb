import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { SQSClient } from "@aws-sdk/client-sqs";
import { GetCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb, transact, whenHolds } from "../store/db";
import { createLeanSqsClient } from "./sqs";

/**
 * The lean clients against a stand-in http server that answers as AWS does: errors as JSON with
 * `__type` (`com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`) and the message in
 * `message` or `Message` (DynamoDB's "Error handling": both spellings occur), 5xx and throttling
 * answers that the SDK's standard retry mode retries. What real DynamoDB Local and the local SQS
 * server answer is covered by `parity.test.ts` and by every store and queue test.
 */
type Answer = { status: number; body: unknown };
const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
let answers: Answer[] = [];
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    seen.push({ headers: req.headers, body });
    const a = answers.shift() ?? { status: 200, body: {} };
    res.writeHead(a.status, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": `req-${seen.length}` });
    res.end(JSON.stringify(a.body));
  });
});
let endpoint = "";
beforeAll(async () => {
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((ok) => server.close(ok)));
afterEach(() => {
  seen.length = 0;
  answers = [];
  vi.restoreAllMocks();
});

const awsError = (status: number, type: string, message: string, extra: object = {}, key: "message" | "Message" = "message"): Answer => ({
  status,
  body: { __type: `com.amazonaws.dynamodb.v20120810#${type}`, [key]: message, ...extra },
});
const credentials = { accessKeyId: "AKIATEST", secretAccessKey: "secret", sessionToken: "session-token-of-a-role" };
const dbOf = () => createDb({ table: "t", endpoint, config: { credentials } });
const update = () =>
  new UpdateCommand({
    TableName: "t",
    Key: { pk: "a", sk: "b" },
    UpdateExpression: "SET n = :n",
    ConditionExpression: "attribute_exists(pk)",
    ExpressionAttributeValues: { ":n": 1, ":gone": undefined },
  });

describe("the lean DynamoDB client", () => {
  it("sends the document as DynamoDB's JSON, with its x-amz-target, and unmarshals the answer", async () => {
    answers = [{ status: 200, body: { Item: { pk: { S: "a" }, n: { N: "2" }, tags: { SS: ["x"] }, m: { M: { ok: { BOOL: true } } } } } }];
    const out = await dbOf().doc.send(new GetCommand({ TableName: "t", Key: { pk: "a", sk: "b" }, ConsistentRead: true }));
    expect(out.Item).toEqual({ pk: "a", n: 2, tags: new Set(["x"]), m: { ok: true } });
    expect(out.$metadata).toMatchObject({ httpStatusCode: 200, requestId: "req-1", attempts: 1 });
    expect(seen[0]?.headers["x-amz-target"]).toBe("DynamoDB_20120810.GetItem");
    expect(JSON.parse(seen[0]?.body ?? "")).toEqual({ TableName: "t", Key: { pk: { S: "a" }, sk: { S: "b" } }, ConsistentRead: true });
  });

  it("names an error by its AWS type, with its status and message, and a refused condition is not retried", async () => {
    answers = [awsError(400, "ConditionalCheckFailedException", "The conditional request failed")];
    const db = dbOf();
    await expect(db.doc.send(update())).rejects.toMatchObject({
      name: "ConditionalCheckFailedException",
      message: "The conditional request failed",
      $fault: "client",
      $metadata: { httpStatusCode: 400, requestId: "req-1", attempts: 1 },
    });
    answers = [awsError(400, "ConditionalCheckFailedException", "The conditional request failed")];
    expect(await whenHolds(db.doc.send(update()))).toBeUndefined();
    expect(seen).toHaveLength(2);
    // undefined values are removed (removeUndefinedValues), as the document client does.
    expect(JSON.parse(seen[0]?.body ?? "").ExpressionAttributeValues).toEqual({ ":n": { N: "1" } });
  });

  it("gives a cancelled transaction its reasons (`Message` spelling), which `transact` reads", async () => {
    const reasons = [{ Code: "None" }, { Code: "ConditionalCheckFailed", Message: "The conditional request failed", Item: { pk: { S: "a" } } }];
    answers = [
      awsError(
        400,
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]",
        { CancellationReasons: reasons },
        "Message",
      ),
    ];
    const items = [{ Put: { TableName: "t", Item: { pk: "a", sk: "1" } } }, { Put: { TableName: "t", Item: { pk: "a", sk: "2" } } }];
    expect(await transact(dbOf(), items)).toEqual({ ok: false, failed: [1] });
    answers = [awsError(400, "TransactionCanceledException", "Transaction cancelled", { CancellationReasons: reasons }, "Message")];
    const e = await dbOf()
      .doc.send(new TransactWriteCommand({ TransactItems: items }))
      .catch((x) => x);
    expect(e).toMatchObject({ name: "TransactionCanceledException", message: "Transaction cancelled", CancellationReasons: reasons });
  });

  it("does not retry a validation error", async () => {
    answers = [awsError(400, "ValidationException", "One or more parameter values were invalid")];
    await expect(dbOf().doc.send(update())).rejects.toMatchObject({ name: "ValidationException", message: "One or more parameter values were invalid" });
    expect(seen).toHaveLength(1);
  });

  it("retries 5xx answers and throttling, as the SDK's standard mode, and succeeds on the third attempt", async () => {
    answers = [awsError(500, "InternalServerError", "Internal server error"), awsError(400, "ThrottlingException", "Rate exceeded"), { status: 200, body: {} }];
    const out = await dbOf().doc.send(update());
    expect(out.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 3 });
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => s.body)).size).toBe(1);
  });

  it("gives up after three attempts: an unreachable store is `unavailable` to the caller", async () => {
    answers = [0, 1, 2].map(() =>
      awsError(400, "ProvisionedThroughputExceededException", "The level of configured provisioned throughput for the table was exceeded"),
    );
    await expect(dbOf().doc.send(update())).rejects.toMatchObject({
      kind: "unavailable",
      cause: { name: "ProvisionedThroughputExceededException", $metadata: { attempts: 3 } },
    });
    expect(seen).toHaveLength(3);
    const closed = createDb({ table: "t", endpoint: "http://127.0.0.1:1", config: { credentials } });
    await expect(closed.doc.send(update())).rejects.toMatchObject({ kind: "unavailable", cause: { code: "ECONNREFUSED" } });
  });

  it("logs an AccessDenied where it happens", async () => {
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    answers = [awsError(400, "AccessDeniedException", "User: arn:aws:sts::1:assumed-role/worker is not authorized to perform: dynamodb:UpdateItem")];
    await expect(dbOf().doc.send(update())).rejects.toMatchObject({ name: "AccessDeniedException" });
    expect(JSON.parse(String(out.mock.calls[0]?.[0]))).toMatchObject({ level: 50, code: "AccessDeniedException", command: "UpdateItemCommand" });
  });

  it("runs middleware added to its stack around each call, with the SDK's shapes, until it is removed", async () => {
    const db = dbOf();
    const calls: unknown[] = [];
    db.doc.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        calls.push({
          client: context.clientName,
          command: context.commandName,
          input: args.input,
          output: (result.output as { Attributes?: unknown }).Attributes,
        });
        return result;
      },
      { step: "initialize", name: "spy" },
    );
    answers = [{ status: 200, body: { Attributes: { n: { N: "1" } } } }];
    await db.doc.send(update());
    expect(calls).toEqual([{ client: "DynamoDBClient", command: "UpdateItemCommand", input: update().input, output: { n: 1 } }]);
    expect(db.doc.middlewareStack.remove("spy")).toBe(true);
    await db.doc.send(update());
    expect(calls).toHaveLength(1);
  });
});

describe("signing", () => {
  it("signs the session token in (Lambda and ECS credentials carry one), with the SDK's SigV4 signer", async () => {
    await dbOf().doc.send(update());
    const h = seen[0]?.headers as IncomingHttpHeaders;
    expect(h["x-amz-security-token"]).toBe(credentials.sessionToken);
    expect(h.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIATEST\/\d{8}\/us-east-1\/dynamodb\/aws4_request, SignedHeaders=[^ ]*x-amz-security-token/);

    // What the signature covers: the operation and the token too (a request replayed with another is refused).
    expect(h.authorization).toMatch(/SignedHeaders=(?=[^ ]*\bhost\b)(?=[^ ]*x-amz-target)(?=[^ ]*x-amz-content-sha256)[^ ]*,/);
  });
});

describe("the lean SQS client", () => {
  it("sends SQS's JSON protocol with the SDK's headers and the session token signed in", async () => {
    const sqs = createLeanSqsClient(new SQSClient({ region: "us-east-1", endpoint, credentials }), { connectTimeoutMs: 1000, requestTimeoutMs: 25_000 });
    const { ReceiveMessageCommand } = await import("@aws-sdk/client-sqs");
    answers = [{ status: 200, body: { Messages: [{ MessageId: "m1", ReceiptHandle: "rh", Body: "{}", Attributes: { ApproximateReceiveCount: "2" } }] } }];
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${endpoint}/000/q`, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    expect(out.Messages?.[0]).toMatchObject({ MessageId: "m1", ReceiptHandle: "rh", Attributes: { ApproximateReceiveCount: "2" } });
    const h = seen[0]?.headers as IncomingHttpHeaders;
    expect([h["x-amz-target"], h["content-type"], h["x-amzn-query-mode"], h["x-amz-security-token"]]).toEqual([
      "AmazonSQS.ReceiveMessage",
      "application/x-amz-json-1.0",
      "true",
      credentials.sessionToken,
    ]);
    expect(h.authorization).toContain("/us-east-1/sqs/aws4_request");
  });
});
