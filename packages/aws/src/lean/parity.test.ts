import { randomBytes } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../store/db";
import { ensureTable } from "../store/ensure";

/**
 * The same commands through the SDK's document client (as the store had it) and through the lean
 * client, against DynamoDB Local: the same outputs, and errors with the same name, message, status
 * and fields (`CancellationReasons` with their `Item`s).
 */
const table = `lean-${randomBytes(4).toString("hex")}`;
const endpoint = inject("dynamoEndpoint");
const db = createDb({ table, endpoint });
const sdk = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" }, maxAttempts: 3 }),
  { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
);
beforeAll(() => ensureTable(db));

/** `command` sent by each client in turn (`before` each time, when given), with what it gave. */
const both = async (command: () => object, before?: () => Promise<unknown>) => {
  const run = async (client: { send: (c: never) => Promise<unknown> }) => {
    await before?.();
    try {
      const { $metadata, ...out } = (await client.send(command() as never)) as { $metadata: unknown };
      return { ok: out };
    } catch (e) {
      const err = e as Record<string, unknown> & { $metadata: { httpStatusCode?: number } };
      return { error: { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode, fault: err.$fault, reasons: err.CancellationReasons } };
    }
  };
  return { sdk: await run(sdk), lean: await run(db.doc as never) };
};

const pk = `p#${randomBytes(4).toString("hex")}`;
const item = (sk: string) => ({
  pk,
  sk,
  n: 42,
  f: 1.5,
  s: "text",
  empty: "",
  yes: true,
  none: null,
  list: [1, "two", { three: 3 }],
  map: { a: { b: [true] } },
  tags: new Set(["x", "y"]),
  nums: new Set([1, 2]),
  bin: new Uint8Array([1, 2, 3]),
  gone: undefined,
});

describe("the lean client against the SDK's document client, on DynamoDB Local", () => {
  it("writes and reads the same items", async () => {
    expect((await both(() => new PutCommand({ TableName: table, Item: item("a") }))).lean).toEqual({ ok: {} });
    await db.doc.send(new PutCommand({ TableName: table, Item: item("b") }));
    const get = await both(() => new GetCommand({ TableName: table, Key: { pk, sk: "a" }, ConsistentRead: true }));
    expect(get.lean).toEqual(get.sdk);
    expect((get.lean as { ok: { Item: unknown } }).ok.Item).toMatchObject({ n: 42, tags: new Set(["x", "y"]), map: { a: { b: [true] } } });
    const upd = () =>
      new UpdateCommand({
        TableName: table,
        Key: { pk, sk: "a" },
        UpdateExpression: "SET #s = :s ADD n :one",
        ExpressionAttributeNames: { "#s": "s" },
        ExpressionAttributeValues: { ":s": "changed", ":one": 0 },
        ReturnValues: "ALL_NEW",
      });
    const u = await both(upd);
    expect(u.lean).toEqual(u.sdk);
    const q = await both(() => new QueryCommand({ TableName: table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": pk }, Limit: 1 }));
    expect(q.lean).toEqual(q.sdk);
    expect((q.lean as { ok: { LastEvaluatedKey: unknown } }).ok.LastEvaluatedKey).toEqual({ pk, sk: "a" });
    const s = await both(() => new ScanCommand({ TableName: table, FilterExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": pk } }));
    expect(s.lean).toEqual(s.sdk);
    const bg = await both(
      () =>
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: [
                { pk, sk: "a" },
                { pk, sk: "b" },
              ],
              ConsistentRead: true,
            },
          },
        }),
    );
    const sorted = (r: typeof bg.lean) =>
      ((r as { ok: { Responses: Record<string, { sk: string }[]> } }).ok.Responses[table] ?? []).sort((x, y) => x.sk.localeCompare(y.sk));
    expect(sorted(bg.lean)).toEqual(sorted(bg.sdk));
    expect(sorted(bg.lean)).toHaveLength(2);
    const bw = await both(
      () => new BatchWriteCommand({ RequestItems: { [table]: [{ PutRequest: { Item: item("c") } }, { DeleteRequest: { Key: { pk, sk: "zz" } } }] } }),
    );
    expect(bw.lean).toEqual(bw.sdk);
    const del = await both(
      () => new DeleteCommand({ TableName: table, Key: { pk, sk: "c" }, ReturnValues: "ALL_OLD" }),
      () => db.doc.send(new PutCommand({ TableName: table, Item: item("c") })),
    );
    expect(del.lean).toEqual(del.sdk);
    expect((del.lean as { ok: { Attributes: unknown } }).ok.Attributes).toMatchObject({ sk: "c", bin: new Uint8Array([1, 2, 3]) });
  });

  it("fails the same way: refused condition, cancelled transaction with its reasons, validation, missing table", async () => {
    const refused = await both(() => new PutCommand({ TableName: table, Item: { pk, sk: "a" }, ConditionExpression: "attribute_not_exists(pk)" }));
    expect(refused.lean).toEqual(refused.sdk);
    expect(refused.lean).toMatchObject({ error: { name: "ConditionalCheckFailedException", status: 400, fault: "client" } });

    const cancelled = await both(
      () =>
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { pk, sk: "t1" } } },
            {
              Put: { TableName: table, Item: { pk, sk: "a" }, ConditionExpression: "attribute_not_exists(pk)", ReturnValuesOnConditionCheckFailure: "ALL_OLD" },
            },
          ],
        }),
    );
    expect(cancelled.lean).toEqual(cancelled.sdk);
    expect(cancelled.lean).toMatchObject({
      error: { name: "TransactionCanceledException", reasons: [{ Code: "None" }, { Code: "ConditionalCheckFailed", Item: { pk: { S: pk } } }] },
    });

    const invalid = await both(() => new UpdateCommand({ TableName: table, Key: { pk, sk: "a" }, UpdateExpression: "SET n = :missing" }));
    expect(invalid.lean).toEqual(invalid.sdk);
    expect(invalid.lean).toMatchObject({ error: { name: "ValidationException", status: 400 } });

    const missing = await both(() => new GetCommand({ TableName: `${table}-none`, Key: { pk, sk: "a" } }));
    expect(missing.lean).toEqual(missing.sdk);
    expect(missing.lean).toMatchObject({ error: { name: "ResourceNotFoundException" } });
  });
});
