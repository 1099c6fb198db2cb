import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { SandboxMessage } from "@outreach/core/sandbox";
import { batchWrite, type Db, queryAll, strip } from "./db";
import { Keys } from "./keys";

/**
 * The sandbox transport's outbox. Each message is written here before the send is acknowledged,
 * so a crash test can count exactly what went out. Local only; one partition is plenty.
 */
export const createSandboxStore = (db: Db) => ({
  async record(m: SandboxMessage, seq: string) {
    await db.doc.send(new PutCommand({ TableName: db.table, Item: { ...Keys.sandboxMessage(m.sent_at, seq), ...m } }));
  },

  /** Writes the messages again with their new status (whole items, 25 per request). */
  async setStatuses(updates: { m: SandboxMessage; seq: string }[]) {
    await batchWrite(
      db,
      updates.map(({ m, seq }) => ({ put: { ...Keys.sandboxMessage(m.sent_at, seq), ...m } })),
    );
  },

  async list(filter: { to?: string; session_id?: string }): Promise<SandboxMessage[]> {
    const out: SandboxMessage[] = [];
    for await (const i of queryAll(db, {
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": Keys.sandboxPartition },
      ConsistentRead: true,
    })) {
      const m = strip<SandboxMessage>(i);
      if (filter.to && m.to !== filter.to) continue;
      if (filter.session_id && m.session_id !== filter.session_id) continue;
      out.push(m);
    }
    return out;
  },
});

export type { SandboxMessage };
export type SandboxStore = ReturnType<typeof createSandboxStore>;
