import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Execution } from "@outreach/core/port";
import { conditional, type Db, type PageRequest, queryPage, strip } from "./db";

/** Report executions (`RX#<report>` · `EX#<execution id>`; ids sort by time, so newest first is a reverse query). */
export const createExecutionStore = (db: Db) => ({
  /** Stores an execution once; a second put with the same id keeps the first. */
  put: (e: Execution): Promise<boolean> =>
    conditional(
      db.doc.send(
        new PutCommand({ TableName: db.table, Item: { pk: `RX#${e.report_id}`, sk: `EX#${e.id}`, ...e }, ConditionExpression: "attribute_not_exists(pk)" }),
      ),
    ),

  async get(reportId: string, id: string): Promise<Execution | undefined> {
    const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: { pk: `RX#${reportId}`, sk: `EX#${id}` }, ConsistentRead: true }));
    return res.Item ? strip<Execution>(res.Item) : undefined;
  },

  list: (reportId: string, page: PageRequest) =>
    queryPage(
      db,
      {
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :e)",
        ExpressionAttributeValues: { ":pk": `RX#${reportId}`, ":e": "EX#" },
        ScanIndexForward: false,
      },
      page,
      (i) => strip<Execution>(i),
    ),
});
