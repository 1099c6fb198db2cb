import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Contact, WaGroupRecord } from "@outreach/core/port";
import { type Db, type PageRequest, queryPage, strip } from "./db";

/** Contacts (`CONTACT#<e164>`) and the WhatsApp groups the session host synced (`WAGROUP#<session>#<jid>`). */
export const createContactStore = (db: Db) => ({
  async listContacts(tenantId: string, page: PageRequest, liveGroupIds: Set<string>) {
    return queryPage(
      db,
      {
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :c)",
        ExpressionAttributeValues: { ":pk": `T#${tenantId}`, ":c": "CONTACT#" },
      },
      page,
      (i): Contact | undefined => {
        const group_ids = [...((i.group_ids as Set<string>) ?? [])].filter((g) => liveGroupIds.has(g)).sort();
        const session_ids = [...((i.session_ids as Set<string>) ?? [])].sort();
        if (group_ids.length === 0 && session_ids.length === 0) return undefined;
        return { phone: i.phone as string, name: (i.name as string | null) ?? null, session_ids, group_ids };
      },
    );
  },

  /** Contacts learned from a session's WhatsApp address book. */
  async upsertSessionContacts(tenantId: string, sessionId: string, contacts: { phone: string; name?: string }[]) {
    for (const c of contacts) {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: { pk: `T#${tenantId}`, sk: `CONTACT#${c.phone}` },
          UpdateExpression: "ADD session_ids :s SET phone = :p, #name = if_not_exists(#name, :n)",
          ExpressionAttributeNames: { "#name": "name" },
          ExpressionAttributeValues: { ":s": new Set([sessionId]), ":p": c.phone, ":n": c.name ?? null },
        }),
      );
    }
  },

  async putWaGroup(tenantId: string, g: WaGroupRecord) {
    await db.doc.send(new PutCommand({ TableName: db.table, Item: { pk: `T#${tenantId}`, sk: `WAGROUP#${g.session_id}#${g.wa_group_id}`, ...g } }));
  },

  async deleteWaGroup(tenantId: string, sessionId: string, waGroupId: string) {
    await db.doc.send(new DeleteCommand({ TableName: db.table, Key: { pk: `T#${tenantId}`, sk: `WAGROUP#${sessionId}#${waGroupId}` } }));
  },

  async getWaGroup(tenantId: string, sessionId: string, waGroupId: string): Promise<WaGroupRecord | undefined> {
    const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: { pk: `T#${tenantId}`, sk: `WAGROUP#${sessionId}#${waGroupId}` } }));
    return res.Item ? strip<WaGroupRecord>(res.Item) : undefined;
  },

  listWaGroups: (tenantId: string, sessionId: string | undefined, page: PageRequest) =>
    queryPage(
      db,
      {
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues: { ":pk": `T#${tenantId}`, ":p": sessionId ? `WAGROUP#${sessionId}#` : "WAGROUP#" },
      },
      page,
      (i) => strip<WaGroupRecord>(i),
    ),
});
