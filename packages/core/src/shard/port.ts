/** A worker's heartbeat: it is live while `expires_at` is ahead (the fleet balances shards over the live ones). */
export interface WorkerBeat {
  /** The worker's owner id in leases. */
  id: string;
  /** Its process id (local workers; 1 in a container). */
  pid: number;
  /** Shards it holds the lease of. */
  shards: number[];
  /** Sessions it hosts. */
  sessions: number;
  started_at: string;
  expires_at: number;
}

/** A shard's lease: one owner at a time, taken over only after it expired. */
export interface ShardLease {
  shard: number;
  owner: string;
  expires_at: number;
}

export interface FleetRepo {
  /** Writes the worker's heartbeat (kept a day past expiry, then removed by TTL). */
  beat(w: WorkerBeat): Promise<void>;
  /** The worker stopped: it is no longer counted. */
  leave(workerId: string): Promise<void>;
  /** Every heartbeat (live or not) and every shard lease, read consistently in one query. */
  state(): Promise<{ workers: WorkerBeat[]; leases: ShardLease[] }>;
  /** Takes or renews a shard's lease; another owner's lease is taken only after it expired. */
  acquireShard(shard: number, owner: string, now: number, ttlMs: number): Promise<boolean>;
  releaseShard(shard: number, owner: string): Promise<void>;
}
