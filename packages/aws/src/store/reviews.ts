import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Collector, CollectorPatch, Review, ReviewPatch, ReviewRepo } from "@outreach/core/review";
import { createCounted, uncount } from "./counted";
import { batchWrite, conditional, type Db, type Item, onIndex, queryAll, queryPage, strip, transact, whenHolds } from "./db";
import { INDEX, Keys, Lists, PREFIX } from "./keys";

const collectorOf = (i: Item): Collector => strip<Collector>(i);
const reviewOf = (i: Item): Review => strip<Review>(i);

const setExpression = (patch: Record<string, unknown>, at?: string) => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  if (at) {
    sets.push("updated_at = :at");
    values[":at"] = at;
  }
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    sets.push(`#${k} = :${k}`);
  }
  return { sets, names, values };
};

/**
 * Review collectors (`T#<tenant>` · `RCOL#<id>`) and reviews (`T#<tenant>` · `REVIEW#<id>`; the id is
 * derived from the collector and the WhatsApp message, so a message becomes a collector's review
 * once), each review also listed under its collector in the index for deleting them with it.
 */
export const createReviewStore = (db: Db): ReviewRepo => {
  const reviews = (tenantId: string) => ({
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
    ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":p": PREFIX.review },
    ScanIndexForward: false,
  });
  return {
    async createCollector(c, limit) {
      const res = await createCounted(db, c.tenant_id, "collector_count", limit, [
        { Put: { TableName: db.table, Item: { ...Keys.collector(c.tenant_id, c.id), ...c }, ConditionExpression: "attribute_not_exists(pk)" } },
      ]);
      return res.ok ? "ok" : "limit";
    },

    async getCollector(tenantId, id) {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.collector(tenantId, id), ConsistentRead: true }));
      return res.Item ? collectorOf(res.Item) : undefined;
    },

    async listCollectors(tenantId) {
      const out: Collector[] = [];
      for await (const i of queryAll(db, {
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":p": PREFIX.collector },
      }))
        out.push(collectorOf(i));
      return out;
    },

    async updateCollector(tenantId, id, patch: CollectorPatch & { last_run_at?: string }, at) {
      const { sets, names, values } = setExpression(patch, at);
      const res = await whenHolds(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: Keys.collector(tenantId, id),
            UpdateExpression: `SET ${sets.join(", ")}`,
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
            ExpressionAttributeValues: values,
            ReturnValues: "ALL_NEW",
          }),
        ),
      );
      return res?.Attributes ? collectorOf(res.Attributes) : undefined;
    },

    removeCollector: async (tenantId, id) =>
      (
        await transact(db, [
          { Delete: { TableName: db.table, Key: Keys.collector(tenantId, id), ConditionExpression: "attribute_exists(pk)" } },
          uncount(db, tenantId, "collector_count"),
        ])
      ).ok,

    async countScan(tenantId, id, n) {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ":s": n.scanned, ":r": n.reviews, ":zero": 0 };
      const sets: string[] = [];
      for (const [i, [reason, count]] of Object.entries(n.skipped).entries()) {
        names[`#k${i}`] = reason;
        values[`:k${i}`] = count;
        sets.push(`skipped.#k${i} = if_not_exists(skipped.#k${i}, :zero) + :k${i}`);
      }
      if (sets.length === 0) delete values[":zero"];
      await whenHolds(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: Keys.collector(tenantId, id),
            UpdateExpression: `ADD scanned_count :s, review_count :r${sets.length ? ` SET ${sets.join(", ")}` : ""}`,
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeNames: sets.length ? names : undefined,
            ExpressionAttributeValues: values,
          }),
        ),
      );
    },

    put: (r) =>
      conditional(
        db.doc.send(
          new PutCommand({
            TableName: db.table,
            Item: { ...Keys.review(r.tenant_id, r.id), ...Lists.collectorReview(r.tenant_id, r.collector_id, r.id), ...r },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        ),
      ),

    async get(tenantId, id) {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.review(tenantId, id) }));
      return res.Item ? reviewOf(res.Item) : undefined;
    },

    list: (tenantId, page, keep) =>
      queryPage(db, reviews(tenantId), page, (i) => {
        const r = reviewOf(i);
        return keep(r) ? r : undefined;
      }),

    async *all(tenantId) {
      for await (const i of queryAll(db, reviews(tenantId))) yield reviewOf(i);
    },

    async update(tenantId, id, patch: ReviewPatch) {
      const { sets, names, values } = setExpression(patch);
      if (sets.length === 0) return this.get(tenantId, id);
      const res = await whenHolds(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: Keys.review(tenantId, id),
            UpdateExpression: `SET ${sets.join(", ")}`,
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: "ALL_NEW",
          }),
        ),
      );
      return res?.Attributes ? reviewOf(res.Attributes) : undefined;
    },

    async remove(tenantId, id) {
      const res = await whenHolds(
        db.doc.send(
          new DeleteCommand({ TableName: db.table, Key: Keys.review(tenantId, id), ConditionExpression: "attribute_exists(pk)", ReturnValues: "ALL_OLD" }),
        ),
      );
      return res?.Attributes ? reviewOf(res.Attributes) : undefined;
    },

    async purge(tenantId, collectorId, max) {
      const res = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          ...onIndex,
          KeyConditionExpression: "#ipk = :p",
          ExpressionAttributeNames: { "#ipk": INDEX.pk },
          ExpressionAttributeValues: { ":p": Lists.collectorReviews(tenantId, collectorId) },
          ProjectionExpression: "pk, sk",
          Limit: Math.min(max, 1000),
        }),
      );
      const keys = (res.Items ?? []).map((i) => ({ pk: i.pk, sk: i.sk }));
      await batchWrite(
        db,
        keys.map((k) => ({ delete: k })),
      );
      return keys.length;
    },
  };
};
