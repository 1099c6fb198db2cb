import { DeleteCommand, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { JobRef } from "@outreach/core/job";
import type { OptOut, OptOutFilter } from "@outreach/core/optout";
import type { Store } from "@outreach/core/port";
import { batchGet, conditional, type Db, type PageRequest, queryPage, strip, transact } from "./db";
import { Keys, PREFIX } from "./keys";

/** The opt-out's item, only if the number is not opted out yet. */
const addUpdate = (db: Db, tenantId: string, o: OptOut) => ({
  TableName: db.table,
  Key: Keys.optOut(tenantId, o.phone),
  UpdateExpression: "SET phone = :p, #source = :s, created_at = :c, #name = :n, bulk_send_id = :j",
  ConditionExpression: "attribute_not_exists(pk)",
  ExpressionAttributeNames: { "#source": "source", "#name": "name" },
  ExpressionAttributeValues: { ":p": o.phone, ":s": o.source, ":c": o.created_at, ":n": o.name ?? null, ":j": o.bulk_send_id ?? null },
});

/** The digits of a search typed as a number ("+55 11 9…", "(11) 9…-…"), else null: a name search. */
const digitsOf = (q: string) => (/^[\d\s+()./-]+$/.test(q) ? q.replace(/\D/g, "") : null);

const matches = (o: OptOut, f: OptOutFilter) => {
  if (f.bulk_send_id && o.bulk_send_id !== f.bulk_send_id) return false;
  const q = f.q?.trim().toLowerCase();
  if (!q) return true;
  const digits = digitsOf(q);
  return (digits !== null && digits.length > 0 && o.phone.replace(/\D/g, "").includes(digits)) || (o.name ?? "").toLowerCase().includes(q);
};

/** Opt-outs per tenant, one item per number: the claim transaction checks the same item. */
export const createOptOutStore = (db: Db) =>
  ({
    /**
     * Adds an opt-out; returns false when the number was already opted out. With `campaign`, the same
     * transaction marks its recipient (`opted_out_at`, once: a contact who opted back in and out again
     * counts once) and counts it in the job's `opted_out_count`.
     */
    async add(tenantId: string, o: OptOut, campaign?: JobRef): Promise<boolean> {
      let alone = o;
      if (campaign) {
        const res = await transact(db, [
          { Update: addUpdate(db, tenantId, o) },
          {
            Update: {
              TableName: db.table,
              Key: Keys.recipient(campaign.id, o.phone),
              UpdateExpression: "SET opted_out_at = :at",
              ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(opted_out_at)",
              ExpressionAttributeValues: { ":at": o.created_at },
            },
          },
          {
            Update: {
              TableName: db.table,
              Key: Keys.job(campaign.tenant_id, campaign.id),
              UpdateExpression: "ADD opted_out_count :one",
              ConditionExpression: "attribute_exists(pk)",
              ExpressionAttributeValues: { ":one": 1 },
            },
          },
        ]);
        if (res.ok) return true;
        if (res.failed.includes(0)) return false;
        // The campaign is gone (deleted with its data): the opt-out alone. Its recipient counted before: not again.
        if (res.failed.includes(2)) alone = { ...o, bulk_send_id: null };
      }
      return conditional(db.doc.send(new UpdateCommand(addUpdate(db, tenantId, alone))));
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

    list: (tenantId: string, page: PageRequest, filter: OptOutFilter = {}) =>
      queryPage(
        db,
        {
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :o)",
          ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":o": PREFIX.optOut },
        },
        page,
        (i) => {
          const o = strip<OptOut>(i);
          const view: Required<OptOut> = { ...o, name: o.name ?? null, bulk_send_id: o.bulk_send_id ?? null };
          return matches(view, filter) ? view : undefined;
        },
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
