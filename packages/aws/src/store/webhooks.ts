import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Delivery, DeliveryStatus, Webhook, WebhookPatch, WebhookRepo } from "@outreach/core/webhook";
import { createCounted, uncount } from "./counted";
import { conditional, type Db, deleteMatching, type Item, queryAll, queryPage, strip, transact, updateFields, whenHolds } from "./db";
import { Keys, PREFIX } from "./keys";

/** How long a delivery stays in the log. */
const DELIVERY_TTL_S = 30 * 86_400;

/** The webhook without its delivery slots. */
const webhookOf = (i: Item): Webhook => {
  const { slots: _slots, ...rest } = strip<Webhook & { slots?: unknown }>(i);
  return rest;
};

/**
 * Webhooks (`T#<tenant>` · `WEBHOOK#<id>`, counted in the tenant's `webhook_count` like sessions) and
 * their delivery logs (`WD#<tenant>#<webhook>` · `D#<delivery id>`, kept 30 days). A webhook item holds
 * its in-flight delivery slots (`slots`: delivery id → until, ms), so every process together keeps at
 * most N attempts open per webhook.
 */
export const createWebhookStore = (db: Db): WebhookRepo => ({
  async create(w, limit) {
    const res = await createCounted(db, w.tenant_id, "webhook_count", limit, [
      { Put: { TableName: db.table, Item: { ...Keys.webhook(w.tenant_id, w.id), ...w, slots: {} }, ConditionExpression: "attribute_not_exists(pk)" } },
    ]);
    return res.ok ? "ok" : "limit";
  },

  async get(tenantId, id, consistent = false) {
    const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.webhook(tenantId, id), ConsistentRead: consistent }));
    return res.Item ? webhookOf(res.Item) : undefined;
  },

  async list(tenantId) {
    const out = [];
    for await (const i of queryAll(db, {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :w)",
      ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":w": PREFIX.webhook },
    }))
      out.push(webhookOf(i));
    return out;
  },

  async update(tenantId, id, patch: WebhookPatch, at) {
    const item = await updateFields(db, Keys.webhook(tenantId, id), patch, at);
    return item ? webhookOf(item) : undefined;
  },

  async remove(tenantId, id) {
    const res = await transact(db, [
      { Delete: { TableName: db.table, Key: Keys.webhook(tenantId, id), ConditionExpression: "attribute_exists(pk)" } },
      uncount(db, tenantId, "webhook_count"),
    ]);
    return res.ok;
  },

  async noteFailure(tenantId, id, at) {
    const res = await whenHolds(
      db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: Keys.webhook(tenantId, id),
          UpdateExpression: "SET failing_since = if_not_exists(failing_since, :at)",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":at": at },
          ReturnValues: "UPDATED_NEW",
        }),
      ),
    );
    // `failing_since` may be stored as null after a success: a null is "not failing" too.
    const since = res?.Attributes?.failing_since as string | null | undefined;
    if (since !== null) return since;
    await conditional(
      db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: Keys.webhook(tenantId, id),
          UpdateExpression: "SET failing_since = :at",
          ConditionExpression: "attribute_exists(pk) AND failing_since = :null",
          ExpressionAttributeValues: { ":at": at, ":null": null },
        }),
      ),
    );
    return at;
  },

  async noteSuccess(tenantId, id) {
    await conditional(
      db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: Keys.webhook(tenantId, id),
          UpdateExpression: "SET failing_since = :null",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":null": null },
        }),
      ),
    );
  },

  async acquire(tenantId, id, slot, untilMs, max, nowMs) {
    const take = () =>
      conditional(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: Keys.webhook(tenantId, id),
            UpdateExpression: "SET slots.#s = :u",
            ConditionExpression: "attribute_exists(pk) AND (attribute_exists(slots.#s) OR size(slots) < :max)",
            ExpressionAttributeNames: { "#s": slot },
            ExpressionAttributeValues: { ":u": untilMs, ":max": max },
          }),
        ),
      );
    if (await take()) return true;
    // Full: free the slots of attempts whose process died (their time ran out), then try once more.
    const res = await db.doc.send(
      new GetCommand({ TableName: db.table, Key: Keys.webhook(tenantId, id), ConsistentRead: true, ProjectionExpression: "slots" }),
    );
    const slots = (res.Item?.slots ?? {}) as Record<string, number>;
    const expired = Object.entries(slots)
      .filter(([, until]) => until < nowMs)
      .map(([k]) => k);
    if (expired.length === 0) return false;
    const names = Object.fromEntries(expired.map((k, i) => [`#x${i}`, k]));
    await conditional(
      db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: Keys.webhook(tenantId, id),
          UpdateExpression: `REMOVE ${expired.map((_, i) => `slots.#x${i}`).join(", ")}`,
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: names,
        }),
      ),
    );
    return take();
  },

  async release(tenantId, id, slot) {
    await conditional(
      db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: Keys.webhook(tenantId, id),
          UpdateExpression: "REMOVE slots.#s",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#s": slot },
        }),
      ),
    );
  },

  deliveries: {
    async put(tenantId, dl) {
      const { created_at, ...rest } = dl;
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ":created_at": created_at, ":ttl": Math.floor(Date.parse(dl.updated_at) / 1000) + DELIVERY_TTL_S };
      const sets = ["created_at = if_not_exists(created_at, :created_at)", "#ttl = :ttl"];
      names["#ttl"] = "ttl";
      for (const [k, v] of Object.entries(rest)) {
        names[`#${k}`] = k;
        values[`:${k}`] = v;
        sets.push(`#${k} = :${k}`);
      }
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: Keys.delivery(tenantId, dl.webhook_id, dl.id),
          UpdateExpression: `SET ${sets.join(", ")}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    },

    async get(tenantId, webhookId, id) {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.delivery(tenantId, webhookId, id), ConsistentRead: true }));
      return res.Item ? strip<Delivery>(res.Item) : undefined;
    },

    list: (tenantId: string, webhookId: string, status: DeliveryStatus | undefined, page) => {
      const now = Math.floor(Date.now() / 1000);
      return queryPage(
        db,
        {
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :d)",
          ExpressionAttributeValues: { ":pk": Keys.deliveryPartition(tenantId, webhookId), ":d": PREFIX.delivery },
          ScanIndexForward: false,
        },
        page,
        (i) => ((status && i.status !== status) || (typeof i.ttl === "number" && i.ttl < now) ? undefined : strip<Delivery>(i)),
      );
    },

    purge: (tenantId, webhookId, max) =>
      deleteMatching(db, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": Keys.deliveryPartition(tenantId, webhookId) } }, max),
  },
});

export type WebhookStore = ReturnType<typeof createWebhookStore>;
