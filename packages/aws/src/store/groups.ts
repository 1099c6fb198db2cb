import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Group, Member } from "@outreach/core/group";
import type { Store } from "@outreach/core/port";
import { contactUpdate, forgetContact } from "./contacts";
import { batchWrite, type Db, type Item, type PageRequest, queryAll, queryCount, queryPage, strip, type TransactItems, transact, whenHolds } from "./db";

/** Members per transaction: each member is a put plus a contact update, and one action is the group counter. */
const CHUNK = 49;

import { Keys, PREFIX } from "./keys";

const groupKey = Keys.group;

/**
 * Custom groups and their members (`G#<id>` · `M#<e164>`; the key is the dedupe), contacts and synced
 * WhatsApp groups. `member_count` changes only in the same transaction as the member items it counts.
 */
export const createGroupStore = (db: Db) => {
  /** Runs member transactions chunk by chunk, dropping members whose condition failed and retrying the rest. */
  const applyMembers = async (
    tenantId: string,
    groupId: string,
    entries: { phone: string; name: string | null; fields?: Record<string, string> }[],
    now: string,
    op: "add" | "remove",
  ) => {
    let applied = 0;
    let rejected = 0;
    for (let i = 0; i < entries.length; i += CHUNK) {
      let chunk = entries.slice(i, i + CHUNK);
      while (chunk.length > 0) {
        const items: TransactItems = [
          {
            Update: {
              TableName: db.table,
              Key: groupKey(tenantId, groupId),
              UpdateExpression: "ADD member_count :n SET updated_at = :now",
              ConditionExpression: "attribute_exists(pk)",
              ExpressionAttributeValues: { ":n": op === "add" ? chunk.length : -chunk.length, ":now": now },
            },
          },
        ];
        for (const m of chunk) {
          items.push(
            op === "add"
              ? {
                  Put: {
                    TableName: db.table,
                    Item: { ...Keys.member(groupId, m.phone), phone: m.phone, name: m.name, ...(m.fields ? { fields: m.fields } : {}), added_at: now },
                    ConditionExpression: "attribute_not_exists(pk)",
                  },
                }
              : {
                  Delete: {
                    TableName: db.table,
                    Key: Keys.member(groupId, m.phone),
                    ConditionExpression: "attribute_exists(pk)",
                  },
                },
            contactUpdate(db, tenantId, m.phone, m.name, groupId, op === "add" ? "ADD" : "DELETE"),
          );
        }
        const res = await transact(db, items);
        if (res.ok) {
          applied += chunk.length;
          break;
        }
        if (res.failed.includes(0)) return { found: false as const, applied, rejected };
        const bad = new Set(res.failed.map((i) => Math.floor((i - 1) / 2)));
        rejected += bad.size;
        chunk = chunk.filter((_, idx) => !bad.has(idx));
      }
    }
    return { found: true as const, applied, rejected };
  };

  return {
    /** Creates the group and counts it against the tenant's limit in one transaction. */
    async create(tenantId: string, group: Group, limit: number | null): Promise<"ok" | "limit"> {
      const res = await transact(db, [
        {
          Update: {
            TableName: db.table,
            Key: Keys.tenant(tenantId),
            UpdateExpression: "ADD group_count :one",
            ConditionExpression: limit === null ? "attribute_exists(pk)" : "attribute_exists(pk) AND group_count < :limit",
            ExpressionAttributeValues: limit === null ? { ":one": 1 } : { ":one": 1, ":limit": limit },
          },
        },
        {
          Put: {
            TableName: db.table,
            Item: { ...groupKey(tenantId, group.id), tenant_id: tenantId, ...group },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
      ]);
      return res.ok ? "ok" : "limit";
    },

    async get(tenantId: string, id: string, consistent = false): Promise<Group | undefined> {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: groupKey(tenantId, id), ConsistentRead: consistent }));
      return res.Item ? toGroup(res.Item) : undefined;
    },

    list: (tenantId: string, page: PageRequest) =>
      queryPage(
        db,
        {
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
          ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":p": PREFIX.group },
          ScanIndexForward: false,
        },
        page,
        toGroup,
      ),

    async update(tenantId: string, id: string, patch: { name?: string; description?: string | null }, now: string) {
      const sets = ["updated_at = :now"];
      const values: Item = { ":now": now };
      const names: Record<string, string> = {};
      if (patch.name !== undefined) {
        sets.push("#name = :name");
        names["#name"] = "name";
        values[":name"] = patch.name;
      }
      if (patch.description !== undefined) {
        sets.push("description = :d");
        values[":d"] = patch.description;
      }
      const res = await whenHolds(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: groupKey(tenantId, id),
            UpdateExpression: `SET ${sets.join(", ")}`,
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
            ExpressionAttributeValues: values,
            ReturnValues: "ALL_NEW",
          }),
        ),
      );
      return res?.Attributes ? toGroup(res.Attributes) : undefined;
    },

    /** Deletes the group item and frees its slot in the plan; members are purged afterwards (`purgeMembers`). */
    async delete(tenantId: string, id: string): Promise<boolean> {
      const res = await transact(db, [
        { Delete: { TableName: db.table, Key: groupKey(tenantId, id), ConditionExpression: "attribute_exists(pk)" } },
        {
          Update: {
            TableName: db.table,
            Key: Keys.tenant(tenantId),
            UpdateExpression: "ADD group_count :m",
            ExpressionAttributeValues: { ":m": -1 },
          },
        },
      ]);
      return res.ok;
    },

    /** Deletes up to `max` members of a deleted group, and the group from their contacts; returns how many it deleted. */
    async purgeMembers(tenantId: string, groupId: string, max: number): Promise<number> {
      const phones: string[] = [];
      for await (const m of queryAll(db, {
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": Keys.memberPartition(groupId) },
        ProjectionExpression: "phone",
        Limit: Math.min(max, 1000),
      })) {
        phones.push(m.phone as string);
        if (phones.length >= max) break;
      }
      // Contacts first: a crash in between leaves members to purge again, never a contact pointing nowhere.
      for (const phone of phones) await forgetContact(db, tenantId, phone, { group_id: groupId });
      await batchWrite(
        db,
        phones.map((phone) => ({ delete: Keys.member(groupId, phone) })),
      );
      return phones.length;
    },

    addMembers: (tenantId: string, groupId: string, members: { phone: string; name: string | null; fields?: Record<string, string> }[], now: string) =>
      applyMembers(tenantId, groupId, members, now, "add"),

    removeMembers: (tenantId: string, groupId: string, phones: string[], now: string) =>
      applyMembers(
        tenantId,
        groupId,
        phones.map((phone) => ({ phone, name: null })),
        now,
        "remove",
      ),

    listMembers: (groupId: string, page: PageRequest) =>
      queryPage(
        db,
        {
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :m)",
          ExpressionAttributeValues: { ":pk": Keys.memberPartition(groupId), ":m": PREFIX.member },
        },
        page,
        (i) => strip<Member>(i),
      ),

    async *members(groupId: string): AsyncGenerator<Member> {
      for await (const i of queryAll(db, {
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :m)",
        ExpressionAttributeValues: { ":pk": Keys.memberPartition(groupId), ":m": PREFIX.member },
      }))
        yield strip<Member>(i);
    },

    async membersAfter(groupId: string, afterPhone: string | null, max: number): Promise<Member[]> {
      const res = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: afterPhone ? "pk = :pk AND sk > :after" : "pk = :pk AND begins_with(sk, :m)",
          ExpressionAttributeValues: afterPhone
            ? { ":pk": Keys.memberPartition(groupId), ":after": Keys.member(groupId, afterPhone).sk }
            : { ":pk": Keys.memberPartition(groupId), ":m": PREFIX.member },
          ConsistentRead: true,
          Limit: max,
        }),
      );
      return (res.Items ?? []).map((i) => strip<Member>(i));
    },

    /** Member items actually stored (for checks of `member_count`). */
    countMembers: (groupId: string) =>
      queryCount(db, {
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :m)",
        ExpressionAttributeValues: { ":pk": Keys.memberPartition(groupId), ":m": PREFIX.member },
      }),
  } satisfies Store["groups"];
};

const toGroup = (i: Item): Group => ({
  id: i.id as string,
  name: i.name as string,
  description: (i.description as string | null) ?? null,
  member_count: (i.member_count as number) ?? 0,
  created_at: i.created_at as string,
  updated_at: i.updated_at as string,
});

export type GroupStore = ReturnType<typeof createGroupStore>;
