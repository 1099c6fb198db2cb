import { randomBytes } from "node:crypto";
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { PacingPolicy } from "@outreach/core/pacing";
import type { SessionStatus, Store } from "@outreach/core/port";
import type { Session, SessionDay } from "@outreach/core/session";
import { forgetContact } from "./contacts";
import { createCounted, uncount } from "./counted";
import { batchGet, conditional, type Db, deleteMatching, type Item, onIndex, queryAll, strip, transact, whenHolds } from "./db";
import { INDEX, Keys, Lists, PREFIX } from "./keys";
import { releaseLease, takeLease } from "./leases";

const key = Keys.session;

export interface SessionStatusEvent {
  at: string;
  status: SessionStatus;
  reason: string | null;
}

/**
 * Sessions: desired and actual state, QR and pairing code, the pacing policy, what each day
 * really sent (`DAY#` items, written with the send records), status history (for session_health) and the single-owner lease.
 */
export const createSessionStore = (db: Db) =>
  ({
    async create(s: Session, limit: number | null): Promise<"ok" | "limit"> {
      const res = await createCounted(db, s.tenant_id, "session_count", limit, [
        {
          Put: {
            TableName: db.table,
            Item: { ...key(s.tenant_id, s.id), ...Lists.session(s.tenant_id, s.id), ...s },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
      ]);
      return res.ok ? "ok" : "limit";
    },

    async get(tenantId: string, id: string, consistent = false): Promise<Session | undefined> {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: key(tenantId, id), ConsistentRead: consistent }));
      return res.Item ? strip<Session>(res.Item) : undefined;
    },

    async list(tenantId: string): Promise<Session[]> {
      const out: Session[] = [];
      for await (const i of queryAll(db, {
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :s)",
        ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":s": PREFIX.session },
      }))
        out.push(strip<Session>(i));
      return out;
    },

    /** Every session of every tenant (the session host's view; sessions are few). */
    async all(): Promise<Session[]> {
      const out: Session[] = [];
      for await (const i of queryAll(db, {
        ...onIndex,
        KeyConditionExpression: "#ipk = :p",
        ExpressionAttributeNames: { "#ipk": INDEX.pk },
        ExpressionAttributeValues: { ":p": Lists.sessions },
      }))
        out.push(strip<Session>(i));
      return out;
    },

    async setDesired(tenantId: string, id: string, desired: Session["desired"], now: string) {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.table,
          Key: key(tenantId, id),
          UpdateExpression: "SET desired = :d, updated_at = :now",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":d": desired, ":now": now },
        }),
      );
    },

    /** Writes the actual state and records the transition for session_health when the status changes. */
    async setStatus(
      tenantId: string,
      id: string,
      patch: {
        status: SessionStatus;
        reason?: string | null;
        phone?: string;
        qr?: string | null;
        qr_png_data_url?: string | null;
        pairing_code?: string | null;
      },
      now: string,
    ): Promise<{ before: SessionStatus | null } | undefined> {
      const sets = ["#status = :status", "status_reason = :reason", "updated_at = :now"];
      const values: Item = { ":status": patch.status, ":reason": patch.reason ?? null, ":now": now };
      // The warm-up counts days from the first time the number worked.
      if (patch.status === "working") {
        sets.push("paired_at = if_not_exists(paired_at, :paired)");
        values[":paired"] = Date.parse(now);
      }
      for (const f of ["phone", "qr", "qr_png_data_url", "pairing_code"] as const) {
        if (patch[f] !== undefined) {
          sets.push(`${f} = :${f}`);
          values[`:${f}`] = patch[f];
        }
      }
      const res = await whenHolds(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: key(tenantId, id),
            UpdateExpression: `SET ${sets.join(", ")}`,
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: values,
            ReturnValues: "UPDATED_OLD",
          }),
        ),
      );
      if (!res) return undefined;
      const before = (res.Attributes?.status as SessionStatus | undefined) ?? null;
      if (before !== patch.status || (patch.reason && res.Attributes?.status_reason !== patch.reason)) {
        await db.doc.send(
          new PutCommand({
            TableName: db.table,
            Item: {
              ...Keys.statusEvent(id, now, randomBytes(3).toString("hex")),
              at: now,
              status: patch.status,
              reason: patch.reason ?? null,
              ttl: Math.floor(Date.parse(now) / 1000) + 90 * 86400,
            },
          }),
        );
      }
      return { before };
    },

    async statusEvents(sessionId: string, fromIso: string, toIso: string): Promise<SessionStatusEvent[]> {
      const out: SessionStatusEvent[] = [];
      for await (const i of queryAll(db, {
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :a AND :b",
        ExpressionAttributeValues: { ":pk": Keys.sessionPartition(sessionId), ":a": `${PREFIX.statusEvent}${fromIso}`, ":b": `${PREFIX.statusEvent}${toIso}~` },
      }))
        out.push({ at: i.at as string, status: i.status as SessionStatus, reason: (i.reason as string | null) ?? null });
      return out;
    },

    /** The last status transition before `beforeIso` (the state a period starts in). */
    async statusBefore(sessionId: string, beforeIso: string): Promise<SessionStatusEvent | undefined> {
      const res = await db.doc.send(
        new QueryCommand({
          TableName: db.table,
          KeyConditionExpression: "pk = :pk AND sk < :b",
          ExpressionAttributeValues: { ":pk": Keys.sessionPartition(sessionId), ":b": `${PREFIX.statusEvent}${beforeIso}` },
          ScanIndexForward: false,
          Limit: 1,
        }),
      );
      const i = res.Items?.[0];
      return i ? { at: i.at as string, status: i.status as SessionStatus, reason: (i.reason as string | null) ?? null } : undefined;
    },

    async delete(tenantId: string, id: string): Promise<boolean> {
      const res = await transact(db, [
        { Delete: { TableName: db.table, Key: key(tenantId, id), ConditionExpression: "attribute_exists(pk)" } },
        uncount(db, tenantId, "session_count"),
      ]);
      return res.ok;
    },

    /**
     * Deletes up to `max` items a deleted session left: its status history, lease and auth state, the
     * WhatsApp groups it synced, and itself from its contacts. Returns how many it deleted (0: done).
     */
    async purge(tenantId: string, sessionId: string, max: number): Promise<number> {
      let n = await deleteMatching(db, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": Keys.sessionPartition(sessionId) } }, max);
      if (n < max) {
        n += await deleteMatching(
          db,
          {
            KeyConditionExpression: "pk = :pk AND begins_with(sk, :w)",
            ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":w": PREFIX.waGroup(sessionId) },
          },
          max - n,
        );
      }
      if (n < max) {
        for await (const c of queryAll(db, {
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :c)",
          FilterExpression: "contains(session_ids, :s)",
          ExpressionAttributeValues: { ":pk": Keys.tenantPartition(tenantId), ":c": PREFIX.contact, ":s": sessionId },
        })) {
          await forgetContact(db, tenantId, c.phone as string, { session_id: sessionId });
          if (++n >= max) break;
        }
      }
      return n;
    },

    async update(tenantId: string, id: string, patch: { name?: string; pacing?: PacingPolicy | null }, now: string): Promise<boolean> {
      const sets = ["updated_at = :now"];
      const values: Item = { ":now": now };
      if (patch.name !== undefined) {
        sets.push("#name = :name");
        values[":name"] = patch.name;
      }
      if (patch.pacing !== undefined) {
        sets.push("pacing = :p");
        values[":p"] = patch.pacing;
      }
      return conditional(
        db.doc.send(
          new UpdateCommand({
            TableName: db.table,
            Key: key(tenantId, id),
            UpdateExpression: `SET ${sets.join(", ")}`,
            ConditionExpression: "attribute_exists(pk)",
            ...(patch.name !== undefined ? { ExpressionAttributeNames: { "#name": "name" } } : {}),
            ExpressionAttributeValues: values,
          }),
        ),
      );
    },

    /** What the session sent on the day: its activity item, and the item an older version kept (both count). */
    async sentOn(tenantId: string, sessionId: string, day: string): Promise<SessionDay> {
      const items = await batchGet(db, [Keys.sessionActivity(tenantId, day, sessionId), Keys.sessionDay(sessionId, day)], { consistent: true });
      const lasts = items.map((i) => i.last_at).filter((v): v is number => typeof v === "number");
      return { count: items.reduce((n, i) => n + ((i.sent as number | undefined) ?? 0), 0), last_at: lasts.length ? Math.max(...lasts) : null };
    },

    /** Takes or renews the single-owner lease of a session; another owner's lease is taken only after it expired. */
    acquireLease: (sessionId: string, owner: string, now: number, ttlMs: number): Promise<boolean> => takeLease(db, Keys.lease(sessionId), owner, now, ttlMs),

    async leaseOf(sessionId: string) {
      const res = await db.doc.send(new GetCommand({ TableName: db.table, Key: Keys.lease(sessionId), ConsistentRead: true }));
      return res.Item ? { owner: res.Item.owner as string, expires_at: res.Item.expires_at as number } : undefined;
    },

    releaseLease: (sessionId: string, owner: string) => releaseLease(db, Keys.lease(sessionId), owner),
  }) satisfies Store["sessions"];

export type SessionStore = ReturnType<typeof createSessionStore>;
