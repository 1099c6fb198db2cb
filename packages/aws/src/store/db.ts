import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { DomainError } from "@outreach/core/error";
import type { Page, PageRequest } from "@outreach/core/port";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { mapUnavailable } from "../errors";
import { createLeanDocClient, type DocClient } from "../lean/dynamodb";
import { openCursor, processCursorKey, sealCursor } from "./cursor";
import { INDEX, KEY_ATTRIBUTES } from "./keys";

export type Item = Record<string, unknown>;

export interface Db {
  /** Data-plane requests made by the lean client (`../lean`), the rest by the SDK's document client. */
  doc: DocClient;
  table: string;
  /** Seals the cursors of `queryPage` (`cursor.ts`); every instance that serves lists must share it. */
  cursorKey: Buffer;
}

/**
 * A DynamoDB document client (lean for the data plane, `../lean/dynamodb.ts`) with short timeouts, so an unreachable store becomes a quick 503,
 * never a hanging request.
 */
export const createDb = (opts: { table: string; endpoint?: string; region?: string; config?: DynamoDBClientConfig; cursorKey?: Buffer }): Db => {
  const client = new DynamoDBClient({
    region: opts.region ?? process.env.AWS_REGION ?? "us-east-1",
    ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: { accessKeyId: "local", secretAccessKey: "local" } } : {}),
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 5000 }),
    ...opts.config,
  });
  const marshallOptions = { removeUndefinedValues: true, convertClassInstanceToMap: false };
  const sdk = DynamoDBDocumentClient.from(client, { marshallOptions });
  const doc = createLeanDocClient(client, sdk, {
    marshallOptions,
    connectTimeoutMs: 1000,
    requestTimeoutMs: 5000,
    maxAttempts: typeof opts.config?.maxAttempts === "number" ? opts.config.maxAttempts : 3,
  });
  mapUnavailable(doc);
  return { doc, table: opts.table, cursorKey: opts.cursorKey ?? processCursorKey() };
};

export type { Page, PageRequest } from "@outreach/core/port";

/**
 * One page of a query, by cursor or by offset (MoltFlow's paging). Filters are applied client-side
 * via `keep`, so `limit` counts the items returned, not the items read.
 */
export const queryPage = async <T>(
  db: Db,
  input: Omit<QueryCommandInput, "TableName" | "Limit" | "ExclusiveStartKey">,
  page: PageRequest,
  map: (item: Item) => T | undefined,
): Promise<Page<T>> => {
  let start = openCursor(db.cursorKey, page.cursor, input);
  let skip = page.cursor ? 0 : (page.offset ?? 0);
  const items: T[] = [];
  const keyNames: string[] = input.IndexName ? [...KEY_ATTRIBUTES] : ["pk", "sk"];
  let lastIncluded: Item | undefined;
  for (;;) {
    const res = await db.doc.send(new QueryCommand({ ...input, TableName: db.table, ExclusiveStartKey: start, Limit: Math.min(1000, page.limit + skip + 1) }));
    for (const raw of res.Items ?? []) {
      const v = map(raw);
      if (v === undefined) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      if (items.length === page.limit && lastIncluded) {
        return { items, next_cursor: sealCursor(db.cursorKey, pick(lastIncluded, keyNames), input) };
      }
      items.push(v);
      lastIncluded = raw;
    }
    if (!res.LastEvaluatedKey) return { items, next_cursor: null };
    start = res.LastEvaluatedKey;
  }
};

const pick = (item: Item, keys: string[]) => {
  const out: Item = {};
  for (const k of keys) if (item[k] !== undefined) out[k] = item[k];
  return out;
};

/** Every item of a query, page by page, in constant memory. */
export async function* queryAll(db: Db, input: Omit<QueryCommandInput, "TableName" | "ExclusiveStartKey">): AsyncGenerator<Item> {
  let start: Item | undefined;
  do {
    const res = await db.doc.send(new QueryCommand({ ...input, TableName: db.table, ExclusiveStartKey: start }));
    for (const item of res.Items ?? []) yield item;
    start = res.LastEvaluatedKey;
  } while (start);
}

/**
 * Sets the given fields (undefined ones are left alone) and `updated_at` on an item that exists;
 * returns the item after the update, or undefined when there is none.
 */
export const updateFields = async (db: Db, key: Item, fields: Record<string, unknown>, at: string): Promise<Item | undefined> => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ":at": at };
  const sets = ["updated_at = :at"];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    sets.push(`#${k} = :${k}`);
  }
  const res = await whenHolds(
    db.doc.send(
      new UpdateCommand({
        TableName: db.table,
        Key: key,
        UpdateExpression: `SET ${sets.join(", ")}`,
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
        ExpressionAttributeValues: values,
        ReturnValues: "ALL_NEW",
      }),
    ),
  );
  return res?.Attributes;
};

/** Deletes up to `max` items of a query (keys only), in batches of 25; returns how many it deleted. */
export const deleteMatching = async (db: Db, input: Omit<QueryCommandInput, "TableName" | "ExclusiveStartKey" | "ProjectionExpression">, max: number) => {
  const keys: Item[] = [];
  for await (const m of queryAll(db, { ...input, ProjectionExpression: "pk, sk", Limit: Math.min(max, 1000) })) {
    keys.push({ pk: m.pk, sk: m.sk });
    if (keys.length >= max) break;
  }
  await batchWrite(
    db,
    keys.map((k) => ({ delete: k })),
  );
  return keys.length;
};

/** Number of items a query matches (server-side count, page by page). */
export const queryCount = async (db: Db, input: Omit<QueryCommandInput, "TableName" | "ExclusiveStartKey" | "Select">) => {
  let n = 0;
  let start: Item | undefined;
  do {
    const res = await db.doc.send(new QueryCommand({ ...input, TableName: db.table, Select: "COUNT", ExclusiveStartKey: start }));
    n += res.Count ?? 0;
    start = res.LastEvaluatedKey;
  } while (start);
  return n;
};

/** BatchWrite in chunks of 25, retrying unprocessed items with backoff. */
export const batchWrite = async (db: Db, requests: ({ put: Item } | { delete: Item })[]) => {
  for (let i = 0; i < requests.length; i += 25) {
    let pending = requests.slice(i, i + 25).map((r) => ("put" in r ? { PutRequest: { Item: r.put } } : { DeleteRequest: { Key: r.delete } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      const res = await db.doc.send(new BatchWriteCommand({ RequestItems: { [db.table]: pending } }));
      pending = (res.UnprocessedItems?.[db.table] ?? []) as typeof pending;
      if (pending.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      if (attempt > 10) throw new DomainError("unavailable", "store.throttled", "The store is busy; try again shortly.");
    }
  }
};

/** BatchGet in chunks of 100 (keys deduplicated), retrying unprocessed keys with backoff; items in no particular order. */
export const batchGet = async (
  db: Db,
  keys: Item[],
  opts: { consistent?: boolean; projection?: string; names?: Record<string, string> } = {},
): Promise<Item[]> => {
  const out: Item[] = [];
  const unique = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
  for (let i = 0; i < unique.length; i += 100) {
    let pending = unique.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      if (attempt > 10) throw new DomainError("unavailable", "store.throttled", "The store is busy; try again shortly.");
      const res = await db.doc.send(
        new BatchGetCommand({
          RequestItems: {
            [db.table]: { Keys: pending, ConsistentRead: opts.consistent, ProjectionExpression: opts.projection, ExpressionAttributeNames: opts.names },
          },
        }),
      );
      out.push(...(res.Responses?.[db.table] ?? []));
      pending = (res.UnprocessedKeys?.[db.table]?.Keys as Item[] | undefined) ?? [];
    }
  }
  return out;
};

export type TransactItems = NonNullable<TransactWriteCommandInput["TransactItems"]>;

/**
 * TransactWrite that reports which items failed their condition instead of throwing.
 * Retries transaction conflicts (real DynamoDB only) with backoff.
 */
export const transact = async (db: Db, items: TransactItems): Promise<{ ok: true } | { ok: false; failed: number[] }> => {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return { ok: true };
    } catch (e) {
      const err = e as { name?: string; CancellationReasons?: { Code?: string }[] };
      if (err.name !== "TransactionCanceledException") throw e;
      const reasons = err.CancellationReasons ?? [];
      if (reasons.some((r) => r.Code === "TransactionConflict") && attempt < 8) {
        await new Promise((r) => setTimeout(r, 10 * 2 ** attempt + Math.random() * 20));
        continue;
      }
      const failed = reasons.flatMap((r, i) => (r.Code === "ConditionalCheckFailed" ? [i] : []));
      if (failed.length === 0) throw e;
      return { ok: false, failed };
    }
  }
};

const isConditionFailed = (e: unknown) => (e as { name?: string })?.name === "ConditionalCheckFailedException";

/** Runs a conditional write: its output when it applied, undefined when its condition did not hold. */
export const whenHolds = async <T extends object>(write: Promise<T>): Promise<T | undefined> => {
  try {
    return await write;
  } catch (e) {
    if (isConditionFailed(e)) return undefined;
    throw e;
  }
};

/** Runs a conditional write: true when it applied, false when its condition did not hold. */
export const conditional = async (write: Promise<object>): Promise<boolean> => (await whenHolds(write)) !== undefined;

/** `#status IN (:s0, :s1, …)` with its values. */
export const statusIn = (statuses: readonly string[]) => ({
  expr: `#status IN (${statuses.map((_, i) => `:s${i}`).join(", ")})`,
  values: Object.fromEntries(statuses.map((s, i) => [`:s${i}`, s])) as Item,
});

/** Strips key attributes (and the TTL) before an item leaves the store. */
export const strip = <T>(item: Item): T => {
  const rest = { ...item };
  for (const k of KEY_ATTRIBUTES) delete rest[k];
  delete rest.ttl;
  return rest as T;
};

/** Query input over the index. */
export const onIndex = { IndexName: INDEX.name } as const;
