import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { FleetRepo, ShardLease, WorkerBeat } from "@outreach/core/shard";
import { type Db, queryAll, strip } from "./db";
import { Keys, PREFIX } from "./keys";
import { releaseLease, takeLease } from "./leases";
import { TTL_ATTRIBUTE } from "./table";

/**
 * The worker fleet's items, in one small partition: a heartbeat per worker and a lease per shard
 * (both tiny; a round reads them all with one query).
 */
export const createFleetStore = (db: Db): FleetRepo => ({
  async beat(w: WorkerBeat) {
    await db.doc.send(new PutCommand({ TableName: db.table, Item: { ...Keys.worker(w.id), ...w, [TTL_ATTRIBUTE]: Math.ceil(w.expires_at / 1000) + 86_400 } }));
  },

  async leave(workerId: string) {
    await db.doc.send(new DeleteCommand({ TableName: db.table, Key: Keys.worker(workerId) }));
  },

  async state() {
    const workers: WorkerBeat[] = [];
    const leases: ShardLease[] = [];
    for await (const i of queryAll(db, {
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": Keys.fleetPartition },
      ConsistentRead: true,
    })) {
      const sk = i.sk as string;
      const item = strip<Record<string, unknown>>(i);
      if (sk.startsWith(PREFIX.worker)) workers.push(item as unknown as WorkerBeat);
      else if (sk.startsWith(PREFIX.shard)) leases.push(item as unknown as ShardLease);
    }
    return { workers, leases };
  },

  acquireShard: (shard: number, owner: string, now: number, ttlMs: number) => takeLease(db, Keys.shard(shard), owner, now, ttlMs, { shard }),

  releaseShard: (shard: number, owner: string) => releaseLease(db, Keys.shard(shard), owner),
});
