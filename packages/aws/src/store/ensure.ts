import { CreateTableCommand, DescribeTableCommand, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import type { Db } from "./db";
import { TTL_ATTRIBUTE, tableDefinition } from "./table";

/** Creates the table, its index and TTL when missing (local runtime and tests; on AWS, infra/storage.ts does it). */
export const ensureTable = async (db: Db) => {
  try {
    await db.doc.send(new DescribeTableCommand({ TableName: db.table }));
    return false;
  } catch (e) {
    if ((e as { name?: string }).name !== "ResourceNotFoundException") throw e;
  }
  await db.doc.send(new CreateTableCommand(tableDefinition(db.table)));
  await db.doc.send(new UpdateTimeToLiveCommand({ TableName: db.table, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }));
  return true;
};
