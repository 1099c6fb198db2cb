import type { Db, TransactItems } from "./db";
import { transact } from "./db";
import { Keys } from "./keys";

/** The tenant item's counters that plan caps are checked against. */
export type Counter = "session_count" | "monitor_count" | "webhook_count" | "collector_count" | "key_count";

/**
 * Creates something counted against a plan cap, atomically (issue 29): one transaction adds 1 to the
 * tenant's `counter` only while it is below `limit` (`null`: no cap) and writes `items`. Forty parallel
 * creates on a cap of 5 make 5, whatever their timing. Index 0 of `failed` is the cap; the items
 * follow from index 1 in the order given.
 */
export const createCounted = (db: Db, tenantId: string, counter: Counter, limit: number | null, items: TransactItems) =>
  transact(db, [
    {
      Update: {
        TableName: db.table,
        Key: Keys.tenant(tenantId),
        UpdateExpression: "ADD #c :one",
        ExpressionAttributeNames: { "#c": counter },
        ...(limit === null
          ? { ExpressionAttributeValues: { ":one": 1 } }
          : {
              ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(#c) OR #c < :limit)",
              ExpressionAttributeValues: { ":one": 1, ":limit": limit },
            }),
      },
    },
    ...items,
  ]);

/** The transaction item that gives a counted thing's place back when it is deleted (with its delete). */
export const uncount = (db: Db, tenantId: string, counter: Counter): TransactItems[number] => ({
  Update: {
    TableName: db.table,
    Key: Keys.tenant(tenantId),
    UpdateExpression: "ADD #c :m",
    ExpressionAttributeNames: { "#c": counter },
    ExpressionAttributeValues: { ":m": -1 },
  },
});
