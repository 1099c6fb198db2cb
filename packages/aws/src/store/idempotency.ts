import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Store } from "@outreach/core/port";
import { conditional, type Db } from "./db";
import { Keys } from "./keys";

export type IdempotencyRecord = { state: "in_progress"; request_hash: string } | { state: "done"; request_hash: string; status: number; body: string };

/** `Idempotency-Key` records, 24 h TTL, claimed with a conditional put so two racing retries create one thing. */
export const createIdempotencyStore = (db: Db) =>
  ({
    /** Claims the key; returns the existing record when someone claimed it first. */
    async claim(tenantId: string, key: string, requestHash: string, now: number): Promise<IdempotencyRecord | null> {
      const Key = Keys.idempotency(tenantId, key);
      const claimed = await conditional(
        db.doc.send(
          new PutCommand({
            TableName: db.table,
            Item: { ...Key, state: "in_progress", request_hash: requestHash, ttl: Math.floor(now / 1000) + 86400, claimed_at: now },
            // An in-progress claim older than 60 s belongs to a request that died: it may be taken over.
            ConditionExpression: "attribute_not_exists(pk) OR #ttl < :nowS OR (#state = :ip AND claimed_at < :stale)",
            ExpressionAttributeNames: { "#ttl": "ttl", "#state": "state" },
            ExpressionAttributeValues: { ":nowS": Math.floor(now / 1000), ":ip": "in_progress", ":stale": now - 60_000 },
          }),
        ),
      );
      if (claimed) return null;
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key, ConsistentRead: true }));
      return (res.Item as IdempotencyRecord | undefined) ?? null;
    },

    async complete(tenantId: string, key: string, status: number, body: string) {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: Keys.idempotency(tenantId, key),
          UpdateExpression: "SET #state = :done, #status = :status, body = :body",
          ExpressionAttributeNames: { "#state": "state", "#status": "status" },
          ExpressionAttributeValues: { ":done": "done", ":status": status, ":body": body },
        }),
      );
    },

    /** A request that failed with an error releases its claim, so a retry may try again. */
    async release(tenantId: string, key: string) {
      await conditional(
        db.doc.send(
          new DeleteCommand({
            TableName: db.table,
            Key: Keys.idempotency(tenantId, key),
            ConditionExpression: "#state = :ip",
            ExpressionAttributeNames: { "#state": "state" },
            ExpressionAttributeValues: { ":ip": "in_progress" },
          }),
        ),
      );
    },
  }) satisfies Store["idempotency"];

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
