import { DeleteCommand, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { OptOut } from "@outreach/core/optout";
import type { Store } from "@outreach/core/port";
import { batchGet, conditional, type Db, type PageRequest, queryPage, strip } from "./db";
import { Keys, PREFIX } from "./keys";

/** Opt-outs per tenant, one item per number: the claim transaction checks the same item. */
export const createOptOutStore = (db: Db) =>
  ({
    /** Adds an opt-out; returns false when the number was already opted out. */
    async add(tenantId: string, o: OptOut): Promise<boolean> {
      return conditional(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: Keys.optOut(tenantId, o.phone),
            UpdateExpression: "SET phone = :p, #source = :s, created_at = :c",
            ConditionExpression: "attribute_not_exists(pk)",
            ExpressionAttributeNames: { "#source": "source" },
            ExpressionAttributeValues: { ":p": o.phone, ":s": o.source, ":c": o.created_at },
          }),
        ),
      );
    },

    async remove(tenantId: string, phone: string): Promise<"removed" | "not_found" | "by_contact"> {
      const removed = await conditional(
        db.doc.send(
          new DeleteCommand({
            TableName: db.table,
            Key: Keys.optOut(tenantId, phone),
            ConditionExpression: "attribute_exists(pk) AND #source <> :inbound",
            ExpressionAttributeNames: { "#source": "source" },
            ExpressionAttributeValues: { ":inbound": "inbound" },
          }),
        ),
      );
      if (removed) return "removed";
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.optOut(tenantId, phone), ConsistentRead: true }));
      return res.Item ? "by_contact" : "not_found";
    },

    list: (tenantId: string, page: PageRequest) =>
      queryPage(
        db,
        {
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :o)",
          ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":o": PREFIX.optOut },
        },
        page,
        (i) => strip<OptOut>(i),
      ),

    /** Which of `phones` are opted out for the tenant (BatchGet, 100 a call). */
    async which(tenantId: string, phones: string[]): Promise<Set<string>> {
      const items = await batchGet(
        db,
        phones.map((p) => Keys.optOut(tenantId, p)),
        { projection: "phone" },
      );
      return new Set(items.map((i) => i.phone as string));
    },
  }) satisfies Store["optouts"];

export type OptOutStore = ReturnType<typeof createOptOutStore>;
