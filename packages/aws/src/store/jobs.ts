import { randomUUID } from "node:crypto";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Job, JobStatus, Recipient } from "@outreach/core/job";
import type { WaitingReason } from "@outreach/core/pacing";
import type { Store } from "@outreach/core/port";
import type { SlotState } from "@outreach/core/session";
import { ACTIVE, activeEntryPut, listActive, listJobs } from "./active-jobs";
import { conditional, type Db, type Item, type PageRequest, queryAll, queryPage, strip, transact, whenHolds } from "./db";
import { INDEX, Keys, PREFIX } from "./keys";

export const jobKey = Keys.job;
export const usageKey = Keys.usage;

/** The usage item keeps `committed` = sent + reserved, so a reservation is one conditional ADD. */
export const reserveUpdate = (db: Db, tenantId: string, month: string, n: number, limit: number | null) => ({
  Update: {
    TableName: db.table,
    Key: usageKey(tenantId, month),
    UpdateExpression: "ADD reserved_messages :n, committed :n",
    ...(limit === null
      ? {}
      : { ConditionExpression: "attribute_not_exists(committed) OR committed <= :max", ExpressionAttributeValues: { ":n": n, ":max": limit - n } }),
    ...(limit === null ? { ExpressionAttributeValues: { ":n": n } } : {}),
  },
});

/**
 * Conditional state change: applies `set` only when the job is in one of `from` (and, if given, at
 * `epoch`). Returns the new job, or undefined when the condition did not hold. Active jobs are listed
 * for the reconciler by entries of their own (`active-jobs.ts`).
 */
const transitionOf =
  (db: Db) =>
  async (
    tenantId: string,
    id: string,
    from: JobStatus[],
    set: Partial<Job>,
    opts: { epoch?: number; bumpEpoch?: boolean; extraCondition?: string; extraValues?: Item } = {},
  ): Promise<Job | undefined> => {
    const names: Record<string, string> = { "#status": "status" };
    const values: Item = {};
    const sets: string[] = [];
    const removes: string[] = [];
    Object.entries(set).forEach(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:v${i}`] = v;
      sets.push(`#f${i} = :v${i}`);
    });
    // A job item listed itself before the list had entries of its own: it leaves the list with its state.
    if (set.status && !ACTIVE.includes(set.status)) removes.push(INDEX.pk, INDEX.sk);
    // A job that may become active again has its entry first (a refused change leaves one that the next look drops).
    if (set.status && ACTIVE.includes(set.status) && from.some((s) => !ACTIVE.includes(s)))
      await db.doc.send(new PutCommand(activeEntryPut(db, tenantId, id, `${new Date().toISOString()}#${randomUUID()}`)));
    from.forEach((s, i) => {
      values[`:from${i}`] = s;
    });
    let cond = `#status IN (${from.map((_, i) => `:from${i}`).join(", ")})`;
    if (opts.epoch !== undefined) {
      cond += " AND plan_epoch = :epoch";
      values[":epoch"] = opts.epoch;
    }
    if (opts.extraCondition) cond += ` AND ${opts.extraCondition}`;
    Object.assign(values, opts.extraValues ?? {});
    let expr = sets.length ? `SET ${sets.join(", ")}` : "";
    if (opts.bumpEpoch) {
      expr += " ADD plan_epoch :one";
      values[":one"] = 1;
    }
    if (removes.length) expr += ` REMOVE ${removes.join(", ")}`;
    const res = await whenHolds(
      db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: jobKey(tenantId, id),
          UpdateExpression: expr.trim(),
          ConditionExpression: cond,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      ),
    );
    return res?.Attributes ? strip<Job>(res.Attributes) : undefined;
  };

/** Bulk-send jobs: creation with quota reservation, state transitions, listing. */
export const createJobStore = (db: Db) => {
  const transition = transitionOf(db);
  return {
    /** Puts the job and reserves `reserve` messages of the month in one transaction. */
    async create(job: Job, reserve: number, limit: number | null): Promise<"ok" | "quota" | "exists"> {
      if (limit !== null && reserve > limit) return "quota";
      const res = await transact(db, [
        {
          Put: {
            TableName: db.table,
            Item: { ...jobKey(job.tenant_id, job.id), ...job },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        { Put: activeEntryPut(db, job.tenant_id, job.id, job.created_at) },
        ...(reserve > 0 ? [reserveUpdate(db, job.tenant_id, job.quota_month, reserve, limit)] : []),
      ]);
      if (res.ok) return "ok";
      return res.failed.includes(0) ? "exists" : "quota";
    },

    /** A single message's job, its one recipient and the month's reservation of one message, in one transaction. */
    async createMessage(job: Job, recipient: Recipient, limit: number | null): Promise<"ok" | "quota" | "exists"> {
      if (limit !== null && limit < 1) return "quota";
      const res = await transact(db, [
        {
          Put: {
            TableName: db.table,
            Item: { ...jobKey(job.tenant_id, job.id), ...job },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        { Put: activeEntryPut(db, job.tenant_id, job.id, job.created_at) },
        { Put: { TableName: db.table, Item: { ...Keys.recipient(job.id, recipient.phone), ...recipient, ...(job.ttl ? { ttl: job.ttl } : {}) } } },
        reserveUpdate(db, job.tenant_id, job.quota_month, 1, limit),
      ]);
      if (res.ok) return "ok";
      return res.failed.includes(0) ? "exists" : "quota";
    },

    async get(tenantId: string, id: string, consistent = false): Promise<Job | undefined> {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: jobKey(tenantId, id), ConsistentRead: consistent }));
      return res.Item ? strip<Job>(res.Item) : undefined;
    },

    list: (tenantId: string, status: JobStatus | undefined, page: PageRequest, opts: { excludeOrigins?: Job["origin"][] } = {}) =>
      queryPage(
        db,
        {
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :b)",
          ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":b": PREFIX.job },
          ScanIndexForward: false,
        },
        page,
        (i) => ((status && i.status !== status) || opts.excludeOrigins?.includes(i.origin as Job["origin"]) ? undefined : strip<Job>(i)),
      ),

    /** Jobs created in [from, to), for reports. */
    async createdBetween(tenantId: string, fromId: string, toId: string): Promise<Job[]> {
      const out: Job[] = [];
      for await (const i of queryAll(db, {
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :a AND :b",
        ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":a": jobKey(tenantId, fromId).sk, ":b": jobKey(tenantId, toId).sk },
      }))
        out.push(strip<Job>(i));
      return out;
    },

    /** Every active job (pending, running, paused), for the reconciler. */
    active: () => listActive(db),

    /** The active jobs and the ended ones that still count pending recipients (claims a cancel left to be recorded). */
    listed: () => listJobs(db),

    /**
     * Conditional state change: applies `set` only when the job is in one of `from` (and, if given, at
     * `epoch`). Returns the new job, or undefined when the condition did not hold.
     */
    async transition(
      tenantId: string,
      id: string,
      from: JobStatus[],
      set: Partial<Job>,
      opts: { epoch?: number; bumpEpoch?: boolean } = {},
    ): Promise<Job | undefined> {
      return transition(tenantId, id, from, set, opts);
    },

    /** Completes a running job once nothing is pending and its snapshot is settled; undefined when it is not drained. */
    completeIfDrained: (tenantId: string, id: string, at: string) =>
      transition(
        tenantId,
        id,
        ["running"],
        { status: "completed", completed_at: at },
        {
          extraCondition: "pending_count = :zero AND snapshot_settled = :yes",
          extraValues: { ":zero": 0, ":yes": true },
        },
      ),

    /** Settles a job's snapshot once (any status): its total and the quota it still holds. */
    settleSnapshot: (tenantId: string, id: string, set: Pick<Job, "total_recipients" | "quota_held">) =>
      transition(
        tenantId,
        id,
        ["pending", "running", "paused", "cancelled", "completed", "failed"],
        { ...set, snapshot_settled: true },
        {
          extraCondition: "attribute_not_exists(snapshot_settled)",
        },
      ),

    /** Moves the planning cursor forward, only from where this planner started (a redelivered plan message is a no-op). */
    async advanceCursor(
      tenantId: string,
      id: string,
      epoch: number,
      from: string | null,
      plan: {
        to: string | null;
        done: boolean;
        watchAt: number;
        slots?: SlotState;
        pace?: Job["pace"];
        waiting?: { reason: WaitingReason; at: number | null } | null;
      },
    ): Promise<boolean> {
      const sets = ["plan_cursor = :to", "plan_done = :done", "watch_at = :watch"];
      const values: Item = {
        ":to": plan.to,
        ":done": plan.done,
        ":e": epoch,
        ":watch": plan.watchAt,
        ...(from === null ? { ":null": null } : { ":from": from }),
      };
      if (plan.slots) {
        sets.push("plan_slots = :slots");
        values[":slots"] = plan.slots;
      }
      if (plan.pace) {
        sets.push("pace = :pace");
        values[":pace"] = plan.pace;
      }
      if (plan.waiting !== undefined) {
        sets.push("waiting_reason = :wr", "next_send_at = :wa");
        values[":wr"] = plan.waiting?.reason ?? null;
        values[":wa"] = plan.waiting?.at ?? null;
      }
      return conditional(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: jobKey(tenantId, id),
            UpdateExpression: `SET ${sets.join(", ")}`,
            ConditionExpression: `plan_epoch = :e AND ${from === null ? "(attribute_not_exists(plan_cursor) OR plan_cursor = :null)" : "plan_cursor = :from"}`,
            ExpressionAttributeValues: values,
          }),
        ),
      );
    },

    async setWaiting(tenantId: string, id: string, reason: WaitingReason | null, at: number | null) {
      await conditional(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: jobKey(tenantId, id),
            UpdateExpression: "SET waiting_reason = :r, next_send_at = :a",
            ConditionExpression: "#status = :running",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":r": reason, ":a": at, ":running": "running" },
          }),
        ),
      );
    },
    /** Releases `n` reserved messages that will not be sent (used when a reservation could not be used at all). */
    async releaseQuota(tenantId: string, month: string, n: number) {
      if (n <= 0) return;
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: usageKey(tenantId, month),
          UpdateExpression: "ADD reserved_messages :m, committed :m",
          ExpressionAttributeValues: { ":m": -n },
        }),
      );
    },

    async reserveQuota(tenantId: string, month: string, n: number, limit: number | null): Promise<boolean> {
      if (n <= 0) return true;
      if (limit !== null && n > limit) return false;
      const res = await transact(db, [reserveUpdate(db, tenantId, month, n, limit)]);
      return res.ok;
    },
  } satisfies Store["jobs"];
};

export type JobStore = ReturnType<typeof createJobStore>;
