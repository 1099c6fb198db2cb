import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Contact, WaGroupRecord } from "@outreach/core/contact";
import type { Store } from "@outreach/core/port";
import { conditional, type Db, type PageRequest, queryPage, strip } from "./db";
import { Keys, PREFIX } from "./keys";

/** The contact update that goes with a member added to or removed from a group (in the member's transaction). */
export const contactUpdate = (db: Db, tenantId: string, phone: string, name: string | null, groupId: string, op: "ADD" | "DELETE") => ({
  Update: {
    TableName: db.table,
    Key: Keys.contact(tenantId, phone),
    UpdateExpression: op === "ADD" ? "ADD group_ids :g SET phone = :p, #name = if_not_exists(#name, :n)" : "DELETE group_ids :g",
    ExpressionAttributeNames: op === "ADD" ? { "#name": "name" } : undefined,
    ExpressionAttributeValues: op === "ADD" ? { ":g": new Set([groupId]), ":p": phone, ":n": name } : { ":g": new Set([groupId]) },
  },
});

/**
 * Takes a deleted group or session out of a contact, and deletes the contact once it is in neither
 * a group nor a session (DynamoDB drops a set attribute when its last element goes).
 */
export const forgetContact = async (db: Db, tenantId: string, phone: string, ref: { group_id: string } | { session_id: string }) => {
  const [attr, value] = "group_id" in ref ? ["group_ids", ref.group_id] : ["session_ids", ref.session_id];
  await conditional(
    db.doc.send(
      new UpdateCommand({
        TableName: db.table,
        Key: Keys.contact(tenantId, phone),
        UpdateExpression: "DELETE #a :v",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#a": attr },
        ExpressionAttributeValues: { ":v": new Set([value]) },
      }),
    ),
  );
  await conditional(
    db.doc.send(
      new DeleteCommand({
        TableName: db.table,
        Key: Keys.contact(tenantId, phone),
        ConditionExpression: "attribute_not_exists(group_ids) AND attribute_not_exists(session_ids)",
      }),
    ),
  );
};

/** Contacts, one item per number: every number of the tenant's groups and sessions' address books. */
export const createContactStore = (db: Db) =>
  ({
    async list(tenantId: string, page: PageRequest, liveGroupIds: Set<string>) {
      return queryPage(
        db,
        {
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :c)",
          ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":c": PREFIX.contact },
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

    async get(tenantId: string, phone: string): Promise<Contact | undefined> {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.contact(tenantId, phone), ConsistentRead: true }));
      const i = res.Item;
      if (!i) return undefined;
      return {
        phone: i.phone as string,
        name: (i.name as string | null) ?? null,
        session_ids: [...((i.session_ids as Set<string>) ?? [])].sort(),
        group_ids: [...((i.group_ids as Set<string>) ?? [])].sort(),
      };
    },

    /** Contacts learned from a session's WhatsApp address book. */
    async upsertFromSession(tenantId: string, sessionId: string, contacts: { phone: string; name?: string }[]) {
      for (const c of contacts) {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: Keys.contact(tenantId, c.phone),
            UpdateExpression: "ADD session_ids :s SET phone = :p, #name = if_not_exists(#name, :n)",
            ExpressionAttributeNames: { "#name": "name" },
            ExpressionAttributeValues: { ":s": new Set([sessionId]), ":p": c.phone, ":n": c.name ?? null },
          }),
        );
      }
    },
  }) satisfies Store["contacts"];

/** The WhatsApp groups the session host synced (`WAGROUP#<session>#<jid>`), with their participants. */
export const createWaGroupStore = (db: Db) =>
  ({
    async put(tenantId: string, g: WaGroupRecord) {
      await db.doc.send(new PutCommand({ TableName: db.table, Item: { ...Keys.waGroup(tenantId, g.session_id, g.wa_group_id), ...g } }));
    },

    async delete(tenantId: string, sessionId: string, waGroupId: string) {
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: Keys.waGroup(tenantId, sessionId, waGroupId) }));
    },

    async get(tenantId: string, sessionId: string, waGroupId: string): Promise<WaGroupRecord | undefined> {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.waGroup(tenantId, sessionId, waGroupId) }));
      return res.Item ? strip<WaGroupRecord>(res.Item) : undefined;
    },

    list: (tenantId: string, sessionId: string | undefined, page: PageRequest) =>
      queryPage(
        db,
        {
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
          ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":p": PREFIX.waGroup(sessionId) },
        },
        page,
        (i) => strip<WaGroupRecord>(i),
      ),
  }) satisfies Store["waGroups"];
