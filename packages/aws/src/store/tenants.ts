import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { PlanId } from "@outreach/core/plan";
import type { Store } from "@outreach/core/port";
import type { ApiKey, Tenant, Usage } from "@outreach/core/tenant";
import { activityUpdate } from "./activity";
import { createCounted, uncount } from "./counted";
import { conditional, type Db, onIndex, queryAll, queryCount, strip, transact } from "./db";
import { INDEX, Keys, Lists } from "./keys";

/** Tenants, API keys (by SHA-256), per-key rate limits and idempotency records. */
/** The month's API calls counted on its days (`month_api_calls`; read consistently, like the month's item). */
const monthApiCalls = async (db: Db, tenantId: string, month: string) => {
  let n = 0;
  for await (const i of queryAll(db, {
    KeyConditionExpression: "pk = :pk AND sk BETWEEN :a AND :b",
    ExpressionAttributeValues: {
      ":pk": Keys.tenantPartition(tenantId),
      ":a": Keys.activity(tenantId, `${month}-01`).sk,
      ":b": Keys.activity(tenantId, `${month}-31`).sk,
    },
    ProjectionExpression: "month_api_calls",
    ConsistentRead: true,
  }))
    n += (i.month_api_calls as number) ?? 0;
  return n;
};

/** The month's usage item (messages, reservations, and the API calls counted there before issue 31), read consistently. */
const monthItem = async (db: Db, tenantId: string, month: string) =>
  (await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.usage(tenantId, month), ConsistentRead: true }))).Item;

const quotaOf = (month: string, i: Record<string, unknown> | undefined) => ({
  month,
  total_messages: (i?.total_messages as number) ?? 0,
  reserved_messages: (i?.reserved_messages as number) ?? 0,
});

export const createTenantStore = (db: Db) =>
  ({
    async create(tenant: Tenant) {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...Keys.tenant(tenant.id), ...tenant, group_count: 0, report_count: 0 },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    },

    async get(id: string, consistent = false): Promise<(Tenant & { group_count: number; report_count: number }) | undefined> {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.tenant(id), ConsistentRead: consistent }));
      return res.Item ? strip(res.Item) : undefined;
    },

    async setPlan(id: string, plan: PlanId) {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: Keys.tenant(id),
          UpdateExpression: "SET #plan = :plan",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#plan": "plan" },
          ExpressionAttributeValues: { ":plan": plan },
        }),
      );
    },

    async setSettings(id: string, settings: { retention_days?: number; reply_window_hours?: number }) {
      const entries = Object.entries(settings).filter(([, v]) => v !== undefined);
      if (entries.length === 0) return;
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: Keys.tenant(id),
          UpdateExpression: `SET ${entries.map(([k]) => `${k} = :${k}`).join(", ")}`,
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
        }),
      );
    },

    /** The key and its place under the plan's cap in one transaction (`createCounted`, like sessions). */
    async createKey(key: ApiKey, hash: string, limit: number | null = null) {
      const res = await createCounted(db, key.tenant_id, "key_count", limit, [
        {
          Put: {
            TableName: db.table,
            Item: { ...Keys.apiKey(hash), ...Lists.apiKey(key.tenant_id, key.id), hash, ...key },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
      ]);
      if (res.ok) return true;
      if (res.failed.includes(0)) return false;
      throw new Error("an API key with this hash exists already");
    },

    async findKey(hash: string): Promise<ApiKey | undefined> {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.apiKey(hash) }));
      if (!res.Item) return undefined;
      const { hash: _h, ...key } = strip<ApiKey & { hash: string }>(res.Item);
      return key;
    },

    async listKeys(tenantId: string): Promise<(ApiKey & { hash: string })[]> {
      const res = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          ...onIndex,
          KeyConditionExpression: "#ipk = :p",
          ExpressionAttributeNames: { "#ipk": INDEX.pk },
          ExpressionAttributeValues: { ":p": Lists.apiKeys(tenantId) },
        }),
      );
      return (res.Items ?? []).map((i) => strip(i));
    },

    async revokeKey(hash: string, at: string) {
      const key = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.apiKey(hash), ConsistentRead: true }));
      if (!key.Item || key.Item.revoked_at) return false;
      const res = await transact(db, [
        {
          Update: {
            TableName: db.table,
            Key: Keys.apiKey(hash),
            UpdateExpression: "SET revoked_at = :at",
            ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(revoked_at)",
            ExpressionAttributeValues: { ":at": at },
          },
        },
        uncount(db, key.Item.tenant_id as string, "key_count"),
      ]);
      return res.ok;
    },

    async touchKey(hash: string, at: string, notAfter: string) {
      await conditional(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: Keys.apiKey(hash),
            UpdateExpression: "SET last_used_at = :at",
            ConditionExpression: "attribute_exists(pk) AND (attribute_not_exists(last_used_at) OR last_used_at < :cut)",
            ExpressionAttributeValues: { ":at": at, ":cut": notAfter },
          }),
        ),
      );
    },

    async setAgentMaxRecipients(hash: string, max: number) {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: Keys.apiKey(hash),
          UpdateExpression: "SET agent_max_recipients = :n",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":n": max },
        }),
      );
    },

    /**
     * Fixed-window request counter per key, in the store (Lambda instances share no memory).
     * Returns whether this request is within `limit` for the window starting at `windowStart` (epoch s).
     * `weight`: how many calls the request carries (an MCP batch); all of them fit or none is counted.
     */
    async hitRateLimit(keyId: string, windowStart: number, windowSeconds: number, limit: number, weight = 1): Promise<boolean> {
      if (weight > limit) return false;
      return conditional(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: Keys.rateWindow(keyId, windowStart),
            UpdateExpression: "ADD #n :w SET #ttl = :ttl",
            ConditionExpression: "attribute_not_exists(#n) OR #n <= :max",
            ExpressionAttributeNames: { "#n": "count", "#ttl": "ttl" },
            ExpressionAttributeValues: { ":w": weight, ":max": limit - weight, ":ttl": windowStart + windowSeconds + 60 },
          }),
        ),
      );
    },

    /**
     * Open progress streams of a key, one item each, expiring on their own (a stream whose process died
     * stops counting at its end time). Two streams opened at the same instant may both pass the count.
     */
    async openStream(keyId: string, streamId: string, expiresAt: number, max: number, now: number): Promise<boolean> {
      const open = await queryCount(db, {
        KeyConditionExpression: "pk = :pk",
        FilterExpression: "expires_at > :now",
        ExpressionAttributeValues: { ":pk": Keys.streamPartition(keyId), ":now": now },
      });
      if (open >= max) return false;
      await db.doc.send(
        new PutCommand({ TableName: db.table, Item: { ...Keys.stream(keyId, streamId), expires_at: expiresAt, ttl: Math.ceil(expiresAt / 1000) + 60 } }),
      );
      return true;
    },

    async closeStream(keyId: string, streamId: string) {
      await db.doc.send(new DeleteCommand({ TableName: db.table, Key: Keys.stream(keyId, streamId) }));
    },

    /**
     * `api_calls` are counted once, on the day's activity item (issue 31: one write per request, not
     * two): `api_calls` there is the daily history, and `month_api_calls` the same count for the month,
     * which `usage` adds up over the month's days. Months counted before this (on the month's `USAGE#`
     * item as well) keep that figure: `usage` adds the two, and a day counted the old way has no
     * `month_api_calls`, so no call is counted twice.
     */
    async countApiCall(tenantId: string, day: string, calls = 1) {
      await db.doc.send(
        new UpdateCommand({
          ...activityUpdate(db, tenantId, day, { api_calls: calls }),
          UpdateExpression: "ADD api_calls :n, month_api_calls :n",
          ExpressionAttributeValues: { ":n": calls },
        }),
      );
    },

    async usage(tenantId: string, month: string): Promise<Usage> {
      const [res, days] = await Promise.all([monthItem(db, tenantId, month), monthApiCalls(db, tenantId, month)]);
      return { ...quotaOf(month, res), api_calls: ((res?.api_calls as number) ?? 0) + days };
    },

    quota: async (tenantId: string, month: string) => quotaOf(month, await monthItem(db, tenantId, month)),
  }) satisfies Store["tenants"];

export type TenantStore = ReturnType<typeof createTenantStore>;
