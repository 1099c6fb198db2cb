import { createHash } from "node:crypto";
import type { Store } from "../port/store";

export type { FleetRepo, ShardLease, WorkerBeat } from "./port";

/**
 * Sessions belong to shards: a session's shard is `hash(session id) mod K`, the same in every process
 * (SHA-256's first four bytes, so it never depends on the runtime). Each shard has its own sends queue,
 * and a worker hosts the sessions of the shards it holds the lease of.
 */
export const shardOf = (sessionId: string, shards: number): number => {
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`the shard count must be a whole number ≥ 1; got ${shards}`);
  return createHash("sha256").update(sessionId).digest().readUInt32BE(0) % shards;
};

/** Default shards per stage (`OUTREACH_SHARDS`); changing it is a migration (docs/deploying-to-aws.md "Scaling"). */
export const DEFAULT_SHARDS = 8;
/** The most a stage may have: each shard is a queue every worker may poll. */
export const MAX_SHARDS = 64;

/** Reads a configured shard count, with a message a person can act on. */
export const parseShards = (raw: string | undefined, name = "OUTREACH_SHARDS"): number => {
  if (raw === undefined || raw.trim() === "") return DEFAULT_SHARDS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SHARDS) throw new Error(`${name} must be a whole number from 1 to ${MAX_SHARDS}; got "${raw}"`);
  return n;
};

/**
 * The live workers and what each holds, as `/health` shows them (ids, shard numbers and session
 * counts only: nothing of any tenant).
 */
export const fleetStatus = async (d: { store: Pick<Store, "fleet"> }, now: number) => {
  const { workers } = await d.store.fleet.state();
  return (
    workers
      .filter((w) => w.expires_at > now)
      .sort((a, b) => a.id.localeCompare(b.id))
      // Unauthenticated (`/health`): the workers and their shards, nothing about tenants' sessions.
      .map((w) => ({ id: w.id, shards: w.shards }))
  );
};
