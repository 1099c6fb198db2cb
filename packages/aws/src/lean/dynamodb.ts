import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { marshall, type marshallOptions, unmarshall } from "@aws-sdk/util-dynamodb";
import { createLeanClient, type LeanClient, type Operation } from "./client";
import { convertKeys, type KeyNodes } from "./key-nodes";
import { createTransport, type SdkConfig } from "./transport";

/** The document client the store uses: `send(new XCommand(input))` with lib-dynamodb's commands, and `middlewareStack.add` / `remove`. */
export type DocClient = LeanClient<DynamoDBDocumentClient>;

/** The data-plane commands the lean client makes itself (the store's; grep `new \w+Command(` in `store/`). */
const COMMANDS: [unknown, string][] = [
  [GetCommand, "GetItem"],
  [PutCommand, "PutItem"],
  [UpdateCommand, "UpdateItem"],
  [DeleteCommand, "DeleteItem"],
  [QueryCommand, "Query"],
  [ScanCommand, "Scan"],
  [BatchGetCommand, "BatchGetItem"],
  [BatchWriteCommand, "BatchWriteItem"],
  [TransactWriteCommand, "TransactWriteItems"],
];

/** lib-dynamodb's commands carry their own tables of what to (un)marshall. */
interface DocumentCommand {
  inputKeyNodes: Record<string, KeyNodes>;
  outputKeyNodes: Record<string, KeyNodes>;
}

/**
 * Binary attributes (`B`, `BS`) travel as base64 strings in DynamoDB's JSON, as the SDK sends and reads
 * them. A marshalled binary is a `Uint8Array`, which `JSON.stringify` writes as an object: seen in the
 * text (`"B":{`, `"BS":[{`; an attribute named `B` holding a map also matches, harmlessly), the body is
 * written again with a replacer. An answer is read with a reviver only when its text holds `"B":"` or
 * `"BS":[`; a `B` with a string value, or a `BS` with an array, is always an attribute value there
 * (an attribute named `B` holds an attribute value, an object).
 */
const base64 = (v: Uint8Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
const fromBase64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));
const encode = (input: unknown) => {
  const text = JSON.stringify(input);
  if (!text.includes('"B":{') && !text.includes('"BS":[{')) return text;
  return JSON.stringify(input, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    return raw instanceof Uint8Array ? base64(raw) : value;
  });
};
const decode = (text: string) => {
  if (!text.includes('"B":"') && !text.includes('"BS":[')) return JSON.parse(text);
  return JSON.parse(text, (key, value) => {
    if (key === "B" && typeof value === "string") return fromBase64(value);
    if (key === "BS" && Array.isArray(value)) return value.map((v) => (typeof v === "string" ? fromBase64(v) : v));
    return value;
  });
};

/**
 * A DynamoDB document client whose data-plane requests do not go through the AWS SDK's request
 * path. Why: measured on this machine (`npm run bench -- aws-requests`, BENCHMARKS.md "Issue 31,
 * fourth round"), the SDK's per-request pipeline (middleware resolution, configuration copies,
 * schema serde, endpoint rules, user agent, retry strategy, signing glue) and its http handler cost
 * ≈ 0.45–0.75 ms of the client's CPU per request (0.9–1.1 ms in the lead's first measurement),
 * against ≈ 0.17–0.24 ms for the same request made here (three times less): marshalled
 * with `@aws-sdk/util-dynamodb` by the command's own key-node table (the same marshall options),
 * signed (SigV4), POSTed over a keep-alive socket, parsed and unmarshalled. The worker makes ≈ 6–7
 * AWS requests per message, so that was most of its CPU. The control plane (`CreateTable`,
 * `DescribeTable`, TTL) and any command not in `COMMANDS` go to the SDK's document client;
 * credentials (the SDK's memoized, refreshing provider), region and endpoint are the SDK client's.
 *
 * Outputs have the document client's shape (`$metadata` included); errors have the SDK's (`name` =
 * the AWS error type, `message`, `$fault`, `$metadata`, and the body's other fields such as
 * `CancellationReasons`, whose `Item`s stay marshalled as the SDK leaves them); retries and
 * timeouts are the SDK's standard ones (`transport.ts`).
 */
export const createLeanDocClient = (
  client: DynamoDBClient,
  sdk: DynamoDBDocumentClient,
  opts: { marshallOptions: marshallOptions; connectTimeoutMs: number; requestTimeoutMs: number; maxAttempts?: number },
): DocClient => {
  const transport = createTransport({
    config: client.config as unknown as SdkConfig,
    service: "dynamodb",
    targetPrefix: "DynamoDB_20120810",
    endpointEnv: "AWS_ENDPOINT_URL_DYNAMODB",
    encode,
    decode,
    maxAttempts: opts.maxAttempts,
    connectTimeoutMs: opts.connectTimeoutMs,
    requestTimeoutMs: opts.requestTimeoutMs,
  });
  // As lib-dynamodb: each listed value is converted whole (`convertTopLevelContainer`), and read back without a map wrapper.
  const toWire = { ...opts.marshallOptions, convertTopLevelContainer: true };
  const marshallValue = (v: unknown) => marshall(v, toWire);
  const unmarshallValue = (v: any) => unmarshall(v, { convertWithoutMapWrapper: true } as never);
  const operation = (name: string): Operation => ({
    name,
    toWire: (command: DocumentCommand, input) => convertKeys(input, marshallValue, command.inputKeyNodes),
    fromWire: (command: DocumentCommand, output) => convertKeys(output, unmarshallValue, command.outputKeyNodes),
  });
  return createLeanClient({
    sdk,
    clientName: "DynamoDBClient",
    transport,
    operations: new Map(COMMANDS.map(([command, name]) => [command, operation(name)])),
  });
};
