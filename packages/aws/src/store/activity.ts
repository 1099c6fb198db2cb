import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ActivityCounts, DayActivity } from "@outreach/core/activity";
import type { Store } from "@outreach/core/port";
import { type Db, queryAll } from "./db";
import { Keys } from "./keys";

/** The update that adds `counts` to a tenant's activity of one UTC day (alone, or inside a transaction). */
export const activityUpdate = (db: Db, tenantId: string, day: string, counts: ActivityCounts) => {
  const entries = Object.entries(counts).filter(([, v]) => v);
  return {
    TableName: db.table,
    Key: Keys.activity(tenantId, day),
    UpdateExpression: `ADD ${entries.map(([k]) => `${k} :${k}`).join(", ")}`,
    ExpressionAttributeValues: Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
  };
};

/** Daily activity per tenant: messages sent and received, opt-outs added. */
export const createActivityStore = (db: Db) =>
  ({
    async count(tenantId: string, day: string, counts: ActivityCounts) {
      if (!Object.values(counts).some((v) => v)) return;
      await db.doc.send(new UpdateCommand(activityUpdate(db, tenantId, day, counts)));
    },

    async range(tenantId: string, fromDay: string, toDay: string): Promise<DayActivity[]> {
      const out: DayActivity[] = [];
      for await (const i of queryAll(db, {
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :a AND :b",
        ExpressionAttributeValues: {
          ":pk": Keys.tenantPartition(tenantId),
          ":a": Keys.activity(tenantId, fromDay).sk,
          ":b": Keys.activity(tenantId, toDay).sk,
        },
      }))
        out.push({
          day: (i.sk as string).slice(Keys.activity(tenantId, "").sk.length),
          sent: (i.sent as number) ?? 0,
          received: (i.received as number) ?? 0,
          opt_outs: (i.opt_outs as number) ?? 0,
          ...(i.api_calls ? { api_calls: i.api_calls as number } : {}),
          ...(i.leads ? { leads: i.leads as number } : {}),
        });
      return out;
    },
  }) satisfies Store["activity"];
