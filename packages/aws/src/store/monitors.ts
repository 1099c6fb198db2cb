import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { GroupMessage, MonitoredGroup, MonitorPatch, MonitorRepo } from "@outreach/core/monitor";
import { createCounted, uncount } from "./counted";
import { type Db, deleteMatching, type Item, onIndex, queryAll, queryPage, strip, transact, updateFields, whenHolds } from "./db";
import { INDEX, Keys, Lists, PREFIX } from "./keys";

const groupOf = (i: Item): MonitoredGroup => strip<MonitoredGroup>(i);

const messageOf = (i: Item): GroupMessage => ({
  tenant_id: i.tenant_id as string,
  group_id: i.group_id as string,
  session_id: i.session_id as string,
  wa_group_id: i.wa_group_id as string,
  wa_message_id: i.wa_message_id as string,
  phone: (i.phone as string | null) ?? null,
  lid: (i.lid as string | null) ?? null,
  name: (i.name as string | null) ?? null,
  text: (i.text as string) ?? "",
  media_type: (i.media_type as GroupMessage["media_type"]) ?? null,
  matched_keywords: (i.matched_keywords as string[]) ?? [],
  received_at: i.received_at as string,
  expires_at: typeof i.ttl === "number" ? i.ttl : 0,
});

/**
 * Monitored groups (`T#<tenant>` · `MON#<id>`, counted in the tenant's `monitor_count`), the link
 * `MONWA#<session>#<wa group>` → id that makes a WhatsApp group monitored once and finds it for an
 * inbound message, and their stored messages (`GM#<tenant>#<group>` · `IN#<wa message id>`, TTL =
 * retention, in time order in the index).
 */
export const createMonitorStore = (db: Db): MonitorRepo => {
  const get = async (tenantId: string, id: string, consistent = false) => {
    const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.monitor(tenantId, id), ConsistentRead: consistent }));
    return res.Item ? groupOf(res.Item) : undefined;
  };
  return {
    async create(g, limit) {
      const res = await createCounted(db, g.tenant_id, "monitor_count", limit, [
        {
          Put: {
            TableName: db.table,
            Item: { ...Keys.monitorLink(g.tenant_id, g.session_id, g.wa_group_id), group_id: g.id },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        { Put: { TableName: db.table, Item: { ...Keys.monitor(g.tenant_id, g.id), ...g }, ConditionExpression: "attribute_not_exists(pk)" } },
      ]);
      if (res.ok) return "ok";
      return res.failed.includes(1) ? "exists" : "limit";
    },

    get,

    async byWaGroup(tenantId, sessionId, waGroupId) {
      const link = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.monitorLink(tenantId, sessionId, waGroupId) }));
      const id = link.Item?.group_id;
      return typeof id === "string" ? get(tenantId, id) : undefined;
    },

    async list(tenantId) {
      const out = [];
      for await (const i of queryAll(db, {
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":p": PREFIX.monitor },
      }))
        out.push(groupOf(i));
      return out;
    },

    async update(tenantId, id, patch: MonitorPatch, at) {
      const item = await updateFields(db, Keys.monitor(tenantId, id), patch, at);
      return item ? groupOf(item) : undefined;
    },

    async remove(tenantId, id) {
      const g = await get(tenantId, id, true);
      if (!g) return undefined;
      const res = await transact(db, [
        { Delete: { TableName: db.table, Key: Keys.monitor(tenantId, id), ConditionExpression: "attribute_exists(pk)" } },
        { Delete: { TableName: db.table, Key: Keys.monitorLink(tenantId, g.session_id, g.wa_group_id) } },
        uncount(db, tenantId, "monitor_count"),
      ]);
      return res.ok ? g : undefined;
    },

    async recordMessage(m) {
      const names: Record<string, string> = { "#mk": "matches_by_keyword" };
      const values: Record<string, unknown> = { ":one": 1, ":m": m.matched_keywords.length > 0 ? 1 : 0, ":zero": 0 };
      const sets: string[] = [];
      for (const [i, k] of m.matched_keywords.entries()) {
        names[`#k${i}`] = k;
        sets.push(`#mk.#k${i} = if_not_exists(#mk.#k${i}, :zero) + :one`);
      }
      const res = await transact(db, [
        {
          Put: {
            TableName: db.table,
            Item: {
              ...Keys.groupMessage(m.tenant_id, m.group_id, m.wa_message_id),
              ...Lists.groupMessage(m.tenant_id, m.group_id, m.received_at, m.wa_message_id),
              tenant_id: m.tenant_id,
              group_id: m.group_id,
              session_id: m.session_id,
              wa_group_id: m.wa_group_id,
              wa_message_id: m.wa_message_id,
              phone: m.phone,
              lid: m.lid,
              name: m.name,
              text: m.text,
              media_type: m.media_type,
              matched_keywords: m.matched_keywords,
              matched: m.matched_keywords.length > 0,
              received_at: m.received_at,
              ttl: m.expires_at,
            },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        {
          Update: {
            TableName: db.table,
            Key: Keys.monitor(m.tenant_id, m.group_id),
            // The group item always holds the map (created with it), so nested counters can be set.
            UpdateExpression: `ADD messages_processed :one, keyword_matches :m${sets.length ? ` SET ${sets.join(", ")}` : ""}`,
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeNames: sets.length ? names : undefined,
            ExpressionAttributeValues: sets.length ? values : { ":one": 1, ":m": values[":m"] },
          },
        },
      ]);
      return res.ok;
    },

    async countLead(tenantId, id) {
      await whenHolds(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: Keys.monitor(tenantId, id),
            UpdateExpression: "ADD leads_detected :one",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeValues: { ":one": 1 },
          }),
        ),
      );
    },

    messages: (tenantId, groupId, q, page) => {
      const now = Math.floor(Date.now() / 1000);
      return queryPage(
        db,
        {
          ...onIndex,
          KeyConditionExpression: "#ipk = :p AND #isk BETWEEN :lo AND :hi",
          ExpressionAttributeNames: { "#ipk": INDEX.pk, "#isk": INDEX.sk },
          ExpressionAttributeValues: { ":p": Lists.groupMessages(tenantId, groupId), ":lo": q.fromIso || "0", ":hi": `${q.toIso ?? "9999"}#~` },
          ScanIndexForward: q.order !== "desc",
        },
        page,
        // TTL deletion is lazy: an expired message is never answered.
        (i) => ((typeof i.ttl === "number" && i.ttl < now) || (q.matched && i.matched !== true) ? undefined : messageOf(i)),
      );
    },

    purge: (tenantId, groupId, max) =>
      deleteMatching(db, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": Keys.groupMessagePartition(tenantId, groupId) } }, max),
  };
};
