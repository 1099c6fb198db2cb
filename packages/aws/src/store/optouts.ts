import { DeleteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { OptOut } from "@outreach/core/port";
import { conditional, type Db, type PageRequest, queryAll, queryPage, strip } from "./db";

const key = (tenantId: string, phone: string) => ({ pk: `T#${tenantId}`, sk: `OPTOUT#${phone}` });

/** Opt-outs per tenant and the daily activity counters (messages sent/received, opt-outs added). */
export const createOptOutStore = (db: Db) => ({
  /** Adds an opt-out; returns false when the number was already opted out. */
  async add(tenantId: string, o: OptOut): Promise<boolean> {
    return conditional(
      db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: key(tenantId, o.phone),
          UpdateExpression: "SET phone = :p, #source = :s, created_at = :c",
          ConditionExpression: "attribute_not_exists(pk)",
          ExpressionAttributeNames: { "#source": "source" },
          ExpressionAttributeValues: { ":p": o.phone, ":s": o.source, ":c": o.created_at },
        }),
      ),
    );
  },

  async remove(tenantId: string, phone: string): Promise<boolean> {
    return conditional(db.doc.send(new DeleteCommand({ TableName: db.table, Key: key(tenantId, phone), ConditionExpression: "attribute_exists(pk)" })));
  },

  list: (tenantId: string, page: PageRequest) =>
    queryPage(
      db,
      { KeyConditionExpression: "pk = :pk AND begins_with(sk, :o)", ExpressionAttributeValues: { ":pk": `T#${tenantId}`, ":o": "OPTOUT#" } },
      page,
      (i) => strip<OptOut>(i),
    ),

  /** Adds to the tenant's activity counters of one UTC day. */
  async countActivity(tenantId: string, day: string, counts: Partial<Record<"sent" | "received" | "opt_outs", number>>) {
    const entries = Object.entries(counts).filter(([, v]) => v);
    if (entries.length === 0) return;
    await db.doc.send(new UpdateCommand(activityUpdate(db.table, tenantId, day, counts)));
  },

  activityUpdate: (tenantId: string, day: string, counts: Partial<Record<"sent" | "received" | "opt_outs", number>>) => ({
    Update: activityUpdate(db.table, tenantId, day, counts),
  }),

  async activity(tenantId: string, fromDay: string, toDay: string) {
    const out: { day: string; sent: number; received: number; opt_outs: number }[] = [];
    for await (const i of queryAll(db, {
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :a AND :b",
      ExpressionAttributeValues: { ":pk": `T#${tenantId}`, ":a": `ACT#${fromDay}`, ":b": `ACT#${toDay}` },
    }))
      out.push({ day: (i.sk as string).slice(4), sent: (i.sent as number) ?? 0, received: (i.received as number) ?? 0, opt_outs: (i.opt_outs as number) ?? 0 });
    return out;
  },
});

const activityUpdate = (table: string, tenantId: string, day: string, counts: Partial<Record<string, number>>) => {
  const entries = Object.entries(counts).filter(([, v]) => v);
  return {
    TableName: table,
    Key: { pk: `T#${tenantId}`, sk: `ACT#${day}` },
    UpdateExpression: `ADD ${entries.map(([k]) => `${k} :${k}`).join(", ")}`,
    ExpressionAttributeValues: Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
  };
};

export type OptOutStore = ReturnType<typeof createOptOutStore>;
