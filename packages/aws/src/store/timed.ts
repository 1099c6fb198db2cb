import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ScheduleStatus, TimedRecord, TimerKind } from "@outreach/core/schedule";
import { conditional, type Db, deleteMatching, type Item, onIndex, type PageRequest, queryAll, queryPage, statusIn, strip, transact } from "./db";
import { INDEX, Keys, Lists, PREFIX } from "./keys";

/** The sparse `TIMERS` list holds every active record with a next run, ordered by that instant. */
const timerIndex = (kind: TimerKind, r: Pick<TimedRecord, "tenant_id" | "id" | "status" | "next_run_at">) =>
  r.status === "active" && r.next_run_at ? Lists.timer(kind, r.tenant_id, r.id, r.next_run_at) : {};

/**
 * Records that run on a recurrence (scheduled messages, reports): conditional updates keyed on the
 * expected status and next run, so a fire, a pause and a PATCH never overwrite each other.
 */
export const createTimedStore = <T extends TimedRecord>(db: Db, kind: TimerKind) => {
  const key = (tenantId: string, id: string) => Keys.timed(kind, tenantId, id);
  const counter = (tenantId: string, delta: number, limit?: number | null) => ({
    Update: {
      TableName: db.table,
      Key: Keys.tenant(tenantId),
      UpdateExpression: "ADD #c :d",
      ConditionExpression:
        limit === undefined || limit === null ? "attribute_exists(pk)" : "attribute_exists(pk) AND (attribute_not_exists(#c) OR #c < :limit)",
      ExpressionAttributeNames: { "#c": `${kind}_count` },
      ExpressionAttributeValues: limit === undefined || limit === null ? { ":d": delta } : { ":d": delta, ":limit": limit },
    },
  });
  return {
    /** Creates the record counted against the tenant's `<kind>_count` limit, in one transaction. */
    async createCounted(r: T, limit: number | null): Promise<"ok" | "limit"> {
      const res = await transact(db, [
        counter(r.tenant_id, 1, limit),
        { Put: { TableName: db.table, Item: { ...key(r.tenant_id, r.id), ...r, ...timerIndex(kind, r) }, ConditionExpression: "attribute_not_exists(pk)" } },
      ]);
      return res.ok ? "ok" : "limit";
    },

    /** Deletes a counted record and frees its place in the plan. */
    async deleteCounted(tenantId: string, id: string): Promise<boolean> {
      const res = await transact(db, [
        { Delete: { TableName: db.table, Key: key(tenantId, id), ConditionExpression: "attribute_exists(pk)" } },
        counter(tenantId, -1),
      ]);
      return res.ok;
    },

    async create(r: T) {
      await db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...key(r.tenant_id, r.id), ...r, ...timerIndex(kind, r) },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    },

    async get(tenantId: string, id: string): Promise<T | undefined> {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: key(tenantId, id), ConsistentRead: true }));
      return res.Item ? strip<T>(res.Item) : undefined;
    },

    list: (tenantId: string, page: PageRequest) =>
      queryPage(
        db,
        {
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
          ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":p": PREFIX[kind] },
          ScanIndexForward: false,
        },
        page,
        (i) => strip<T>(i),
      ),

    /**
     * Replaces the record if it is still in one of `from` (and, when given, still due at `nextRunAt`).
     * Returns false when someone else changed it first.
     */
    async replace(next: T, cond: { from: ScheduleStatus[]; nextRunAt?: string | null }): Promise<boolean> {
      const status = statusIn(cond.from);
      let expr = `attribute_exists(pk) AND ${status.expr}`;
      const values: Item = { ...status.values };
      if (cond.nextRunAt !== undefined) {
        expr += " AND next_run_at = :due";
        values[":due"] = cond.nextRunAt;
      }
      return conditional(
        db.doc.send(
          new PutCommand({
            TableName: db.table,
            Item: { ...key(next.tenant_id, next.id), ...next, ...timerIndex(kind, next) },
            ConditionExpression: expr,
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: values,
          }),
        ),
      );
    },

    delete(tenantId: string, id: string, from: ScheduleStatus[]): Promise<boolean> {
      const status = statusIn(from);
      return conditional(
        db.doc.send(
          new DeleteCommand({
            TableName: db.table,
            Key: key(tenantId, id),
            ConditionExpression: status.expr,
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: status.values,
          }),
        ),
      );
    },
  };
};

/** Every armed record due before `beforeIso` (or all when omitted), of both kinds, oldest first. */
export const timersDue = async (db: Db, beforeIso?: string) => {
  const out: { kind: TimerKind; tenant_id: string; id: string; next_run_at: string }[] = [];
  for await (const i of queryAll(db, {
    ...onIndex,
    KeyConditionExpression: beforeIso ? "#ipk = :t AND #isk < :b" : "#ipk = :t",
    ExpressionAttributeNames: beforeIso ? { "#ipk": INDEX.pk, "#isk": INDEX.sk } : { "#ipk": INDEX.pk },
    ExpressionAttributeValues: beforeIso ? { ":t": Lists.timers, ":b": beforeIso } : { ":t": Lists.timers },
  })) {
    const t = Lists.parseTimer(i[INDEX.sk] as string);
    if (t) out.push(t);
  }
  return out;
};

/** Run history of a scheduled message or report, one item per run time. */
export const createRunStore = <R extends { run_at: string }>(db: Db, kind: TimerKind) => ({
  /** Records the run if it is the first for this run time; returns the existing run otherwise. */
  async claim(parentId: string, run: R): Promise<{ first: boolean; run: R }> {
    const first = await conditional(
      db.doc.send(
        new PutCommand({
          TableName: db.table,
          Item: { ...Keys.run(kind, parentId, run.run_at), ...run },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
    if (first) return { first, run };
    const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.run(kind, parentId, run.run_at), ConsistentRead: true }));
    return { first: false, run: strip<R>(res.Item ?? {}) };
  },

  async update(parentId: string, runAt: string, patch: Partial<R>) {
    const entries = Object.entries(patch);
    await db.doc.send(
      new UpdateCommand({
        TableName: db.table,
        Key: Keys.run(kind, parentId, runAt),
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(", ")}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
      }),
    );
  },

  list: (parentId: string, page: PageRequest) =>
    queryPage(
      db,
      {
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :r)",
        ExpressionAttributeValues: { ":pk": Keys.runPartition(kind, parentId), ":r": PREFIX.run },
        ScanIndexForward: false,
      },
      page,
      (i) => strip<R>(i),
    ),

  /** Deletes up to `max` runs of a deleted record; returns how many it deleted. */
  purge: (parentId: string, max: number) =>
    deleteMatching(db, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": Keys.runPartition(kind, parentId) } }, max),

  async latest(parentId: string, n: number): Promise<R[]> {
    const res = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :r)",
        ExpressionAttributeValues: { ":pk": Keys.runPartition(kind, parentId), ":r": PREFIX.run },
        ScanIndexForward: false,
        Limit: n,
      }),
    );
    return (res.Items ?? []).map((i) => strip<R>(i));
  },
});
