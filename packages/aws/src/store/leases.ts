import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { conditional, type Db, type Item } from "./db";

/**
 * Single-owner leases (a session's, a shard's): taken or renewed by their owner, taken over from
 * another owner only once expired, released by their owner only. One conditional write each.
 */
export const takeLease = (db: Db, key: { pk: string; sk: string }, owner: string, now: number, ttlMs: number, extra: Item = {}) =>
  conditional(
    db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...key, ...extra, owner, expires_at: now + ttlMs },
        ConditionExpression: "attribute_not_exists(pk) OR #owner = :me OR expires_at < :now",
        ExpressionAttributeNames: { "#owner": "owner" },
        ExpressionAttributeValues: { ":me": owner, ":now": now },
      }),
    ),
  );

export const releaseLease = async (db: Db, key: { pk: string; sk: string }, owner: string) => {
  await conditional(
    db.doc.send(
      new DeleteCommand({
        TableName: db.table,
        Key: key,
        ConditionExpression: "#owner = :me",
        ExpressionAttributeNames: { "#owner": "owner" },
        ExpressionAttributeValues: { ":me": owner },
      }),
    ),
  );
};
