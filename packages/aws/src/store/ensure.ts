import { CreateTableCommand, DescribeTableCommand, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import type { Db } from "./db";
import { TTL_ATTRIBUTE, tableDefinition } from "./table";

/** DynamoDB Local's first answers after its port opens can be 500s (`UnknownError`) while it starts its store. */
const starting = (e: unknown) => ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0) >= 500;

/**
 * Creates the table, its index and TTL when missing (local runtime and tests; on AWS, infra/storage.ts
 * does it). A 5xx from a database that has just started is retried for up to `readyMs` (seen in CI:
 * `DescribeTable` answered `UnknownError` right after DynamoDB Local's port opened).
 */
export const ensureTable = async (db: Db, readyMs = 15_000) => {
  const until = Date.now() + readyMs;
  for (let wait = 100; ; wait = Math.min(wait * 2, 1000)) {
    try {
      await db.doc.send(new DescribeTableCommand({ TableName: db.table }));
      return false;
    } catch (e) {
      if ((e as { name?: string }).name === "ResourceNotFoundException") break;
      if (!starting(e) || Date.now() + wait > until) throw e;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
  await db.doc.send(new CreateTableCommand(tableDefinition(db.table)));
  await db.doc.send(new UpdateTimeToLiveCommand({ TableName: db.table, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }));
  return true;
};
