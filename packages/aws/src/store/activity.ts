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

    /** The days' activity; a day's `sent` adds its sessions' items (see `sentDayTally`) to its own. */
    async range(tenantId: string, fromDay: string, toDay: string): Promise<DayActivity[]> {
      const days = new Map<string, DayActivity>();
      const prefix = Keys.activity(tenantId, "").sk.length;
      for await (const i of queryAll(db, {
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :a AND :b",
        ExpressionAttributeValues: {
          ":pk": Keys.tenantPartition(tenantId),
          ":a": Keys.activity(tenantId, fromDay).sk,
          // `~` sorts after `#`: the last day's session items are in the range too.
          ":b": `${Keys.activity(tenantId, toDay).sk}#~`,
        },
      })) {
        const [day, session] = (i.sk as string).slice(prefix).split("#");
        const cur = days.get(day as string) ?? { day: day as string, sent: 0, received: 0, opt_outs: 0 };
        cur.sent += (i.sent as number) ?? 0;
        if (session === undefined) {
          cur.received = (i.received as number) ?? 0;
          cur.opt_outs = (i.opt_outs as number) ?? 0;
          if (i.api_calls) cur.api_calls = i.api_calls as number;
          if (i.leads) cur.leads = i.leads as number;
        }
        days.set(day as string, cur);
      }
      return [...days.values()];
    },
  }) satisfies Store["activity"];
