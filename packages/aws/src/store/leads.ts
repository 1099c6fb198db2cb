import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Lead, LeadRepo } from "@outreach/core/lead";
import { batchGet, conditional, type Db, type Item, queryAll, queryPage, strip, transact, whenHolds } from "./db";
import { Keys, PREFIX } from "./keys";

const leadOf = (i: Item): Lead => strip<Lead>(i);

/**
 * Leads (`T#<tenant>` · `LEAD#<id>`, ids sort by creation, so the tenant's leads read newest first
 * from its partition) and `LEADSRC#<phone>#<source>` markers that make a contact a lead once per source.
 */
export const createLeadStore = (db: Db): LeadRepo => {
  const query = (tenantId: string) => ({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
    ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":p": PREFIX.lead },
    ScanIndexForward: false,
  });
  return {
    async create(lead, dedupe) {
      const res = await transact(db, [
        {
          Put: {
            TableName: db.table,
            Item: { ...Keys.leadSource(lead.tenant_id, lead.contact_phone, dedupe), lead_id: lead.id },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        { Put: { TableName: db.table, Item: { ...Keys.lead(lead.tenant_id, lead.id), ...lead }, ConditionExpression: "attribute_not_exists(pk)" } },
      ]);
      return res.ok;
    },

    async get(tenantId, id) {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.lead(tenantId, id) }));
      return res.Item ? leadOf(res.Item) : undefined;
    },

    async getMany(tenantId, ids) {
      if (ids.length === 0) return [];
      return (
        await batchGet(
          db,
          ids.map((id) => Keys.lead(tenantId, id)),
          { consistent: true },
        )
      ).map(leadOf);
    },

    list: (tenantId, page, keep) =>
      queryPage(db, query(tenantId), page, (i) => {
        const l = leadOf(i);
        return keep(l) ? l : undefined;
      }),

    async *all(tenantId) {
      for await (const i of queryAll(db, query(tenantId))) yield leadOf(i);
    },

    async setStatus(tenantId, id, status, at) {
      const res = await whenHolds(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: Keys.lead(tenantId, id),
            UpdateExpression: "SET #status = :s, updated_at = :at, status_history = list_append(status_history, :h)",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":s": status, ":at": at, ":h": [{ status, at }] },
            ReturnValues: "ALL_NEW",
          }),
        ),
      );
      return res?.Attributes ? leadOf(res.Attributes) : undefined;
    },

    async setResponse(tenantId, id, r) {
      const fields = Object.entries(r);
      return conditional(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: Keys.lead(tenantId, id),
            UpdateExpression: `SET ${fields.map(([k]) => `${k} = :${k}`).join(", ")}`,
            ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(responded_at) AND attribute_not_exists(response_error)",
            ExpressionAttributeValues: Object.fromEntries(fields.map(([k, v]) => [`:${k}`, v])),
          }),
        ),
      );
    },
  };
};
