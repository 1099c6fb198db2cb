import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Store } from "@outreach/core/port";
import type { Execution } from "@outreach/core/report";
import { conditional, type Db, deleteMatching, type PageRequest, queryPage, strip } from "./db";
import { Keys, PREFIX } from "./keys";

/** Report executions (`RX#<report>` · `EX#<execution id>`; ids sort by time, so newest first is a reverse query). */
export const createExecutionStore = (db: Db) =>
  ({
    /** Stores an execution once; a second put with the same id keeps the first. */
    put: (e: Execution): Promise<boolean> =>
      conditional(
        db.doc.send(
          new PutCommand({ TableName: db.table, Item: { ...Keys.execution(e.report_id, e.id), ...e }, ConditionExpression: "attribute_not_exists(pk)" }),
        ),
      ),

    async get(reportId: string, id: string): Promise<Execution | undefined> {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.execution(reportId, id), ConsistentRead: true }));
      return res.Item ? strip<Execution>(res.Item) : undefined;
    },

    list: (reportId: string, page: PageRequest) =>
      queryPage(
        db,
        {
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :e)",
          ExpressionAttributeValues: { ":pk": Keys.executionPartition(reportId), ":e": PREFIX.execution },
          ScanIndexForward: false,
        },
        page,
        (i) => strip<Execution>(i),
      ),

    /** Deletes up to `max` executions of a deleted report; returns how many it deleted. */
    purge: (reportId: string, max: number) =>
      deleteMatching(db, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": Keys.executionPartition(reportId) } }, max),
  }) satisfies Store["executions"];
